// GoogleSQL -> DuckDB for one statement: the project's rewrites for polyglot's known gaps run
// before and after `@polyglot-sql/sdk` translates the statement.
import * as polyglot from '@polyglot-sql/sdk';
import { expandPartitionDate } from './rewrites/partition-pseudo-columns';
import { keepDateArithmeticDate } from './rewrites/date-arithmetic';
import { jsonLiteralsCanonical, jsonValueAsScalar } from './rewrites/json-value';
import { jsonPathsForDuckDb } from './rewrites/json-paths';
import { markBareSubscripts } from './rewrites/bare-subscripts';
import { sessionUserAsEmulatorUser } from './rewrites/session-user';
import { expandAggregates, markApproxTop, markArrayConcatAgg, markRespectNulls } from './rewrites/aggregate-fidelity';
import {
  concatPropagatesNull,
  countIfAsCount,
  expandFunctionFidelity,
  formatAsPrintf,
  markAggregateLimit,
  markArraySubscripts,
  markBitXorDistinct,
  markJsonQuery,
  md5AsBytes,
  regexpExtractGroups,
  substrPositionFromOne,
  castToStringAsBigQuery,
} from './rewrites/function-fidelity';
import { niladicCallsWithoutParentheses } from './rewrites/niladic-calls';
import { callsAsJsFunctions } from './rewrites/js-functions';
import { anonymousColumnsNamed } from './rewrites/anonymous-columns';
import { averageKeepsNumeric } from './rewrites/average-type';
import { expandJsonConstructors, markJsonConstructors } from './rewrites/json-constructors';
import { bytesLiteralsAsHex } from './rewrites/bytes-literals';
import { boolCastsAsBigQuery, castFormatRefused, namedWindowsResolved, octalEscapesDecoded, rangeTypeRefused, timestampLiteralOffsets } from './rewrites/cast-literal-fidelity';
import { floatLiteralsAsDouble } from './rewrites/float-literals';
import { usingColumnsFirst } from './rewrites/join-using';
import { arraySubqueryWithSetOperation, expandMissingFunctions, refuseMissingFunctions, supplyMissingFunctions } from './rewrites/missing-functions';
import { castToInt64Checked, divisionByZeroFails, expandRaisedErrors, subtractionsAsBigQuery } from './rewrites/raise-errors';
import { typedCastsAsBigQuery } from './rewrites/interval-values';
import { expandTimestampResults, formatPatterns, parseTime, timestampResults } from './rewrites/timestamp-results';
import { markSafeCalls, safeMarkerToTry } from './rewrites/safe-functions';
import { markTypeNames, placeholdersToDuckDb } from './rewrites/type-names';
import { regexpContainsPartial } from './rewrites/regexp-contains';
import { splitBacktickPaths } from './rewrites/backtick-paths';
import { dayOfWeekFromOne } from './rewrites/dayofweek';
import {
  approxQuantilesExact,
  castTextToBytesEncodes,
  expandDocumentedCalls,
  intervalRangeLiterals,
  jsonSubscripts,
  likeEscapesBackslash,
  markDocumentedCalls,
  nanComparisonRefused,
  refuseOrMarkDocumented,
  regexpSubstrAsExtract,
  unicodeEscapesDecoded,
} from './rewrites/documented-fidelity';
import { parenthesizeIntervalExpressions } from './rewrites/interval-expression';
import { timestampDiffTruncates } from './rewrites/timestamp-diff';
import { expandUnnest, markUnnest, offsetAsName } from './rewrites/unnest';
import { unpivotValuesFirst } from './rewrites/unpivot';
import { pivotColumnsNamed } from './rewrites/pivot-names';
import { refuseSamplingAndPrivacy } from './rewrites/sampling-privacy';
import { arraySelectAsValue, expandStructStars, markStructStars, refuseValueTables } from './rewrites/struct-star';
import { unionAllKeepsOrder } from './rewrites/union-order';
import { anonymousFieldNames, refuseDigitAliases } from './rewrites/struct-fields';
import { expandWeekNumber, markWeekNumber } from './rewrites/week-number';
import { isoWeekToDuckDb, weekTruncFromNamedDay } from './rewrites/week-trunc';
import { type StatementTemplate, type TranslatedTemplate, cutTranslation, fillTranslation } from './templates';
import { type Token, join, tokenize } from './tokens';
import { Lru } from '../lru';

export class TranslateError extends Error {}

let ready: Promise<void> | undefined;

export function initTranslator(): Promise<void> {
  ready ??= polyglot.init();
  return ready;
}

type Rewrite = (tokens: Token[]) => Token[];

const BEFORE: Rewrite[] = [
  anonymousColumnsNamed,
  splitBacktickPaths,
  unicodeEscapesDecoded,
  octalEscapesDecoded,
  rangeTypeRefused,
  namedWindowsResolved,
  castFormatRefused,
  timestampLiteralOffsets,
  jsonLiteralsCanonical,
  markJsonConstructors,
  averageKeepsNumeric,
  jsonSubscripts,
  jsonPathsForDuckDb,
  markApproxTop,
  markArrayConcatAgg,
  markRespectNulls,
  sessionUserAsEmulatorUser,
  refuseDigitAliases,
  refuseSamplingAndPrivacy,
  pivotColumnsNamed,
  refuseValueTables,
  markStructStars,
  arraySelectAsValue,
  nanComparisonRefused,
  intervalRangeLiterals,
  callsAsJsFunctions,
  markSafeCalls,
  refuseMissingFunctions,
  regexpSubstrAsExtract,
  refuseOrMarkDocumented,
  markDocumentedCalls,
  jsonValueAsScalar,
  countIfAsCount,
  formatAsPrintf,
  md5AsBytes,
  markJsonQuery,
  markBitXorDistinct,
  markAggregateLimit,
  markBareSubscripts,
  markArraySubscripts,
  concatPropagatesNull,
  regexpExtractGroups,
  substrPositionFromOne,
  castToStringAsBigQuery,
  castToInt64Checked,
  timestampResults,
  formatPatterns,
  parseTime,
  supplyMissingFunctions,
  arraySubqueryWithSetOperation,
  bytesLiteralsAsHex,
  floatLiteralsAsDouble,
  usingColumnsFirst,
  timestampDiffTruncates,
  weekTruncFromNamedDay,
  markWeekNumber,
  parenthesizeIntervalExpressions,
  keepDateArithmeticDate,
  expandPartitionDate,
  markTypeNames,
  offsetAsName,
  markUnnest,
];
const AFTER: Rewrite[] = [
  niladicCallsWithoutParentheses,
  safeMarkerToTry,
  boolCastsAsBigQuery,
  placeholdersToDuckDb,
  regexpContainsPartial,
  expandUnnest,
  expandStructStars,
  expandAggregates,
  unpivotValuesFirst,
  unionAllKeepsOrder,
  anonymousFieldNames,
  isoWeekToDuckDb,
  dayOfWeekFromOne,
  expandWeekNumber,
  expandFunctionFidelity,
  expandTimestampResults,
  expandRaisedErrors,
  expandMissingFunctions,
  expandDocumentedCalls,
  expandJsonConstructors,
  approxQuantilesExact,
  likeEscapesBackslash,
  castTextToBytesEncodes,
  typedCastsAsBigQuery,
  // Last: they take the operands of every subtraction and division of the finished DuckDB statement.
  subtractionsAsBigQuery,
  divisionByZeroFails,
];

/** The GoogleSQL statement as polyglot should see it (also used by tests of single rewrites). */
export function prepare(googleSql: string): string {
  return join(BEFORE.reduce((tokens, rewrite) => rewrite(tokens), tokenize(googleSql)));
}

export function finish(duckSql: string): string {
  return join(AFTER.reduce((tokens, rewrite) => rewrite(tokens), tokenize(duckSql)));
}

/** Translations by statement text: scheduled runs send the same statements again and again. */
const translations = new Map<string, string>();
const MAX_TRANSLATIONS = 5_000;

/** Translates one GoogleSQL statement; call initTranslator() once first. */
export function translate(googleSql: string): string {
  const cached = translations.get(googleSql);
  if (cached !== undefined) return cached;
  const duckSql = translateUncached(googleSql);
  // Oldest first out: a Map iterates in insertion order.
  if (translations.size >= MAX_TRANSLATIONS) translations.delete(translations.keys().next().value as string);
  translations.set(googleSql, duckSql);
  return duckSql;
}

function translateUncached(googleSql: string): string {
  if (!polyglot.isInitialized()) throw new TranslateError('translator not initialised: call initTranslator() first');
  const result = polyglot.transpile(prepare(googleSql), polyglot.Dialect.BigQuery, polyglot.Dialect.DuckDB);
  if (!result.success || !result.sql) throw new TranslateError(result.error ?? 'translation failed');
  if (result.sql.length !== 1) throw new TranslateError('expected exactly one statement');
  return finish(result.sql[0]);
}

/**
 * Translations of statement templates (sql/templates.ts), by template text. The first time a
 * template is seen, both it and the real statement are translated: the template is kept only if
 * filling in the values gives exactly the real statement's translation, else it is marked unsafe
 * and its statements are always translated as they are.
 */
export class TemplateTranslations {
  private readonly entries: Lru<TranslatedTemplate | 'unsafe'>;

  constructor(
    capacity = 2_000,
    private readonly translateText: (googleSql: string) => string = translate,
    private readonly translateTemplate: (googleSql: string) => string = translateUncached,
  ) {
    this.entries = new Lru(capacity);
  }

  /** The statement's DuckDB SQL, through its template when it has a safe one. */
  translate(googleSql: string, template: StatementTemplate | undefined): string {
    if (!template) return this.translateText(googleSql);
    const known = this.entries.get(template.sql);
    if (known === 'unsafe') return this.translateText(googleSql);
    if (known) return fillTranslation(known, template.values);
    // Translated first, so a statement that fails fails as it always has.
    const duckSql = this.translateText(googleSql);
    this.entries.set(template.sql, this.verified(duckSql, template) ?? 'unsafe');
    return duckSql;
  }

  /** What is known of a template: 'safe', 'unsafe', or undefined when it has not been seen (or was evicted). */
  state(templateSql: string): 'safe' | 'unsafe' | undefined {
    const known = this.entries.get(templateSql);
    return known === undefined ? undefined : known === 'unsafe' ? 'unsafe' : 'safe';
  }

  get size(): number {
    return this.entries.size;
  }

  private verified(duckSql: string, template: StatementTemplate): TranslatedTemplate | undefined {
    let cut: TranslatedTemplate;
    try {
      cut = cutTranslation(this.translateTemplate(template.sql), template);
    } catch (err) {
      if (err instanceof TranslateError) return undefined;
      throw err;
    }
    return fillTranslation(cut, template.values) === duckSql ? cut : undefined;
  }
}

/** The process's template translations (translations depend on nothing but the text). */
export const templateTranslations = new TemplateTranslations();
