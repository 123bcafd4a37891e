// The merchant metrics API as a pure request → response function: route, authenticate (401),
// enforce tenancy (403), check parameters (400), then answer from the cache or the metric marts.
import type { Logger } from '../../runtime/logger';
import { API_KEY_HEADER, type KeyRing } from '../../runtime/api-keys';
import { ResultCache, type VersionTracker } from './cache';
import { METRICS, type MetricDefinition } from './catalog';
import { parseMetricParams } from './params';
import { ConcurrencyLimiter, DEFAULT_MAX_CONCURRENT_QUERIES, DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY, DEFAULT_RATE_LIMIT, type RateLimit, TokenBuckets } from './limits';
import type { DataVersion, MetricRow, MetricsSource } from './source';

export interface MetricsRequest {
  method: string;
  /** Path without the query string, e.g. /v1/merchants/m0001/metrics/sales. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface MetricsResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface MetricsAnswer {
  merchant_id: string;
  metric: string;
  granularity: string | null;
  from: string;
  to: string;
  source: string;
  data_version: { run_id: string | null; run_at: string | null };
  rows: MetricRow[];
}

export interface MetricsHandlerOptions {
  source: MetricsSource;
  keys: KeyRing;
  versions: VersionTracker;
  project: string;
  log: Logger;
  /** Answers kept per data version (least recently used go first). Default 10,000; 0 keeps none. */
  cacheEntries?: number;
  now?: () => Date;
  /** Per API key: burst and steady requests per second (429 with Retry-After past them). Default 20 and 5/s. */
  rateLimit?: RateLimit;
  /** Warehouse queries in flight in this process (503 past it). Default 32. */
  maxConcurrentQueries?: number;
  /** Warehouse queries in flight per API key (429 past it). Default 8. */
  maxConcurrentQueriesPerKey?: number;
  /** The rate limiter's clock in ms (default Date.now; `now` above is the metrics' calendar). */
  clockMs?: () => number;
}

export type MetricsHandler = (request: MetricsRequest) => Promise<MetricsResponse>;

const ROUTE = /^\/v1\/merchants\/([^/]+)\/metrics\/([^/]+)\/?$/;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): MetricsResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store', ...headers },
  body,
});
const problem = (status: number, error: string, reason: string): MetricsResponse => json(status, { error, reason });

function header(headers: MetricsRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** GET /v1/metrics: the catalog, so a client (the dashboard) can discover what exists. */
function listMetrics(): MetricsResponse {
  return json(200, {
    metrics: [...METRICS.values()].map((m: MetricDefinition) => ({ name: m.name, description: m.description, granularities: m.granularities, source: m.source })),
  });
}

export function createMetricsHandler(options: MetricsHandlerOptions): MetricsHandler {
  const cache = new ResultCache<MetricsAnswer>(options.cacheEntries ?? 10_000);
  const now = options.now ?? (() => new Date());
  const log = options.log;
  const buckets = new TokenBuckets(options.rateLimit ?? DEFAULT_RATE_LIMIT, options.clockMs ?? Date.now);
  const inFlight = new ConcurrencyLimiter(options.maxConcurrentQueries ?? DEFAULT_MAX_CONCURRENT_QUERIES, options.maxConcurrentQueriesPerKey ?? DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY);

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'method_not_allowed', 'only GET is supported');
    if (request.path === '/v1/metrics') return listMetrics();
    const route = ROUTE.exec(request.path);
    if (!route) return problem(404, 'not_found', 'expected /v1/merchants/{merchant_id}/metrics/{metric}');

    const caller = options.keys.ownerOf(header(request.headers, API_KEY_HEADER));
    if (caller === undefined) return json(401, { error: 'unauthenticated', reason: `a valid ${API_KEY_HEADER} header is required` }, { 'www-authenticate': 'ApiKey' });
    const admitted = buckets.take(caller);
    if (!admitted.ok) {
      return json(429, { error: 'rate_limited', reason: 'too many requests for this API key; retry after the delay in Retry-After' }, { 'retry-after': String(admitted.retryAfterSeconds) });
    }
    const merchantId = decode(route[1]!);
    // Same answer for another merchant's id and for a malformed one: nothing is learnt by probing.
    if (merchantId !== caller) return problem(403, 'forbidden', 'this API key does not give access to that merchant');

    const metric = METRICS.get(decode(route[2]!) ?? '');
    if (!metric) return problem(400, 'bad_request', `unknown metric; expected one of ${[...METRICS.keys()].join(', ')}`);
    const parsed = parseMetricParams(metric, request.query, now());
    if (!parsed.ok) return problem(400, 'bad_request', parsed.reason);
    const { from, to, granularity } = parsed.params;

    const key = JSON.stringify([merchantId, metric.name, from, to, granularity]);
    try {
      const version: DataVersion = await options.versions.current();
      const versionKey = `${version.runId ?? 'none'}@${version.runAt ?? ''}`;
      const hit = cache.get(versionKey, key);
      if (hit) return json(200, hit, { 'x-cache': 'hit' });
      const slot = inFlight.acquire(caller);
      if ('refused' in slot) {
        return slot.refused === 'key'
          ? json(429, { error: 'rate_limited', reason: 'too many concurrent queries for this API key' }, { 'retry-after': '1' })
          : json(503, { error: 'unavailable', reason: 'the metrics store is busy; retry later' }, { 'retry-after': '1' });
      }
      let rows: MetricRow[];
      try {
        rows = await options.source.query(metric.build({ merchantId, from, to, granularity, project: options.project }));
      } finally {
        slot.release();
      }
      const answer: MetricsAnswer = {
        merchant_id: merchantId,
        metric: metric.name,
        granularity: metric.granularities.length > 0 ? granularity : null,
        from,
        to,
        source: metric.source,
        data_version: { run_id: version.runId, run_at: version.runAt },
        rows,
      };
      cache.set(versionKey, key, answer);
      log.debug({ merchantId, metric: metric.name, from, to, granularity, rows: rows.length }, 'metrics query');
      return json(200, answer, { 'x-cache': 'miss' });
    } catch (err) {
      // Never pass the warehouse's error text to an outside caller; it goes to the log.
      log.error({ merchantId, metric: metric.name, err: (err as Error).message }, 'metrics query failed');
      return problem(503, 'unavailable', 'the metrics store did not answer; retry later');
    }
  };
}
