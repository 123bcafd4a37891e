// GoogleSQL lets one backticked name hold a whole path (`proj.ds.table`); the translator wants
// one quoted identifier per part, so `a.b.c` becomes `a`.`b`.`c` before translation.
import { type Token } from '../tokens';

export function splitBacktickPaths(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== 'quoted' || !t.text.slice(1, -1).includes('.')) {
      out.push(t);
      continue;
    }
    const parts = t.text.slice(1, -1).split('.');
    parts.forEach((p, i) => {
      if (i > 0) out.push({ kind: 'punct', text: '.' });
      out.push({ kind: 'quoted', text: `\`${p}\`` });
    });
  }
  return out;
}
