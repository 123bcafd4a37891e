// AVG of NUMERIC is NUMERIC in BigQuery (aggregate_functions#avg); DuckDB's AVG of a DECIMAL is a
// DOUBLE, so the column was FLOAT64 outside strict mode (and a table made from it had a FLOAT
// column where BigQuery's has NUMERIC). AVG(x) is the typed macro pf_avg (udfs/macros.ts), which
// DuckDB resolves by x's type when it binds the query. AVG(DISTINCT …) and AVG(…) OVER (…) stay
// DuckDB's AVG (a macro takes neither).
import { type Token, isKeyword, nextSignificant } from '../tokens';
import { callAt } from './calls';

export function averageKeepsNumeric(tokens: Token[]): Token[] {
  return tokens.map((t, i) => {
    if (!isKeyword(t, 'AVG')) return t;
    const call = callAt(tokens, i, 'AVG');
    if (!call || call.args.length !== 1 || isKeyword(call.args[0]![0], 'DISTINCT')) return t;
    if (isKeyword(tokens[nextSignificant(tokens, call.close + 1)], 'OVER')) return t;
    return { kind: 'ident', text: 'pf_avg' };
  });
}
