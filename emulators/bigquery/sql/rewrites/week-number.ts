// EXTRACT(WEEK FROM x) counts Sunday-started weeks from 0 (days before the year's first Sunday)
// and WEEK(<day>) weeks started on that day; DuckDB's WEEK is the ISO week, which polyglot uses
// for all of them, and DuckDB has no ISOWEEK part. Before translation the BigQuery forms become
// PF_WEEK_NUMBER(x, <day 0 = Sunday>); after it, that is the count of the day's occurrences in the
// year up to x, and EXTRACT(ISOWEEK ...) becomes DuckDB's EXTRACT(WEEK ...).
import { type Token, isKeyword, nextSignificant } from '../tokens';
import { callAt, template, trim } from './calls';

const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** `WEEK` or `WEEK(<day>)` then FROM: the weekday number and the index of FROM. */
function weekPart(tokens: Token[], from: number): { day: number; fromAt: number } | undefined {
  const w = nextSignificant(tokens, from);
  if (w < 0 || !isKeyword(tokens[w], 'WEEK')) return undefined;
  let k = nextSignificant(tokens, w + 1);
  let day = 0;
  if (tokens[k]?.text === '(') {
    const d = nextSignificant(tokens, k + 1);
    const close = nextSignificant(tokens, d + 1);
    day = DAYS.indexOf(tokens[d]?.text.toUpperCase() ?? '');
    if (day < 0 || tokens[close]?.text !== ')') return undefined;
    k = nextSignificant(tokens, close + 1);
  }
  return isKeyword(tokens[k], 'FROM') ? { day, fromAt: k } : undefined;
}

export function markWeekNumber(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, 'EXTRACT');
    const part = call ? weekPart(tokens, call.open + 1) : undefined;
    if (!call || !part) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...template(`PF_WEEK_NUMBER(ARG0, ${part.day})`, trim(tokens.slice(part.fromAt + 1, call.close))));
    i = call.close;
  }
  return out;
}

export function expandWeekNumber(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, 'PF_WEEK_NUMBER');
    if (call && call.args.length === 2) {
      out.push(...template('((DAYOFYEAR(ARG0) - ((DAYOFWEEK(ARG0) - ARG1 + 7) % 7) + 6) // 7)', call.args[0], call.args[1]));
      i = call.close;
      continue;
    }
    const extract = callAt(tokens, i, 'EXTRACT');
    const first = extract ? nextSignificant(tokens, extract.open + 1) : -1;
    if (extract && isKeyword(tokens[first], 'ISOWEEK')) {
      out.push(...tokens.slice(i, first), { kind: 'ident', text: 'WEEK' });
      i = first;
      continue;
    }
    out.push(tokens[i]);
  }
  return out;
}
