// The merchant metrics API and dashboard: wiring from configuration to a running server. Two ways
// to serve the same listener (routes, 401/403, dashboard, /healthz): the functions framework's
// target `metrics-api` (Cloud Run; registered below, wired on the first request like the other
// functions) and `startMetricsService`, a plain node:http server (the local platform, `pizzaflow
// serve`, tests).
import type { RequestListener } from 'node:http';
import type { BigQuery } from '@google-cloud/bigquery';
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { loadConfig, type Config } from '../runtime/config';
import { createLogger, type Logger } from '../runtime/logger';
import { createKeyRing, type KeyRing } from '../runtime/api-keys';
import { bigqueryClient } from '../runtime/clients';
import { createLiveStore, type LiveCounterStore } from '../runtime/live-store';
import { createVersionTracker } from './metrics/cache';
import { createMetricsHandler, type MetricsHandler } from './metrics/handler';
import { createBigQuerySource } from './metrics/source';
import { createRequestListener, startServer, type RunningServer } from './server';

export { createKeyRing, type KeyRing } from '../runtime/api-keys';
export { createVersionTracker, ResultCache, type VersionTracker } from './metrics/cache';
export { METRICS, type Granularity, type MetricDefinition, type MetricQuery } from './metrics/catalog';
export { createMetricsHandler, LIVE_METRIC, type LiveReader, type MetricsAnswer, type MetricsHandler, type MetricsRequest, type MetricsResponse } from './metrics/handler';
export { parseMetricParams, MAX_RANGE_DAYS, type MetricParams } from './metrics/params';
export { createBigQuerySource, plainValue, type DataVersion, type MetricRow, type MetricsSource } from './metrics/source';
export { createRequestListener, startServer, defaultDashboardDir, type RunningServer } from './server';

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
}

/** The metrics handler over BigQuery and the serving store, from configuration (both ways of serving use it). */
function metricsHandlerFrom(options: Omit<MetricsServiceOptions, 'port' | 'host'>): { handler: MetricsHandler; live: LiveCounterStore | undefined } {
  const { config } = options;
  const bigquery = options.bigquery ?? bigqueryClient(config);
  const source = createBigQuerySource({ bigquery, project: config.project, location: config.location });
  const live = config.servingStore ? createLiveStore({ ...config.servingStore, log: options.log }) : undefined;
  const handler = createMetricsHandler({
    source,
    keys: options.keys ?? createKeyRing(config.merchantApiKeys, 'PIZZAFLOW_MERCHANT_API_KEYS'),
    versions: createVersionTracker(source, { checkIntervalMs: options.runCheckMs ?? 5_000 }),
    project: config.project,
    log: options.log,
    cacheEntries: options.cacheEntries,
    ...(live ? { live } : {}),
  });
  return { handler, live };
}

export async function startMetricsService(options: MetricsServiceOptions): Promise<RunningServer> {
  const { handler, live } = metricsHandlerFrom(options);
  const server = await startServer({ handler, log: options.log, port: options.port, host: options.host });
  return {
    ...server,
    close: async () => {
      await server.close();
      await live?.close();
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
