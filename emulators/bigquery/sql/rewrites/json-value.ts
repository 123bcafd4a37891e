// polyglot maps JSON_VALUE to `->`, which keeps JSON quotes; BigQuery's JSON_VALUE returns unquoted
// text, which is what JSON_EXTRACT_SCALAR (`->>`) gives, so JSON_VALUE is renamed before translation.
import { canonicalJson } from '../../json-canonical';
import { unquoteString } from '../ddl';
import { type Token, isKeyword, nextSignificant, prevSignificant, quoteString } from '../tokens';

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

/**
 * JSON literals in BigQuery's stored form (json-canonical.ts): JSON '{"b": 1, "a": 2}' is the value
 * {"a":2,"b":1}, also inside TO_JSON_STRING or CAST(… AS STRING), which never reach the result
 * encoding's JSON canonicalisation.
 */
export function jsonLiteralsCanonical(tokens: Token[]): Token[] {
  return tokens.map((t, i) => {
    if (t.kind !== 'string' || /^[rRbB]/.test(t.text)) return t;
    const before = prevSignificant(tokens, i - 1);
    if (!isKeyword(tokens[before], 'JSON') || tokens[before - 1]?.text === '.') return t;
    const text = unquoteString(t.text);
    const canonical = canonicalJson(text);
    return canonical === text ? t : { kind: 'string', text: quoteString(canonical) };
  });
}
