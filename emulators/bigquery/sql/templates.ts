// Translation templates (issue #20): a scheduled script sends the same statements every run, which
// differ only in the values of their variables (watermarks, run ids, dates). Each substituted value
// whose text needs no escaping is replaced by a sentinel of the same literal shape, so one
// translation of the template serves every run, the real values filled into its DuckDB SQL.
import { readDdl } from './ddl';

/** A statement with its variables' values replaced by sentinels, and the values to fill back. */
export interface StatementTemplate {
  /** The statement with each templated value replaced by sentinel i (the cache's key). */
  sql: string;
  /** Sentinel i's value, as raw text: what replaces the sentinel in the translated DuckDB SQL. */
  values: string[];
  /** Sentinel i, as it stands in `sql`. */
  sentinels: string[];
}

/** A variable's literal with its value replaced by a sentinel. */
export interface TemplatedLiteral {
  literal: string;
  value: string;
  sentinel: string;
}

/**
 * The literal shapes script variables take (script-steps.ts valueLiteral), with the value's text
 * between a fixed head and tail. BOOL, NULL, JSON and ARRAY/STRUCT values are never templated.
 */
const SHAPES: readonly RegExp[] = [
  /^(TIMESTAMP_MICROS\(-?)([0-9]+)(\))$/,
  /^(')([^']*)(')$/,
  /^(CAST\(')([^']*)(' AS (?:INT64|FLOAT64)\))$/,
  /^(FROM_BASE64\(')([^']*)('\))$/,
  /^((?:DATE|DATETIME|TIME|NUMERIC|BIGNUMERIC) ')([^']*)(')$/,
];

/** Number sentinels: this prefix and the index in five digits (16 digits: a safe integer, a valid TIMESTAMP_MICROS). */
const NUMBER_SENTINEL = '73059182641';
/** Text sentinels: this prefix, the index, `q`, then the value's punctuation (so the shape matches). */
const TEXT_SENTINEL = 'zqpfv';
const MAX_SENTINELS = 100_000;
const SENTINEL_TEXT = new RegExp(`${NUMBER_SENTINEL}|${TEXT_SENTINEL}`, 'i');

/**
 * Text that is the same under GoogleSQL's and DuckDB's quoting (no quote, backslash or control
 * character) and that no rewrite reads: not a bare word (a date part like ISOWEEK, a type name).
 */
const PLAIN_TEXT = /^[A-Za-z0-9 _.:+\-/=]+$/;
const BARE_WORD = /^[A-Za-z]+$/;
const INTEGER = /^[0-9]{1,16}$/;

function isInteger(text: string): boolean {
  return INTEGER.test(text) && Number(text) <= Number.MAX_SAFE_INTEGER;
}

/** Sentinel i for a value: digits for an integer, else text carrying the value's punctuation. */
function sentinel(value: string, index: number): string | undefined {
  if (isInteger(value)) return NUMBER_SENTINEL + String(index).padStart(5, '0');
  if (!PLAIN_TEXT.test(value) || BARE_WORD.test(value)) return undefined;
  const punctuation = [...new Set(value.replace(/[A-Za-z0-9]/g, ''))].sort().join('');
  return `${TEXT_SENTINEL}${index}q${punctuation}`;
}

/**
 * The literal with its value replaced by sentinel `index`, or undefined when the literal keeps
 * today's path (a shape not listed, a value that needs escaping, a bare word).
 */
export function templateLiteral(literal: string, index: number): TemplatedLiteral | undefined {
  if (index >= MAX_SENTINELS) return undefined;
  for (const shape of SHAPES) {
    const m = shape.exec(literal);
    if (!m) continue;
    const [, head, value, tail] = m;
    // TIMESTAMP_MICROS holds an integer, never text.
    if (head.startsWith('TIMESTAMP_MICROS') && !isInteger(value)) return undefined;
    const s = sentinel(value, index);
    return s === undefined ? undefined : { literal: `${head}${s}${tail}`, value, sentinel: s };
  }
  return undefined;
}

/** True when the statement itself holds text a sentinel could be mistaken for (then no template). */
export function holdsSentinelText(sql: string): boolean {
  return SENTINEL_TEXT.test(sql);
}

/**
 * The template of a DDL statement's DuckDB-bound text (readDdl's `sql`: PARTITION BY, CLUSTER BY
 * and OPTIONS removed), or the template itself when the statement is not cut.
 */
export function templateOfDdlText(stmt: string, ddlSql: string, template: StatementTemplate | undefined): StatementTemplate | undefined {
  if (!template || ddlSql === stmt) return template;
  try {
    return { ...template, sql: readDdl(template.sql).sql };
  } catch {
    // The real statement read as DDL; a template that does not is simply not used.
    return undefined;
  }
}

/** A translated template cut at its sentinels: `texts[0] values[slots[0]] texts[1] … texts[n]`. */
export interface TranslatedTemplate {
  texts: string[];
  slots: number[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Cuts a template's DuckDB SQL at every sentinel that stands as a whole token. */
export function cutTranslation(duckSql: string, template: StatementTemplate): TranslatedTemplate {
  const sentinels = new Map(template.sentinels.map((s, i) => [s, i]));
  const pattern = new RegExp(`(?<![0-9A-Za-z_])(${[...sentinels.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?![0-9A-Za-z_])`, 'g');
  const texts: string[] = [];
  const slots: number[] = [];
  let last = 0;
  for (const m of duckSql.matchAll(pattern)) {
    texts.push(duckSql.slice(last, m.index));
    slots.push(sentinels.get(m[1]) as number);
    last = (m.index as number) + m[1].length;
  }
  texts.push(duckSql.slice(last));
  return { texts, slots };
}

/**
 * The DuckDB SQL with the values in place of the sentinels. A templated value needs no escaping
 * in either dialect (no quote or backslash), so its raw text is its DuckDB form.
 */
export function fillTranslation(cut: TranslatedTemplate, values: readonly string[]): string {
  let out = cut.texts[0];
  for (let i = 0; i < cut.slots.length; i++) out += values[cut.slots[i]] + cut.texts[i + 1];
  return out;
}
