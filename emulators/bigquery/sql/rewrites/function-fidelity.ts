// Functions polyglot translates into DuckDB SQL that runs but answers differently from BigQuery
// (each checked against the BigQuery documentation page named beside it). Marked before
// translation as PF_ calls polyglot passes through untouched, expanded into DuckDB after it.
import { unimplemented } from '../../errors';
import { unquoteString } from '../ddl';
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';
import { callAt, list, mapCalls, openBefore, template, trim } from './calls';
import { needsJsFormat } from '../../udfs/format-string';

const space: Token = { kind: 'ws', text: ' ' };

// --- COUNTIF (https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#countif)
// BigQuery counts the TRUE rows, 0 when there are none; DuckDB's COUNT_IF gives NULL over only NULLs.
export function countIfAsCount(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'COUNTIF', (args) => {
    if (args.length !== 1 || args[0].length === 0) return undefined;
    const distinct = isKeyword(args[0][0], 'DISTINCT');
    const expr = distinct ? trim(args[0].slice(1)) : args[0];
    return template(distinct ? 'COUNT(DISTINCT CASE WHEN (ARG0) THEN TRUE END)' : 'COUNT(CASE WHEN (ARG0) THEN 1 END)', expr);
  });
}

// --- FORMAT (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#format_string)
// polyglot keeps FORMAT, which is DuckDB's {}-style formatter: '%d' comes back unchanged. The
// printf-style specifiers DuckDB's printf shares with BigQuery are passed to it; the others
// (%t, %T, %g, %G, %p, %P, the ' flag, *) answer 501 rather than something BigQuery would not.
const SPEC = /%([-+ #0]*)(\d*)(?:\.(\d+))?([a-zA-Z%*']?)/g;
const PRINTF_TYPES = new Set(['d', 'i', 's', 'f', 'F', 'e', 'E', 'x', 'X', 'o', '%']);

export function checkFormatPattern(pattern: string): void {
  for (const m of pattern.matchAll(SPEC)) {
    if (!PRINTF_TYPES.has(m[4])) throw unimplemented(`FORMAT specifier ${m[0]}`);
  }
}

export function formatAsPrintf(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'FORMAT', (args) => {
    if (args.length === 0) return undefined;
    const pattern = args[0].length === 1 && args[0][0].kind === 'string' ? args[0][0].text : undefined;
    if (pattern === undefined) throw unimplemented('FORMAT with a pattern that is not a string literal');
    // %t, %T and the ' flag: udfs/format-string.ts, given each argument's type and JSON text.
    if (needsJsFormat(unquoteString(pattern))) return [{ kind: 'ident', text: 'PF_FORMAT_JS' }, { kind: 'punct', text: '(' }, ...list(args), { kind: 'punct', text: ')' }];
    checkFormatPattern(pattern);
    return [{ kind: 'ident', text: 'PF_PRINTF' }, { kind: 'punct', text: '(' }, ...list(args), { kind: 'punct', text: ')' }];
  });
}

// --- MD5 (https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#md5)
// BigQuery's MD5 returns the 16-byte digest as BYTES; DuckDB's md5 (polyglot keeps the call)
// returns hex text. polyglot already wraps SHA1 and SHA256 in UNHEX.
export function md5AsBytes(tokens: Token[]): Token[] {
  return tokens.map((t, i) => (isKeyword(t, 'MD5') && callAt(tokens, i, 'MD5') ? { kind: 'ident', text: 'PF_MD5' } : t));
}

// --- JSON_QUERY / JSON_EXTRACT (https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_query)
// On a JSON-formatted STRING a JSON null answers SQL NULL; on a JSON value it answers JSON 'null'.
// DuckDB's -> gives the text 'null' for both. Which one the argument is shows at run time
// (TYPEOF), but the result's type is fixed before: on a string literal it is STRING; on any other
// argument it stays JSON (a known gap: BigQuery types it STRING for a STRING column).
export function markJsonQuery(tokens: Token[]): Token[] {
  const mark = (args: Token[][]) => {
    if (args.length !== 2) return undefined;
    const literal = args[0].length === 1 && args[0][0].kind === 'string';
    return template(literal ? 'PF_JSON_QUERY_STRING(ARG0, ARG1)' : 'PF_JSON_QUERY(ARG0, ARG1)', args[0], args[1]);
  };
  return mapCalls(mapCalls(tokens, 'JSON_EXTRACT', mark), 'JSON_QUERY', mark);
}

// --- BIT_XOR (https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#bit_xor)
// polyglot drops DISTINCT from BIT_XOR (harmless for BIT_AND / BIT_OR, not for XOR).
export function markBitXorDistinct(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'BIT_XOR', (args) => {
    if (args.length !== 1 || !isKeyword(args[0][0], 'DISTINCT')) return undefined;
    return template('PF_BIT_XOR_DISTINCT(ARG0)', trim(args[0].slice(1)));
  });
}

// --- ARRAY_AGG / STRING_AGG ... LIMIT n (https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#string_agg)
// polyglot drops STRING_AGG's LIMIT and passes ARRAY_AGG's, which DuckDB cannot parse. Both become
// a slice of DuckDB's ARRAY_AGG; STRING_AGG leaves NULLs out before the limit counts.
function splitLimit(all: Token[]): { body: Token[]; limit: Token[] } | undefined {
  let depth = 0;
  for (let k = 0; k < all.length; k++) {
    const t = all[k];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && isKeyword(t, 'LIMIT')) return { body: trim(all.slice(0, k)), limit: trim(all.slice(k + 1)) };
  }
  return undefined;
}

/** Splits `x [, sep] [ORDER BY ...]` (no LIMIT) at its top level. */
function splitStringAggBody(body: Token[]): { value: Token[]; sep?: Token[]; order: Token[] } {
  let depth = 0;
  let sepAt = -1;
  let orderAt = body.length;
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.text === ',' && sepAt < 0) sepAt = k;
    if (depth === 0 && isKeyword(t, 'ORDER')) {
      orderAt = k;
      break;
    }
  }
  const valueEnd = sepAt >= 0 ? sepAt : orderAt;
  return { value: trim(body.slice(0, valueEnd)), sep: sepAt >= 0 ? trim(body.slice(sepAt + 1, orderAt)) : undefined, order: body.slice(orderAt) };
}

export function markAggregateLimit(tokens: Token[]): Token[] {
  const arrays = mapCalls(tokens, 'ARRAY_AGG', (_args, all) => {
    const split = splitLimit(all);
    return split ? template('PF_LIST_HEAD(ARRAY_AGG(ARG0), ARG1)', split.body, split.limit) : undefined;
  });
  return mapCalls(arrays, 'STRING_AGG', (_args, all) => {
    const split = splitLimit(all);
    if (!split) return undefined;
    const { value, sep, order } = splitStringAggBody(split.body);
    const distinct = isKeyword(value[0], 'DISTINCT');
    const plain = distinct ? trim(value.slice(1)) : value;
    const agg = template('ARRAY_AGG(ARG0 ARG1)', value, order);
    return template('PF_STRING_AGG_LIMIT(ARG0, ARG1, ARG2, ARG3)', agg, plain, sep ?? [{ kind: 'string', text: "','" }], split.limit);
  });
}

// --- arr[OFFSET(n)] and friends (https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#array_subscript_operator)
// OFFSET / ORDINAL out of range is an error ("Array index n is out of bounds"), SAFE_OFFSET /
// SAFE_ORDINAL NULL; polyglot makes all four a DuckDB subscript, NULL past the end and counting
// from the end for negative indexes.
const SUBSCRIPTS: Record<string, string> = { OFFSET: 'PF_AT_OFFSET', SAFE_OFFSET: 'PF_AT_SAFE_OFFSET', ORDINAL: 'PF_AT_ORDINAL', SAFE_ORDINAL: 'PF_AT_SAFE_ORDINAL', PF_BARE: 'PF_AT_INDEX' };
const NOT_A_NAME = new Set(['SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'ON', 'WHEN', 'THEN', 'ELSE', 'BY', 'AS', 'FROM', 'HAVING', 'QUALIFY', 'IS', 'LIKE', 'BETWEEN', 'CASE', 'RETURN', 'UNNEST', 'EXISTS', 'INTERVAL']);

function endsExpression(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'ident') return !NOT_A_NAME.has(t.text.toUpperCase());
  return t.kind === 'quoted' || t.text === ')' || t.text === ']';
}

/** The ARRAY of `ARRAY<type>` whose closing '>' is at `close`, or -1. */
function typedArrayStart(tokens: Token[], close: number): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    const t = tokens[k].text;
    if (t === '>') depth++;
    else if (t === '>>') depth += 2;
    else if (t === '<' && --depth === 0) {
      const a = prevSignificant(tokens, k - 1);
      return isKeyword(tokens[a], 'ARRAY') ? a : -1;
    }
  }
  return -1;
}

/** Where the operand ending at `end` starts: a name path, a call, a subscript chain, an array literal. */
export function operandStart(tokens: Token[], end: number): number {
  let e = end;
  for (;;) {
    const t = tokens[e];
    let s: number;
    if (t.text === ')' || t.text === ']') {
      s = openBefore(tokens, e);
      if (s < 0) return -1;
      const p = prevSignificant(tokens, s - 1);
      if (t.text === ')' && tokens[p]?.kind === 'ident' && endsExpression(tokens[p])) s = p; // a call
      else if (t.text === ']' && (tokens[p]?.text === '>' || tokens[p]?.text === '>>')) {
        const typed = typedArrayStart(tokens, p);
        if (typed < 0) return -1;
        s = typed;
      } else if (t.text === ']' && (isKeyword(tokens[p], 'ARRAY') || endsExpression(tokens[p]))) {
        if (isKeyword(tokens[p], 'ARRAY')) s = p;
        else {
          e = p; // a subscript: its operand goes on
          continue;
        }
      }
    } else if (t.kind === 'ident' || t.kind === 'quoted') s = e;
    else return -1;
    const dot = prevSignificant(tokens, s - 1);
    if (tokens[dot]?.text !== '.') return s;
    e = prevSignificant(tokens, dot - 1);
    if (e < 0) return -1;
  }
}

export function markArraySubscripts(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const fnAt = t.text === '[' ? nextSignificant(tokens, i + 1) : -1;
    const fn = fnAt >= 0 && tokens[fnAt].kind === 'ident' ? SUBSCRIPTS[tokens[fnAt].text.toUpperCase()] : undefined;
    const call = fn ? callAt(tokens, fnAt, tokens[fnAt].text) : undefined;
    const closeAt = call ? nextSignificant(tokens, call.close + 1) : -1;
    const operandEnd = prevSignificant(out, out.length - 1);
    const start = fn && call && call.args.length === 1 && tokens[closeAt]?.text === ']' && endsExpression(out[operandEnd]) ? operandStart(out, operandEnd) : -1;
    if (fn && call && start < 0 && tokens[closeAt]?.text === ']') throw unimplemented(`[${tokens[fnAt].text.toUpperCase()}(...)] after this operand`);
    if (start < 0 || !call || !fn) {
      out.push(t);
      continue;
    }
    const operand = out.splice(start, out.length - start);
    out.push(...template(`(${fn}(ARG0, ARG1))`, trim(operand), markArraySubscripts(call.args[0])));
    i = closeAt;
  }
  return out;
}

// --- CONCAT (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat)
// BigQuery's CONCAT is NULL if any argument is; DuckDB's concat skips NULLs. DuckDB's || does not.
// With a NULL literal argument it is a NULL of STRING (BYTES beside a BYTES literal): DuckDB typed
// the folded NULL as INTEGER. A lone number literal is cast to STRING as BigQuery coerces it.
export function concatPropagatesNull(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'CONCAT', (args) => {
    if (args.length === 0 || args.some((a) => a.length === 0)) return undefined;
    const lone = args.map((a) => trim(a)).map((a) => (a.length === 1 ? a[0] : undefined));
    const type = lone.some((t) => t?.kind === 'string' && /^[bB]/.test(t.text)) ? 'BLOB' : 'VARCHAR';
    if (lone.some((t) => isKeyword(t, 'NULL'))) return template(`CAST(NULL AS ${type})`);
    if (args.length === 1 && lone[0]?.kind === 'number') return template('CAST(ARG0 AS VARCHAR)', args[0]);
    return template('PF_CONCAT(ARG0)', list(args));
  });
}

// --- REGEXP_EXTRACT / REGEXP_EXTRACT_ALL (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract)
// BigQuery answers the first capturing group, or the whole match when the pattern has none, and
// NULL when nothing matches; polyglot asks DuckDB for group 1 of REGEXP_EXTRACT (empty text for a
// pattern without groups, and for no match) and group 0 of REGEXP_EXTRACT_ALL.
export function captureGroups(pattern: string): number {
  let groups = 0;
  let inClass = false;
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k];
    if (c === '\\') k++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && pattern[k + 1] !== '?') groups++;
    else if (c === '(' && pattern[k + 2] === 'P' && pattern[k + 3] === '<') groups++;
  }
  return groups;
}

export function regexpExtractGroups(tokens: Token[]): Token[] {
  const mark = (fn: string) => (args: Token[][]) => {
    const at = fn === 'REGEXP_EXTRACT' && (args.length === 3 || args.length === 4);
    if (args.length !== 2 && !at) throw unimplemented(`${fn} with position or occurrence arguments`);
    const p = args[1].length === 1 && args[1][0].kind === 'string' ? args[1][0].text : undefined;
    // A pattern known only when the query runs: its capturing groups are counted then (udfs/regexp.ts).
    if (p === undefined) {
      if (at) return template('PF_REGEXP_EXTRACT_AT_RUNTIME(ARG0, ARG1, ARG2, ARG3)', args[0], args[1], args[2], args[3] ?? [{ kind: 'number', text: '1' }]);
      return template(`PF_${fn}_RUNTIME(ARG0, ARG1)`, args[0], args[1]);
    }
    if (/^[bB]/.test(p)) throw unimplemented(`${fn} on BYTES`);
    const groups = captureGroups(unquoteString(p));
    if (groups > 1) throw unimplemented(`${fn} with more than one capturing group`); // BigQuery refuses it
    // With a position and occurrence: the occurrence-th match in the text from that position on.
    if (at) return template(`PF_REGEXP_EXTRACT_AT(ARG0, ARG1, ARG2, ARG3, ${groups})`, args[0], args[1], args[2], args[3] ?? [{ kind: 'number', text: '1' }]);
    return template(`PF_${fn}(ARG0, ARG1, ${groups})`, args[0], args[1]);
  };
  return mapCalls(mapCalls(tokens, 'REGEXP_EXTRACT', mark('REGEXP_EXTRACT')), 'REGEXP_EXTRACT_ALL', mark('REGEXP_EXTRACT_ALL'));
}

// --- SUBSTR (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr)
// A position off the left end (0, or before -LENGTH) starts at 1 in BigQuery; with a length,
// DuckDB counts the characters before the start against it (SUBSTR('abcdef', 0, 2) was 'a').
export function substrPositionFromOne(tokens: Token[]): Token[] {
  const mark = (args: Token[][]) => (args.length === 3 ? template('PF_SUBSTR3(ARG0)', list(args)) : undefined);
  return mapCalls(mapCalls(tokens, 'SUBSTR', mark), 'SUBSTRING', mark);
}

// --- CAST(x AS STRING) (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_string)
// BigQuery writes a whole FLOAT64 without '.0' (1.0 -> '1') and NUMERIC without trailing zeros
// (1.25 -> '1.25'); DuckDB writes '1.0' and DECIMAL(38,9)'s '1.250000000'. The argument's type is
// only known in DuckDB, so the cast branches on TYPEOF (one branch, folded at planning).
export function castToStringAsBigQuery(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = isKeyword(tokens[i], 'CAST') ? 'CAST' : isKeyword(tokens[i], 'SAFE_CAST') ? 'SAFE_CAST' : undefined;
    const call = fn ? callAt(tokens, i, fn) : undefined;
    const sig = call?.args.length === 1 ? call.args[0].filter((t) => t.kind !== 'ws' && t.kind !== 'comment') : [];
    const n = sig.length;
    if (!call || n < 3 || !isKeyword(sig[n - 2], 'AS') || !isKeyword(sig[n - 1], 'STRING')) {
      out.push(tokens[i]);
      continue;
    }
    let asAt = call.args[0].length - 1;
    while (!isKeyword(call.args[0][asAt], 'AS')) asAt--;
    const expr = castToStringAsBigQuery(trim(call.args[0].slice(0, asAt)));
    out.push(...template(`PF_CAST_STRING(${fn}(ARG0 AS STRING))`, expr));
    i = call.close;
  }
  return out;
}

// --- After translation.
const EXPANSIONS: Record<string, { arity: number; sql: string }> = {
  PF_PRINTF: { arity: -1, sql: '' },
  PF_FORMAT_JS: { arity: -1, sql: '' },
  PF_CONCAT: { arity: -1, sql: '' },
  // A negative length fails in BigQuery (NULL under SAFE.): a failing cast, not ERROR(), which TRY refuses.
  PF_SUBSTR3: {
    arity: 3,
    sql: "(CASE WHEN (ARG2) < 0 THEN CAST(CAST('Third argument in SUBSTR() cannot be negative' AS INTEGER) AS VARCHAR) ELSE SUBSTRING(ARG0, (CASE WHEN (ARG1) = 0 OR (ARG1) < -LENGTH(ARG0) THEN 1 ELSE (ARG1) END), ARG2) END)",
  },
  PF_CAST_STRING: { arity: 1, sql: '' },
  PF_MD5: { arity: 1, sql: 'UNHEX(MD5(ARG0))' },
  PF_REGEXP_EXTRACT: { arity: 3, sql: '(CASE WHEN REGEXP_MATCHES(ARG0, ARG1) THEN REGEXP_EXTRACT(ARG0, ARG1, ARG2) END)' },
  PF_REGEXP_EXTRACT_ALL: { arity: 3, sql: 'REGEXP_EXTRACT_ALL(ARG0, ARG1, ARG2)' },
  PF_REGEXP_EXTRACT_AT: { arity: 5, sql: '(REGEXP_EXTRACT_ALL(SUBSTRING(ARG0, ARG2), ARG1, ARG4))[ARG3]' },
  PF_REGEXP_EXTRACT_RUNTIME: {
    arity: 2,
    sql: '(CASE WHEN pf_regexp_groups(ARG1) > 1 THEN NULL WHEN NOT REGEXP_MATCHES(ARG0, ARG1) THEN NULL WHEN pf_regexp_groups(ARG1) = 1 THEN REGEXP_EXTRACT(ARG0, ARG1, 1) ELSE REGEXP_EXTRACT(ARG0, ARG1, 0) END)',
  },
  PF_REGEXP_EXTRACT_ALL_RUNTIME: { arity: 2, sql: '(CASE WHEN pf_regexp_groups(ARG1) = 1 THEN REGEXP_EXTRACT_ALL(ARG0, ARG1, 1) ELSE REGEXP_EXTRACT_ALL(ARG0, ARG1, 0) END)' },
  PF_REGEXP_EXTRACT_AT_RUNTIME: {
    arity: 4,
    sql: '(CASE WHEN pf_regexp_groups(ARG1) = 1 THEN REGEXP_EXTRACT_ALL(SUBSTRING(ARG0, ARG2), ARG1, 1) ELSE REGEXP_EXTRACT_ALL(SUBSTRING(ARG0, ARG2), ARG1, 0) END)[ARG3]',
  },
  PF_JSON_QUERY: { arity: 2, sql: "(CASE WHEN TYPEOF(ARG0) = 'JSON' THEN (ARG0) -> (ARG1) ELSE NULLIF((ARG0) -> (ARG1), 'null') END)" },
  PF_JSON_QUERY_STRING: { arity: 2, sql: "CAST(NULLIF((ARG0) -> (ARG1), 'null') AS VARCHAR)" },
  PF_BIT_XOR_DISTINCT: { arity: 1, sql: 'BIT_XOR(DISTINCT ARG0)' },
  PF_LIST_HEAD: { arity: 2, sql: 'LIST_SLICE(ARG0, 1, ARG1)' },
  PF_STRING_AGG_LIMIT: { arity: 4, sql: 'ARRAY_TO_STRING(LIST_SLICE(ARG0 FILTER (WHERE (ARG1) IS NOT NULL), 1, ARG3), ARG2)' },
  PF_AT_OFFSET: { arity: 2, sql: "(CASE WHEN (ARG1) < 0 OR (ARG1) >= LEN(ARG0) THEN ERROR('Array index ' || (ARG1) || ' is out of bounds') ELSE (ARG0)[(ARG1) + 1] END)" },
  PF_AT_SAFE_OFFSET: { arity: 2, sql: '(CASE WHEN (ARG1) >= 0 THEN (ARG0)[(ARG1) + 1] END)' },
  PF_AT_ORDINAL: { arity: 2, sql: "(CASE WHEN (ARG1) < 1 OR (ARG1) > LEN(ARG0) THEN ERROR('Array index ' || (ARG1) || ' is out of bounds') ELSE (ARG0)[ARG1] END)" },
  PF_AT_SAFE_ORDINAL: { arity: 2, sql: '(CASE WHEN (ARG1) >= 1 THEN (ARG0)[ARG1] END)' },
  // x[i] (bare-subscripts.ts): JSON's zero-based element or NULL; an ARRAY's OFFSET(i). TYPEOF is known when DuckDB binds.
  PF_AT_INDEX: {
    arity: 2,
    sql: "(CASE WHEN TYPEOF(ARG0) = 'JSON' THEN (CASE WHEN (ARG1) >= 0 THEN (ARG0)[ARG1] END) WHEN (ARG1) < 0 OR (ARG1) >= LEN(ARG0) THEN ERROR('Array index ' || (ARG1) || ' is out of bounds') ELSE (ARG0)[(ARG1) + 1] END)",
  },
};

export function expandFunctionFidelity(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const name = tokens[i].kind === 'ident' ? tokens[i].text.toUpperCase() : '';
    const exp = EXPANSIONS[name];
    const call = exp ? callAt(tokens, i, tokens[i].text) : undefined;
    if (!exp || !call) {
      out.push(tokens[i]);
      continue;
    }
    // Arguments may hold marks of their own.
    const args = call.args.map((a) => expandFunctionFidelity(a));
    if (name === 'PF_PRINTF') out.push({ kind: 'ident', text: 'PRINTF' }, { kind: 'punct', text: '(' }, ...list(args), { kind: 'punct', text: ')' });
    else if (name === 'PF_FORMAT_JS') {
      const typed = args.slice(1).flatMap((a) => [...template('TYPEOF(ARG0)', a), { kind: 'punct', text: ',' } as Token, space, ...template('CAST(TO_JSON(ARG0) AS VARCHAR)', a)]);
      const items = args.length > 1 ? typed.flatMap((t, k) => (k > 0 && t.text === 'TYPEOF' ? [{ kind: 'punct', text: ',' } as Token, space, t] : [t])) : [];
      out.push(...template('pf_format_string(ARG0, [ARG1])', args[0], items));
    } else if (name === 'PF_CAST_STRING') out.push(...castStringExpansion(args[0]));
    else if (name === 'PF_CONCAT') out.push(...template('(ARG0)', args.flatMap((a, k) => [...(k ? [space, { kind: 'punct', text: '||' } as Token, space] : []), { kind: 'punct', text: '(' } as Token, ...a, { kind: 'punct', text: ')' } as Token])));
    else if (args.length !== exp.arity) throw new Error(`internal: ${name} expects ${exp.arity} arguments`);
    else out.push(...template(exp.sql, ...args));
    i = call.close;
  }
  return out;
}



/** `CAST(x AS TEXT)` (or TRY_CAST) as BigQuery writes FLOAT64 and NUMERIC. */
function castStringExpansion(cast: Token[]): Token[] {
  const open = cast.findIndex((t) => t.text === '(');
  const close = open >= 0 ? matchClose(cast, open) : -1;
  let asAt = close - 1;
  while (asAt > open && !isKeyword(cast[asAt], 'AS')) asAt--;
  if (open < 0 || close < 0 || asAt <= open) return cast;
  const x = trim(cast.slice(open + 1, asAt));
  return template(
    "(CASE WHEN TYPEOF(ARG1) IN ('DOUBLE', 'FLOAT') THEN REGEXP_REPLACE(ARG0, '\\.0$', '') WHEN TYPEOF(ARG1) LIKE 'DECIMAL%' THEN REGEXP_REPLACE(REGEXP_REPLACE(ARG0, '0+$', ''), '\\.$', '') " +
      // BigQuery writes an INTERVAL as 'Y-M D H:M:S', DuckDB as '3 days' (udfs/macros.ts).
      "WHEN TYPEOF(ARG1) = 'INTERVAL' THEN pf_interval_string(ARG1) " +
      // Fractional seconds in groups of three digits ('.100'), DuckDB wrote '.1' (udfs/casts.ts).
      "WHEN TYPEOF(ARG1) IN ('TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'TIME') THEN pf_seconds_fraction_padded(ARG0) " +
      // BYTES are read as UTF-8 (udfs/casts.ts), from DuckDB's \xHH text of the BLOB.
      `WHEN TYPEOF(ARG1) = 'BLOB' THEN ${isKeyword(cast[0], 'TRY_CAST') ? 'pf_safe_blob_text_to_string' : 'pf_blob_text_to_string'}(CAST(ARG1 AS VARCHAR)) ELSE ARG0 END)`,
    cast,
    x,
  );
}
