// CURRENT_TIMESTAMP(), CURRENT_DATE() and CURRENT_DATETIME() with their empty parentheses: polyglot
// drops them in SELECTs but leaves them in MERGE clauses, where DuckDB knows no such function.
// CURRENT_TIME is DuckDB's TIME WITH TIME ZONE ('02:28:21.8+00'): BigQuery's TIME is the UTC clock
// time; CURRENT_TIME(zone) and CURRENT_DATETIME(zone) are the clock in that zone.
import { type Token } from '../tokens';
import { callAt, template } from './calls';

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
    const zoned = name === 'CURRENT_TIME' || name === 'CURRENT_DATETIME' ? callAt(tokens, i, name) : undefined;
    if (zoned && zoned.args.length === 1 && zoned.args[0].length > 0) {
      out.push(...template(name === 'CURRENT_TIME' ? 'CAST(TIMEZONE(ARG0, CURRENT_TIMESTAMP) AS TIME)' : 'TIMEZONE(ARG0, CURRENT_TIMESTAMP)', zoned.args[0]));
      i = zoned.close;
      continue;
    }
    if (name === 'CURRENT_TIME' && tokens[i - 1]?.text !== '.' && !zoned) {
      out.push(...template('CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIME)'));
      continue;
    }
    out.push(t);
  }
  return out;
}
