// JSON values built inside a query: DuckDB keeps an object's members in the order they were given,
// BigQuery's JSON type keeps them sorted by key, so TO_JSON_STRING(JSON_OBJECT('b', 1, 'a', 2)) is
// '{"a":2,"b":1}' (json_functions#json_object). The JSON constructors' results are put in BigQuery's
// form by pf_json_canonical (udfs/json.ts). JSON literals are canonical already (json-value.ts), and
// what JSON functions take out of a canonical value stays canonical.
import { type Token } from '../tokens';
import { expandMarks, list, mapCalls, template } from './calls';

const CONSTRUCTORS = ['JSON_OBJECT', 'TO_JSON', 'PARSE_JSON', 'JSON_ARRAY'];

export function markJsonConstructors(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of CONSTRUCTORS) out = mapCalls(out, fn, (args) => template(`PF_JSON_SORTED(${fn}(ARG0))`, list(args)));
  return out;
}

export function expandJsonConstructors(tokens: Token[]): Token[] {
  return expandMarks(tokens, { PF_JSON_SORTED: 'CAST(pf_json_canonical(CAST(ARG0 AS VARCHAR)) AS JSON)' });
}
