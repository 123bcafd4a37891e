// Where BigQuery fails and DuckDB answers: division by zero (DuckDB gives NULL) and a cast of
// text that is not an integer to INT64 (DuckDB rounds '1.5' to 2). Each gets DuckDB's ERROR().
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';
import { callAt, expandMarks, openBefore, template, trim } from './calls';

// --- x / 0, DIV(x, 0), MOD(x, 0) (https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators):
// "division by zero". Runs on DuckDB's SQL, where polyglot has made DIV `//` and MOD `%`: the
// divisor is checked, so only it needs delimiting. Not inside TRY (SAFE. functions), where DuckDB
// refuses ERROR(); a divisor whose extent is not recognised is left as it was.
const DIVISIONS = new Set(['/', '//', '%']);
const NOT_OPERANDS = new Set(['SELECT', 'NOT', 'EXISTS', 'AND', 'OR', 'FROM', 'WHERE', 'THEN', 'ELSE', 'END', 'WHEN', 'AS', 'INTERVAL', 'ARRAY']);

/** The matching END of the CASE at `at`, or -1. */
function caseEnd(tokens: Token[], at: number): number {
  let depth = 0;
  for (let k = at; k < tokens.length; k++) {
    if (isKeyword(tokens[k], 'CASE')) depth++;
    else if (isKeyword(tokens[k], 'END') && --depth === 0) return k;
  }
  return -1;
}

/** Index of the last token of the operand starting at `s` (a sign, then a primary and its postfixes), or -1. */
export function operandEnd(tokens: Token[], s: number): number {
  let i = s;
  while (i >= 0 && (tokens[i].text === '-' || tokens[i].text === '+')) i = nextSignificant(tokens, i + 1);
  const t = tokens[i];
  if (!t) return -1;
  let end: number;
  if (t.text === '(') end = matchClose(tokens, i);
  else if (isKeyword(t, 'CASE')) end = caseEnd(tokens, i);
  else if (t.kind === 'number' || t.kind === 'string' || t.kind === 'param') end = i;
  else if ((t.kind === 'ident' && !NOT_OPERANDS.has(t.text.toUpperCase())) || t.kind === 'quoted') {
    end = i;
    const next = nextSignificant(tokens, i + 1);
    if (tokens[next]?.text === '(') {
      end = matchClose(tokens, next);
      for (const clause of ['FILTER', 'OVER']) {
        const c = nextSignificant(tokens, end + 1);
        if (!isKeyword(tokens[c], clause)) continue;
        const body = nextSignificant(tokens, c + 1);
        if (tokens[body]?.text === '(') end = matchClose(tokens, body);
        else if (tokens[body]?.kind === 'ident') end = body;
        else return -1;
      }
    }
  } else return -1;
  // Postfixes: subscripts, fields.
  for (;;) {
    if (end < 0) return -1;
    const n = nextSignificant(tokens, end + 1);
    if (tokens[n]?.text === '[') end = matchClose(tokens, n);
    else if (tokens[n]?.text === '.' && ['ident', 'quoted'].includes(tokens[nextSignificant(tokens, n + 1)]?.kind ?? '')) end = nextSignificant(tokens, n + 1);
    else return end;
  }
}

/** The index closing a `TRY(…)` call starting at `i` (a SAFE. function: left as it is), or undefined. */
function tryCallEnd(tokens: Token[], i: number): number | undefined {
  return isKeyword(tokens[i], 'TRY') ? callAt(tokens, i, 'TRY')?.close : undefined;
}

export function divisionByZeroFails(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const tryEnd = tryCallEnd(tokens, i);
    if (tryEnd !== undefined) {
      out.push(...tokens.slice(i, tryEnd + 1));
      i = tryEnd;
      continue;
    }
    out.push(t);
    if (t.kind !== 'punct' || !DIVISIONS.has(t.text)) continue;
    const s = nextSignificant(tokens, i + 1);
    const end = s < 0 ? -1 : operandEnd(tokens, s);
    // A divisor that is a number other than zero needs no check.
    if (end < 0 || (end === s && tokens[s].kind === 'number' && Number(tokens[s].text) !== 0)) continue;
    const divisor = divisionByZeroFails(tokens.slice(s, end + 1));
    out.push(...tokens.slice(i + 1, s), ...template("(CASE WHEN (ARG0) = 0 THEN ERROR('division by zero') ELSE (ARG0) END)", divisor));
    i = end;
  }
  return out;
}

// --- DATE - DATE (https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#date_arithmetics_operators):
// an INTERVAL of days in BigQuery, a count of days (INT64) in DuckDB. DATETIME - DATETIME and
// TIMESTAMP - TIMESTAMP are INTERVALs in both, but DuckDB's carries whole days ('0-0 1 12:34:56'
// for BigQuery's '0-0 0 36:34:56'). Which operands are which shows only in DuckDB's binder, so
// every subtraction `a - b` of DuckDB's SQL becomes pf_minus(a, b): a macro typed by its operands
// (udfs/macros.ts), inlined when DuckDB binds it (no cost per row), answering a - b for the rest.
/** Words that never end an operand (a name that is one of them is a keyword, not a column). */
const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'WHEN', 'THEN', 'ELSE', 'CASE', 'ON', 'BY', 'AS', 'HAVING', 'QUALIFY', 'IS', 'IN', 'LIKE', 'ILIKE', 'BETWEEN', 'DISTINCT', 'LIMIT', 'OFFSET', 'RETURN', 'INTERVAL', 'USING', 'SET', 'VALUES', 'EXISTS', 'ALL', 'ANY', 'SOME', 'UNION', 'EXCEPT', 'INTERSECT', 'JOIN', 'WITH', 'ORDER', 'GROUP', 'PARTITION', 'ROWS', 'RANGE', 'PRECEDING', 'FOLLOWING', 'ASC', 'DESC', 'NULLS', 'OVER', 'FILTER',
  // INTERVAL '1' DAY - x: the part ends the interval literal, whose start a backward scan cannot see.
  'MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
const ADDITIVE = new Set(['+', '-']);
const MULTIPLICATIVE = new Set(['*', '/', '//', '%']);
/** The macro each subtraction becomes (see above). */
export const SUBTRACTION = 'pf_minus';
/** Calls that never answer a DATE: a subtraction with one as an operand stays as it is (TIMESTAMP_DIFF's EPOCH_US). */
const NUMBER_CALLS = new Set(['EPOCH_US', 'EPOCH_MS', 'EPOCH', 'COUNT', 'SUM', 'AVG', 'LEN', 'LENGTH', 'ABS', 'ROUND', 'DATE_DIFF', 'EXTRACT', 'ROW_NUMBER', 'RANK', 'DENSE_RANK']);

function numberOperand(tokens: Token[], start: number, end: number): boolean {
  const t = tokens[start];
  if (start === end) return t.kind === 'number';
  const call = t.kind === 'ident' && NUMBER_CALLS.has(t.text.toUpperCase()) ? callAt(tokens, start, t.text) : undefined;
  return call?.close === end;
}

function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'ident') return !KEYWORDS.has(t.text.toUpperCase()) || isKeyword(t, 'END');
  return t.kind === 'number' || t.kind === 'string' || t.kind === 'quoted' || t.kind === 'param' || t.text === ')' || t.text === ']';
}

/** The CASE matching the END at `at`, scanning back, or -1. */
function caseStart(tokens: Token[], at: number): number {
  let depth = 0;
  for (let k = at; k >= 0; k--) {
    if (isKeyword(tokens[k], 'END')) depth++;
    else if (isKeyword(tokens[k], 'CASE') && --depth === 0) return k;
  }
  return -1;
}

/** Where the primary ending at `e` starts (a name path, a call with OVER/FILTER, a subscript, a group, CASE … END), or -1. */
function primaryStart(tokens: Token[], e: number): number {
  const t = tokens[e];
  if (!t || !endsOperand(t)) return -1;
  let s = e;
  if (t.text === ')' || t.text === ']') {
    s = openBefore(tokens, e);
    const p = s < 0 ? -1 : prevSignificant(tokens, s - 1);
    if (t.text === ')' && (isKeyword(tokens[p], 'OVER') || isKeyword(tokens[p], 'FILTER'))) return primaryStart(tokens, prevSignificant(tokens, p - 1));
    if (t.text === ']' && endsOperand(tokens[p])) return primaryStart(tokens, p); // a subscript
    if (t.text === ')' && tokens[p]?.kind === 'ident' && endsOperand(tokens[p])) s = p; // a call
  } else if (isKeyword(t, 'END')) s = caseStart(tokens, e);
  if (s < 0) return -1;
  const dot = prevSignificant(tokens, s - 1);
  return tokens[dot]?.text === '.' ? primaryStart(tokens, prevSignificant(tokens, dot - 1)) : s;
}

/** Where the additive chain ending just before `minus` starts (a - b - c: all of a - b), or -1. */
function leftChainStart(tokens: Token[], minus: number): number {
  let e = prevSignificant(tokens, minus - 1);
  for (;;) {
    const s = primaryStart(tokens, e);
    if (s < 0) return -1;
    const op = prevSignificant(tokens, s - 1);
    if (!ADDITIVE.has(tokens[op]?.text ?? '') && !MULTIPLICATIVE.has(tokens[op]?.text ?? '')) return s;
    const before = prevSignificant(tokens, op - 1);
    if (endsOperand(tokens[before])) e = before;
    else return ADDITIVE.has(tokens[op].text) ? op : -1; // a sign
  }
}

/** The end of the multiplicative chain starting at `s` (a - b * c: all of b * c), or -1. */
function rightChainEnd(tokens: Token[], s: number): number {
  let end = operandEnd(tokens, s);
  for (;;) {
    if (end < 0) return -1;
    const op = nextSignificant(tokens, end + 1);
    if (!MULTIPLICATIVE.has(tokens[op]?.text ?? '')) return end;
    const next = nextSignificant(tokens, op + 1);
    end = next < 0 ? -1 : operandEnd(tokens, next);
  }
}

export function subtractionsAsBigQuery(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const tryEnd = tryCallEnd(tokens, i);
    if (tryEnd !== undefined) {
      out.push(...tokens.slice(i, tryEnd + 1));
      i = tryEnd;
      continue;
    }
    const binary = t.kind === 'punct' && t.text === '-' && endsOperand(out[prevSignificant(out, out.length - 1)]);
    const s = binary ? nextSignificant(tokens, i + 1) : -1;
    const end = s < 0 ? -1 : rightChainEnd(tokens, s);
    // DATE - <number> is a DATE in both; only a subtraction of something else is a pf_minus.
    const start = end < 0 || numberOperand(tokens, s, end) ? -1 : leftChainStart(out, out.length);
    if (start < 0 || numberOperand(out, start, prevSignificant(out, out.length - 1))) {
      out.push(t);
      continue;
    }
    const left = trim(out.splice(start));
    const right = subtractionsAsBigQuery(tokens.slice(s, end + 1));
    out.push(...template(`${SUBTRACTION}(ARG0, ARG1)`, left, right));
    i = end;
  }
  return out;
}

// --- CAST / SAFE_CAST to INT64 (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_int64):
// text must be an integer (decimal or hex), else CAST fails ("Bad int64 value") and SAFE_CAST is
// NULL; a FLOAT64 rounds halfway cases away from zero (DuckDB's cast rounds them to even).
const INT_TYPES = ['INT64', 'INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT'];

export function castToInt64Checked(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = isKeyword(tokens[i], 'CAST') ? 'CAST' : isKeyword(tokens[i], 'SAFE_CAST') ? 'SAFE_CAST' : undefined;
    const call = fn ? callAt(tokens, i, fn) : undefined;
    const arg = call?.args.length === 1 ? call.args[0] : [];
    const sig = arg.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
    const n = sig.length;
    if (!call || n < 3 || !isKeyword(sig[n - 2], 'AS') || !INT_TYPES.some((ty) => isKeyword(sig[n - 1], ty))) {
      out.push(tokens[i]);
      continue;
    }
    let asAt = arg.length - 1;
    while (!isKeyword(arg[asAt], 'AS')) asAt--;
    const expr = castToInt64Checked(trim(arg.slice(0, asAt)));
    out.push(...template(fn === 'CAST' ? 'PF_CAST_INT64(ARG0)' : 'PF_SAFE_CAST_INT64(ARG0)', expr));
    i = call.close;
  }
  return out;
}

const INTEGER_TEXT = "'[+-]?([0-9]+|0[xX][0-9a-fA-F]+)'";
const NEGATIVE_HEX = "'-0[xX][0-9a-fA-F]+'";
const EXPANSIONS: Record<string, string> = {
  PF_CAST_INT64:
    "(CASE WHEN TYPEOF(ARG0) IN ('DOUBLE', 'FLOAT') THEN CAST(ROUND(TRY_CAST(ARG0 AS DOUBLE)) AS BIGINT) " +
    `WHEN TYPEOF(ARG0) = 'VARCHAR' AND NOT REGEXP_FULL_MATCH(TRY_CAST(ARG0 AS VARCHAR), ${INTEGER_TEXT}) THEN ERROR('Bad int64 value: ' || TRY_CAST(ARG0 AS VARCHAR)) ` +
    // DuckDB reads '0x123' but not '-0x123' (291 and -291 in BigQuery).
    `WHEN TYPEOF(ARG0) = 'VARCHAR' AND REGEXP_FULL_MATCH(TRY_CAST(ARG0 AS VARCHAR), ${NEGATIVE_HEX}) THEN -CAST(SUBSTRING(TRY_CAST(ARG0 AS VARCHAR), 2) AS BIGINT) ` +
    'ELSE CAST(ARG0 AS BIGINT) END)',
  PF_SAFE_CAST_INT64:
    "(CASE WHEN TYPEOF(ARG0) IN ('DOUBLE', 'FLOAT') THEN TRY_CAST(ROUND(TRY_CAST(ARG0 AS DOUBLE)) AS BIGINT) " +
    `WHEN TYPEOF(ARG0) = 'VARCHAR' AND NOT REGEXP_FULL_MATCH(TRY_CAST(ARG0 AS VARCHAR), ${INTEGER_TEXT}) THEN NULL ` +
    `WHEN TYPEOF(ARG0) = 'VARCHAR' AND REGEXP_FULL_MATCH(TRY_CAST(ARG0 AS VARCHAR), ${NEGATIVE_HEX}) THEN -TRY_CAST(SUBSTRING(TRY_CAST(ARG0 AS VARCHAR), 2) AS BIGINT) ` +
    'ELSE TRY_CAST(ARG0 AS BIGINT) END)',
};

/** DuckDB's TRY (SAFE. functions) refuses ERROR(): a cast inside one is SAFE_CAST's (NULL, not a failure). */
function safeInsideTry(tokens: Token[], inTry = false): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tryCall = isKeyword(tokens[i], 'TRY') ? callAt(tokens, i, 'TRY') : undefined;
    if (tryCall) {
      out.push(...tokens.slice(i, tryCall.open + 1), ...safeInsideTry(tokens.slice(tryCall.open + 1, tryCall.close), true), tokens[tryCall.close]);
      i = tryCall.close;
    } else out.push(inTry && isKeyword(tokens[i], 'PF_CAST_INT64') ? { kind: 'ident', text: 'PF_SAFE_CAST_INT64' } : tokens[i]);
  }
  return out;
}

export function expandRaisedErrors(tokens: Token[]): Token[] {
  return expandMarks(safeInsideTry(tokens), EXPANSIONS);
}
