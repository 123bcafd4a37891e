// bench/serving: the serving store at a million merchants, on this machine's 2 cores.
//
// 1. Load: N merchants (default 1,000,000) into a local redis-server through the product's code: a
//    key each in the store's key ring (a SHA-256 digest, never the key) and a month of the daily
//    sales series (`planRefresh` + `ServingStore.apply`, as a full-refresh publish writes them).
//    Memory per merchant from redis' own `used_memory`.
// 2. Shape: a sample of merchants with the full retention the docs size Memorystore for (2 years of
//    every daily series, 35 days of hourly sales), bytes per merchant measured the same way.
// 3. Reads: the metrics API (the product's handler and HTTP listener, its rate limits on) with the
//    store as its only source, 200 concurrent clients with keep-alive, each request a random
//    merchant's random range, for a fixed time: requests/s, p50/p99 latency, and the warehouse
//    queries it made (a source that counts them). Baselines in the same run: the same clients on
//    /healthz (the HTTP floor, no store) and the same reads straight from the store (no HTTP).
//
// Usage: npm run bench:serving [-- --merchants N --clients C --seconds S --sample N]
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';
import { createLogger } from '../functions/runtime/logger';
import { mapWithConcurrency } from '../functions/runtime/concurrency';
import { createMetricsHandler } from '../functions/metrics-api/metrics/handler';
import type { MetricRow, MetricsSource } from '../functions/metrics-api/metrics/source';
import { startServer } from '../functions/metrics-api/server';
import { createStoreKeyRing } from '../functions/metrics-api/serving/key-ring';
import { planRefresh, type SeriesId } from '../functions/metrics-api/serving/layout';
import { createStoreReader } from '../functions/metrics-api/serving/reader';
import { createServingStore, type ServingStore } from '../functions/metrics-api/serving/store';
import { startLocalRedis } from '../tools/local/redis';
import { writeReport } from './report';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MERCHANTS = arg('merchants', 1_000_000);
const CLIENTS = arg('clients', 200);
const SECONDS = arg('seconds', 15);
const SAMPLE = arg('sample', 200);
const LOAD_DAYS = 31;
const STAMP = { run_id: 'bench-run', run_at: '2026-12-06T00:00:00Z', published_at: '2026-12-06T00:05:00Z' };
const log = createLogger('bench-serving', { level: 'error' });

const merchantId = (i: number): string => `bm${String(i).padStart(7, '0')}`;
const keyOf = (i: number): string => `bench-key-${i}-7f3a9c`;
const day = (i: number): string => new Date(Date.UTC(2026, 11, 5) - i * 86_400_000).toISOString().slice(0, 10);

/** A one-store merchant's rows, shaped as the marts' series columns (catalog.ts), with plausible values. */
const rows = {
  salesDay: (date: string, n: number): MetricRow[] => [{ business_date: date, store_id: 's0001', orders: 40 + (n % 17), net_sales_cents: 61_250 + n, gross_margin_cents: 40_110 + n, average_ticket_cents: 1_531 }],
  salesHour: (date: string, n: number): MetricRow[] =>
    Array.from({ length: 12 }, (_, h) => ['online', 'pos'].map((channel) => ({ hour_at: `${date}T${String(10 + h).padStart(2, '0')}:00:00.000Z`, store_id: 's0001', channel, orders: 2 + ((n + h) % 5), units: 5 + h, net_sales_cents: 3_100 + h, gross_margin_cents: 2_040 + h, average_ticket_cents: 1_550 }))).flat(),
  productMix: (date: string): MetricRow[] => Array.from({ length: 10 }, (_, k) => ({ business_date: date, store_id: 's0001', sku: `SKU-${k}`, units: 3 + k, net_sales_cents: 1_200 * (k + 1), gross_margin_cents: 800 * (k + 1), unit_share_pct: 10 })),
  delivery: (date: string): MetricRow[] => [{ business_date: date, store_id: 's0001', deliveries: 12, late_deliveries: 2, late_pct: 16.67 }],
  inventory: (date: string): MetricRow[] => Array.from({ length: 8 }, (_, k) => ({ business_date: date, store_id: 's0001', material_id: `RM-${k}`, closing: 120 - k, consumed: 14 + k, wasted: 1, days_of_cover: 8.5, is_stock_out_risk: false, waste_pct: 0.7 })),
};

function byDate(days: number, make: (date: string, n: number) => MetricRow[]): Map<string, MetricRow[]> {
  return new Map(Array.from({ length: days }, (_, i) => [day(i), make(day(i), i)]));
}

async function usedMemory(store: ServingStore): Promise<number> {
  const info = String(await (await store.client()).info('memory'));
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface LoadFigures {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  statuses: Record<string, number>;
}

/** `clients` loops calling `once` until `seconds` pass; latency of each call. */
async function drive(clients: number, seconds: number, once: (i: number) => Promise<number>): Promise<LoadFigures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      // Call numbers c, c + clients, c + 2 × clients, …: every call of the phase draws its own merchant.
      for (let n = c; performance.now() < end; n += clients) {
        const start = performance.now();
        try {
          const status = await once(n);
          statuses[status] = (statuses[status] ?? 0) + 1;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, perSecond: Math.round(latencies.length / elapsed), p50Ms: +percentile(latencies, 50).toFixed(2), p99Ms: +percentile(latencies, 99).toFixed(2), errors, statuses };
}

function httpGet(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A random merchant and range inside the loaded month (deterministic per call number). */
function pick(n: number): { merchant: number; from: string; to: string } {
  // mulberry32's mix of the call number: spread evenly over merchants and days.
  let t = (n * 0x6d2b79f5 + 0x9e3779b9) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const x = (t ^ (t >>> 14)) >>> 0;
  const a = x % LOAD_DAYS;
  const b = (x >>> 8) % LOAD_DAYS;
  return { merchant: x % MERCHANTS, from: day(Math.max(a, b)), to: day(Math.min(a, b)) };
}

async function main(): Promise<void> {
  const redis = await startLocalRedis();
  const store = createServingStore({ url: redis.url, log, timeoutMs: 10_000 });
  const ring = createStoreKeyRing({ client: store.client, log });
  const salesDay: SeriesId = { metric: 'sales', granularity: 'day' };
  try {
    // 1. A million merchants: keys and a month of daily sales each.
    const before = await usedMemory(store);
    const loadStart = performance.now();
    const batches = Math.ceil(MERCHANTS / 1_000);
    let done = 0;
    await mapWithConcurrency(
      Array.from({ length: batches }, (_, b) => b),
      // Two batches of 1,000 merchants in flight: more only queues commands past node-redis' 5 s deadline.
      2,
      async (b) => {
        const ids = Array.from({ length: Math.min(1_000, MERCHANTS - b * 1_000) }, (_, k) => b * 1_000 + k);
        await Promise.all(ids.map((i) => ring.add(merchantId(i), keyOf(i))));
        await store.apply(ids.map((i) => planRefresh(merchantId(i), [{ id: salesDay, byDate: byDate(LOAD_DAYS, rows.salesDay) }], new Map())), STAMP);
        done += ids.length;
        if (done % 100_000 < 1_000) process.stdout.write(`  loaded ${done.toLocaleString('en-US')} merchants (${((performance.now() - loadStart) / 1000).toFixed(0)} s)\n`);
      },
    );
    const loadSeconds = (performance.now() - loadStart) / 1000;
    await store.setMarker(STAMP);
    const afterLoad = await usedMemory(store);
    const bytesPerMerchantLoaded = (afterLoad - before) / MERCHANTS;

    // 2. The full retention on a sample: 2 years of every daily series, 35 days of hourly sales.
    const full = [
      { id: { metric: 'sales', granularity: 'day' } as SeriesId, byDate: byDate(730, rows.salesDay) },
      { id: { metric: 'sales', granularity: 'hour' } as SeriesId, byDate: byDate(35, rows.salesHour) },
      { id: { metric: 'product_mix', granularity: 'day' } as SeriesId, byDate: byDate(730, rows.productMix) },
      { id: { metric: 'delivery_performance', granularity: 'day' } as SeriesId, byDate: byDate(730, rows.delivery) },
      { id: { metric: 'inventory_health', granularity: 'day' } as SeriesId, byDate: byDate(730, rows.inventory) },
    ];
    const headline = full.slice(0, 2);
    const shapeBytes = async (series: typeof full, prefix: string): Promise<number> => {
      const m0 = await usedMemory(store);
      for (let s = 0; s < SAMPLE; s += 50) {
        const ids = Array.from({ length: Math.min(50, SAMPLE - s) }, (_, k) => `${prefix}${s + k}`);
        await store.apply(ids.map((id) => planRefresh(id, series, new Map())), STAMP);
      }
      return ((await usedMemory(store)) - m0) / SAMPLE;
    };
    const bytesPerMerchantHeadline = await shapeBytes(headline, 'bh');
    const bytesPerMerchantAllSeries = await shapeBytes(full, 'bf');

    // 3. Reads through the metrics API, with baselines.
    let warehouseQueries = 0;
    const source: MetricsSource = {
      query: async () => {
        warehouseQueries++;
        throw new Error('the bench serves from the store only');
      },
      dataVersion: async () => ({ runId: null, runAt: null }),
    };
    const handler = createMetricsHandler({ source, keys: ring, settled: createStoreReader(store), versions: { current: async () => ({ runId: null, runAt: null }) }, project: 'bench', log });
    const server = await startServer({ handler, log, port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    try {
      const healthz = await drive(CLIENTS, SECONDS, () => httpGet(agent, `${server.url}/healthz`, {}));
      const direct = await drive(CLIENTS, SECONDS, async (n) => {
        const p = pick(n);
        await store.readSeries(merchantId(p.merchant), salesDay, p.from, p.to);
        return 200;
      });
      const api = await drive(CLIENTS, SECONDS, (n) => {
        const p = pick(n);
        return httpGet(agent, `${server.url}/v1/merchants/${merchantId(p.merchant)}/metrics/sales?granularity=day&from=${p.from}&to=${p.to}`, { 'x-api-key': keyOf(p.merchant) });
      });
      const results = {
        merchants: MERCHANTS,
        clients: CLIENTS,
        secondsPerPhase: SECONDS,
        load: { seconds: +loadSeconds.toFixed(1), merchantsPerSecond: Math.round(MERCHANTS / loadSeconds), usedMemoryBytes: afterLoad, bytesPerMerchant: Math.round(bytesPerMerchantLoaded), shape: `a key digest and ${LOAD_DAYS} days of daily sales` },
        retention: {
          sample: SAMPLE,
          headlineBytesPerMerchant: Math.round(bytesPerMerchantHeadline),
          headlineShape: '730 days of daily sales + 35 days of hourly sales (12 h × 2 channels)',
          allSeriesBytesPerMerchant: Math.round(bytesPerMerchantAllSeries),
          allSeriesShape: 'the headline + 730 days of product mix (10 SKUs), delivery performance, inventory health (8 materials)',
          headlineGiBAt1M: +((bytesPerMerchantHeadline * 1e6) / 2 ** 30).toFixed(1),
          allSeriesGiBAt1M: +((bytesPerMerchantAllSeries * 1e6) / 2 ** 30).toFixed(1),
        },
        reads: { api, baselineHealthz: healthz, baselineStoreDirect: direct, warehouseQueries, apiPerSecondOverHealthz: +(api.perSecond / healthz.perSecond).toFixed(2), apiPerSecondOverStoreDirect: +(api.perSecond / direct.perSecond).toFixed(2) },
      };
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(`wrote ${writeReport({ benchmark: 'serving', description: 'the serving store at a million merchants: load, bytes per merchant, API reads with 0 warehouse queries against /healthz and direct store reads', results })}\n`);
    } finally {
      agent.destroy();
      await server.close();
    }
  } finally {
    await store.close();
    await redis.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
