// Column names of PIVOT (query-syntax#pivot_operator). BigQuery names a pivot column after the IN
// value's alias, or the value itself: a string literal gives its text (`'Q1'` -> Q1), an integer
// literal an underscore and its digits (`2020` -> _2020); with aggregate aliases the name is
// `<aggregate alias>_<value name>`. DuckDB names a string the same and an integer by its digits, and
// with aggregate aliases writes `<value name>_<aggregate alias>` (in the same order of columns). So
// an integer value without an alias is given BigQuery's name as an alias; a PIVOT with aggregate
// aliases becomes a derived table that renames its pivot columns:
//   FROM t PIVOT(SUM(s) AS total FOR q IN ('Q1')) AS p
//   -> FROM (SELECT * EXCEPT (`Q1_total`), `Q1_total` AS `total_Q1` FROM t PIVOT(…)) AS p
// Any other value without an alias (whose BigQuery name DuckDB would not give) is refused.
import { unimplemented } from '../../errors';
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant, tokenize } from '../tokens';
import { openBefore } from './calls';

const NOT_ALIAS = ['WHERE', 'GROUP', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'JOIN', 'LEFT', 'RIGHT', 'FULL', 'INNER', 'CROSS', 'ON', 'USING', 'WINDOW', 'QUALIFY', 'HAVING', 'PIVOT', 'UNPIVOT', 'TABLESAMPLE', 'FOR'];
const unquote = (t: Token): string => (t.kind === 'quoted' ? t.text.slice(1, -1) : t.text);
const quote = (name: string): string => `\`${name.replace(/[`\\]/g, '')}\``;

const significant = (t: Token): boolean => t.kind !== 'ws' && t.kind !== 'comment';

/** Splits tokens [from, to) at top-level commas into lists of significant tokens with their indexes. */
function items(tokens: Token[], from: number, to: number): { t: Token; at: number }[][] {
  const out: { t: Token; at: number }[][] = [[]];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (!significant(t)) continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth === 0 && t.text === ',') out.push([]);
    else out[out.length - 1]!.push({ t, at: k });
  }
  return out.filter((x) => x.length > 0);
}

const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'ident' || t.kind === 'quoted');

/** Whether an item (`expr [AS] alias`) ends with an alias. */
function aliased(item: { t: Token }[]): boolean {
  const n = item.length;
  if (n < 2 || !isName(item[n - 1]!.t)) return false;
  const before = item[n - 2]!.t;
  return isKeyword(before, 'AS') || before.text === ')' || before.kind === 'string' || before.kind === 'number';
}

export function pivotColumnsNamed(tokens: Token[]): Token[] {
  const extra = new Map<number, string>(); // token index → alias written after it
  const renames: Rename[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isKeyword(tokens[i], 'PIVOT')) continue;
    const open = nextSignificant(tokens, i + 1);
    const prev = tokens[prevSignificant(tokens, i - 1)];
    if (open < 0 || tokens[open]!.text !== '(' || !prev || !(isName(prev) || prev.text === ')')) continue;
    const close = matchClose(tokens, open);
    if (close < 0) continue;
    let depth = 0;
    let forAt = -1;
    let inOpen = -1;
    for (let k = open + 1; k < close; k++) {
      const t = tokens[k]!;
      if (t.text === '(') {
        if (depth === 0 && forAt >= 0 && inOpen < 0) inOpen = k;
        depth++;
      } else if (t.text === ')') depth--;
      else if (depth === 0 && forAt < 0 && isKeyword(t, 'FOR')) forAt = k;
    }
    if (forAt < 0 || inOpen < 0) continue;
    const aggregates = items(tokens, open + 1, forAt);
    const inClose = matchClose(tokens, inOpen);
    const values: string[] = [];
    for (const item of items(tokens, inOpen + 1, inClose)) {
      const [only] = item;
      if (aliased(item)) values.push(unquote(item[item.length - 1]!.t));
      else if (item.length === 1 && only!.t.kind === 'string' && /^(['"])[A-Za-z_][A-Za-z0-9_]*\1$/.test(only!.t.text)) values.push(only!.t.text.slice(1, -1));
      else if (item.length === 1 && only!.t.kind === 'number' && /^\d+$/.test(only!.t.text)) {
        extra.set(only!.at, `_${only!.t.text}`);
        values.push(`_${only!.t.text}`);
      } else throw unimplemented('PIVOT with an IN value other than a string or integer literal without an alias');
    }
    if (aggregates.some(aliased)) {
      if (!aggregates.every(aliased)) throw unimplemented('PIVOT with aliases on some of its aggregates');
      const renamed = renames.length;
      renames.push({ from: fromItemStart(tokens, i), pivot: i, close, names: values.flatMap((v) => aggregates.map((a) => [`${v}_${unquote(a[a.length - 1]!.t)}`, `${unquote(a[a.length - 1]!.t)}_${v}`] as [string, string])) });
      if (renames[renamed]!.from < 0) throw unimplemented('PIVOT with aggregate aliases on this FROM item');
    }
    i = close;
  }
  if (extra.size === 0 && renames.length === 0) return tokens;
  const named = (from: number, to: number): Token[] =>
    tokens.slice(from, to).flatMap((t, j) => {
      const alias = extra.get(from + j);
      return alias === undefined ? [t] : [t, { kind: 'ws', text: ' ' }, { kind: 'ident', text: 'AS' }, { kind: 'ws', text: ' ' }, { kind: 'ident', text: alias }];
    });
  if (renames.length === 0) return named(0, tokens.length);
  const out: Token[] = [];
  let at = 0;
  renames.forEach((r, n) => {
    out.push(...named(at, r.from));
    let end = r.close + 1;
    let alias = `pf_pivot_${n}`;
    let k = nextSignificant(tokens, end);
    if (k >= 0 && isKeyword(tokens[k], 'AS')) k = nextSignificant(tokens, k + 1);
    if (k >= 0 && isName(tokens[k]) && !NOT_ALIAS.some((w) => isKeyword(tokens[k], w))) {
      alias = tokens[k]!.text;
      end = k + 1;
    }
    const except = r.names.map(([from]) => quote(from)).join(', ');
    const select = r.names.map(([from, to]) => `${quote(from)} AS ${quote(to)}`).join(', ');
    out.push(...tokenize(`(SELECT * EXCEPT (${except}), ${select} FROM `), ...named(r.from, r.close + 1), ...tokenize(`) AS ${alias}`));
    at = end;
  });
  out.push(...named(at, tokens.length));
  return out;
}

interface Rename {
  from: number;
  pivot: number;
  close: number;
  names: [string, string][];
}

/** Where the FROM item a PIVOT follows starts (a table path or a parenthesized query), or -1. */
function fromItemStart(tokens: Token[], pivot: number): number {
  let k = prevSignificant(tokens, pivot - 1);
  if (k < 0) return -1;
  if (tokens[k]!.text === ')') k = openBefore(tokens, k);
  else {
    // An alias of the item (`FROM t AS x PIVOT`) is not followed: refused below.
    while (k >= 2 && tokens[k - 1]!.text === '.' && isName(tokens[k - 2])) k -= 2;
  }
  const before = tokens[prevSignificant(tokens, k - 1)];
  return before && (isKeyword(before, 'FROM') || isKeyword(before, 'JOIN') || before.text === ',') ? k : -1;
}
