// BigQuery functions polyglot passes through to DuckDB, which lacks them (or has them with other
// arguments). Those with an exact DuckDB equivalent are given it; the others answer 501 naming the
// function before DuckDB sees them (DuckDB's own "does not exist" read like a typo, and NET.*
// asked for an extension).
import { unimplemented } from '../../errors';
import { unquoteString } from '../ddl';
import { type Token, isKeyword, nextSignificant, quoteString } from '../tokens';
import { expandMarks, mapCalls, template } from './calls';

/** Refused by name: nothing in DuckDB answers them as BigQuery does. */
const REFUSED = [
  'FARM_FINGERPRINT', // FarmHash Fingerprint64: DuckDB's hash() is another function
  'PARSE_NUMERIC',
  'PARSE_BIGNUMERIC',
  'NORMALIZE_AND_CASEFOLD',
  'JSON_EXTRACT_STRING_ARRAY',
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

// --- LPAD / RPAD (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad): the pattern defaults to a space.
// --- NORMALIZE (#normalize): NFC by default; DuckDB has NFC only.
// --- JSON_QUERY_ARRAY / JSON_EXTRACT_ARRAY (json_functions#json_query_array): the array's elements as JSON text, NULL for a non-array.
export function supplyMissingFunctions(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of ['LPAD', 'RPAD']) out = mapCalls(out, fn, (args) => (args.length === 2 ? template(`${fn}(ARG0, ARG1, ' ')`, ...args) : undefined));
  out = mapCalls(out, 'NORMALIZE', (args) => {
    const mode = args[1]?.map((t) => t.text).join('').toUpperCase();
    if (args.length === 1 || (args.length === 2 && mode === 'NFC')) return template('PF_NFC(ARG0)', args[0]);
    throw unimplemented(`NORMALIZE with mode ${mode ?? '?'}`);
  });
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
  return mapCalls(tokens, 'ARRAY', (args, all) => {
    const first = all[nextSignificant(all, 0)];
    if (args.length !== 1 || !(isKeyword(first, 'SELECT') || isKeyword(first, 'WITH'))) return undefined;
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
  PF_ARRAY_SUBQUERY: 'ARRAY(ARG0)',
  PF_NFC: 'NFC_NORMALIZE(ARG0)',
  PF_JSON_QUERY_ARRAY: "(CASE WHEN JSON_TYPE(ARG0, ARG1) = 'ARRAY' THEN CAST(JSON_EXTRACT(ARG0, ARG2) AS VARCHAR[]) END)",
};

export function expandMissingFunctions(tokens: Token[]): Token[] {
  return expandMarks(tokens, EXPANSIONS);
}
