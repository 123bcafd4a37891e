import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { inventoryReceipt, posSale } from '../../../../contracts/examples';
import type { LineVerdict } from '../../../../contracts/pos-file';
import { openMaybeGzip, validateStream, type ValidateKind } from '../../../../ops/validate/validate-file';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-validate-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function verdicts(kind: ValidateKind, name: string, bytes: Buffer | string): Promise<LineVerdict[]> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const out: LineVerdict[] = [];
  for await (const v of validateStream(kind, await openMaybeGzip(file))) out.push(v);
  return out;
}

function posFile(body: string[], trailer?: Partial<{ row_count: number; sha256: string }>): string {
  const header = { record_type: 'header', schema_version: 1, merchant_id: 'm0001', store_id: 's0001', window_start: '2026-11-23T17:00:00Z', window_end: '2026-11-23T17:15:00Z', created_at: '2026-11-23T17:15:30Z' };
  const sha256 = createHash('sha256').update(body.map((l) => l + '\n').join('')).digest('hex');
  const t = { record_type: 'trailer', row_count: body.length, sha256, ...trailer };
  return [JSON.stringify(header), ...body, JSON.stringify(t)].join('\n') + '\n';
}

const body = [JSON.stringify({ record_type: 'transaction', ...posSale() }), JSON.stringify({ record_type: 'inventory_movement', ...inventoryReceipt() })];

describe('validate NDJSON records', () => {
  it('gives one verdict per line, in order, plain or gzip', async () => {
    const text = `${JSON.stringify(posSale())}\n{"broken": \n${JSON.stringify({ ...posSale(), store_id: '' })}\n`;
    for (const [name, bytes] of [['plain.ndjson', text], ['packed.ndjson.gz', gzipSync(text)]] as const) {
      const out = await verdicts('pos-transaction', name, bytes);
      expect(out.map((v) => [v.line, v.ok])).toEqual([[1, true], [2, false], [3, false]]);
      expect(out[1]).toMatchObject({ code: 'invalid_json' });
      expect(out[2]).toMatchObject({ path: 'store_id' });
    }
  });

  it('turns binary garbage into verdicts instead of crashing', async () => {
    const out = await verdicts('online-order', 'garbage.bin', Buffer.from([0, 1, 2, 255, 10, 254, 10]));
    expect(out.length).toBe(2);
    expect(out.every((v) => !v.ok)).toBe(true);
  });
});

describe('validate pos-file', () => {
  it('accepts a well-formed file', async () => {
    const out = await verdicts('pos-file', 'good.ndjson.gz', gzipSync(posFile(body)));
    expect(out.map((v) => v.ok)).toEqual([true, true, true, true]);
  });

  it('accepts an empty window (row_count 0)', async () => {
    const out = await verdicts('pos-file', 'empty.ndjson.gz', gzipSync(posFile([])));
    expect(out.every((v) => v.ok)).toBe(true);
  });

  it('names row_count when the trailer miscounts', async () => {
    const out = await verdicts('pos-file', 'count.ndjson.gz', gzipSync(posFile(body, { row_count: 3 })));
    expect(out[3]).toMatchObject({ line: 4, ok: false, path: 'row_count' });
  });

  it('names sha256 when the body was altered', async () => {
    const text = posFile(body).replace('"quantity":25000', '"quantity":25001');
    const out = await verdicts('pos-file', 'sha.ndjson.gz', gzipSync(text));
    expect(out[3]).toMatchObject({ ok: false, path: 'sha256' });
  });

  it('reports a truncated gzip and a missing trailer', async () => {
    const full = gzipSync(posFile(body));
    const out = await verdicts('pos-file', 'cut.ndjson.gz', full.subarray(0, full.length - 30));
    const last = out[out.length - 1]!;
    expect(last.ok).toBe(false);
    expect(last.ok === false && last.reason).toMatch(/^file is truncated or corrupt: /);
  });

  it('refuses body lines of another store and lines after the trailer', async () => {
    const foreign = JSON.stringify({ record_type: 'transaction', ...posSale(), store_id: 's0002' });
    const out = await verdicts('pos-file', 'foreign.ndjson', posFile([foreign]) + '{"record_type":"trailer"}\n');
    expect(out[1]).toMatchObject({ ok: false, path: 'store_id' });
    expect(out[3]).toMatchObject({ ok: false, reason: 'line after the trailer' });
  });

  it('requires the header first', async () => {
    const out = await verdicts('pos-file', 'noheader.ndjson', body.join('\n') + '\n');
    expect(out[0]!.ok).toBe(false);
    expect(out[0]!.ok === false && out[0]!.reason).toMatch(/^header /);
  });
});

describe('validate edge files', () => {
  it('finishes on an empty NDJSON file with no verdicts', async () => {
    expect(await verdicts('online-order', 'empty.ndjson', '')).toEqual([]);
  });
  it('reports an empty POS file', async () => {
    const out = await verdicts('pos-file', 'empty-pos.ndjson', '');
    expect(out).toEqual([expect.objectContaining({ line: 1, ok: false, reason: 'empty file: expected a header line' })]);
  });
});
