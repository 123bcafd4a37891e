// The handler over the serving store, without a socket: reads come from the settled reader with its
// data version, the warehouse source is never asked, and 401/403/429 stay exactly as before; a key
// lookup that fails answers 503 without saying why; a store never published to leaves the answer to
// BigQuery.
import { Writable } from 'node:stream';
import { createLogger } from '../../../functions/runtime/logger';
import { createKeyRing, createMetricsHandler, createStoreReader, createVersionTracker, type MetricsAnswer, type MetricsSource, type SettledReader } from '../../../functions/metrics-api';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });

const refusing: MetricsSource = {
  query: () => Promise.reject(new Error('queried BigQuery')),
  dataVersion: () => Promise.reject(new Error('asked BigQuery for the run')),
};

const stamp = (run: string, at: string) => ({ run_id: run, run_at: at, published_at: at });

function fakeStore() {
  const reads: string[] = [];
  return {
    reads,
    marker: async () => stamp('run-2', '2026-11-24T10:00:00.000Z'),
    readSeries: async (m: string, s: { metric: string; granularity: string }, from: string, to: string) => {
      reads.push(`${m}:${s.metric}:${s.granularity}:${from}:${to}`);
      return { rows: [{ hour_at: `${from}T05:00:00.000Z`, business_date: from, store_id: 's1' }], stamp: stamp('run-1', '2026-11-24T09:45:00.000Z') };
    },
    readWhole: async () => ({
      rows: [
        { promotion_id: 'p1', starts_on: '2026-11-01', ends_on: '2026-11-05' },
        { promotion_id: 'p2', starts_on: '2026-11-20', ends_on: '2026-11-30' },
      ],
      stamp: stamp('run-3', '2026-11-24T10:15:00.000Z'),
    }),
  };
}

function handlerWith(settled: SettledReader, keys = createKeyRing({ m1: 'k1', m2: 'k2' })) {
  return createMetricsHandler({ source: refusing, versions: createVersionTracker(refusing, { checkIntervalMs: 0 }), keys, settled, project: 'p', log: silent, rateLimit: { burst: 2, perSecond: 0.001 } });
}

const request = (path: string, key?: string) => ({ method: 'GET', path: path.split('?')[0]!, query: new URLSearchParams(path.split('?')[1] ?? ''), headers: key ? { 'x-api-key': key } : {} });

test('a series is read from the store, stamped with the newest published run', async () => {
  const store = fakeStore();
  const handler = handlerWith(createStoreReader(store));
  const out = await handler(request('/v1/merchants/m1/metrics/sales?from=2026-11-23&to=2026-11-24&granularity=hour', 'k1'));
  expect(out.status).toBe(200);
  expect(out.headers['x-cache']).toBe('store');
  const body = out.body as MetricsAnswer;
  expect(body.data_version).toEqual({ run_id: 'run-2', run_at: '2026-11-24T10:00:00.000Z' });
  expect(store.reads).toEqual(['m1:sales:hour:2026-11-23:2026-11-24']);
});

test('an overlap metric is sliced to the range; a merchant already rewritten by a newer run says so', async () => {
  const handler = handlerWith(createStoreReader(fakeStore()));
  const body = (await handler(request('/v1/merchants/m1/metrics/promotion_lift?from=2026-11-10&to=2026-11-21', 'k1'))).body as MetricsAnswer;
  expect(body.rows.map((r) => r.promotion_id)).toEqual(['p2']);
  expect(body.data_version.run_id).toBe('run-3');
});

test('freshness is derived from the stored hourly sales', async () => {
  const store = fakeStore();
  const handler = createMetricsHandler({ source: refusing, versions: createVersionTracker(refusing, { checkIntervalMs: 0 }), keys: createKeyRing({ m1: 'k1' }), settled: createStoreReader(store), project: 'p', log: silent, now: () => new Date('2026-11-24T06:30:00.000Z') });
  const body = (await handler(request('/v1/merchants/m1/metrics/freshness?from=2026-11-24&to=2026-11-24', 'k1'))).body as MetricsAnswer;
  expect(body.rows).toEqual([{ store_id: 's1', latest_hour_at: '2026-11-24T05:00:00.000Z', minutes_behind: 90 }]);
  expect(store.reads).toEqual(['m1:sales:hour:2026-11-24:2026-11-24']);
});

test('401, 403 and 429 are answered as before the store, without reading it', async () => {
  // Burst 2: the 403 takes a token (the rate limit comes before tenancy), the 200 the second.
  const store = fakeStore();
  const handler = handlerWith(createStoreReader(store));
  expect((await handler(request('/v1/merchants/m1/metrics/sales'))).status).toBe(401);
  expect((await handler(request('/v1/merchants/m1/metrics/sales', 'nope'))).status).toBe(401);
  expect((await handler(request('/v1/merchants/m2/metrics/sales', 'k1'))).status).toBe(403);
  expect((await handler(request('/v1/merchants/m1/metrics/sales', 'k1'))).status).toBe(200);
  expect((await handler(request('/v1/merchants/m1/metrics/sales', 'k1'))).status).toBe(429);
  expect(store.reads).toHaveLength(1);
});

test('a store that fails answers 503 without its error text; so does a key lookup that fails', async () => {
  const failing: SettledReader = { read: () => Promise.reject(new Error('secret: connection refused 10.0.0.3')) };
  const out = await handlerWith(failing)(request('/v1/merchants/m1/metrics/sales', 'k1'));
  expect(out.status).toBe(503);
  expect(JSON.stringify(out.body)).not.toContain('secret');
  const keys = { ownerOf: () => Promise.reject(new Error('secret: store down')) };
  const refused = await handlerWith(createStoreReader(fakeStore()), keys as never)(request('/v1/merchants/m1/metrics/sales', 'k1'));
  expect(refused.status).toBe(503);
  expect(JSON.stringify(refused.body)).not.toContain('secret');
});

test('a store never published to leaves the answer to the BigQuery source', async () => {
  const queries: string[] = [];
  const source: MetricsSource = {
    query: async (q) => {
      queries.push(q.sql);
      return [{ business_date: '2026-11-24', store_id: 's1' }];
    },
    dataVersion: async () => ({ runId: 'bq-run', runAt: '2026-11-24T10:00:00.000Z' }),
  };
  const empty = { ...fakeStore(), marker: async () => undefined };
  const handler = createMetricsHandler({ source, versions: createVersionTracker(source, { checkIntervalMs: 0 }), keys: createKeyRing({ m1: 'k1' }), settled: createStoreReader(empty), project: 'p', log: silent });
  const out = await handler(request('/v1/merchants/m1/metrics/sales?from=2026-11-24&to=2026-11-24', 'k1'));
  expect(out.headers['x-cache']).toBe('miss');
  expect((out.body as MetricsAnswer).data_version.run_id).toBe('bq-run');
  expect(queries).toHaveLength(1);
});

test('store reads are capped by their own limit (default 256), not the 32 warehouse queries: 100 merchants at once are all answered, one past a lower store cap is 503', async () => {
  const keys = createKeyRing(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, `k${i}`])));
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow: SettledReader = { read: async () => (await gate, { rows: [], version: { runId: 'r', runAt: 't' } }) };
  const make = (maxConcurrentStoreReads?: number) =>
    createMetricsHandler({ source: refusing, versions: createVersionTracker(refusing, { checkIntervalMs: 0 }), keys, settled: slow, project: 'p', log: silent, ...(maxConcurrentStoreReads ? { maxConcurrentStoreReads } : {}) });
  const ask = (h: ReturnType<typeof make>, i: number) => h(request(`/v1/merchants/m${i}/metrics/sales?from=2026-11-23&to=2026-11-24`, `k${i}`));
  const byDefault = make();
  const capped = make(100);
  const pending = [...Array.from({ length: 100 }, (_, i) => ask(byDefault, i)), ...Array.from({ length: 100 }, (_, i) => ask(capped, i))];
  const refused = await ask(capped, 100);
  release();
  const answers = await Promise.all(pending);
  expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
  expect(refused.status).toBe(503);
});
