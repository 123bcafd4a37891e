// `pizzaflow demo`: a day in the life on top of the local platform. Generates a data set, starts
// the platform on an accelerated clock, plays the traffic through the collector and the landing
// bucket as it would arrive, lets the catalog's schedules load and transform, then reads everything
// back and reports. The report's `ok` is the exit status: false when anything is unaccounted for.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketName, BUCKETS, FUNCTIONS } from '../../contracts/catalog';
import { bigqueryClient, storageClient } from '../../functions/runtime/clients';
import { setLiveClock } from '../../functions/runtime/live-clock';
import { createLiveStore } from '../../functions/runtime/live-store';
import type { Logger } from '../../functions/runtime/logger';
import { generate, type GenerationProgress } from '../generator';
import { acceleratedClock, type SchedulerEvent } from '../scheduler';
import { createKeyRing } from '../../functions/metrics-api';
import { DEFAULT_PORTS, startLocalPlatform, type LocalPlatform, type LocalPorts } from '../local/platform';
import { readBack, type DemoReadback } from './collect';
import { liveLag, liveVersusSettled, posArrivals, storeHoursWithLateEvents, type SentEvent, type StoreHour } from './freshness';
import { LIVE_RETENTION_HOURS } from '../../functions/runtime/live-counters';
import { openFeed, type FeedItem } from './feed';
import { loadReferenceSnapshots } from './reference';
import { buildReport, type DemoReport, type Truth } from './report';
import { newTally, sendOrderEvents, sendWebhook, uploadPosFile, type SentOrderEvent, type TrafficTargets } from './traffic';

export interface DemoOptions {
  stores: number;
  hours: number;
  /** Simulated start, on a UTC hour (ISO 8601). */
  start: string;
  seed: number;
  faultRate: number;
  /** Online order producers switch to schema_version 2 at this simulated time (ISO 8601); absent: version 1 throughout. */
  v2From?: string;
  /** Simulated seconds per real second while no scheduled run is going. */
  rate: number;
  /** Where the data set and the emulators' state go (fresh). */
  workDir: string;
  /** Keep the emulators' state in memory rather than under workDir (faster; nothing to keep). */
  inMemory?: boolean;
  ports?: LocalPorts;
  strictGoogleSql?: boolean;
  log: Logger;
  onProgress?: (p: DemoProgress) => void;
  onSchedulerEvent?: (e: SchedulerEvent) => void;
  /** Called with the running platform after the report, before it stops (keep-running mode waits here). */
  beforeStop?: (platform: LocalPlatform, merchantKeys: Record<string, string>) => Promise<void>;
}

export interface DemoProgress {
  phase: 'generating' | 'starting' | 'traffic' | 'draining' | 'final runs' | 'reading back';
  simMs?: number;
  startMs?: number;
  endMs?: number;
  accepted?: number;
  posUploaded?: number;
  transformRuns?: number;
  generation?: GenerationProgress;
}

/** Sends at most `limit` at once; the first failure is kept and rethrown by drain(). */
class InFlight {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;
  constructor(private readonly limit: number) {}
  async add(task: () => Promise<void>): Promise<void> {
    while (this.pending.size >= this.limit) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
    const p: Promise<void> = task()
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}

function readTruth(dataDir: string): Truth {
  const totals = JSON.parse(readFileSync(join(dataDir, 'expected', 'totals.json'), 'utf8')) as { revenue: { orders: number; units: number; net_sales_cents: number; gross_margin_cents: number } };
  const delivery = JSON.parse(readFileSync(join(dataDir, 'expected', 'delivery_daily.json'), 'utf8')) as { deliveries: number; late: number }[];
  return {
    orders: totals.revenue.orders,
    units: totals.revenue.units,
    netSalesCents: totals.revenue.net_sales_cents,
    grossMarginCents: totals.revenue.gross_margin_cents,
    deliveries: delivery.reduce((a, d) => a + d.deliveries, 0),
    lateDeliveries: delivery.reduce((a, d) => a + d.late, 0),
  };
}

function merchantIds(dataDir: string): string[] {
  return readFileSync(join(dataDir, 'reference', 'merchants.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { merchant_id: string }).merchant_id);
}

export async function runDemo(o: DemoOptions): Promise<DemoReport> {
  const began = performance.now();
  const dataDir = join(o.workDir, 'data');
  o.onProgress?.({ phase: 'generating' });
  await generate(
    { stores: o.stores, hours: o.hours, start: o.start, seed: o.seed, outDir: dataDir, faultRate: o.faultRate, ...(o.v2From !== undefined ? { v2From: o.v2From } : {}) },
    { onProgress: (generation) => o.onProgress?.({ phase: 'generating', generation }) },
  );
  const truth = readTruth(dataDir);
  const feed = openFeed(dataDir);
  const startMs = Date.parse(o.start);
  const endMs = startMs + o.hours * 3_600_000;
  const sinceDate = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const merchantKeys = Object.fromEntries(merchantIds(dataDir).map((m) => [m, `demo-${m}-${randomBytes(6).toString('hex')}`]));

  o.onProgress?.({ phase: 'starting' });
  const clock = acceleratedClock({ startMs: startMs - 60_000, rate: o.rate });
  const setup = clock.hold();
  const platform = await startLocalPlatform({
    dataDir: join(o.workDir, 'state'),
    ports: o.ports ?? { ...DEFAULT_PORTS, pubsub: 0, storage: 0, bigquery: 0, bigqueryGrpc: 0, functions: 0, serve: 0 },
    clock,
    log: o.log,
    strictGoogleSql: o.strictGoogleSql,
    inMemory: o.inMemory,
    merchantKeys: createKeyRing(merchantKeys),
    onSchedulerEvent: o.onSchedulerEvent,
  });
  try {
    const { config, catalog, scheduler } = platform;
    const storage = storageClient(config);
    const bigquery = bigqueryClient(config);
    const landing = bucketName(config.project, BUCKETS.landing);
    await loadReferenceSnapshots({ storage, bigquery }, dataDir, landing);
    const portalClient = Object.keys(config.apiKeys)[0];
    if (!portalClient) throw new Error('no collector API key configured (PIZZAFLOW_API_KEYS)');
    const targets: TrafficTargets = { collectorUrl: `${platform.functions.url}/collector`, apiKey: config.apiKeys[portalClient]!, webhookSecrets: config.webhookSecrets, storage, landingBucket: landing, simNow: () => clock.now() };
    const tally = newTally();
    // The live counters judge an event's hour on the demo's clock, so the day played counts live.
    setLiveClock(() => clock.now());
    const transformJob = catalog.schedules.find((s) => 'dataform' in s.target)?.name ?? 'dataform-incremental';
    const loaderJob = catalog.schedules.find((s) => 'function' in s.target && s.target.function === FUNCTIONS.posLoader)?.name ?? 'pos-loader';
    const transformRuns = (): number => scheduler.runs.filter((r) => r.job === transformJob).length;
    let lastProgress = 0;
    const progress = (phase: DemoProgress['phase'], force = false): void => {
      const now = performance.now();
      if (!force && now - lastProgress < 500) return;
      lastProgress = now;
      o.onProgress?.({ phase, simMs: clock.now(), startMs, endMs, accepted: tally.accepted.orders + tally.accepted.webhooks, posUploaded: tally.posUploaded, transformRuns: transformRuns() });
    };
    setup();

    // Traffic, as it arrives: the portal batches a minute of events (or 500) per request.
    const portal = new InFlight(1);
    const providers = new InFlight(8);
    const terminals = new InFlight(4);
    let buffer: string[] = [];
    let bufferSince = 0;
    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      const lines = buffer;
      buffer = [];
      await portal.add(() => sendOrderEvents(targets, tally, lines));
    };
    const waitUntil = async (simMs: number): Promise<void> => {
      while (clock.now() < simMs) {
        if (buffer.length && clock.now() - bufferSince >= 60_000) await flush();
        progress('traffic');
        await new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, clock.realDelayUntil(simMs)))));
      }
    };
    const dispatch = async (item: FeedItem): Promise<void> => {
      if (item.kind === 'order-event') {
        if (buffer.length && item.atMs - bufferSince >= 60_000) await flush();
        if (buffer.length === 0) bufferSince = item.atMs;
        buffer.push(item.line);
        if (buffer.length >= 500) await flush();
      } else if (item.kind === 'webhook') {
        await providers.add(() => sendWebhook(targets, tally, item.line));
      } else {
        await terminals.add(() => uploadPosFile(targets, tally, item.path, item.objectName));
      }
    };
    for (const hour of feed.hours) {
      for (const item of feed.itemsOf(hour)) {
        await waitUntil(item.atMs);
        await dispatch(item);
      }
    }
    await flush();
    await Promise.all([portal.drain(), providers.drain(), terminals.drain()]);

    // Everything accepted reaches raw (or rejected_events) through push and ingest.
    const accepted = tally.accepted.orders + tally.accepted.webhooks;
    const landed = async (): Promise<number> => {
      const [rows] = await bigquery.query({
        query: `SELECT (SELECT COUNT(*) FROM \`${config.project}.raw.online_order_events\` WHERE DATE(ingested_at) >= '${sinceDate}')
                     + (SELECT COUNT(*) FROM \`${config.project}.raw.delivery_events\` WHERE DATE(ingested_at) >= '${sinceDate}')
                     + (SELECT COUNT(*) FROM \`${config.project}.raw.rejected_events\` WHERE DATE(rejected_at) >= '${sinceDate}' AND source != 'pos') AS n`,
      });
      return Number((rows as { n: unknown }[])[0]?.n ?? 0);
    };
    const drainDeadline = performance.now() + 120_000;
    while ((await landed()) < accepted && performance.now() < drainDeadline) {
      progress('draining');
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitUntil(endMs);

    // The last POS window and the last transform, as the next scheduled runs would do them.
    progress('final runs', true);
    await scheduler.runNow(loaderJob);
    await scheduler.runNow(transformJob);
    // …and the serving store's publish of that last run, so the API serves the whole day.
    const publisherJob = catalog.schedules.find((s) => 'function' in s.target && s.target.function === FUNCTIONS.servingPublisher)?.name;
    if (publisherJob) await scheduler.runNow(publisherJob);
    await scheduler.stop();

    progress('reading back', true);
    const readback = await readBack(bigquery, config.project, sinceDate);
    const live = config.servingStore ? await readLive(config.servingStore, readback, startMs, endMs, o.log) : undefined;
    // Every event the live counters may have missed by arriving late: online order events, and POS
    // transactions with the loader run that loaded them.
    const liveArrivals = [
      ...arrivals(tally.orderEventsSent, readback.orderEventsIngestedAtMs, o.rate),
      ...posArrivals(readback.posTransactions, scheduler.runs.filter((r) => r.job === loaderJob)),
    ];
    const seconds = (performance.now() - began) / 1000;
    const report = buildReport({
      title: `pizzaflow demo: ${o.stores} stores × ${o.hours} h (${o.start.slice(0, 16).replace('T', ' ')} UTC on), clock ${o.rate}× while idle, fault rate ${o.faultRate}, ${seconds.toFixed(0)} s`,
      sent: { orderEvents: feed.totals.orderEvents, webhooks: feed.totals.webhooks, posFiles: feed.totals.posFiles },
      tally,
      readback,
      truth,
      runs: scheduler.runs,
      skipped: scheduler.skipped,
      transformJob,
      catalog,
      live: live ? { lag: liveLag(tally.ordersAcceptedAtMs, readback.orderEventsIngestedAtMs), versus: liveVersusSettled(readback.settled, live, 5, storeHoursWithLateEvents(liveArrivals, 1 + LIVE_RETENTION_HOURS)) } : undefined,
    });
    await o.beforeStop?.(platform, merchantKeys);
    return report;
  } finally {
    setLiveClock(undefined);
    await platform.close();
  }
}

/** Each sent order event with the latest simulated time ingest can have counted it (its real time to raw at the clock's full rate). */
function arrivals(sent: readonly SentOrderEvent[], ingestedAtMs: ReadonlyMap<string, number>, rate: number): SentEvent[] {
  return sent.map((e) => {
    const ingested = ingestedAtMs.get(e.eventId);
    return { ...e, arrivedSimMs: e.sentSimMs + (ingested === undefined ? 0 : Math.max(0, ingested - e.sentRealMs) * rate) };
  });
}

/** Every merchant's live counters for every UTC hour of the day played, through the product's adapter. */
async function readLive(store: { url: string; password?: string; ca?: string }, readback: DemoReadback, startMs: number, endMs: number, log: Logger): Promise<StoreHour[]> {
  const live = createLiveStore({ ...store, log, timeoutMs: 10_000 });
  try {
    const merchants = [...new Set(readback.settled.map((h) => h.merchantId))].sort();
    const out: StoreHour[] = [];
    for (let hourMs = Math.floor(startMs / 3_600_000) * 3_600_000; hourMs < endMs; hourMs += 3_600_000) {
      for (const merchantId of merchants) {
        for (const c of await live.read(merchantId, hourMs)) out.push({ merchantId, storeId: c.store_id, hourMs, orders: c.orders, units: c.units, netSalesCents: c.net_sales_cents });
      }
    }
    return out;
  } finally {
    await live.close();
  }
}
