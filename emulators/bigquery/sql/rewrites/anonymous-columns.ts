// Columns of a query result that have no name in GoogleSQL: BigQuery names them f0_, f1_, … in the
// order they appear among the unnamed columns (`SELECT word, COUNT(*)` gives word and f0_). DuckDB
// names them after their expression text ("count_star()", "('a' || 'b')"). Every unnamed item of
// the statement's outermost select lists is given its BigQuery name before translation. Named:
// `expr AS x`, `expr x`, a column or field path (`t.a.b` is b), and stars.
import { type Token, isKeyword, nextSignificant } from '../tokens';

// GoogleSQL's reserved keywords (lexical#reserved_keywords): never an implicit alias.
const RESERVED = new Set(
  (
    'ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS CREATE CROSS CUBE CURRENT DEFAULT ' +
    'DEFINE DESC DISTINCT ELSE END ENUM ESCAPE EXCEPT EXCLUDE EXISTS EXTRACT FALSE FETCH FOLLOWING FOR FROM FULL GROUP GROUPING ' +
    'GROUPS HASH HAVING IF IGNORE IN INNER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LIKE LIMIT LOOKUP MERGE NATURAL NEW NO ' +
    'NOT NULL NULLS OF ON OR ORDER OUTER OVER PARTITION PRECEDING PROTO QUALIFY RANGE RECURSIVE RESPECT RIGHT ROLLUP ROWS SELECT ' +
    'SET SOME STRUCT TABLESAMPLE THEN TO TREAT TRUE UNBOUNDED UNION UNNEST USING WHEN WHERE WINDOW WITH WITHIN'
  ).split(' '),
);
// What ends a select list at its own depth.
const LIST_END = ['FROM', 'WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'UNION', 'INTERSECT', 'EXCEPT', 'INTO'];
const DATE_PARTS = /^(YEAR|QUARTER|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND|MILLISECOND|MICROSECOND)$/i;

const significant = (t: Token): boolean => t.kind !== 'ws' && t.kind !== 'comment';
const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.text.toUpperCase())));

/** Whether a select item (its significant tokens) names its column. */
function named(item: Token[], spaced: boolean): boolean {
  const n = item.length;
  if (n === 0) return true;
  const last = item[n - 1]!;
  const before = item[n - 2];
  if (last.text === '*' || (isKeyword(before, 'AS') && (last.kind === 'ident' || last.kind === 'quoted'))) return true;
  if (item[0]!.text === '*' || item.some((t, k) => t.text === '*' && item[k - 1]?.text === '.')) return true; // * EXCEPT (…), t.* REPLACE (…)
  // CURRENT_DATE and the like without parentheses are calls, not column names.
  if (n === 1 && /^CURRENT_(DATE|TIME|DATETIME|TIMESTAMP)$/i.test(item[0]!.text) && item[0]!.kind === 'ident') return false;
  // A path: name (. name)*.
  if (item.every((t, k) => (k % 2 === 0 ? t.kind === 'ident' || t.kind === 'quoted' : t.text === '.')) && n % 2 === 1) return true;
  // An implicit alias: an expression, white space, a name (not INTERVAL 1 DAY).
  if (spaced && isName(last) && before !== undefined && before.text !== '.' && (before.kind === 'ident' || before.kind === 'quoted' || before.kind === 'number' || before.kind === 'string' || before.text === ')' || before.text === ']')) {
    if (before.kind === 'ident' && RESERVED.has(before.text.toUpperCase()) && before.text.toUpperCase() !== 'END') return false;
    return !(DATE_PARTS.test(last.text) && item.some((t) => isKeyword(t, 'INTERVAL')));
  }
  return false;
}

export function anonymousColumnsNamed(tokens: Token[]): Token[] {
  const first = tokens[nextSignificant(tokens, 0)];
  if (!first || !(isKeyword(first, 'SELECT') || isKeyword(first, 'WITH') || first.text === '(')) return tokens;
  const aliases = new Map<number, string>(); // token index → alias to write after it
  let counter = 0;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth !== 0 || !isKeyword(t, 'SELECT')) continue;
    // The select list of this outermost SELECT.
    let k = nextSignificant(tokens, i + 1);
    if (isKeyword(tokens[k], 'AS')) continue; // SELECT AS STRUCT / AS VALUE: one unnamed value
    if (isKeyword(tokens[k], 'DISTINCT') || isKeyword(tokens[k], 'ALL')) k = nextSignificant(tokens, k + 1);
    let item: Token[] = [];
    let lastIndex = -1;
    let spacedBeforeLast = false;
    let sawSpace = false;
    let inner = 0;
    let angle = 0;
    const close = (): void => {
      if (item.length > 0 && !named(item, spacedBeforeLast)) aliases.set(lastIndex, `f${counter++}_`);
      item = [];
      sawSpace = false;
    };
    for (; k >= 0 && k < tokens.length; k++) {
      const u = tokens[k]!;
      if (!significant(u)) {
        sawSpace = true;
        continue;
      }
      if (inner === 0 && angle === 0) {
        const upper = u.kind === 'ident' ? u.text.toUpperCase() : '';
        const starExcept = upper === 'EXCEPT' && item[item.length - 1]?.text === '*';
        const distinctFrom = upper === 'FROM' && isKeyword(item[item.length - 1], 'DISTINCT'); // a IS [NOT] DISTINCT FROM b
        if ((LIST_END.includes(upper) && !starExcept && !distinctFrom) || u.text === ')' || u.text === ';') break;
        if (u.text === ',') {
          close();
          continue;
        }
      }
      if (u.text === '(' || u.text === '[') inner++;
      else if (u.text === ')' || u.text === ']') inner--;
      else if (u.text === '<' && (isKeyword(item[item.length - 1], 'ARRAY') || isKeyword(item[item.length - 1], 'STRUCT') || angle > 0)) angle++;
      else if (angle > 0 && (u.text === '>' || u.text === '>>')) angle = Math.max(0, angle - u.text.length);
      spacedBeforeLast = sawSpace;
      sawSpace = false;
      item.push(u);
      lastIndex = k;
    }
    close();
    i = Math.max(i, k - 1);
  }
  if (aliases.size === 0) return tokens;
  return tokens.flatMap((t, k) => {
    const alias = aliases.get(k);
    return alias === undefined ? [t] : [t, { kind: 'ws', text: ' ' }, { kind: 'ident', text: 'AS' }, { kind: 'ws', text: ' ' }, { kind: 'ident', text: alias }];
  });
}
