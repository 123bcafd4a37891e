// The metrics API over HTTP on marts built by the executor on the BigQuery emulator: a merchant
// sees exactly the generator's truth for its own stores, never another merchant's rows, and a
// cached answer lasts until the next transform run.
import { Writable } from 'node:stream';
import { loadConfig } from '../../../functions/runtime/config';
import { createLogger } from '../../../functions/runtime/logger';
import { startMetricsService, type MetricsAnswer, type RunningServer } from '../../../functions/metrics-api';
import { buildFixture, PROJECT, type Fixture } from '../../../tools/testing/marts-fixture';

let fx: Fixture;
let server: RunningServer;
let merchants: string[];
let storesOf: Map<string, Set<string>>;

// Errors reach stderr: a 503 in these tests is a bug, and the log says which SQL failed.
const log = createLogger('test', { destination: new Writable({ write: (c, _e, cb) => { process.stderr.write(String(c)); cb(); } }), level: 'error' });
const KEYS: Record<string, string> = {};

beforeAll(async () => {
  // Six stores with seed 11: five merchants, the last owning two stores.
  fx = await buildFixture({ stores: 6 });
  const hourly = fx.expected<{ merchant_id: string; store_id: string }>('store_hourly');
  storesOf = new Map();
  for (const r of hourly) {
    if (!storesOf.has(r.merchant_id)) storesOf.set(r.merchant_id, new Set());
    storesOf.get(r.merchant_id)!.add(r.store_id);
  }
  merchants = [...storesOf.keys()].sort();
  for (const m of merchants) KEYS[m] = `key-${m}-secret`;
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: PROJECT, BIGQUERY_EMULATOR_HOST: fx.emulator.url, PIZZAFLOW_MERCHANT_API_KEYS: Object.entries(KEYS).map(([m, k]) => `${m}=${k}`).join(',') });
  server = await startMetricsService({ config, log, port: 0, runCheckMs: 0 });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await fx?.close();
});

async function get(path: string, key?: string): Promise<{ status: number; cache: string | null; body: MetricsAnswer & { reason?: string } }> {
  const res = await fetch(`${server.url}${path}`, { headers: key ? { 'x-api-key': key } : {} });
  return { status: res.status, cache: res.headers.get('x-cache'), body: (await res.json()) as MetricsAnswer & { reason?: string } };
}

/** The merchant owning the most stores: its answers must cover all of them and no one else's. */
const biggest = (): string => [...storesOf.keys()].sort((a, b) => storesOf.get(b)!.size - storesOf.get(a)!.size || a.localeCompare(b))[0]!;

const sortBy = <T>(rows: T[], key: (r: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

test('the data set has several merchants, one of them with several stores', () => {
  expect(merchants.length).toBeGreaterThanOrEqual(2);
  expect(Math.max(...[...storesOf.values()].map((s) => s.size))).toBeGreaterThanOrEqual(2);
});

test("hourly sales equal the generator's truth for the merchant's stores, and only those", async () => {
  for (const m of merchants) {
    const out = await get(`/v1/merchants/${m}/metrics/sales?from=2026-11-22&to=2026-11-25&granularity=hour`, KEYS[m]);
    expect(out.status).toBe(200);
    const truth = fx
      .expected<Record<string, string | number>>('store_hourly')
      .filter((r) => r.merchant_id === m)
      .map((r) => ({ hour_at: r.hour, store_id: r.store_id, channel: r.channel, orders: r.orders, units: r.units, net_sales_cents: r.net_sales_cents, gross_margin_cents: r.gross_margin_cents }));
    const got = out.body.rows.map((r) => ({ hour_at: r.hour_at, store_id: r.store_id, channel: r.channel, orders: r.orders, units: r.units, net_sales_cents: r.net_sales_cents, gross_margin_cents: r.gross_margin_cents }));
    const key = (r: Record<string, unknown>): string => `${r.store_id}|${r.hour_at}|${r.channel}`;
    expect(truth.length).toBeGreaterThan(10);
    expect(sortBy(got, key)).toEqual(sortBy(truth, key));
    expect(new Set(out.body.rows.map((r) => r.store_id))).toEqual(storesOf.get(m));
  }
});

test("daily product mix equals the truth for the merchant's stores", async () => {
  const m = biggest();
  const out = await get(`/v1/merchants/${m}/metrics/product_mix?from=2026-11-22&to=2026-11-25`, KEYS[m]);
  expect(out.status).toBe(200);
  const truth = fx
    .expected<Record<string, string | number>>('product_daily')
    .filter((r) => r.merchant_id === m)
    .map((r) => ({ business_date: r.date, store_id: r.store_id, sku: r.sku, units: r.units, net_sales_cents: r.net_sales_cents, gross_margin_cents: r.gross_margin_cents }));
  const got = out.body.rows.map((r) => ({ business_date: r.business_date, store_id: r.store_id, sku: r.sku, units: r.units, net_sales_cents: r.net_sales_cents, gross_margin_cents: r.gross_margin_cents }));
  const key = (r: Record<string, unknown>): string => `${r.business_date}|${r.store_id}|${r.sku}`;
  expect(truth.length).toBeGreaterThan(10);
  expect(sortBy(got, key)).toEqual(sortBy(truth, key));
  expect(new Set(got.map((r) => r.store_id))).toEqual(storesOf.get(m));
});

test("every metric answers for one's own stores; another merchant's id is 403 and a missing key 401", async () => {
  // The merchant with the most stores asks; the first other merchant is the one it must not see.
  const mine = biggest();
  const theirs = merchants.find((m) => m !== mine)!;
  for (const metric of ['sales', 'product_mix', 'delivery_performance', 'inventory_health', 'promotion_lift', 'freshness']) {
    const own = await get(`/v1/merchants/${mine}/metrics/${metric}?from=2026-11-22&to=2026-11-25`, KEYS[mine]);
    expect(own.status).toBe(200);
    expect(own.body.merchant_id).toBe(mine);
    for (const r of own.body.rows) if ('store_id' in r) expect(storesOf.get(mine)!.has(String(r.store_id))).toBe(true);
    const other = await get(`/v1/merchants/${theirs}/metrics/${metric}?from=2026-11-22&to=2026-11-25`, KEYS[mine]);
    expect(other.status).toBe(403);
    expect(other.body).not.toHaveProperty('rows');
    expect((await get(`/v1/merchants/${mine}/metrics/${metric}`)).status).toBe(401);
  }
  const fresh = await get(`/v1/merchants/${mine}/metrics/freshness?from=2026-11-22&to=2026-11-25`, KEYS[mine]);
  expect(fresh.body.rows.length).toBe(storesOf.get(mine)!.size);
  expect(fresh.body.data_version.run_id).toMatch(/^[0-9a-f-]{36}$/);
});

test('bad parameters are 400 with a reason', async () => {
  const m = merchants[0]!;
  const out = await get(`/v1/merchants/${m}/metrics/sales?from=2026-11-25&to=2026-11-22`, KEYS[m]);
  expect(out.status).toBe(400);
  expect(out.body.reason).toMatch(/after/);
  expect((await get(`/v1/merchants/${m}/metrics/sales?granularity=week`, KEYS[m])).status).toBe(400);
});

test('an answer is served from the cache until a new transform run is recorded', async () => {
  const m = merchants[0]!;
  const path = `/v1/merchants/${m}/metrics/sales?from=2026-11-23&to=2026-11-24`;
  const first = await get(path, KEYS[m]);
  const second = await get(path, KEYS[m]);
  expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
  expect(second.body).toEqual(first.body);

  await fx.run();
  const third = await get(path, KEYS[m]);
  expect(third.cache).toBe('miss');
  expect(third.body.data_version.run_id).not.toBe(first.body.data_version.run_id);
  expect(third.body.rows).toEqual(first.body.rows);
  expect((await get(path, KEYS[m])).cache).toBe('hit');
}, 120_000);

test('the same server serves the dashboard, and nothing outside its folder', async () => {
  const page = await fetch(`${server.url}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('/dashboard/app.js');
  const script = await fetch(`${server.url}/dashboard/app.js`);
  expect(script.headers.get('content-type')).toMatch(/javascript/);
  expect((await fetch(`${server.url}/dashboard/..%2f..%2f..%2fpackage.json`)).status).toBe(404);
  expect((await fetch(`${server.url}/dashboard/metrics/handler.ts`)).status).toBe(404);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
