// The dashboard in a real browser: Debian's chromium, driven by playwright-core, opens the page the
// metrics service serves over marts the executor built from the generated data set, and every chart
// draws the merchant's data. A missing chromium fails the test: a skipped browser test proves nothing.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../functions/runtime/config';
import { createLogger } from '../../functions/runtime/logger';
import { startMetricsService, type RunningServer } from '../../functions/metrics-api';
import { liveEffect } from '../../functions/runtime/live-counters';
import { createLiveStore } from '../../functions/runtime/live-store';
import { startLocalRedis, type LocalRedis } from '../../tools/local/redis';
import { buildFixture, PROJECT, type Fixture } from '../../tools/testing/marts-fixture';

const CHROMIUM = '/usr/bin/chromium';
// A fresh profile per launch comes from chromium.launch itself; these keep the browser offline and quiet.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const RESULTS = join(__dirname, '..', '..', 'test-results');
const RANGE = { from: '2026-11-22', to: '2026-11-25' };
/** Sections always drawn as one SVG chart; promotions draws one when a lift is measured, freshness and inventory are tables. */
const CHARTS = ['sales-hourly', 'sales-daily', 'product-mix', 'delivery'];

let fx: Fixture | undefined;
let server: RunningServer | undefined;
let redis: LocalRedis | undefined;
let browser: Browser | undefined;
let merchant: string;
let merchantStores: Set<string>;
const KEYS: Record<string, string> = {};

const log = createLogger('test', { destination: new Writable({ write: (c, _e, cb) => { process.stderr.write(String(c)); cb(); } }), level: 'error' });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is not installed (${CHROMIUM} not found). The dashboard test drives a real browser: install it with \`apt-get install -y chromium\` (Debian; .ci/run does this).`);
  }
  // The merchant owning the most stores, as in the API tests: its charts have a line per store.
  fx = await buildFixture({ stores: 6 });
  const storesOf = new Map<string, Set<string>>();
  for (const r of fx.expected<{ merchant_id: string; store_id: string }>('store_hourly')) {
    if (!storesOf.has(r.merchant_id)) storesOf.set(r.merchant_id, new Set());
    storesOf.get(r.merchant_id)!.add(r.store_id);
  }
  for (const m of storesOf.keys()) KEYS[m] = `key-${m}-secret`;
  merchant = [...storesOf.keys()].sort((a, b) => storesOf.get(b)!.size - storesOf.get(a)!.size || a.localeCompare(b))[0]!;
  merchantStores = storesOf.get(merchant)!;
  // The serving store, with one order of the current hour counted for the merchant's first store.
  redis = await startLocalRedis();
  const live = createLiveStore({ url: redis.url, log });
  // The page must read the hour the order is counted in: in an hour's last minute, wait for the next.
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 60_000) await new Promise((r) => setTimeout(r, left + 50));
  const now = Date.now();
  const placed = { event_type: 'order.placed', event_id: 'e2e-live-1', order_id: 'e2e-o-1', merchant_id: merchant, store_id: [...merchantStores].sort()[0]!, event_time: new Date(now).toISOString(), lines: [{ quantity: 2, unit_price_cents: 1000, discount_cents: 0 }] };
  await live.apply(liveEffect(placed, now)!, now);
  await live.close();
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: PROJECT, BIGQUERY_EMULATOR_HOST: fx.emulator.url, PIZZAFLOW_MERCHANT_API_KEYS: Object.entries(KEYS).map(([m, k]) => `${m}=${k}`).join(','), PIZZAFLOW_REDIS_URL: redis.url });
  server = await startMetricsService({ config, log, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.close();
    await redis?.close();
    await fx?.close();
  }
});

/** The same metric through the API, to know what the page should show. */
async function api<T>(metric: string): Promise<T[]> {
  const res = await fetch(`${server!.url}/v1/merchants/${merchant}/metrics/${metric}?${new URLSearchParams(RANGE)}`, { headers: { 'x-api-key': KEYS[merchant]! } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: T[] }).rows;
}

test("the dashboard draws every chart from the merchant's data, and a screenshot is kept", async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) pageErrors.push(`${res.status()} ${res.url()}`);
  });

  // The key travels in the URL fragment, which the browser never sends to the server.
  const fragment = new URLSearchParams({ merchant, key: KEYS[merchant]!, ...RANGE });
  await page.goto(`${server!.url}/#${fragment}`);
  await page.waitForSelector('body[data-loaded], body[data-error]', { timeout: 30_000 });
  const error = await page.locator('body').getAttribute('data-error');
  expect(error).toBeNull();
  expect(pageErrors).toEqual([]);

  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true });

  const points = async (id: string): Promise<number[]> =>
    Promise.all((await page.locator(`#${id} svg[data-points]`).all()).map(async (svg) => Number(await svg.getAttribute('data-points'))));
  for (const id of CHARTS) {
    const drawn = await points(id);
    expect({ id, charts: drawn.length, withoutPoints: drawn.filter((n) => !(n > 0)).length }).toEqual({ id, charts: 1, withoutPoints: 0 });
  }

  // Promotion lift draws a bar per promotion with a measured lift. This two-day data set has no
  // same-weekday baseline days, so every lift may be null: then the table alone lists them.
  const promotions = await api<{ promotion_id: string; lift: number | null }>('promotion_lift');
  expect(promotions.length).toBeGreaterThan(0);
  const measured = promotions.filter((p) => p.lift !== null).length;
  expect(await points('promotions')).toEqual(measured > 0 ? [measured] : []);
  expect(await page.locator('#promotions td:first-child').allTextContents()).toEqual(promotions.map((p) => p.promotion_id));

  // Freshness is a table: one row per store of the merchant, and the last transform run above it.
  const freshStores = await page.locator('#freshness td:first-child').allTextContents();
  expect(new Set(freshStores)).toEqual(merchantStores);
  await expect(page.locator('#freshness p').first().textContent()).resolves.toMatch(/^last transform run \d{4}-\d{2}-\d{2}/);
  await expect(page.locator('#status').textContent()).resolves.toContain(`${merchant}: ${merchantStores.size} stores`);

  // The live hour, from the serving store: the one order counted above, and the total row.
  await page.waitForSelector('body[data-live]', { timeout: 10_000 });
  expect(await page.locator('body').getAttribute('data-live')).toBe('true');
  expect(await page.locator('#live tr').nth(1).locator('td').allTextContents()).toEqual([[...merchantStores].sort()[0], '1', '2', '$20']);
  await page.close();
}, 60_000);
