// Query syntax the emulator cannot answer as BigQuery does, refused by name:
// - TABLESAMPLE SYSTEM (n PERCENT) (query-syntax#tablesample_operator): BigQuery samples storage
//   blocks at random, DuckDB its own vectors; only 100 PERCENT (every row) is the same answer.
// - SELECT WITH DIFFERENTIAL_PRIVACY (query-syntax#dp_clause): noisy aggregates.
import { unimplemented } from '../../errors';
import { type Token, isKeyword, nextSignificant } from '../tokens';

export function refuseSamplingAndPrivacy(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    if (isKeyword(t, 'SELECT') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'WITH')) {
      const what = tokens[nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1)];
      throw unimplemented(`SELECT WITH ${what?.text.toUpperCase() ?? ''}`.trim());
    }
    if (!isKeyword(t, 'TABLESAMPLE')) return;
    const sig: string[] = [];
    for (let k = nextSignificant(tokens, i + 1); k >= 0 && sig.length < 5; k = nextSignificant(tokens, k + 1)) sig.push(tokens[k]!.text.toUpperCase());
    const [system, open, n, percent, close] = sig;
    const all = system === 'SYSTEM' && open === '(' && n !== undefined && /^100(\.0*)?$/.test(n) && percent === 'PERCENT' && close === ')';
    if (!all) throw unimplemented('TABLESAMPLE (other than 100 PERCENT)');
  });
  return tokens;
}
