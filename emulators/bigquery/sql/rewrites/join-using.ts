// `SELECT *` over `JOIN … USING (k)`: BigQuery lists the USING columns first (the last join's
// first), then the other columns of each input in order
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#using_clause); DuckDB
// leaves k where the left input had it. The star becomes `k, * EXCEPT (k)`.
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant, tokenize } from '../tokens';

/** Words that end a SELECT's FROM clause at its own depth. */
const AFTER_FROM = new Set(['WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT']);

/** The USING column lists of the FROM clause starting at `from`, last join first. */
function usingColumns(tokens: Token[], from: number): string[] {
  const lists: string[][] = [];
  for (let k = from + 1; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.text === ')' || t.text === ';' || (t.kind === 'ident' && AFTER_FROM.has(t.text.toUpperCase()))) break;
    if (t.text === '(' || t.text === '[') {
      const close = matchClose(tokens, k);
      if (close < 0) break;
      if (isKeyword(tokens[prevSignificant(tokens, k - 1)], 'USING')) {
        lists.push(tokens.slice(k + 1, close).filter((c) => c.kind === 'ident' || c.kind === 'quoted').map((c) => c.text));
      }
      k = close;
    }
  }
  const seen = new Set<string>();
  return lists.reverse().flat().filter((c) => !seen.has(c.toLowerCase()) && seen.add(c.toLowerCase()));
}

export function usingColumnsFirst(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    out.push(tokens[i]);
    if (!isKeyword(tokens[i], 'SELECT')) continue;
    const star = nextSignificant(tokens, i + 1);
    const from = star < 0 ? -1 : nextSignificant(tokens, star + 1);
    if (tokens[star]?.text !== '*' || !isKeyword(tokens[from], 'FROM')) continue;
    const cols = usingColumns(tokens, from);
    if (cols.length === 0) continue;
    out.push(...tokens.slice(i + 1, star), ...tokenize(`${cols.join(', ')}, * EXCEPT (${cols.join(', ')})`));
    i = star;
  }
  return out;
}
