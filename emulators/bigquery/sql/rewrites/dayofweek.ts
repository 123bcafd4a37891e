// EXTRACT(DAYOFWEEK ...) is 1 (Sunday) to 7 in BigQuery and 0 to 6 in DuckDB, and polyglot keeps
// the call as it is: after translation the extract gets + 1.
import { type Token, isKeyword, nextSignificant } from '../tokens';
import { callAt, template } from './calls';

export function dayOfWeekFromOne(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, 'EXTRACT');
    const first = call ? nextSignificant(tokens, call.open + 1) : -1;
    if (!call || !(isKeyword(tokens[first], 'DAYOFWEEK') || isKeyword(tokens[first], 'DOW'))) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...template('(ARG0 + 1)', tokens.slice(i, call.close + 1)));
    i = call.close;
  }
  return out;
}
