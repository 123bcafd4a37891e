// Reads what BigQuery DDL says about a table and DuckDB cannot store (PARTITION BY, CLUSTER BY,
// OPTIONS) and returns the statement without those clauses, plus the names DDL statements touch.
import { type Token, isKeyword, join, matchClose, nextSignificant, skipIfNotExists, tokenize } from './tokens';

export interface TableName {
  project?: string;
  dataset?: string;
  table: string;
}

export interface PartitionSpec {
  type: 'DAY' | 'HOUR' | 'MONTH' | 'YEAR';
  field?: string;
}

export interface DdlInfo {
  statement: 'CREATE_TABLE' | 'CREATE_VIEW' | 'DROP_TABLE' | 'DROP_VIEW' | 'OTHER';
  name?: TableName;
  orReplace?: boolean;
  ifNotExists?: boolean;
  partition?: PartitionSpec;
  clustering?: string[];
  options?: Record<string, string | number | boolean | null>;
  /** CREATE TEMP TABLE: a table of the script (unqualified, dropped when the script ends). */
  temporary?: boolean;
  /** CREATE TABLE … AS query (with or without a column list). */
  asQuery?: boolean;
  /** CREATE TABLE t (columns) AS query: the column list as written, with its parentheses… */
  columns?: string;
  /** …and the query (outer parentheses removed); `sql` is then the CREATE TABLE with the columns only. */
  query?: string;
  /** The statement without PARTITION BY / CLUSTER BY / OPTIONS. */
  sql: string;
}

export class DdlError extends Error {
  constructor(message: string, readonly unsupported = false) {
    super(message);
  }
}

export function readDdl(sql: string): DdlInfo {
  const tokens = tokenize(sql);
  let i = nextSignificant(tokens, 0);
  if (isKeyword(tokens[i], 'DROP')) {
    const kindIdx = nextSignificant(tokens, i + 1);
    const isView = isKeyword(tokens[kindIdx], 'VIEW');
    if (!isView && !isKeyword(tokens[kindIdx], 'TABLE')) return { statement: 'OTHER', sql };
    let j = nextSignificant(tokens, kindIdx + 1);
    if (isKeyword(tokens[j], 'IF')) j = nextSignificant(tokens, nextSignificant(tokens, j + 1) + 1);
    return { statement: isView ? 'DROP_VIEW' : 'DROP_TABLE', name: readName(tokens, j).name, sql };
  }
  if (!isKeyword(tokens[i], 'CREATE')) return { statement: 'OTHER', sql };
  let orReplace = false;
  i = nextSignificant(tokens, i + 1);
  if (isKeyword(tokens[i], 'OR')) {
    orReplace = true;
    i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
  }
  let temporary = false;
  if (isKeyword(tokens[i], 'TEMP') || isKeyword(tokens[i], 'TEMPORARY')) {
    const what = nextSignificant(tokens, i + 1);
    if (!isKeyword(tokens[what], 'TABLE')) throw new DdlError(`CREATE TEMP ${(tokens[what]?.text ?? '').toUpperCase()}`, true);
    temporary = true;
    i = what;
  }
  if (isKeyword(tokens[i], 'MATERIALIZED') || isKeyword(tokens[i], 'EXTERNAL') || isKeyword(tokens[i], 'SNAPSHOT')) {
    throw new DdlError(`CREATE ${tokens[i].text.toUpperCase()} ${(tokens[nextSignificant(tokens, i + 1)]?.text ?? '').toUpperCase()}`.trim(), true);
  }
  const isView = isKeyword(tokens[i], 'VIEW');
  if (!isView && !isKeyword(tokens[i], 'TABLE')) return { statement: 'OTHER', sql };
  i = nextSignificant(tokens, i + 1);
  const skipped = skipIfNotExists(tokens, i);
  const ifNotExists = skipped.ifNotExists;
  i = skipped.next;
  const { name, end } = readName(tokens, i);
  const info: DdlInfo = { statement: isView ? 'CREATE_VIEW' : 'CREATE_TABLE', name, orReplace, ifNotExists, sql, ...(temporary ? { temporary } : {}) };
  const kept = stripTableClauses(tokens, end, info);
  if (!isView) splitColumnListQuery(kept, nextSignificant(tokens, end), info);
  info.sql = join(kept).trim();
  return info;
}

/**
 * CREATE TABLE t (columns) AS query (DuckDB has no such form): `kept` loses the AS clause, which
 * goes to info.query, and the column list to info.columns. Marks any CREATE TABLE … AS.
 */
function splitColumnListQuery(kept: Token[], listAt: number, info: DdlInfo): void {
  let asAt = -1;
  for (let k = listAt >= 0 ? listAt : kept.length; k < kept.length; k++) {
    if (kept[k].text === '(') k = matchClose(kept, k);
    else if (isKeyword(kept[k], 'AS')) {
      asAt = k;
      break;
    }
    if (k < 0) return;
  }
  if (asAt < 0) return;
  info.asQuery = true;
  if (kept[listAt]?.text !== '(') return;
  const close = matchClose(kept, listAt);
  info.columns = join(kept.slice(listAt, close + 1));
  let q = kept.slice(asAt + 1);
  const first = nextSignificant(q, 0);
  if (first >= 0 && q[first].text === '(' && matchClose(q, first) === nextLast(q)) q = q.slice(first + 1, matchClose(q, first));
  info.query = join(q).trim();
  kept.splice(asAt);
}

/** Index of the last significant token. */
function nextLast(tokens: Token[]): number {
  for (let k = tokens.length - 1; k >= 0; k--) if (tokens[k].kind !== 'ws' && tokens[k].kind !== 'comment') return k;
  return -1;
}

function readName(tokens: Token[], start: number): { name: TableName; end: number } {
  const parts: string[] = [];
  let i = start;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.kind === 'ident') parts.push(t.text);
    else if (t.kind === 'quoted') parts.push(...t.text.slice(1, -1).split('.'));
    else if (!(t.kind === 'punct' && (t.text === '.' || t.text === '-'))) break;
    else if (t.text === '-') parts[parts.length - 1] += '-';
    i++;
  }
  const fixed = parts.reduce<string[]>((acc, p) => {
    if (acc.length && acc[acc.length - 1].endsWith('-')) acc[acc.length - 1] += p;
    else acc.push(p);
    return acc;
  }, []);
  if (fixed.length === 0 || fixed.length > 3) throw new DdlError('Expected a table name');
  const table = fixed[fixed.length - 1];
  const dataset = fixed.length >= 2 ? fixed[fixed.length - 2] : undefined;
  const project = fixed.length === 3 ? fixed[0] : undefined;
  return { name: { project, dataset, table }, end: i };
}

function stripTableClauses(tokens: Token[], from: number, info: DdlInfo): Token[] {
  const kept = tokens.slice(0, from);
  let i = from;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.text === '(') {
      const close = matchClose(tokens, i);
      kept.push(...structNotNullDropped(tokens.slice(i, close + 1)));
      i = close + 1;
      continue;
    }
    if (isKeyword(t, 'AS')) {
      kept.push(...tokens.slice(i));
      break;
    }
    if (isKeyword(t, 'PARTITION') || isKeyword(t, 'CLUSTER')) {
      const by = nextSignificant(tokens, i + 1);
      const end = clauseEnd(tokens, by + 1);
      const body = join(tokens.slice(by + 1, end)).trim();
      if (isKeyword(t, 'PARTITION')) info.partition = parsePartition(body);
      else info.clustering = body.split(',').map((c) => unquoteIdent(c.trim()));
      i = end;
      continue;
    }
    if (isKeyword(t, 'OPTIONS')) {
      const open = nextSignificant(tokens, i + 1);
      const close = matchClose(tokens, open);
      info.options = parseOptions(tokens.slice(open + 1, close));
      i = close + 1;
      continue;
    }
    if (isKeyword(t, 'DEFAULT') || isKeyword(t, 'COLLATE')) {
      throw new DdlError(`${t.text.toUpperCase()} in CREATE TABLE`, true);
    }
    kept.push(t);
    i++;
  }
  return kept;
}

/**
 * A column list without NOT NULL on STRUCT fields (`s STRUCT<a INT64 NOT NULL>`): BigQuery takes it
 * (data-definition-language#column_name_and_column_schema), polyglot cannot parse it and DuckDB
 * cannot hold a NOT NULL inside a STRUCT, so the field is kept NULLABLE (a top-level column's NOT
 * NULL stays: DuckDB enforces it).
 */
export function structNotNullDropped(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === '<') depth++;
    else if (t.kind === 'punct' && t.text === '>') depth--;
    else if (t.kind === 'punct' && t.text === '>>') depth -= 2;
    const next = nextSignificant(tokens, i + 1);
    if (depth > 0 && isKeyword(t, 'NOT') && isKeyword(tokens[next], 'NULL')) {
      while (out.length && out[out.length - 1].kind === 'ws') out.pop();
      i = next;
      continue;
    }
    out.push(t);
  }
  return out;
}

function clauseEnd(tokens: Token[], from: number): number {
  let i = from;
  while (i < tokens.length) {
    const t = tokens[i];
    if (isKeyword(t, 'CLUSTER') || isKeyword(t, 'OPTIONS') || isKeyword(t, 'AS') || isKeyword(t, 'PARTITION')) return i;
    if (t.text === '(') i = matchClose(tokens, i);
    i++;
  }
  return i;
}

function unquoteIdent(s: string): string {
  return s.startsWith('`') ? s.slice(1, -1) : s;
}

export function parsePartition(expr: string): PartitionSpec {
  const e = expr.replace(/\s+/g, '');
  const pseudo = /^(_PARTITIONDATE|DATE\(_PARTITIONTIME\))$/i.test(e);
  if (pseudo) return { type: 'DAY' };
  const trunc = /^(TIMESTAMP_TRUNC|DATETIME_TRUNC|DATE_TRUNC)\((`?[A-Za-z_][A-Za-z0-9_]*`?),(DAY|HOUR|MONTH|YEAR)\)$/i.exec(e);
  if (trunc) {
    if (/^_PARTITIONTIME$/i.test(trunc[2])) return { type: trunc[3].toUpperCase() as PartitionSpec['type'] };
    return { type: trunc[3].toUpperCase() as PartitionSpec['type'], field: unquoteIdent(trunc[2]) };
  }
  const date = /^DATE\((`?[A-Za-z_][A-Za-z0-9_]*`?)\)$/i.exec(e);
  if (date) return { type: 'DAY', field: unquoteIdent(date[1]) };
  const col = /^`?[A-Za-z_][A-Za-z0-9_]*`?$/.exec(e);
  if (col) return { type: 'DAY', field: unquoteIdent(e) };
  throw new DdlError(`PARTITION BY ${expr}`, true);
}

const KNOWN_OPTIONS = new Set([
  'description',
  'friendly_name',
  'expiration_timestamp',
  'partition_expiration_days',
  'require_partition_filter',
  'labels',
]);

function parseOptions(tokens: Token[]): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  const items: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(' || t.text === '[') depth++;
    if (t.text === ')' || t.text === ']') depth--;
    if (t.text === ',' && depth === 0) items.push([]);
    else items[items.length - 1].push(t);
  }
  for (const item of items) {
    const sig = item.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
    if (sig.length === 0) continue;
    const key = sig[0].text.toLowerCase();
    if (sig[1]?.text !== '=') throw new DdlError(`Invalid OPTIONS entry: ${join(item).trim()}`);
    if (!KNOWN_OPTIONS.has(key)) throw new DdlError(`OPTIONS(${key})`, true);
    out[key] = optionValue(sig.slice(2));
  }
  return out;
}

function optionValue(tokens: Token[]): string | number | boolean | null {
  if (tokens.length === 0) return null;
  const last = tokens[tokens.length - 1];
  if (tokens.length === 1 && isKeyword(last, 'NULL')) return null;
  if (tokens.length === 1 && (isKeyword(last, 'TRUE') || isKeyword(last, 'FALSE'))) return last.text.toUpperCase() === 'TRUE';
  if (tokens.length === 1 && last.kind === 'number') return Number(last.text);
  if (last.kind === 'string' && (tokens.length === 1 || tokens.length === 2)) return unquoteString(last.text);
  return join(tokens);
}

export function unquoteString(s: string): string {
  const raw = /^[rR]/.test(s) || /^[bB][rR]/.test(s);
  const body = s.replace(/^[rRbB]+/, '');
  const q = body.startsWith("'''") || body.startsWith('"""') ? 3 : 1;
  const inner = body.slice(q, body.length - q);
  if (raw) return inner;
  return inner.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}
