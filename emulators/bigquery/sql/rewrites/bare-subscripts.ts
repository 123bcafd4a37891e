// `x[i]` without OFFSET/ORDINAL (operators#array_subscript_operator, operators#json_subscript_operator).
// On an ARRAY it is x[OFFSET(i)]: zero-based, an error out of bounds. On JSON it is the element at
// zero-based i, NULL when there is none. polyglot made both DuckDB's one-based x[i + 1], which on
// JSON (zero-based in DuckDB) took the next element, and on an ARRAY answered NULL out of bounds.
// Which one x is shows only when DuckDB binds the statement, so the subscript is marked here
// (x[PF_BARE(i)]) for markArraySubscripts, whose PF_AT_INDEX chooses by the operand's type.
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';

const NOT_AN_OPERAND = ['SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'ON', 'WHEN', 'THEN', 'ELSE', 'BY', 'AS', 'FROM', 'HAVING', 'QUALIFY', 'IS', 'LIKE', 'BETWEEN', 'CASE', 'RETURN', 'UNNEST', 'EXISTS', 'INTERVAL', 'ARRAY', 'DISTINCT', 'ALL', 'SET', 'DEFAULT', 'RETURNS', 'VALUES', 'LIMIT', 'OFFSET', 'ANY', 'SOME', 'EXCEPT', 'UNION', 'INTERSECT', 'OPTIONS'];
const NAMED = ['OFFSET', 'SAFE_OFFSET', 'ORDINAL', 'SAFE_ORDINAL'];

function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'ident') return !NOT_AN_OPERAND.includes(t.text.toUpperCase());
  return t.kind === 'quoted' || (t.kind === 'punct' && (t.text === ')' || t.text === ']'));
}

export function markBareSubscripts(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    out.push(t);
    if (t.kind !== 'punct' || t.text !== '[' || !endsOperand(tokens[prevSignificant(tokens, i - 1)])) continue;
    const close = matchClose(tokens, i);
    const first = nextSignificant(tokens, i + 1);
    if (close < 0 || first === close) continue;
    const inner = tokens.slice(i + 1, close);
    let depth = 0;
    const comma = inner.some((x) => {
      if (x.kind === 'punct' && (x.text === '(' || x.text === '[')) depth++;
      if (x.kind === 'punct' && (x.text === ')' || x.text === ']')) depth--;
      return depth === 0 && x.kind === 'punct' && x.text === ',';
    });
    const named = NAMED.some((w) => isKeyword(tokens[first], w)) && tokens[nextSignificant(tokens, first + 1)]?.text === '(';
    // A string key is a JSON member (documented-fidelity's jsonSubscripts); `STRUCT<…>[…]` is a literal.
    if (comma || named || tokens[first].kind === 'string' || tokens[prevSignificant(tokens, i - 1)]?.text === '>') continue;
    out.push({ kind: 'ident', text: 'PF_BARE' }, { kind: 'punct', text: '(' }, ...markBareSubscripts(inner), { kind: 'punct', text: ')' }, tokens[close]);
    i = close;
  }
  return out;
}
