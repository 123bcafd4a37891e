// BigQuery weeks start on Sunday (WEEK = WEEK(SUNDAY)) or on the named day; DuckDB's
// date_trunc('week') starts on Monday, which polyglot uses for all of them. Before translation,
// `X_TRUNC(v, WEEK(<day>))` becomes `X_ADD(X_TRUNC(X_SUB(v, INTERVAL k DAY), ISOWEEK), INTERVAL k DAY)`
// with k the day's distance from Monday; after translation 'ISOWEEK' becomes DuckDB's 'week'.
import { type Token, isKeyword } from '../tokens';
import { callAt, template } from './calls';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const FUNCTIONS = ['DATE', 'DATETIME', 'TIMESTAMP'];

function weekStart(part: Token[]): number | undefined {
  const sig = part.filter((t) => t.kind !== 'ws');
  if (sig.length === 1 && isKeyword(sig[0], 'WEEK')) return DAYS.indexOf('SUNDAY');
  if (sig.length === 4 && isKeyword(sig[0], 'WEEK') && sig[1].text === '(' && sig[3].text === ')') {
    const d = DAYS.indexOf(sig[2].text.toUpperCase());
    return d >= 0 ? d : undefined;
  }
  return undefined;
}

export function weekTruncFromNamedDay(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = FUNCTIONS.find((f) => isKeyword(tokens[i], `${f}_TRUNC`));
    const call = fn ? callAt(tokens, i, `${fn}_TRUNC`) : undefined;
    const k = call && call.args.length >= 2 ? weekStart(call.args[1]) : undefined;
    if (!call || k === undefined) {
      out.push(tokens[i]);
      continue;
    }
    const v = [...call.args[0]];
    const rest = call.args.slice(2).flatMap((a) => [{ kind: 'punct', text: ',' } as Token, { kind: 'ws', text: ' ' } as Token, ...a]);
    const trunc = [...template(`${fn}_TRUNC(ARG0, ISOWEEK`, k === 0 ? v : template(`${fn}_SUB(ARG0, INTERVAL ${k} DAY)`, v)), ...rest, { kind: 'punct', text: ')' } as Token];
    out.push(...(k === 0 ? trunc : template(`${fn}_ADD(ARG0, INTERVAL ${k} DAY)`, trunc)));
    i = call.close;
  }
  return out;
}

export function isoWeekToDuckDb(tokens: Token[]): Token[] {
  return tokens.map((t) => (t.kind === 'string' && /^'ISOWEEK'$/i.test(t.text) ? { ...t, text: "'week'" } : t));
}
