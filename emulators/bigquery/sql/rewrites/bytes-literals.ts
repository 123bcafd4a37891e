// BYTES literals (b'\xFF', B"abc", rb'\x'; https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#string_and_bytes_literals):
// polyglot cannot parse them, so each becomes FROM_HEX('<hex>') of its decoded bytes.
import { invalidQuery } from '../../errors';
import { type Token } from '../tokens';

const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '?': 63, '"': 34, "'": 39, '`': 96 };

/** The bytes a BYTES literal's text stands for. */
export function bytesOfLiteral(text: string): Buffer {
  const prefix = /^[rRbB]+/.exec(text)![0];
  const raw = /r/i.test(prefix);
  const body = text.slice(prefix.length);
  const q = body.startsWith("'''") || body.startsWith('"""') ? 3 : 1;
  const inner = body.slice(q, body.length - q);
  if (raw) return Buffer.from(inner, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const e = inner[++i];
    if (e === undefined) throw invalidQuery('Illegal escape sequence: \\');
    if (SIMPLE[e] !== undefined) out.push(SIMPLE[e]);
    else if (e === 'x' || e === 'X') {
      const hex = /^[0-9a-fA-F]{2}/.exec(inner.slice(i + 1));
      if (!hex) throw invalidQuery(`Illegal escape sequence: \\${e}${inner.slice(i + 1, i + 3)}`);
      out.push(parseInt(hex[0], 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{3}/.exec(inner.slice(i));
      if (!oct || parseInt(oct[0], 8) > 255) throw invalidQuery(`Illegal escape sequence: \\${inner.slice(i, i + 3)}`);
      out.push(parseInt(oct[0], 8));
      i += 2;
    } else throw invalidQuery(`Illegal escape sequence: \\${e}`); // \u and \U are not allowed in BYTES
  }
  return Buffer.from(out);
}

export function bytesLiteralsAsHex(tokens: Token[]): Token[] {
  return tokens.flatMap((t): Token[] => {
    if (t.kind !== 'string' || !/^(b|rb|br)['"]/i.test(t.text)) return [t];
    const hex = bytesOfLiteral(t.text).toString('hex');
    return [{ kind: 'ident', text: 'FROM_HEX' }, { kind: 'punct', text: '(' }, { kind: 'string', text: `'${hex}'` }, { kind: 'punct', text: ')' }];
  });
}
