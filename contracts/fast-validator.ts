// The hot-path validator: the contract's JSON Schema (from zod, the source of truth) compiled by
// ajv, followed by the same cross-field rules. It accepts exactly what the zod contract accepts
// (a property test holds them together) at several times zod's speed. JSON Schema cannot carry
// zod's refinements, so the ones common.ts puts on every timestamp and date (BigQuery's range) come
// back here as two keywords on the `date-time` and `date` nodes, with zod's messages.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { jsonSchemaOf } from './bigquery-schema';
import { DATE_RANGE_MESSAGE, inBigQueryDateRange, inBigQueryRange, TIMESTAMP_RANGE_MESSAGE } from './common';
import { RECORD_KINDS, type RecordKindName } from './registry';
import { formatPath, type Verdict } from './verdict';

export type FastValidator = (value: unknown) => Verdict;

const cache = new Map<RecordKindName, FastValidator>();

export function fastValidator(kind: RecordKindName): FastValidator {
  const cached = cache.get(kind);
  if (cached) return cached;
  const { shape, consistency } = RECORD_KINDS[kind];
  const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false, discriminator: true });
  ajv.addKeyword({ keyword: TIMESTAMP_RANGE, type: 'string', schemaType: 'boolean', errors: false, validate: (on: boolean, text: string) => !on || inBigQueryRange(text) });
  ajv.addKeyword({ keyword: DATE_RANGE, type: 'string', schemaType: 'boolean', errors: false, validate: (on: boolean, text: string) => !on || inBigQueryDateRange(text) });
  const formatPatterns = new Map<string, string>();
  const compiled: ValidateFunction = ajv.compile(withRanges(withDiscriminators(jsonSchemaOf(shape)), formatPatterns) as object);
  const check = consistency as (value: unknown) => { path: (string | number)[]; message: string }[];
  const validator: FastValidator = (value) => {
    if (!compiled(value)) return verdictFromAjv(compiled.errors ?? [], formatPatterns);
    const issues = check(value);
    if (issues.length === 0) return { ok: true };
    const path = formatPath(issues[0]!.path);
    return { ok: false, code: 'schema_violation', path, reason: `${path}: ${issues[0]!.message}` };
  };
  cache.set(kind, validator);
  return validator;
}

const TIMESTAMP_RANGE = 'pizzaflowTimestampRange';
const DATE_RANGE = 'pizzaflowDateRange';
/** zod's messages for a string that is not an ISO datetime or date (its regex is the node's pattern). */
const FORMAT_MESSAGES: Record<string, string> = { 'date-time': 'Invalid ISO datetime', date: 'Invalid ISO date' };
const KEYWORD_MESSAGES: Record<string, string> = { [TIMESTAMP_RANGE]: TIMESTAMP_RANGE_MESSAGE, [DATE_RANGE]: DATE_RANGE_MESSAGE };

/**
 * Every `date-time` and `date` node gets its range keyword (every one comes from common.ts's
 * `timestamp` or `calendarDate`, which refine to BigQuery's range); `patterns` learns which patterns
 * are those formats' regexes, so a mismatch is reported with zod's words.
 */
function withRanges(node: unknown, patterns: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => withRanges(n, patterns));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withRanges(v, patterns);
  const format = typeof out.format === 'string' ? out.format : undefined;
  if (format === 'date-time') out[TIMESTAMP_RANGE] = true;
  if (format === 'date') out[DATE_RANGE] = true;
  if (format && FORMAT_MESSAGES[format] && typeof out.pattern === 'string') patterns.set(out.pattern, FORMAT_MESSAGES[format]);
  return out;
}

function verdictFromAjv(errors: ErrorObject[], formatPatterns: ReadonlyMap<string, string>): Verdict {
  const e = errors[0];
  if (!e) return { ok: false, code: 'schema_violation', path: null, reason: 'invalid' };
  const segments: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const extra = (e.params as { missingProperty?: string; additionalProperty?: string; propertyName?: string });
  const key = extra.missingProperty ?? extra.additionalProperty;
  if (key) segments.push(key);
  else if (e.keyword === 'discriminator' && extra.propertyName) segments.push(extra.propertyName);
  const path = formatPath(segments);
  const pattern = e.keyword === 'pattern' ? formatPatterns.get(String((e.params as { pattern?: unknown }).pattern)) : undefined;
  const message = extra.additionalProperty ? `unknown field ${extra.additionalProperty}` : (KEYWORD_MESSAGES[e.keyword] ?? pattern ?? e.message ?? 'invalid');
  return { ok: false, code: 'schema_violation', path: path || null, reason: `${path || '(record)'}: ${message}` };
}

/** zod emits discriminated unions as oneOf over const-tagged objects; tell ajv which key decides. */
function withDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDiscriminators);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withDiscriminators(v);
  const variants = out.oneOf as Record<string, unknown>[] | undefined;
  const key = variants && discriminatorKey(variants);
  if (key) {
    out.discriminator = { propertyName: key };
    out.type = 'object';
    out.required = [key];
  }
  return out;
}

function discriminatorKey(variants: Record<string, unknown>[]): string | undefined {
  const first = variants[0]?.properties as Record<string, { const?: unknown }> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((k) =>
    variants.every((v) => {
      const p = (v.properties as Record<string, { const?: unknown }> | undefined)?.[k];
      return typeof p?.const === 'string' && ((v.required as string[] | undefined) ?? []).includes(k);
    }),
  );
}
