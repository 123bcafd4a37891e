// Ingestion-time partitioned tables store `_PARTITIONTIME` as a real column; `_PARTITIONDATE` is
// derived from it, as in BigQuery (`_PARTITIONDATE` = DATE(_PARTITIONTIME)).
import { type Token, isKeyword } from '../tokens';

export const PARTITIONTIME_COLUMN = '_PARTITIONTIME';

export function expandPartitionDate(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isKeyword(t, '_PARTITIONDATE')) {
      const qualifier: Token[] = [];
      // keep a table qualifier: t._PARTITIONDATE -> CAST(t._PARTITIONTIME AS DATE)
      while (out.length >= 2 && out[out.length - 1].text === '.' && ['ident', 'quoted'].includes(out[out.length - 2].kind)) {
        qualifier.unshift(out.pop() as Token);
        qualifier.unshift(out.pop() as Token);
      }
      out.push({ kind: 'ident', text: 'CAST' }, { kind: 'punct', text: '(' }, ...qualifier);
      out.push({ kind: 'ident', text: PARTITIONTIME_COLUMN }, { kind: 'ws', text: ' ' }, { kind: 'ident', text: 'AS' });
      out.push({ kind: 'ws', text: ' ' }, { kind: 'ident', text: 'DATE' }, { kind: 'punct', text: ')' });
    } else {
      out.push(t);
    }
  }
  return out;
}
