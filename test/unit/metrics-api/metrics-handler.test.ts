// The metrics API's rules without a socket: authentication, tenancy, parameters, and a cache that
// lasts exactly until the next transform run.
import { Writable } from 'node:stream';
import { createLogger } from '../../../functions/runtime/logger';
import {
  createKeyRing,
  createMetricsHandler,
  createVersionTracker,
  METRICS,
  type DataVersion,
  type MetricQuery,
  type MetricRow,
  type MetricsHandler,
  type MetricsRequest,
  type MetricsSource,
  type LiveReader,
} from '../../../functions/metrics-api';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });

class FakeSource implements MetricsSource {
  queries: MetricQuery[] = [];
  versionChecks = 0;
  version: DataVersion = { runId: 'run-1', runAt: '2026-11-24T10:00:00.000Z' };
  fail = false;
  /** One row per day of the queried range (within 2026), dated in every column a slicing reads. */
  async query(q: MetricQuery): Promise<MetricRow[]> {
    this.queries.push(q);
    if (this.fail) throw new Error('secret internal detail: table marts.x not found');
    const rows: MetricRow[] = [];
    const from = q.params.from_date! > '2026-01-01' ? q.params.from_date! : '2026-01-01';
    const to = q.params.to_date! < '2026-12-31' ? q.params.to_date! : '2026-12-31';
    for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
      rows.push({ business_date: d, hour_at: `${d}T00:00:00.000Z`, starts_on: d, ends_on: d, store_id: 's0001', orders: this.queries.length });
    }
    return rows;
  }
  async dataVersion(): Promise<DataVersion> {
    this.versionChecks++;
    return this.version;
  }
}

const NOW = new Date('2026-11-24T12:00:00Z');

function setup(options: { checkIntervalMs?: number; clock?: { t: number } } = {}): { source: FakeSource; handle: MetricsHandler } {
  const source = new FakeSource();
  const clock = options.clock ?? { t: 0 };
  const handle = createMetricsHandler({
    source,
    keys: createKeyRing({ m0001: 'key-one', m0002: 'key-two' }),
    versions: createVersionTracker(source, { checkIntervalMs: options.checkIntervalMs ?? 0, now: () => clock.t }),
    project: 'pizzaflow-local',
    log: silent,
    now: () => NOW,
  });
  return { source, handle };
}

function get(path: string, key?: string): MetricsRequest {
  const url = new URL(path, 'http://x');
  return { method: 'GET', path: url.pathname, query: url.searchParams, headers: key === undefined ? {} : { 'x-api-key': key } };
}

const reason = (body: unknown): string => (body as { reason: string }).reason;

describe('authentication and tenancy', () => {
  test('401 without a key or with an unknown key, before anything is queried', async () => {
    const { source, handle } = setup();
    expect((await handle(get('/v1/merchants/m0001/metrics/sales'))).status).toBe(401);
    expect((await handle(get('/v1/merchants/m0001/metrics/sales', 'nope'))).status).toBe(401);
    expect((await handle(get('/v1/merchants/m0001/metrics/sales', ''))).status).toBe(401);
    expect(source.queries).toHaveLength(0);
  });

  test("403 for another merchant's id with a valid key, whatever the metric or parameters", async () => {
    const { source, handle } = setup();
    for (const path of ['/v1/merchants/m0002/metrics/sales', '/v1/merchants/m0002/metrics/nonsense?from=x', '/v1/merchants/m0001%20/metrics/sales', '/v1/merchants/%E0%A4%A/metrics/sales']) {
      const out = await handle(get(path, 'key-one'));
      expect(out.status).toBe(403);
      expect(JSON.stringify(out.body)).not.toContain('m0002');
    }
    expect(source.queries).toHaveLength(0);
  });

  test("a merchant's own request filters on its id through a query parameter, never in the SQL text", async () => {
    const { source, handle } = setup();
    for (const metric of METRICS.keys()) {
      const granularity = METRICS.get(metric)!.granularities.includes('day') || METRICS.get(metric)!.granularities.length === 0 ? 'day' : 'hour';
      const out = await handle(get(`/v1/merchants/m0002/metrics/${metric}?from=2026-11-20&to=2026-11-23&granularity=${granularity}`, 'key-two'));
      expect(out.status).toBe(200);
    }
    for (const q of source.queries) {
      expect(q.params.merchant_id).toBe('m0002');
      expect(q.sql).toContain('@merchant_id');
      expect(q.sql).not.toContain('m0002');
    }
  });
});

describe('parameters', () => {
  const cases: [string, RegExp][] = [
    ['/v1/merchants/m0001/metrics/sales?from=2026-11-10&to=2026-11-01', /from \(2026-11-10\) is after to \(2026-11-01\)/],
    ['/v1/merchants/m0001/metrics/sales?from=2026-01-01&to=2026-11-01&granularity=hour', /range too long: 305 days; at most 31/],
    ['/v1/merchants/m0001/metrics/sales?from=2024-01-01&to=2026-11-01', /range too long: .* at most 366/],
    ['/v1/merchants/m0001/metrics/revenue', /unknown metric; expected one of sales, product_mix/],
    ['/v1/merchants/m0001/metrics/sales?granularity=minute', /granularity must be hour or day/],
    ['/v1/merchants/m0001/metrics/product_mix?granularity=hour', /product_mix is kept per day, not per hour/],
    ['/v1/merchants/m0001/metrics/sales?from=2026-02-30', /not a calendar date/],
    ['/v1/merchants/m0001/metrics/sales?from=yesterday', /from must be a date YYYY-MM-DD/],
    ['/v1/merchants/m0001/metrics/sales?merchant=m0002', /unknown parameter "merchant"/],
  ];
  test.each(cases)('%s → 400', async (path, why) => {
    const { source, handle } = setup();
    const out = await handle(get(path, 'key-one'));
    expect(out.status).toBe(400);
    expect(reason(out.body)).toMatch(why);
    expect(source.queries).toHaveLength(0);
  });

  test('defaults: the last 7 days to today, per day (queried as its whole month, answered for the 7 days)', async () => {
    const { source, handle } = setup();
    const out = await handle(get('/v1/merchants/m0001/metrics/sales', 'key-one'));
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ merchant_id: 'm0001', metric: 'sales', granularity: 'day', from: '2026-11-18', to: '2026-11-24' });
    expect(source.queries[0]!.params).toEqual({ merchant_id: 'm0001', from_date: '2026-11-01', to_date: '2026-11-30' });
    expect((out.body as { rows: MetricRow[] }).rows.map((r) => r.business_date)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
  });

  test('unknown paths are 404, other methods 405, and the catalog is listed', async () => {
    const { handle } = setup();
    expect((await handle(get('/v1/merchants/m0001', 'key-one'))).status).toBe(404);
    expect((await handle({ ...get('/v1/merchants/m0001/metrics/sales', 'key-one'), method: 'POST' })).status).toBe(405);
    const list = await handle(get('/v1/metrics'));
    expect((list.body as { metrics: { name: string }[] }).metrics.map((m) => m.name)).toEqual([...METRICS.keys(), 'live']);
  });

  test("a warehouse failure is a 503 without the warehouse's error text", async () => {
    const { source, handle } = setup();
    source.fail = true;
    const out = await handle(get('/v1/merchants/m0001/metrics/sales', 'key-one'));
    expect(out.status).toBe(503);
    expect(JSON.stringify(out.body)).not.toContain('secret');
  });
});

describe('cache', () => {
  const path = '/v1/merchants/m0001/metrics/sales?from=2026-11-20&to=2026-11-23';

  test('hits until the next transform run, then misses once', async () => {
    const { source, handle } = setup();
    const first = await handle(get(path, 'key-one'));
    const second = await handle(get(path, 'key-one'));
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);
    expect(source.queries).toHaveLength(1);

    source.version = { runId: 'run-2', runAt: '2026-11-24T10:15:00.000Z' };
    const third = await handle(get(path, 'key-one'));
    expect(third.headers['x-cache']).toBe('miss');
    expect(third.body).toMatchObject({ data_version: { run_id: 'run-2' } });
    expect((await handle(get(path, 'key-one'))).headers['x-cache']).toBe('hit');
    expect(source.queries).toHaveLength(2);
  });

  test('is per merchant and per parameters', async () => {
    const { source, handle } = setup();
    await handle(get(path, 'key-one'));
    await handle(get(path.replace('m0001', 'm0002'), 'key-two'));
    await handle(get(`${path}&granularity=hour`, 'key-one'));
    expect(source.queries.map((q) => q.params.merchant_id)).toEqual(['m0001', 'm0002', 'm0001']);
  });

  test('the latest run is looked up at most once per check interval, and once for concurrent requests', async () => {
    const clock = { t: 0 };
    const { source, handle } = setup({ checkIntervalMs: 5_000, clock });
    await Promise.all([handle(get(path, 'key-one')), handle(get(path, 'key-one')), handle(get(path, 'key-one'))]);
    expect(source.versionChecks).toBe(1);
    clock.t = 4_999;
    source.version = { runId: 'run-2', runAt: '2026-11-24T10:15:00.000Z' };
    expect((await handle(get(path, 'key-one'))).headers['x-cache']).toBe('hit');
    clock.t = 5_000;
    expect((await handle(get(path, 'key-one'))).headers['x-cache']).toBe('miss');
    expect(source.versionChecks).toBe(2);
  });
});

describe('live: the current hour from the serving store', () => {
  const reads: [string, number][] = [];
  const live: LiveReader = {
    read: async (merchantId, hourStartMs) => {
      reads.push([merchantId, hourStartMs]);
      if (merchantId === 'm0002') throw new Error('ECONNREFUSED 10.0.0.3:6378');
      return [{ store_id: 's0001', hour_at: new Date(hourStartMs).toISOString(), orders: 2, units: 5, net_sales_cents: 4200 }];
    },
  };
  const handler = (withLive: boolean) =>
    createMetricsHandler({
      source: new FakeSource(),
      keys: createKeyRing({ m0001: 'key-one', m0002: 'key-two' }),
      versions: createVersionTracker(new FakeSource(), { checkIntervalMs: 0 }),
      project: 'pizzaflow-local',
      log: silent,
      now: () => new Date('2026-11-24T12:34:56Z'),
      ...(withLive ? { live } : {}),
    });

  test("the caller's stores for the current UTC hour, and only the caller's (401 and 403 first)", async () => {
    reads.length = 0;
    const handle = handler(true);
    const out = await handle(get('/v1/merchants/m0001/metrics/live', 'key-one'));
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ merchant_id: 'm0001', metric: 'live', hour_at: '2026-11-24T12:00:00.000Z', as_of: '2026-11-24T12:34:56.000Z', rows: [{ store_id: 's0001', orders: 2, units: 5, net_sales_cents: 4200 }] });
    expect((await handle(get('/v1/merchants/m0001/metrics/live'))).status).toBe(401);
    expect((await handle(get('/v1/merchants/m0002/metrics/live', 'key-one'))).status).toBe(403);
    expect(reads).toEqual([['m0001', Date.parse('2026-11-24T12:00:00Z')]]);
  });

  test('400 for any parameter; 503 without the store or when it fails, without its error text', async () => {
    expect((await handler(true)(get('/v1/merchants/m0001/metrics/live?from=2026-11-01', 'key-one'))).status).toBe(400);
    const failed = await handler(true)(get('/v1/merchants/m0002/metrics/live', 'key-two'));
    expect(failed.status).toBe(503);
    expect(JSON.stringify(failed.body)).not.toContain('10.0.0.3');
    expect((await handler(false)(get('/v1/merchants/m0001/metrics/live', 'key-one'))).status).toBe(503);
  });
});
