// Promotions over a range of 16 days: every promotion has promotion days and same-weekday
// baseline days, price reductions discount their lines, and promotions lift in-scope sales.
import { join } from 'node:path';
import { listFiles, ndjsonLines, readJson, readPos, removeDir, run, tempDir } from './helpers';

type Json = Record<string, any>;
let dir = '';

beforeAll(async () => {
  dir = tempDir('promo');
  await run(dir, { stores: 4, hours: 16 * 24, start: '2026-05-04T00:00:00Z', seed: 5 });
}, 30_000);

afterAll(() => removeDir(dir));

describe('promotions', () => {
  it('has promotion days and same-weekday baseline days for every promotion', () => {
    const rows = readJson<Json[]>(join(dir, 'expected/promotions.json'));
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.promo_days).toBeGreaterThan(0);
      expect(r.baseline_days).toBeGreaterThan(0);
      expect(r.promo_units).toBeGreaterThan(0);
      expect(r.lift).not.toBeNull();
    }
  });

  it('lifts in-scope sales', () => {
    const rows = readJson<Json[]>(join(dir, 'expected/promotions.json'));
    for (const r of rows.filter((x) => x.promotion_type === 'temporary_price_reduction')) expect(r.lift).toBeGreaterThan(0.15);
    const mean = rows.reduce((a, r) => a + r.lift, 0) / rows.length;
    expect(mean).toBeGreaterThan(0.1);
  });

  it('marks lines with their promotion and discounts price reductions', () => {
    const promos = new Map(ndjsonLines(join(dir, 'reference/promotions.ndjson')).map((l) => [JSON.parse(l).promotion_id as string, JSON.parse(l) as Json]));
    let promoted = 0;
    for (const f of listFiles(dir).filter((x) => x.startsWith('pos/')).slice(0, 400)) {
      for (const l of readPos(dir, f)!.lines.slice(1, -1)) {
        const t = JSON.parse(l) as Json;
        if (t.record_type !== 'transaction') continue;
        for (const line of t.lines) {
          if (line.promotion_id === null) {
            expect(line.discount_cents).toBe(0);
            continue;
          }
          promoted++;
          const p = promos.get(line.promotion_id)!;
          expect(p.skus).toContain(line.sku);
          if (p.store_ids.length > 0) expect(p.store_ids).toContain(t.store_id);
          const expected = p.discount_bps === 0 ? 0 : Math.round((line.quantity * line.unit_price_cents * p.discount_bps) / 10_000);
          expect(line.discount_cents).toBe(expected);
        }
      }
    }
    expect(promoted).toBeGreaterThan(0);
  });
});
