// CURRENT_TIMESTAMP(), CURRENT_DATE() and CURRENT_DATETIME() with their empty parentheses: polyglot
// drops them in SELECTs but leaves them in MERGE clauses, where DuckDB knows no such function.
import { type Token } from '../tokens';
import { callAt } from './calls';

const NILADIC: Record<string, string> = { CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP', CURRENT_DATE: 'CURRENT_DATE', CURRENT_DATETIME: 'CAST(CURRENT_TIMESTAMP AS TIMESTAMP)' };

export function niladicCallsWithoutParentheses(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const name = t.kind === 'ident' ? t.text.toUpperCase() : '';
    const call = name in NILADIC ? callAt(tokens, i, name) : undefined;
    if (call && call.args.length === 1 && call.args[0].length === 0) {
      out.push({ kind: 'ident', text: NILADIC[name]! });
      i = call.close;
      continue;
    }
    out.push(t);
  }
  return out;
}
