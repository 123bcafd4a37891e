// The merchant metrics API and dashboard: wiring from configuration to a running server.
import { BigQuery } from '@google-cloud/bigquery';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { createKeyRing, type KeyRing } from '../runtime/api-keys';
import { createVersionTracker } from './metrics/cache';
import { createMetricsHandler } from './metrics/handler';
import { createBigQuerySource } from './metrics/source';
import { startServer, type RunningServer } from './server';

export { createKeyRing, type KeyRing } from '../runtime/api-keys';
export { createVersionTracker, ResultCache, type VersionTracker } from './metrics/cache';
export { METRICS, type Granularity, type MetricDefinition, type MetricQuery } from './metrics/catalog';
export { createMetricsHandler, type MetricsAnswer, type MetricsHandler, type MetricsRequest, type MetricsResponse } from './metrics/handler';
export { parseMetricParams, MAX_RANGE_DAYS, type MetricParams } from './metrics/params';
export { createBigQuerySource, plainValue, type DataVersion, type MetricRow, type MetricsSource } from './metrics/source';
export { startServer, defaultDashboardDir, type RunningServer } from './server';

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

export async function startMetricsService(options: MetricsServiceOptions): Promise<RunningServer> {
  const { config } = options;
  const bigquery =
    options.bigquery ?? new BigQuery({ projectId: config.project, ...(config.emulators.bigquery ? { apiEndpoint: config.emulators.bigquery } : {}) });
  const source = createBigQuerySource({ bigquery, project: config.project, location: config.location });
  const handler = createMetricsHandler({
    source,
    keys: options.keys ?? createKeyRing(config.merchantApiKeys, 'PIZZAFLOW_MERCHANT_API_KEYS'),
    versions: createVersionTracker(source, { checkIntervalMs: options.runCheckMs ?? 5_000 }),
    project: config.project,
    log: options.log,
    cacheEntries: options.cacheEntries,
  });
  return startServer({ handler, log: options.log, port: options.port, host: options.host });
}
