// The metrics API's admission control: a token bucket per API key (429 + Retry-After), caps on
// warehouse queries in flight (per key 429, in all 503), and maximumBytesBilled on every query.
import { Writable } from 'node:stream';
import type { BigQuery } from '@google-cloud/bigquery';
import { createLogger } from '../../../functions/runtime/logger';
import { createKeyRing } from '../../../functions/runtime/api-keys';
import { createMetricsHandler, type MetricsRequest } from '../../../functions/metrics-api/metrics/handler';
import { createVersionTracker } from '../../../functions/metrics-api/metrics/cache';
import { ConcurrencyLimiter, TokenBuckets } from '../../../functions/metrics-api/metrics/limits';
import { createBigQuerySource, DEFAULT_MAXIMUM_BYTES_BILLED, type DataVersion, type MetricRow, type MetricsSource } from '../../../functions/metrics-api/metrics/source';
import { type MetricQuery } from '../../../functions/metrics-api/metrics/catalog';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });
const NOW = new Date('2026-11-24T12:00:00Z');

class GatedSource implements MetricsSource {
  started = 0;
  private gates: (() => void)[] = [];
  async query(_q: MetricQuery): Promise<MetricRow[]> {
    this.started++;
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return [];
  }
  async dataVersion(): Promise<DataVersion> {
    return { runId: 'r', runAt: '2026-11-24T10:00:00.000Z' };
  }
  openAll(): void {
    for (const g of this.gates.splice(0)) g();
  }
}

function get(path: string, key: string): MetricsRequest {
  const url = new URL(path, 'http://x');
  return { method: 'GET', path: url.pathname, query: url.searchParams, headers: { 'x-api-key': key } };
}

const keys = createKeyRing({ m0001: 'key-one', m0002: 'key-two', m0003: 'key-three' });

describe('metrics API rate limit (token bucket per API key)', () => {
  it('answers 429 with Retry-After once a key spent its burst, other keys unaffected, and refills over time', async () => {
    const clock = { t: 0 };
    const source = new GatedSource();
    source.query = async () => [];
    const handle = createMetricsHandler({ source, keys, versions: createVersionTracker(source, { checkIntervalMs: 0 }), project: 'p', log: silent, now: () => NOW, clockMs: () => clock.t, rateLimit: { burst: 3, perSecond: 0.5 } });
    const sales = (key: string) => handle(get(`/v1/merchants/${key === 'key-one' ? 'm0001' : 'm0002'}/metrics/sales`, key));
    for (let i = 0; i < 3; i++) expect((await sales('key-one')).status).toBe(200);
    const limited = await sales('key-one');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.body).toMatchObject({ error: 'rate_limited' });
    expect((await sales('key-two')).status).toBe(200);
    clock.t += 2_000;
    expect((await sales('key-one')).status).toBe(200);
    expect((await sales('key-one')).status).toBe(429);
  });

  it('never rate-limits (or counts) a request without a valid key: that is a 401', async () => {
    const source = new GatedSource();
    const handle = createMetricsHandler({ source, keys, versions: createVersionTracker(source, { checkIntervalMs: 0 }), project: 'p', log: silent, now: () => NOW, clockMs: () => 0, rateLimit: { burst: 1, perSecond: 1 } });
    for (let i = 0; i < 5; i++) expect((await handle(get('/v1/merchants/m0001/metrics/sales', 'wrong'))).status).toBe(401);
  });

  it('TokenBuckets forgets idle keys beyond its bound', () => {
    const b = new TokenBuckets({ burst: 1, perSecond: 1 }, () => 0, 2);
    expect(b.take('a').ok).toBe(true);
    expect(b.take('b').ok).toBe(true);
    expect(b.take('c').ok).toBe(true);
    expect(b.take('a').ok).toBe(true); // a was evicted, it starts with a full bucket again
  });
});

describe('metrics API concurrency cap', () => {
  it('answers 429 past the per-key cap and 503 past the process cap, and frees slots when queries end', async () => {
    const source = new GatedSource();
    const handle = createMetricsHandler({ source, keys, versions: createVersionTracker(source, { checkIntervalMs: 0 }), project: 'p', log: silent, now: () => NOW, clockMs: () => 0, cacheEntries: 0, maxConcurrentQueries: 3, maxConcurrentQueriesPerKey: 2 });
    const q = (merchant: string, key: string, day: number) => handle(get(`/v1/merchants/${merchant}/metrics/sales?from=2026-11-0${day}&to=2026-11-0${day}`, key));
    const inFlight = [q('m0001', 'key-one', 1), q('m0001', 'key-one', 2)];
    await new Promise((r) => setImmediate(r));
    const perKey = await q('m0001', 'key-one', 3);
    expect(perKey.status).toBe(429);
    expect(perKey.headers['retry-after']).toBe('1');
    inFlight.push(q('m0002', 'key-two', 1));
    await new Promise((r) => setImmediate(r));
    const total = await q('m0003', 'key-three', 1);
    expect(total.status).toBe(503);
    expect(total.headers['retry-after']).toBe('1');
    expect(source.started).toBe(3);
    source.openAll();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200]);
    const again = q('m0003', 'key-three', 2);
    await new Promise((r) => setImmediate(r));
    source.openAll();
    expect((await again).status).toBe(200);
  });

  it('ConcurrencyLimiter releases once per slot', () => {
    const c = new ConcurrencyLimiter(1, 1);
    const slot = c.acquire('a');
    expect('release' in slot).toBe(true);
    expect(c.acquire('b')).toEqual({ refused: 'total' });
    if ('release' in slot) {
      slot.release();
      slot.release();
    }
    expect(c.inFlight).toBe(0);
  });
});

describe('maximumBytesBilled on every BigQuery query', () => {
  function fakeBigQuery() {
    const calls: Record<string, unknown>[] = [];
    const bq = {
      query: async (options: Record<string, unknown>) => {
        calls.push(options);
        return [[{ run_id: 'r1', run_started_at: '2026-11-24T10:00:00Z' }]];
      },
      dataset: () => ({ table: () => ({ exists: async () => [true] }) }),
    } as unknown as BigQuery;
    return { bq, calls };
  }

  it('sets it, as a decimal string, on metric queries and data-version queries (default 10 GiB)', async () => {
    const { bq, calls } = fakeBigQuery();
    const source = createBigQuerySource({ bigquery: bq, project: 'p' });
    await source.query({ sql: 'select 1', params: {} } as MetricQuery);
    await source.dataVersion();
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c.maximumBytesBilled).toBe(DEFAULT_MAXIMUM_BYTES_BILLED.toString());
    expect(DEFAULT_MAXIMUM_BYTES_BILLED.toString()).toBe('10737418240');
  });

  it('takes a configured limit and refuses a non-positive one', async () => {
    const { bq, calls } = fakeBigQuery();
    await createBigQuerySource({ bigquery: bq, project: 'p', maximumBytesBilled: 1_000_000 }).query({ sql: 'select 1', params: {} } as MetricQuery);
    expect(calls[0]!.maximumBytesBilled).toBe('1000000');
    expect(() => createBigQuerySource({ bigquery: bq, project: 'p', maximumBytesBilled: 0 })).toThrow(/maximumBytesBilled/);
  });
});
