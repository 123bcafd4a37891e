// UNPIVOT's column order. BigQuery puts the value columns before the name column
// (`Produce UNPIVOT(sales FOR quarter IN (Q1, Q2))` -> product, sales, quarter); DuckDB puts the
// name column first (product, quarter, sales). After translation, the UNPIVOT and its source are
// wrapped in a subquery that moves the name column last:
//   src UNPIVOT (v FOR n IN (...)) [AS a] -> (SELECT * EXCLUDE (n), n FROM src UNPIVOT (...)) [AS a]
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';
import { openBefore } from './calls';

const NOT_ALIAS = ['WHERE', 'GROUP', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'JOIN', 'LEFT', 'RIGHT', 'FULL', 'INNER', 'CROSS', 'ON', 'USING', 'WINDOW', 'QUALIFY', 'HAVING', 'PIVOT', 'UNPIVOT'];
const BEFORE_SOURCE = ['FROM', 'JOIN', 'LATERAL'];

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'ident' || t.kind === 'quoted');
}

/** Start index of the table name path (a.b.c) or parenthesized group ending at `end`, or -1. */
function primaryStart(tokens: Token[], end: number): number {
  if (tokens[end]?.text === ')') return openBefore(tokens, end);
  if (!isName(tokens[end])) return -1;
  let start = end;
  while (tokens[start - 1]?.text === '.' && isName(tokens[start - 2])) start -= 2;
  return start;
}

/** Start of the from_item (with its alias) that ends at `end`, or -1 when it cannot be told. */
function sourceStart(tokens: Token[], end: number): number {
  const start = primaryStart(tokens, end);
  if (start < 0) return -1;
  const before = prevSignificant(tokens, start - 1);
  const b = tokens[before];
  if (b && (b.text === ',' || b.text === '(' || BEFORE_SOURCE.some((w) => isKeyword(b, w)))) return start;
  // `src AS alias` or `src alias`: the primary just read was the alias.
  const srcEnd = b && isKeyword(b, 'AS') ? prevSignificant(tokens, before - 1) : before;
  const src = primaryStart(tokens, srcEnd);
  const bb = tokens[prevSignificant(tokens, src - 1)];
  return src >= 0 && bb && (bb.text === ',' || bb.text === '(' || BEFORE_SOURCE.some((w) => isKeyword(bb, w))) ? src : -1;
}

export function unpivotValuesFirst(input: Token[]): Token[] {
  let tokens = input;
  for (let i = 0; i < tokens.length; i++) {
    if (!isKeyword(tokens[i], 'UNPIVOT')) continue;
    let open = nextSignificant(tokens, i + 1);
    if (isKeyword(tokens[open], 'INCLUDE') || isKeyword(tokens[open], 'EXCLUDE')) open = nextSignificant(tokens, nextSignificant(tokens, open + 1) + 1);
    if (tokens[open]?.text !== '(') continue;
    const close = matchClose(tokens, open);
    const forAt = tokens.findIndex((t, k) => k > open && k < close && isKeyword(t, 'FOR'));
    const name = nextSignificant(tokens, forAt + 1);
    const start = sourceStart(tokens, prevSignificant(tokens, i - 1));
    if (close < 0 || forAt < 0 || !isName(tokens[name]) || start < 0) continue;
    // The UNPIVOT's own alias, if any, stays outside the subquery.
    const a = nextSignificant(tokens, close + 1);
    const hasAlias = a >= 0 && isName(tokens[a]) && !NOT_ALIAS.some((w) => isKeyword(tokens[a], w));
    const n = tokens[name];
    const replaced: Token[] = [
      { kind: 'punct', text: '(' },
      { kind: 'ident', text: 'SELECT * EXCLUDE (' },
      n,
      { kind: 'punct', text: '),' },
      { kind: 'ws', text: ' ' },
      n,
      { kind: 'ident', text: ' FROM ' },
      ...tokens.slice(start, close + 1),
      { kind: 'punct', text: ')' },
      ...(hasAlias ? [] : [{ kind: 'ident', text: ` AS pf_unpivot_${i}` } as Token]),
    ];
    tokens = [...tokens.slice(0, start), ...replaced, ...tokens.slice(close + 1)];
    i = start + replaced.length - 1;
  }
  return tokens;
}
