// DuckDB's DATE + INTERVAL and date_trunc(DATE) return TIMESTAMP, but BigQuery's DATE_ADD, DATE_SUB
// and DATE_TRUNC take and return DATE: the call is wrapped in CAST(... AS DATE) before translation.
import { type Token, isKeyword, matchClose, nextSignificant } from '../tokens';

const DATE_FUNCTIONS = ['DATE_ADD', 'DATE_SUB', 'DATE_TRUNC'];

export function keepDateArithmeticDate(tokens: Token[]): Token[] {
  const out: Token[] = [];
  const closers = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const open = nextSignificant(tokens, i + 1);
    const isCall =
      DATE_FUNCTIONS.some((f) => isKeyword(t, f)) && open >= 0 && tokens[open].text === '(' && tokens[i - 1]?.text !== '.';
    if (isCall) {
      const close = matchClose(tokens, open);
      if (close > 0) {
        out.push({ kind: 'ident', text: 'CAST' }, { kind: 'punct', text: '(' });
        closers.set(close, (closers.get(close) ?? 0) + 1);
      }
    }
    out.push(t);
    for (let k = closers.get(i) ?? 0; k > 0; k--) {
      out.push({ kind: 'ws', text: ' ' }, { kind: 'ident', text: 'AS' }, { kind: 'ws', text: ' ' });
      out.push({ kind: 'ident', text: 'DATE' }, { kind: 'punct', text: ')' });
    }
  }
  return out;
}
