// The order of UNION ALL's rows. BigQuery promises none, but in practice reads the branches in
// order: ARRAY(SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) is [1, 2, 3], and so is ARRAY_AGG
// over a derived table or WITH query of literal rows. DuckDB runs the branches of a UNION ALL that
// feeds an aggregate or window as separate pipelines, last first ([1, 3, 2]); an OFFSET makes it
// keep their order. After translation, every parenthesized query whose top level is a UNION ALL
// without ORDER BY, LIMIT or OFFSET of its own is given `OFFSET 0` (not the body of a CTE of a
// WITH RECURSIVE, where DuckDB allows none).
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';

/** Whether the group between `open` and `close` is a UNION ALL with nothing ordering or cutting it. */
function unorderedUnionAll(tokens: Token[], open: number, close: number): boolean {
  let depth = 0;
  let union = false;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && isKeyword(t, 'UNION') && isKeyword(tokens[nextSignificant(tokens, k + 1)], 'ALL')) union = true;
    else if (depth === 0 && (isKeyword(t, 'ORDER') || isKeyword(t, 'LIMIT') || isKeyword(t, 'OFFSET'))) return false;
  }
  return union;
}

export function unionAllKeepsOrder(tokens: Token[]): Token[] {
  const appendAt = new Set<number>();
  const recursive = tokens.some((t, i) => isKeyword(t, 'WITH') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'RECURSIVE'));
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct' || t.text !== '(') return;
    // A recursive CTE's body (`name AS (… UNION ALL …)`) may not have an OFFSET in DuckDB.
    if (recursive && isKeyword(tokens[prevSignificant(tokens, i - 1)], 'AS')) return;
    const close = matchClose(tokens, i);
    if (close > 0 && unorderedUnionAll(tokens, i, close)) appendAt.add(close);
  });
  if (appendAt.size === 0) return tokens;
  return tokens.flatMap((t, i) => (appendAt.has(i) ? [{ kind: 'ident', text: ' OFFSET 0' } as Token, t] : [t]));
}
