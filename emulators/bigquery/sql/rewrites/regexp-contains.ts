// polyglot translates REGEXP_CONTAINS (a partial match) to regexp_full_match; DuckDB's partial
// match is regexp_matches. GoogleSQL has no full-match function, so every occurrence is ours.
import { type Token, isKeyword } from '../tokens';

export function regexpContainsPartial(tokens: Token[]): Token[] {
  return tokens.map((t) => (isKeyword(t, 'REGEXP_FULL_MATCH') ? { kind: 'ident', text: 'REGEXP_MATCHES' } : t));
}
