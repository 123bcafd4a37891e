// SESSION_USER() (security_functions#session_user): BigQuery answers the email of the principal
// running the query. The emulator has no principals: it answers the user its jobs record as
// user_email (jobs.ts), so both agree. DuckDB's SESSION_USER would answer 'duckdb'.
import { type Token, isKeyword, quoteString } from '../tokens';
import { callAt } from './calls';

export const EMULATOR_USER = 'emulator@pizzaflow.local';

export function sessionUserAsEmulatorUser(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = isKeyword(tokens[i], 'SESSION_USER') ? callAt(tokens, i, 'SESSION_USER') : undefined;
    if (call && call.args.length === 1 && call.args[0].length === 0) {
      out.push({ kind: 'string', text: quoteString(EMULATOR_USER) });
      i = call.close;
    } else out.push(tokens[i]);
  }
  return out;
}
