// The serving store end to end on a real redis-server and the BigQuery emulator: the publisher
// copies what each transform run changed in the marts into the store, the metrics API then answers
// from the store alone (no BigQuery job) exactly what the BigQuery source answers, a run touching one
// date rewrites only its fields, a full refresh never leaves a reader with an empty series,
// and merchant keys kept as digests rotate with a grace period.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  createBigQuerySource,
  createKeyRing,
  createMartReader,
  createMetricsHandler,
  createPublisher,
  createServingStore,
  createStoreKeyRing,
  createStoreReader,
  createVersionTracker,
  METRICS,
  type MetricsAnswer,
  type MetricsHandler,
  type Publisher,
  type ServingStore,
} from '../../../functions/metrics-api';
import { seriesOf } from '../../../functions/metrics-api/serving/publisher';
import { servingKeys } from '../../../functions/metrics-api/serving/layout';
import { createLogger } from '../../../functions/runtime/logger';
import { startLocalRedis, type LocalRedis } from '../../../tools/local/redis';
import { buildFixture, PROJECT, type Fixture } from '../../../tools/testing/marts-fixture';
import { insertRows } from '../../../tools/testing/raw-loader';

const log = createLogger('test', { destination: new Writable({ write: (c, _e, cb) => { process.stderr.write(String(c)); cb(); } }), level: 'error' });

let fx: Fixture;
let redis: LocalRedis;
let store: ServingStore;
let publisher: Publisher;
let merchants: string[];
const KEYS: Record<string, string> = {};
/** The API over BigQuery (the reference) and over the store. */
let fromBigQuery: MetricsHandler;
let fromStore: MetricsHandler;
let clock = Date.now();

const FROM = '2026-11-20';
const TO = '2026-11-27';

beforeAll(async () => {
  fx = await buildFixture({ stores: 6 });
  redis = await startLocalRedis();
  store = createServingStore({ url: redis.url, log, timeoutMs: 10_000 });
  publisher = createPublisher({ marts: createMartReader({ bigquery: fx.bq, project: PROJECT }), store, log, batchSize: 2 });
  merchants = [...new Set(fx.expected<{ merchant_id: string }>('store_hourly').map((r) => r.merchant_id))].sort();
  for (const m of merchants) KEYS[m] = `key-${m}-${randomUUID()}`;
  const source = createBigQuerySource({ bigquery: fx.bq, project: PROJECT });
  const common = { project: PROJECT, log, versions: createVersionTracker(source, { checkIntervalMs: 0 }), rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } };
  fromBigQuery = createMetricsHandler({ ...common, source, keys: createKeyRing(KEYS) });
  // Every query of this handler's source would fail the test: it must never be asked.
  const refusing = { query: () => Promise.reject(new Error('the store-backed API queried BigQuery')), dataVersion: () => Promise.reject(new Error('the store-backed API asked BigQuery for the run')) };
  fromStore = createMetricsHandler({
    ...common,
    source: refusing,
    versions: createVersionTracker(refusing, { checkIntervalMs: 0 }),
    keys: createStoreKeyRing({ client: store.client, log, seed: KEYS, now: () => clock }),
    settled: createStoreReader(store),
  });
}, 240_000);

afterAll(async () => {
  await store?.close();
  await redis?.close();
  await fx?.close();
});

async function get(handler: MetricsHandler, path: string, key: string | undefined): Promise<{ status: number; body: MetricsAnswer }> {
  const [p, q] = path.split('?') as [string, string | undefined];
  const out = await handler({ method: 'GET', path: p, query: new URLSearchParams(q ?? ''), headers: key ? { 'x-api-key': key } : {} });
  return { status: out.status, body: out.body as MetricsAnswer };
}

/** Every metric and granularity the catalog keeps, over one range. */
function requests(m: string, from = FROM, to = TO): string[] {
  return [...METRICS.values()].flatMap((metric) =>
    (metric.granularities.length > 0 ? metric.granularities : ['day']).map((g) => `/v1/merchants/${m}/metrics/${metric.name}?from=${from}&to=${to}${metric.granularities.length > 0 ? `&granularity=${g}` : ''}`),
  );
}

async function jobCount(): Promise<number> {
  const [jobs] = await fx.bq.getJobs({ autoPaginate: true });
  return jobs.length;
}

/** Freshness's minutes_behind is measured at query time: compare it within a minute. */
function comparable(body: MetricsAnswer): MetricsAnswer {
  if (body.metric !== 'freshness') return body;
  return { ...body, rows: body.rows.map((r) => ({ ...r, minutes_behind: Math.floor(Number(r.minutes_behind) / 2) })) };
}

/** The correctness rule of the store: for every merchant and series, the store's rows are the marts'. */
async function expectStoreEqualsMarts(from = '2026-11-01', to = '2026-12-31'): Promise<void> {
  const source = createBigQuerySource({ bigquery: fx.bq, project: PROJECT });
  let rows = 0;
  let promotions = 0;
  for (const m of merchants) {
    for (const s of seriesOf(METRICS)) {
      const metric = METRICS.get(s.metric)!;
      const marts = await source.query(metric.build({ merchantId: m, from, to, granularity: s.granularity, project: PROJECT }));
      const stored = await store.readSeries(m, s, from, to);
      expect({ m, s, rows: stored.rows }).toEqual({ m, s, rows: marts });
      rows += marts.length;
    }
    const lift = METRICS.get('promotion_lift')!;
    const marts = await source.query(lift.build({ merchantId: m, from: '0001-01-01', to: '9999-12-31', granularity: 'day', project: PROJECT }));
    expect({ m, rows: (await store.readWhole(m, 'promotion_lift')).rows }).toEqual({ m, rows: marts });
    promotions += marts.length;
  }
  expect(rows).toBeGreaterThan(100);
  expect(promotions).toBeGreaterThan(0);
}

/** Every field of every merchant's month hashes: `key field` → value. */
async function snapshot(): Promise<Map<string, string>> {
  const c = await store.client();
  const out = new Map<string, string>();
  for (const key of (await c.keys('serve:{*}:series:*')).map(String)) {
    const hash = (await c.hGetAll(key)) as Record<string, unknown>;
    for (const [field, value] of Object.entries(hash)) out.set(`${key} ${field}`, String(value));
  }
  return out;
}

let firstBytes = 0;

test('(a) after a publish the API answers from the store alone, exactly what BigQuery answers', async () => {
  const first = await publisher.publish();
  expect(first.status).toBe('published');
  expect(first.mode).toBe('full');
  expect(first.merchants).toBe(merchants.length);
  expect(first.bytesProcessed).toBeGreaterThan(0);
  firstBytes = first.bytesProcessed;
  const again = await publisher.publish();
  expect(again.status).toBe('up_to_date');

  const reference = new Map<string, MetricsAnswer>();
  for (const m of merchants) for (const path of [...requests(m), ...requests(m, '2026-11-24', '2026-11-24')]) reference.set(path, (await get(fromBigQuery, path, KEYS[m])).body);

  const before = await jobCount();
  for (const m of merchants) {
    for (const path of [...requests(m), ...requests(m, '2026-11-24', '2026-11-24')]) {
      const out = await get(fromStore, path, KEYS[m]);
      expect({ path, status: out.status }).toEqual({ path, status: 200 });
      expect(comparable(out.body)).toEqual(comparable(reference.get(path)!));
    }
  }
  expect(await jobCount()).toBe(before);
  // The data version is the store's stamp, the run BigQuery names too.
  const answer = reference.get(requests(merchants[0]!)[0]!)!;
  expect(answer.data_version.run_id).toBe(first.stamp?.run_id);
  expect(answer.rows.length).toBeGreaterThan(0);
}, 120_000);

test('(e) every merchant\'s series in the store equals the marts', async () => {
  await expectStoreEqualsMarts();
});

test('(b) a run touching one date rewrites only its fields and reads only its partitions', async () => {
  const template = fx.rows.online_order_events.find((r) => r.event_type === 'order.placed' && String(r.event_time).startsWith('2026-11-24T1'))!;
  const orderId = `o-serving-${randomUUID().slice(0, 8)}`;
  await insertRows(fx.bq, 'online_order_events', [{ ...template, event_id: `e-${orderId}`, order_id: orderId, ingested_at: new Date().toISOString() }]);
  const before = await snapshot();
  // A backfill of one date: the run touches exactly that date's partitions.
  await fx.run({ vars: { backfill_from: '2026-11-24', backfill_to: '2026-11-24' } });
  const [runs] = await fx.bq.query({ query: `select run_id, kind, touched_dates from \`${PROJECT}.ops.transform_runs\` order by finished_at desc limit 1` });
  const run = runs[0] as { run_id: string; kind: string; touched_dates: { value: string }[] };
  const touched = run.touched_dates.map((d) => d.value).sort();
  expect(run.kind).toBe('backfill');
  expect(touched).toEqual(['2026-11-24']);

  const out = await publisher.publish();
  expect(out).toMatchObject({ status: 'published', mode: 'incremental', runs: [run.run_id], dates: ['2026-11-24'] });
  expect(out.bytesProcessed).toBeGreaterThan(0);
  expect(out.bytesProcessed).toBeLessThan(firstBytes);
  const after = await snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
  expect(changed.length).toBeGreaterThan(0);
  for (const k of changed) expect(touched).toContain(k.split(' ')[1]);
  const m = String(template.merchant_id);
  expect(changed).toContain(`${servingKeys.month(m, { metric: 'sales', granularity: 'hour' }, '2026-11')} ${String(template.event_time).slice(0, 10)}`);
  expect(out.fieldsSet).toBeLessThan(before.size);
  // The new order is counted for its merchant, as in the marts.
  await expectStoreEqualsMarts();
  const stamped = await get(fromStore, `/v1/merchants/${m}/metrics/sales?from=2026-11-24&to=2026-11-24&granularity=day`, KEYS[m]);
  expect(stamped.body.data_version.run_id).toBe(run.run_id);
  // Publishing the same run again changes nothing.
  expect((await publisher.publish()).status).toBe('up_to_date');
  expect(await snapshot()).toEqual(after);
}, 180_000);

test('(c) a full refresh republishes in batches; a reader polling meanwhile never sees an empty series; stale fields go', async () => {
  const m = merchants[0]!;
  const c = await store.client();
  // Leftovers a full refresh must remove: a field for a date without data, and a whole month.
  const series = { metric: 'sales', granularity: 'day' as const };
  await c.hSet(servingKeys.month(m, series, '2026-11'), '2026-11-01', '[{"stale":true}]');
  await c.hSet(servingKeys.month(m, series, '2026-09'), '2026-09-15', '[{"stale":true}]');
  await c.sAdd(servingKeys.months(m), 'sales:day:2026-09');
  await c.sAdd(servingKeys.date('2026-09-15'), m);

  await fx.run({ fullRefresh: true });
  let polling = true;
  let polls = 0;
  const empties: number[] = [];
  const reader = (async () => {
    while (polling) {
      for (const merchant of merchants) {
        const out = await get(fromStore, `/v1/merchants/${merchant}/metrics/sales?from=2026-11-23&to=2026-11-24&granularity=hour`, KEYS[merchant]);
        polls++;
        if (out.status !== 200 || out.body.rows.length === 0) empties.push(polls);
      }
    }
  })();
  let result;
  try {
    result = await publisher.publish();
  } finally {
    polling = false;
    await reader;
  }
  expect(result).toMatchObject({ status: 'published', mode: 'full', merchants: merchants.length });
  expect(polls).toBeGreaterThan(0);
  expect(empties).toEqual([]);
  expect(await c.hExists(servingKeys.month(m, series, '2026-11'), '2026-11-01')).toBeFalsy();
  expect(await c.exists(servingKeys.month(m, series, '2026-09'))).toBe(0);
  expect(await c.sIsMember(servingKeys.date('2026-09-15'), m)).toBeFalsy();
  await expectStoreEqualsMarts();
}, 240_000);

test('(d) keys are stored as digests; rotation keeps the old key through its grace, then refuses it; revocation is immediate', async () => {
  const m = merchants[0]!;
  const ring = createStoreKeyRing({ client: store.client, log, now: () => clock });
  const path = `/v1/merchants/${m}/metrics/sales?from=2026-11-24&to=2026-11-24`;
  const oldKey = KEYS[m]!;
  const newKey = `key-${m}-${randomUUID()}`;
  expect((await get(fromStore, path, oldKey)).status).toBe(200);
  // Another merchant's key still gives no access to this merchant.
  expect((await get(fromStore, path, KEYS[merchants[1]!])).status).toBe(403);

  expect(await ring.rotate(m, newKey, 60_000)).toBe(1);
  expect((await get(fromStore, path, newKey)).status).toBe(200);
  expect((await get(fromStore, path, oldKey)).status).toBe(200);
  clock += 60_001;
  expect((await get(fromStore, path, oldKey)).status).toBe(401);
  expect((await get(fromStore, path, newKey)).status).toBe(200);
  // Seeding the environment's keys again does not bring the rotated key back.
  await ring.seed(KEYS);
  expect((await get(fromStore, path, oldKey)).status).toBe(401);
  await expect(ring.add(m, oldKey)).rejects.toThrow(/never valid again/);

  expect(await ring.revoke(m, newKey)).toBe(1);
  expect((await get(fromStore, path, newKey)).status).toBe(401);

  // No key is in the store, only digests.
  const c = await store.client();
  const dump: string[] = [];
  for (const key of (await c.keys('serve:*key*')).map(String)) {
    dump.push(key);
    const type = String(await c.type(key));
    if (type === 'hash') dump.push(...Object.values((await c.hGetAll(key)) as Record<string, unknown>).map(String));
    if (type === 'set') dump.push(...(await c.sMembers(key)).map(String));
  }
  expect(dump.length).toBeGreaterThan(0);
  for (const key of [oldKey, newKey, ...Object.values(KEYS)]) expect(dump.join('\n')).not.toContain(key);
});
