// The POS loader counts loaded transactions into the live counters: only rows that reached raw,
// once each even when a plan is finished twice, and never at the cost of the load itself.
import { inventoryReceipt, posSale } from '../../../contracts/examples';
import type { LoadManifestEntry } from '../../../contracts/ops';
import { runPosLoader, type LiveCounting } from '../../../functions/pos-loader/run';
import { posOrderId, type LiveEffect } from '../../../functions/runtime/live-counters';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { file, header, World } from '../../../tools/testing/pos-loader-world';

const NOW = Date.parse('2026-11-23T17:30:00Z');
const now = (): number => NOW;

/** The store's idempotency as the Lua script keeps it: an event id counts once. */
class RecordingLive implements LiveCounting {
  readonly applied: LiveEffect[] = [];
  private readonly seen = new Set<string>();
  failing = false;
  /** Calls that fail before the store answers again (a slow first connection, say). */
  failFirst = 0;
  calls = 0;
  now = now;
  async apply(effect: LiveEffect): Promise<'counted' | 'duplicate' | 'nothing'> {
    this.calls += 1;
    if (this.failing || this.failFirst-- > 0) throw new Error('serving store: connection refused');
    if (this.seen.has(effect.eventId)) return 'duplicate';
    this.seen.add(effect.eventId);
    this.applied.push(effect);
    return 'counted';
  }
}

/** A file with a sale and a refund of an earlier sale, in the 17:00 window. */
function saleAndRefund(store: string): Buffer {
  const sale = { ...posSale(), store_id: store, event_id: `pos-${store}-sale`, transaction_id: 't-2', event_time: '2026-11-23T17:05:00Z' };
  const refund = {
    ...posSale(),
    store_id: store,
    event_id: `pos-${store}-refund`,
    transaction_id: 't-3',
    transaction_type: 'refund',
    original_transaction_id: 't-1',
    event_time: '2026-11-23T17:10:00Z',
    lines: [],
    totals: { subtotal_cents: 0, discount_cents: 0, tax_cents: 0, total_cents: 1619 },
    payments: [{ method: 'card', amount_cents: 1619 }],
  };
  const inv = { ...inventoryReceipt(), store_id: store, event_id: `inv-${store}-1` };
  return gzipPosFile(
    posFileText(header(store), [JSON.stringify({ record_type: 'transaction', ...sale }), JSON.stringify({ record_type: 'transaction', ...refund }), JSON.stringify({ record_type: 'inventory_movement', ...inv })]),
  );
}

test('a loaded sale counts in the UTC hour it was rung with its units and net sales; a refund takes back the sale it names; inventory rows count nothing', async () => {
  const w = new World();
  const live = new RecordingLive();
  w.put('pos/store=s1/1700.ndjson.gz', saleAndRefund('s1'));
  const s = await runPosLoader(w, { now, live });
  expect(s).toMatchObject({ loaded: 1, live: { counted: 2, duplicates: 0, skipped: 0, failed: 0 } });
  const hour = Date.parse('2026-11-23T17:00:00Z');
  expect(live.applied).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'place', merchantId: 'm0001', storeId: 's1', eventId: 'pos/pos-s1-sale', orderId: posOrderId('s1', 't-2'), hourStartMs: hour, delta: { orders: 1, units: 1, netSalesCents: 1499 } }),
      expect.objectContaining({ kind: 'void', merchantId: 'm0001', eventId: 'pos/pos-s1-refund', orderId: posOrderId('s1', 't-1') }),
    ]),
  );
  expect(live.applied).toHaveLength(2);
});

test('the transactions of a quarantined file or of a file refused by BigQuery are not counted', async () => {
  const w = new World();
  const live = new RecordingLive();
  w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
  w.put('pos/store=s2/1700.ndjson.gz', file('s2', undefined, { poison: true })); // BigQuery refuses its job
  w.put('pos/store=s3/1700.ndjson.gz', file('s3').subarray(0, 30)); // truncated: quarantined by the checks
  const s = await runPosLoader(w, { now, live });
  expect(s).toMatchObject({ loaded: 1, quarantined: 2 });
  expect(live.applied.map((e) => e.eventId)).toEqual(['pos/pos-s1--1']);
  expect(w.rows.pos_transactions.map((r) => r.event_id)).toEqual(['pos-s1--1']);
});

test('a plan finished again after a crash counts its transactions once', async () => {
  class CrashingManifest extends World {
    crashes = 1;
    override async appendManifest(rows: LoadManifestEntry[]): Promise<void> {
      if (this.crashes-- > 0) throw new Error('crash before the manifest');
      await super.appendManifest(rows);
    }
  }
  const w = new CrashingManifest();
  const live = new RecordingLive();
  w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
  await expect(runPosLoader(w, { now, live })).rejects.toThrow('crash before the manifest');
  expect(live.applied).toHaveLength(1);
  const s = await runPosLoader(w, { now, live });
  expect(s).toMatchObject({ recovered: 1, live: { counted: 0, duplicates: 1 } });
  expect(live.applied).toHaveLength(1);
  expect(w.manifest.map((m) => m.status)).toEqual(['loaded']);
});

test('a serving store that fails costs the live figures only: the file loads and the failures are counted', async () => {
  const w = new World();
  const live = new RecordingLive();
  live.failing = true;
  w.put('pos/store=s1/1700.ndjson.gz', saleAndRefund('s1'));
  const s = await runPosLoader(w, { now, live });
  expect(s).toMatchObject({ loaded: 1, live: { counted: 0, failed: 2 } });
  expect(w.rows.pos_transactions).toHaveLength(2);
  expect(w.plans.size).toBe(0);
});

test('a transaction whose hour is no longer live is skipped, and a run without a serving store reports no live figures', async () => {
  const w = new World();
  const live = new RecordingLive();
  live.now = () => Date.parse('2026-11-23T20:00:00Z'); // 17:xx stays live until 20:00
  w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
  expect(await runPosLoader(w, { now, live })).toMatchObject({ loaded: 1, live: { counted: 0, skipped: 1 } });
  const plain = new World();
  plain.put('pos/store=s1/1700.ndjson.gz', file('s1'));
  expect((await runPosLoader(plain, { now })).live).toBeUndefined();
});

test('transactions whose call failed are tried once more, so one slow call does not cost the rest of the batch', async () => {
  const w = new World();
  const live = new RecordingLive();
  live.failFirst = 2;
  w.put('pos/store=s1/1700.ndjson.gz', saleAndRefund('s1'));
  expect(await runPosLoader(w, { now, live })).toMatchObject({ loaded: 1, live: { counted: 2, failed: 0 } });
  expect(live.calls).toBe(4);
});
