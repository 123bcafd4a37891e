// The metrics API's admission control over HTTP (startServer): a key past its burst gets 429 with
// Retry-After, a key past its concurrent queries 429, the process past its cap 503; other keys go on.
import { Writable } from 'node:stream';
import { createLogger } from '../../../functions/runtime/logger';
import { createKeyRing } from '../../../functions/runtime/api-keys';
import { createMetricsHandler } from '../../../functions/metrics-api/metrics/handler';
import { createVersionTracker } from '../../../functions/metrics-api/metrics/cache';
import { startServer, type RunningServer } from '../../../functions/metrics-api/server';
import type { DataVersion, MetricRow, MetricsSource } from '../../../functions/metrics-api/metrics/source';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });

class SlowSource implements MetricsSource {
  private gates: (() => void)[] = [];
  hold = false;
  async query(): Promise<MetricRow[]> {
    if (this.hold) await new Promise<void>((resolve) => this.gates.push(resolve));
    return [{ orders: 1 }];
  }
  async dataVersion(): Promise<DataVersion> {
    return { runId: 'r', runAt: '2026-11-24T10:00:00.000Z' };
  }
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
  get waiting(): number {
    return this.gates.length;
  }
}

let server: RunningServer;
const source = new SlowSource();
const clock = { t: 0 };

beforeAll(async () => {
  const handler = createMetricsHandler({
    source,
    keys: createKeyRing({ m0001: 'key-one', m0002: 'key-two', m0003: 'key-three' }),
    versions: createVersionTracker(source, { checkIntervalMs: 0 }),
    project: 'p',
    log: silent,
    cacheEntries: 0,
    now: () => new Date('2026-11-24T12:00:00Z'),
    clockMs: () => clock.t,
    rateLimit: { burst: 5, perSecond: 1 },
    maxConcurrentQueries: 3,
    maxConcurrentQueriesPerKey: 2,
  });
  server = await startServer({ handler, log: silent, port: 0 });
});

afterAll(async () => server?.close());

const get = (merchant: string, key: string) => fetch(`${server.url}/v1/merchants/${merchant}/metrics/sales`, { headers: { 'x-api-key': key } });

test('429 with Retry-After once a key spent its burst; another key still gets through', async () => {
  clock.t = 0;
  for (let i = 0; i < 5; i++) expect((await get('m0001', 'key-one')).status).toBe(200);
  const limited = await get('m0001', 'key-one');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('1');
  expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
  expect((await get('m0002', 'key-two')).status).toBe(200);
  clock.t += 1_000;
  expect((await get('m0001', 'key-one')).status).toBe(200);
});

test('concurrent queries: 429 past the per-key cap, 503 with Retry-After past the process cap', async () => {
  clock.t = 1_000_000;
  source.hold = true;
  const held = [get('m0002', 'key-two'), get('m0002', 'key-two')];
  while (source.waiting < 2) await new Promise((r) => setTimeout(r, 5));
  expect((await get('m0002', 'key-two')).status).toBe(429);
  held.push(get('m0003', 'key-three'));
  while (source.waiting < 3) await new Promise((r) => setTimeout(r, 5));
  const busy = await get('m0001', 'key-one');
  expect(busy.status).toBe(503);
  expect(busy.headers.get('retry-after')).toBe('1');
  source.hold = false;
  source.release();
  expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
});
