// BigQuery's `SAFE.fn(...)` returns NULL instead of raising; DuckDB's TRY(expr) does the same.
// Before translation the call becomes PF_SAFE(fn(...)) (polyglot keeps unknown functions), and
// after translation PF_SAFE( becomes TRY(.
import { type Token, isKeyword, matchClose, nextSignificant } from '../tokens';

export const SAFE_MARKER = 'PF_SAFE';

export function markSafeCalls(tokens: Token[]): Token[] {
  const out: Token[] = [];
  const closers = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isKeyword(t, 'SAFE') && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident') {
      const open = nextSignificant(tokens, i + 3);
      const close = open >= 0 && tokens[open].text === '(' ? matchClose(tokens, open) : -1;
      if (close > 0) {
        out.push({ kind: 'ident', text: SAFE_MARKER }, { kind: 'punct', text: '(' });
        closers.set(close, (closers.get(close) ?? 0) + 1);
        i += 1; // skip SAFE and the dot; the function name is pushed next
        continue;
      }
    }
    out.push(t);
    for (let k = closers.get(i) ?? 0; k > 0; k--) out.push({ kind: 'punct', text: ')' });
  }
  return out;
}

export function safeMarkerToTry(tokens: Token[]): Token[] {
  return tokens.map((t) => (isKeyword(t, SAFE_MARKER) ? { kind: 'ident', text: 'TRY' } : t));
}
