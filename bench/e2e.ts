// bench/e2e: the local platform end to end, every part in one process on the emulators.
// (1) Generated online-order events through collector → Pub/Sub → push → ingest →
//     raw.online_order_events. Landed events/s, against the collector's own accept rate in the same run.
// (2) Metrics API latency (p50/p99) under concurrent clients over a mix of metrics and merchants,
//     with the answer cache and without it (cacheEntries 0), on marts the executor built.
// Sizes: --events, --batch, --senders, --requests, --uncached-requests, --clients; the defaults
// take about a minute and a half on 2 cores, build included.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../functions/runtime/config';
import { createLogger } from '../functions/runtime/logger';
import { generate } from '../tools/generator';
import { startMetricsService, type RunningServer } from '../functions/metrics-api';
import { API_KEY, startPlatform, type Platform } from '../tools/testing/functions-platform';
import { buildFixture, PROJECT as SERVE_PROJECT, type Fixture } from '../tools/testing/marts-fixture';
import { writeReport } from './report';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '500' },
    senders: { type: 'string', default: '4' },
    requests: { type: 'string', default: '4000' },
    'uncached-requests': { type: 'string', default: '500' },
    clients: { type: 'string', default: '32' },
  },
});
const size = (name: keyof typeof flags): number => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${flags[name]}`);
  return n;
};

const WARM_UP_EVENTS = 500;
// A raw table needs a partition filter; a DATE() filter passes the emulator as well as BigQuery.
const LANDED_SQL = "SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS distinct_events FROM raw.online_order_events WHERE DATE(ingested_at) >= '2020-01-01'";

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- (1) the ingestion pipeline --------------------------------------------------------------

/** `n` distinct online-order events (placed, updated, …) from the generator, without faults. */
async function generatedEvents(n: number): Promise<object[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-bench-e2e-'));
  try {
    // About 260 online events per store and day; a margin so the count never falls short.
    await generate({ stores: Math.ceil(n / 200), hours: 24, start: '2026-11-23T00:00:00Z', seed: 17, outDir: dir, faultRate: 0 });
    const online = join(dir, 'online');
    const lines = readdirSync(online)
      .sort()
      .flatMap((f) => readFileSync(join(online, f), 'utf8').split('\n').filter(Boolean));
    if (lines.length < n) throw new Error(`generator gave ${lines.length} online events, ${n} needed`);
    return lines.slice(0, n).map((l) => JSON.parse(l) as object);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function landed(p: Platform): Promise<{ total: number; distinct: number }> {
  const [rows] = await p.bigquery.query({ query: LANDED_SQL });
  const r = rows[0] as { total: number; distinct_events: number };
  return { total: Number(r.total), distinct: Number(r.distinct_events) };
}

/** Posts the events in batches from `senders` concurrent clients; resolves when every batch got 202. */
async function send(p: Platform, events: object[], batch: number, senders: number): Promise<void> {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batch) bodies.push(JSON.stringify({ events: events.slice(i, i + batch) }));
  let next = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } });
        if (res.status !== 202) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
}

async function waitLanded(p: Platform, target: number, timeoutMs: number): Promise<{ total: number; distinct: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await landed(p);
    if (now.distinct >= target) return now;
    if (Date.now() > deadline) throw new Error(`only ${now.distinct} of ${target} events reached raw.online_order_events in ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function pipeline(n: number, batch: number, senders: number) {
  const events = await generatedEvents(WARM_UP_EVENTS + n);
  const p = await startPlatform();
  try {
    // Warm-up: connections, push subscriptions, the raw writers' streams and the JIT.
    await send(p, events.slice(0, WARM_UP_EVENTS), batch, senders);
    await waitLanded(p, WARM_UP_EVENTS, 60_000);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await send(p, events.slice(WARM_UP_EVENTS), batch, senders);
    const acceptedS = seconds(t0);
    const end = await waitLanded(p, WARM_UP_EVENTS + n, 300_000);
    const landedS = seconds(t0);
    const cpu = cpuSeconds(cpu0);
    const bytes = Math.round(events.slice(WARM_UP_EVENTS).reduce((s, e) => s + JSON.stringify(e).length, 0) / n);
    return {
      events: n,
      eventBytes: bytes,
      eventsPerRequest: batch,
      concurrentSenders: senders,
      acceptedEventsPerSecond: Math.round(n / acceptedS),
      landedEventsPerSecond: Math.round(n / landedS),
      landedEventsPerCpuSecond: Math.round(n / cpu),
      landedRateOverAcceptedRate: Number((acceptedS / landedS).toFixed(3)),
      secondsToAccept: Number(acceptedS.toFixed(2)),
      secondsToLand: Number(landedS.toFixed(2)),
      redeliveredRows: end.total - end.distinct,
    };
  } finally {
    await p.close();
  }
}

// ---- (2) metrics API latency, cached and uncached ---------------------------------------------

const METRIC_QUERIES = ['sales?granularity=hour', 'sales?granularity=day', 'product_mix?', 'delivery_performance?', 'inventory_health?', 'promotion_lift?', 'freshness?'];
const RANGES = ['from=2026-11-22&to=2026-11-25', 'from=2026-11-23&to=2026-11-23', 'from=2026-11-24&to=2026-11-24'];

interface Latency {
  requests: number;
  clients: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cacheHits: number;
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (v: number): number => Number(v.toFixed(2));

/** `requests` GETs from `clients` concurrent clients, cycling through the paths in a fixed shuffled order. */
async function load(server: RunningServer, paths: { path: string; key: string }[], requests: number, clients: number): Promise<Latency> {
  const times: number[] = [];
  let hits = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const { path, key } = paths[(next++ * 7919) % paths.length]!;
        const start = process.hrtime.bigint();
        const res = await fetch(`${server.url}${path}`, { headers: { 'x-api-key': key } });
        const body = await res.text();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body}`);
        if (res.headers.get('x-cache') === 'hit') hits++;
      }
    }),
  );
  const total = seconds(t0);
  times.sort((a, b) => a - b);
  return { requests, clients, requestsPerSecond: Math.round(requests / total), p50Ms: ms(quantile(times, 0.5)), p99Ms: ms(quantile(times, 0.99)), maxMs: ms(times[times.length - 1]!), cacheHits: hits };
}

async function metricsApi(requests: number, uncachedRequests: number, clients: number) {
  const fx: Fixture = await buildFixture({ stores: 6 });
  const servers: RunningServer[] = [];
  try {
    const merchants = [...new Set(fx.expected<{ merchant_id: string }>('store_hourly').map((r) => r.merchant_id))].sort();
    const keys = Object.fromEntries(merchants.map((m) => [m, `bench-key-${m}`]));
    const config = loadConfig({ GOOGLE_CLOUD_PROJECT: SERVE_PROJECT, BIGQUERY_EMULATOR_HOST: fx.emulator.url, PIZZAFLOW_MERCHANT_API_KEYS: Object.entries(keys).map(([m, k]) => `${m}=${k}`).join(',') });
    const log = createLogger('bench', { level: 'silent' });
    const cached = await startMetricsService({ config, log, port: 0 });
    servers.push(cached);
    const uncached = await startMetricsService({ config, log, port: 0, cacheEntries: 0 });
    servers.push(uncached);
    const paths = merchants.flatMap((m) => METRIC_QUERIES.flatMap((q) => RANGES.map((r) => ({ path: `/v1/merchants/${m}/metrics/${q.replace('?', `?${r}&`)}`, key: keys[m]! }))));

    // Warm-up: every distinct answer once through each server (fills the cache, warms the emulator).
    await load(cached, paths, paths.length, clients);
    await load(uncached, paths, paths.length, clients);
    const withCache = await load(cached, paths, requests, clients);
    const withoutCache = await load(uncached, paths, uncachedRequests, clients);
    if (withCache.cacheHits !== withCache.requests) throw new Error(`cached run: ${withCache.cacheHits} hits of ${withCache.requests}`);
    if (withoutCache.cacheHits !== 0) throw new Error(`uncached run: ${withoutCache.cacheHits} cache hits`);
    return {
      merchants: merchants.length,
      distinctRequests: paths.length,
      withCache,
      withoutCache,
      p50Speedup: Number((withoutCache.p50Ms / withCache.p50Ms).toFixed(1)),
      p99Speedup: Number((withoutCache.p99Ms / withCache.p99Ms).toFixed(1)),
      throughputRatio: Number((withCache.requestsPerSecond / withoutCache.requestsPerSecond).toFixed(1)),
    };
  } finally {
    await Promise.allSettled(servers.map((s) => s.close()));
    await fx.close();
  }
}

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [events, batch, senders, requests, uncachedRequests, clients] = [size('events'), size('batch'), size('senders'), size('requests'), size('uncached-requests'), size('clients')];
  // The metrics part runs first: startPlatform points BIGQUERY_EMULATOR_HOST (which the BigQuery
  // client prefers to its apiEndpoint) at its own emulator for the rest of the process.
  const api = await metricsApi(requests, uncachedRequests, clients);
  const flow = await pipeline(events, batch, senders);

  const n = (v: number): string => v.toLocaleString('en-US');
  console.log(`e2e, every part in one process (${n(flow.eventBytes)}-byte generated online-order events)`);
  console.log(`  (1) collector → Pub/Sub → push → ingest → raw, ${n(events)} events in batches of ${batch}, ${senders} senders`);
  console.log(`      accepted by the collector  ${n(flow.acceptedEventsPerSecond)} events/s`);
  console.log(`      landed in raw              ${n(flow.landedEventsPerSecond)} events/s (${n(flow.landedEventsPerCpuSecond)} per CPU-second), ${flow.landedRateOverAcceptedRate}× the accept rate, ${flow.redeliveredRows} redelivered rows`);
  console.log(`  (2) metrics API, ${clients} concurrent clients over ${api.distinctRequests} distinct requests (${api.merchants} merchants)`);
  console.log(`      with cache     p50 ${api.withCache.p50Ms} ms, p99 ${api.withCache.p99Ms} ms, ${n(api.withCache.requestsPerSecond)} req/s (${n(api.withCache.requests)} requests)`);
  console.log(`      without cache  p50 ${api.withoutCache.p50Ms} ms, p99 ${api.withoutCache.p99Ms} ms, ${n(api.withoutCache.requestsPerSecond)} req/s (${n(api.withoutCache.requests)} requests)`);
  console.log(`      cache: p50 ${api.p50Speedup}× lower, p99 ${api.p99Speedup}× lower, ${api.throughputRatio}× the requests/s`);
  const results = {
    pipeline: { ...flow, note: 'emulators, functions host, senders and the count query share one process and its CPU; events/s from the first post until the last event is counted in raw' },
    metricsApi: { ...api, note: 'client, server and BigQuery emulator share one process; warm-up pass over every distinct request first; without cache is cacheEntries 0' },
  };
  console.log(`  written to ${writeReport({ benchmark: 'e2e', description: 'Local platform end to end: events/s collector → raw, and metrics API p50/p99 with and without the answer cache', results })}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
