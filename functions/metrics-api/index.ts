// The merchant metrics API and dashboard: wiring from configuration to a running server. Two ways
// to serve the same listener (routes, 401/403, dashboard, /healthz): the functions framework's
// target `metrics-api` (Cloud Run; registered below, wired on the first request like the other
// functions) and `startMetricsService`, a plain node:http server (the local platform, `pizzaflow
// serve`, tests). With a serving store, metrics and keys are read from it, and the store's publisher
// (`serving/publisher.ts`) is what reads the marts.
import type { RequestListener } from 'node:http';
import type { BigQuery } from '@google-cloud/bigquery';
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { loadConfig, type Config } from '../runtime/config';
import { createLogger, type Logger } from '../runtime/logger';
import { createKeyRing, type KeyRing } from '../runtime/api-keys';
import { bigqueryClient } from '../runtime/clients';
import { createLiveStore } from '../runtime/live-store';
import { createVersionTracker } from './metrics/cache';
import { createMetricsHandler, type MetricsHandler } from './metrics/handler';
import { createBigQuerySource } from './metrics/source';
import { createRequestListener, startServer, type RunningServer } from './server';
import { createStoreKeyRing } from './serving/key-ring';
import { createMartReader } from './serving/marts';
import { createPublisher, type Publisher, type PublishResult } from './serving/publisher';
import { createStoreReader } from './serving/reader';
import { createServingStore } from './serving/store';

export { createKeyRing, type KeyRing } from '../runtime/api-keys';
export { createVersionTracker, ResultCache, type VersionTracker } from './metrics/cache';
export { METRICS, type Granularity, type MetricDefinition, type MetricQuery } from './metrics/catalog';
export { createMetricsHandler, LIVE_METRIC, type LiveReader, type MetricsAnswer, type MetricsHandler, type MetricsRequest, type MetricsResponse } from './metrics/handler';
export { parseMetricParams, MAX_RANGE_DAYS, type MetricParams } from './metrics/params';
export { createBigQuerySource, plainValue, type DataVersion, type MetricRow, type MetricsSource } from './metrics/source';
export { createRequestListener, startServer, defaultDashboardDir, type RunningServer } from './server';
export { createStoreKeyRing, KeyRingError, type StoreKeyRing } from './serving/key-ring';
export { createMartReader, type MartReader, type RunRecord } from './serving/marts';
export { createPublisher, type Publisher, type PublishResult } from './serving/publisher';
export { createStoreReader, type SettledReader } from './serving/reader';
export { createServingStore, type ServingStore } from './serving/store';
export { publishServingStore } from './publish';

export interface MetricsServiceOptions {
  config: Config;
  log: Logger;
  port: number;
  host?: string;
  /** How often the latest transform run is looked up (ms). */
  runCheckMs?: number;
  /** Overrides the keys from PIZZAFLOW_MERCHANT_API_KEYS (local mode's key ring). */
  keys?: KeyRing;
  /** Injected in tests; otherwise built from the config (the emulator when BIGQUERY_EMULATOR_HOST is set). */
  bigquery?: BigQuery;
  /** Answers kept per data version (default 10,000); 0 turns the cache off, the benchmark's baseline. */
  cacheEntries?: number;
  /**
   * With a serving store: how often transform runs not yet in it are published (ms; default
   * runCheckMs, else 5,000), the first time before the service starts; 0 leaves it to the caller.
   */
  publishEveryMs?: number;
}

/** Publishes one call at a time: a call made while one runs waits for it, then runs. */
function serialised(publisher: Publisher): (o?: { full?: boolean }) => Promise<PublishResult> {
  let last: Promise<unknown> = Promise.resolve();
  return (o) => {
    const next = last.then(() => publisher.publish(o));
    last = next.catch(() => undefined);
    return next;
  };
}

interface Wired {
  handler: MetricsHandler;
  /** With a serving store: publishes the transform runs not yet in it. */
  publish: ((o?: { full?: boolean }) => Promise<PublishResult>) | undefined;
  close(): Promise<void>;
}

/**
 * The metrics handler from configuration (both ways of serving use it). With a serving store the
 * settled metrics and the merchants' keys are read from the store (the environment's keys seeded
 * into it as digests), and BigQuery is only read by the publisher; without one, from BigQuery and
 * the environment's keys.
 */
function metricsHandlerFrom(options: Omit<MetricsServiceOptions, 'port' | 'host'>): Wired {
  const { config, log } = options;
  const bigquery = options.bigquery ?? bigqueryClient(config);
  const source = createBigQuerySource({ bigquery, project: config.project, location: config.location });
  const live = config.servingStore ? createLiveStore({ ...config.servingStore, log }) : undefined;
  const serving = config.servingStore ? createServingStore({ ...config.servingStore, log }) : undefined;
  const keys = options.keys ?? (serving ? createStoreKeyRing({ client: serving.client, log, seed: config.merchantApiKeys }) : createKeyRing(config.merchantApiKeys, 'PIZZAFLOW_MERCHANT_API_KEYS'));
  const handler = createMetricsHandler({
    source,
    keys,
    versions: createVersionTracker(source, { checkIntervalMs: options.runCheckMs ?? 5_000 }),
    project: config.project,
    log,
    cacheEntries: options.cacheEntries,
    ...(live ? { live } : {}),
    ...(serving ? { settled: createStoreReader(serving) } : {}),
  });
  const publisher = serving ? createPublisher({ marts: createMartReader({ bigquery, project: config.project, location: config.location }), store: serving, log }) : undefined;
  return {
    handler,
    publish: publisher ? serialised(publisher) : undefined,
    close: async () => {
      await live?.close();
      await serving?.close();
    },
  };
}

export interface MetricsService extends RunningServer {
  /** With a serving store: publishes the transform runs not yet in it (the local platform calls it after each run). */
  publish: ((o?: { full?: boolean }) => Promise<PublishResult>) | undefined;
}

export async function startMetricsService(options: MetricsServiceOptions): Promise<MetricsService> {
  const wired = metricsHandlerFrom(options);
  const publishEveryMs = options.publishEveryMs ?? options.runCheckMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  if (wired.publish && publishEveryMs > 0) {
    // As the scheduled publisher does in Google Cloud: pending runs are published at start and then
    // every interval; a failure is logged and tried again at the next tick.
    const publish = wired.publish;
    const tick = (): Promise<void> =>
      publish().then(
        () => undefined,
        (err: unknown) => options.log.warn({ err: (err as Error).message }, 'serving store publish failed'),
      );
    await tick();
    timer = setInterval(() => void tick(), publishEveryMs);
    timer.unref();
  }
  const server = await startServer({ handler: wired.handler, log: options.log, port: options.port, host: options.host });
  return {
    ...server,
    publish: wired.publish,
    close: async () => {
      clearInterval(timer);
      await server.close();
      await wired.close();
    },
  };
}

function wire(): RequestListener {
  const config = loadConfig();
  const log = createLogger(FUNCTIONS.metricsApi, { level: config.logLevel });
  if (Object.keys(config.merchantApiKeys).length === 0) log.warn({}, 'PIZZAFLOW_MERCHANT_API_KEYS is empty: every metrics request will get 401');
  return createRequestListener({ handler: metricsHandlerFrom({ config, log }).handler, log });
}

let wired: RequestListener | undefined;

/** Drops the wiring (the BigQuery client holds no connection open between requests). */
export async function shutdown(): Promise<void> {
  wired = undefined;
}

ff.http(FUNCTIONS.metricsApi, (req, res) => {
  wired ??= wire();
  wired(req, res);
});
