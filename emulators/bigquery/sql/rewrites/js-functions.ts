// GoogleSQL functions answered by the emulator's own TypeScript functions (udfs/): each call is
// renamed to its registered pf_… name before translation (polyglot passes unknown calls through
// as they are). Qualified names (NET.HOST) are matched with their qualifier.
import { type Token, nextSignificant } from '../tokens';

/** GoogleSQL name (upper case, qualifier included) → registered function. */
export const JS_FUNCTIONS: Readonly<Record<string, string>> = {
  SHA512: 'pf_sha512',
};

export function callsAsJsFunctions(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // After SAFE. the function is named as usual (markSafeCalls then wraps the call).
    const afterSafe = tokens[i - 1]?.text === '.' && tokens[i - 2]?.text.toUpperCase() === 'SAFE' && tokens[i - 3]?.text !== '.';
    if (t.kind !== 'ident' || (tokens[i - 1]?.text === '.' && !afterSafe)) {
      out.push(t);
      continue;
    }
    // NAME( or QUALIFIER.NAME(
    const qualified = tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident';
    const last = qualified ? i + 2 : i;
    const name = (qualified ? `${t.text}.${tokens[i + 2]!.text}` : t.text).toUpperCase();
    const target = JS_FUNCTIONS[name];
    if (target === undefined || tokens[nextSignificant(tokens, last + 1)]?.text !== '(') {
      out.push(t);
      continue;
    }
    out.push({ kind: 'ident', text: target });
    i = last;
  }
  return out;
}
