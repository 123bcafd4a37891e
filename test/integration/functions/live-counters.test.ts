// Live counters end to end on a real redis-server (the local serving store, as `npm start` runs it):
// Pub/Sub push → ingest → raw write → counters, read back through the metrics API. The same event
// published twice counts once, a cancellation takes its order back out, and two merchants never
// see each other's counters. POS files add theirs when the loader has loaded them: once, even when
// the same content is uploaded again, and a refund in a later file takes its sale back.
import { piiPaths } from '../../../contracts/bigquery-schema';
import { bucketName } from '../../../contracts/catalog';
import { orderPlaced, posSale } from '../../../contracts/examples';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { pseudonymiseRecord } from '../../../contracts/pii';
import { createKeyRing, startMetricsService, type RunningServer } from '../../../functions/metrics-api';
import { loadConfig } from '../../../functions/runtime/config';
import { liveEffect } from '../../../functions/runtime/live-counters';
import { createLiveStore } from '../../../functions/runtime/live-store';
import { createLogger } from '../../../functions/runtime/logger';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { eventually, PII_KEY, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

interface LiveBody {
  merchant_id: string;
  hour_at: string;
  rows: { store_id: string; orders: number; units: number; net_sales_cents: number }[];
}

let p: Platform;
let api: RunningServer;
beforeAll(async () => {
  p = await startPlatform();
  const config = loadConfig(process.env);
  expect(config.servingStore?.url).toBe(`redis://${p.redis.host}:${p.redis.port}`);
  api = await startMetricsService({ config, log: createLogger('test', { level: 'fatal' }), port: 0, keys: createKeyRing({ 'm-live-1': 'key-1', 'm-live-2': 'key-2' }) });
}, 30_000);
afterAll(async () => {
  await api?.close();
  await p?.close();
});

/** A placed order of the current hour, as the collector publishes it (PII as tokens). */
function order(merchant: string, store: string, eventId: string, orderId: string): Record<string, unknown> {
  const event = { ...orderPlaced(), event_id: eventId, order_id: orderId, merchant_id: merchant, store_id: store, event_time: new Date().toISOString() };
  return pseudonymiseRecord(event, piiPaths(onlineOrderEvent), PII_KEY);
}

async function publish(event: Record<string, unknown>): Promise<void> {
  await p.pubsub.topic('online-orders', { messageOrdering: true }).publishMessage({ data: Buffer.from(JSON.stringify(event)), orderingKey: String(event.order_id), attributes: { event_type: String(event.event_type) } });
}

/** Waits until every copy of the event is in raw (each one then went through the counters). */
async function landed(eventId: string, copies: number): Promise<void> {
  await eventually(async () => {
    const [row] = await query<{ n: number }>(p.bigquery, `SELECT COUNT(*) AS n FROM raw.online_order_events WHERE DATE(ingested_at) >= '2020-01-01' AND event_id = '${eventId}'`);
    return Number(row?.n) === copies ? true : undefined;
  }, 10_000, `${copies} copies of ${eventId} in raw`);
  // The counters are updated right after the raw write resolves.
  await new Promise((r) => setTimeout(r, 100));
}

const live = async (merchant: string, key: string): Promise<{ status: number; body: LiveBody }> => {
  const res = await fetch(`${api.url}/v1/merchants/${merchant}/metrics/live`, { headers: { 'x-api-key': key } });
  return { status: res.status, body: (await res.json()) as LiveBody };
};

test('the same event published twice counts once; a cancellation takes its order back; merchants see only their own', async () => {
  // Every event and read falls in one UTC hour: a run starting in an hour's last seconds waits for the next.
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
  const placed = order('m-live-1', 's-live-a', 'live-evt-1', 'live-o-1');
  await publish(placed);
  await publish(placed); // a duplicate: another message, the same event
  await publish(order('m-live-1', 's-live-a', 'live-evt-2', 'live-o-2'));
  await publish(order('m-live-2', 's-live-b', 'live-evt-3', 'live-o-3'));

  await landed('live-evt-1', 2);
  await landed('live-evt-2', 1);
  // orderPlaced(): 3 units, 2 × 1299 − 520 + 249 = 2327 cents net.
  const mine = await live('m-live-1', 'key-1');
  expect(mine.status).toBe(200);
  expect(mine.body.rows).toEqual([{ store_id: 's-live-a', hour_at: mine.body.hour_at, orders: 2, units: 6, net_sales_cents: 4654 }]);
  const theirs = await eventually(async () => {
    const r = await live('m-live-2', 'key-2');
    return r.body.rows?.length === 1 ? r : undefined;
  }, 10_000, 'one order counted for m-live-2');
  expect(theirs.body.rows.map((r) => [r.store_id, r.orders])).toEqual([['s-live-b', 1]]);
  // Another merchant's id with my key: 403, nothing about their stores.
  const probe = await live('m-live-2', 'key-1');
  expect(probe.status).toBe(403);
  expect(JSON.stringify(probe.body)).not.toContain('s-live-b');

  const cancelled = { schema_version: 1, event_type: 'order.cancelled', event_id: 'live-evt-4', event_time: new Date().toISOString(), merchant_id: 'm-live-1', store_id: 's-live-a', order_id: 'live-o-2', channel: 'app', cancel_reason: 'customer_request' };
  await publish(cancelled);
  await publish(cancelled);
  await landed('live-evt-4', 2);
  // Taken back once, though it came twice.
  expect((await live('m-live-1', 'key-1')).body.rows).toEqual([{ store_id: 's-live-a', hour_at: mine.body.hour_at, orders: 1, units: 3, net_sales_cents: 2327 }]);
}, 30_000);

/** A POS file of the current 15-minute window holding the given transactions of store s-live-pos. */
function posFile(window: number, transactions: Record<string, unknown>[]): Buffer {
  const header = {
    record_type: 'header',
    schema_version: 1,
    merchant_id: 'm-live-1',
    store_id: 's-live-pos',
    window_start: new Date(window).toISOString(),
    window_end: new Date(window + 900_000).toISOString(),
    created_at: new Date().toISOString(),
  };
  return gzipPosFile(posFileText(header as never, transactions.map((t) => JSON.stringify({ record_type: 'transaction', ...t }))));
}

test('POS files add their sales when loaded, once per transaction; an identical re-upload adds nothing; a refund in a later file takes its sale back', async () => {
  const left = 900_000 - (Date.now() % 900_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
  const window = Math.floor(Date.now() / 900_000) * 900_000;
  const rung = new Date(window + 1_000).toISOString();
  const base = { ...posSale(), merchant_id: 'm-live-1', store_id: 's-live-pos', event_time: rung };
  // posSale(): one unit at 1499 cents.
  const sales = [
    { ...base, event_id: 'live-pos-1', transaction_id: 'lt-1' },
    { ...base, event_id: 'live-pos-2', transaction_id: 'lt-2' },
  ];
  const landing = p.storage.bucket(bucketName(PROJECT, 'pos-landing'));
  const runLoader = async (): Promise<{ loaded: number; archived: number; live?: { counted: number; duplicates: number; failed: number } }> => {
    const res = await p.callAsScheduler('/pos-loader/run');
    expect(res.status).toBe(200);
    return (await res.json()) as { loaded: number; archived: number };
  };
  const posRow = async () => (await live('m-live-1', 'key-1')).body.rows.find((r) => r.store_id === 's-live-pos');

  await landing.file('pos/store=s-live-pos/a.ndjson.gz').save(posFile(window, sales), { resumable: false });
  expect(await runLoader()).toMatchObject({ loaded: 1, live: { counted: 2, failed: 0 } });
  expect(await posRow()).toMatchObject({ orders: 2, units: 2, net_sales_cents: 2998 });

  await landing.file('pos/store=s-live-pos/a-again.ndjson.gz').save(posFile(window, sales), { resumable: false });
  expect(await runLoader()).toMatchObject({ loaded: 0, archived: 1 });
  expect(await posRow()).toMatchObject({ orders: 2, units: 2, net_sales_cents: 2998 });

  const refund = {
    ...base,
    event_id: 'live-pos-3',
    transaction_id: 'lt-3',
    transaction_type: 'refund',
    original_transaction_id: 'lt-1',
    lines: [],
    totals: { ...base.totals, subtotal_cents: 0, discount_cents: 0, tax_cents: 0 },
  };
  await landing.file('pos/store=s-live-pos/b.ndjson.gz').save(posFile(window, [refund]), { resumable: false });
  expect(await runLoader()).toMatchObject({ loaded: 1, live: { counted: 1 } });
  expect(await posRow()).toMatchObject({ orders: 1, units: 1, net_sales_cents: 1499 });
}, 60_000);

test('a store that is down costs one deadline, then calls fail at once for a pause', async () => {
  // Port 1: nothing listens there.
  const down = createLiveStore({ url: 'redis://127.0.0.1:1', log: createLogger('test', { level: 'fatal' }), timeoutMs: 300 });
  const effect = liveEffect(order('m-live-1', 's-live-a', 'live-evt-9', 'live-o-9'), Date.now())!;
  let t = Date.now();
  await expect(down.apply(effect)).rejects.toThrow();
  expect(Date.now() - t).toBeLessThan(1_000);
  t = Date.now();
  await expect(down.apply(effect)).rejects.toThrow('paused');
  expect(Date.now() - t).toBeLessThan(50);
  await down.close();
});
