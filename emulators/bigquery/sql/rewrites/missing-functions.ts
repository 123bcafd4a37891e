// BigQuery functions polyglot passes through to DuckDB, which lacks them (or has them with other
// arguments). Those with an exact DuckDB equivalent are given it; the others answer 501 naming the
// function before DuckDB sees them (DuckDB's own "does not exist" read like a typo, and NET.*
// asked for an extension).
import { unimplemented } from '../../errors';
import { unquoteString } from '../ddl';
import { type Token, isKeyword, nextSignificant, quoteString } from '../tokens';
import { expandMarks, list, mapCalls, template, trim } from './calls';

/** Refused by name: nothing in DuckDB answers them as BigQuery does. */
const REFUSED: string[] = [
];

export function refuseMissingFunctions(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    if (t.kind !== 'ident') return;
    const open = nextSignificant(tokens, i + 1);
    if (tokens[open]?.text !== '(') return;
    const name = t.text.toUpperCase();
    const qualifier = tokens[i - 1]?.text === '.' ? tokens[i - 2] : undefined;
    // NET.HOST(...), NET.IP_FROM_STRING(...): DuckDB would reach for its inet extension.
    if (isKeyword(qualifier, 'NET')) throw unimplemented(`Function NET.${name}`);
    if (!qualifier && REFUSED.includes(name)) throw unimplemented(`Function ${name}`);
  });
  return tokens;
}

// --- NORMALIZE / NORMALIZE_AND_CASEFOLD (#normalize): NFC by default; the mode keyword becomes a
// string for udfs/text.ts.
// --- JSON_QUERY_ARRAY / JSON_EXTRACT_ARRAY (json_functions#json_query_array): the array's elements as JSON text, NULL for a non-array.
export function supplyMissingFunctions(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of ['NORMALIZE', 'NORMALIZE_AND_CASEFOLD']) {
    out = mapCalls(out, fn, (args) => {
      const mode = args.length === 1 ? 'NFC' : args[1]?.map((t) => t.text).join('').trim().toUpperCase();
      if (args.length > 2 || mode === undefined || !['NFC', 'NFKC', 'NFD', 'NFKD'].includes(mode)) return undefined;
      return template(`pf_${fn.toLowerCase()}(ARG0, '${mode}')`, args[0]);
    });
  }
  // A NULL literal first argument of a function taking STRING or BYTES is a STRING, as in BigQuery
  // (DuckDB would pick the BYTES overload).
  for (const fn of ['PF_LEFT', 'PF_RIGHT', 'PF_LPAD', 'PF_RPAD', 'PF_REVERSE', 'PF_SPLIT', 'PF_FARM_FINGERPRINT']) {
    out = mapCalls(out, fn, (args) => {
      const first = trim(args[0] ?? []);
      return first.length === 1 && isKeyword(first[0], 'NULL') ? template(`${fn}(CAST(NULL AS STRING)${args.length > 1 ? ', ARG0' : ''})`, list(args.slice(1))) : undefined;
    });
  }
  // REGEXP_REPLACE (#regexp_replace) replaces every match; DuckDB's replaces the first unless told 'g'.
  out = mapCalls(out, 'REGEXP_REPLACE', (args) => (args.length === 3 ? template('PF_REGEXP_REPLACE(ARG0, ARG1, ARG2)', ...args) : undefined));
  for (const fn of ['JSON_QUERY_ARRAY', 'JSON_EXTRACT_ARRAY']) {
    out = mapCalls(out, fn, (args) => {
      const path = args.length === 1 ? '$' : args.length === 2 && args[1].length === 1 && args[1][0].kind === 'string' ? unquoteString(args[1][0].text) : undefined;
      if (path === undefined) throw unimplemented(`${fn} with a path that is not a string literal`);
      const lit = (s: string): Token[] => [{ kind: 'string', text: quoteString(s) }];
      return template('PF_JSON_QUERY_ARRAY(ARG0, ARG1, ARG2)', args[0], lit(path), lit(`${path}[*]`));
    });
  }
  return out;
}

// --- ARRAY(<query> UNION ALL <query>) (https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#array):
// polyglot made it LIST_VALUE(SELECT … UNION ALL …), which DuckDB cannot parse; a set operation is
// passed through as a scalar subquery, which DuckDB's ARRAY((…)) takes.
const SET_OPERATIONS = ['UNION', 'EXCEPT', 'INTERSECT'];

export function arraySubqueryWithSetOperation(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'ARRAY', (_args, all) => {
    const first = all[nextSignificant(all, 0)];
    // A subquery may have top-level commas (SELECT AS STRUCT 1, 2): only its first token counts.
    if (!(isKeyword(first, 'SELECT') || isKeyword(first, 'WITH'))) return undefined;
    let depth = 0;
    const setOperation = all.some((t) => {
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      return depth === 0 && SET_OPERATIONS.some((w) => isKeyword(t, w));
    });
    return setOperation ? template('PF_ARRAY_SUBQUERY((ARG0))', all) : undefined;
  });
}

const EXPANSIONS: Record<string, string> = {
  PF_REGEXP_REPLACE: "REGEXP_REPLACE(ARG0, ARG1, ARG2, 'g')",
  // The union's OFFSET 0 (union-order.ts) keeps its rows in order.
  PF_ARRAY_SUBQUERY: 'ARRAY(ARG0)',
  PF_JSON_QUERY_ARRAY: "(CASE WHEN JSON_TYPE(ARG0, ARG1) = 'ARRAY' THEN CAST(JSON_EXTRACT(ARG0, ARG2) AS VARCHAR[]) END)",
};

export function expandMissingFunctions(tokens: Token[]): Token[] {
  return expandMarks(tokens, EXPANSIONS);
}
