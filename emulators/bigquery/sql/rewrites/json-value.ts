// polyglot maps JSON_VALUE to `->`, which keeps JSON quotes; BigQuery's JSON_VALUE returns unquoted
// text, which is what JSON_EXTRACT_SCALAR (`->>`) gives, so JSON_VALUE is renamed before translation.
import { type Token, isKeyword, nextSignificant } from '../tokens';

export function jsonValueAsScalar(tokens: Token[]): Token[] {
  return tokens.map((t, i) => {
    const next = tokens[nextSignificant(tokens, i + 1)];
    if (isKeyword(t, 'JSON_VALUE') && next?.text === '(' && !isPath(tokens, i)) {
      return { kind: 'ident', text: 'JSON_EXTRACT_SCALAR' };
    }
    return t;
  });
}

function isPath(tokens: Token[], i: number): boolean {
  return i > 0 && tokens[i - 1].text === '.';
}
