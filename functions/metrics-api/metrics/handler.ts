// The merchant metrics API as a pure request → response function: route, authenticate (401),
// enforce tenancy (403), check parameters (400), then answer from the cache or the metric marts.
// With a serving store, settled metrics are read from it (`serving/`) and no warehouse query is
// made; without one, ranges are answered from cached blocks (calendar months, or the data's extent)
// sliced to the range (`blocks.ts`), so overlapping ranges share warehouse queries.
import type { Logger } from '../../runtime/logger';
import { API_KEY_HEADER, type KeyLookup } from '../../runtime/api-keys';
import type { SettledReader } from '../serving/reader';
import { blocksFor, queryRuns, sliceRows, splitIntoBlocks, type Block } from './blocks';
import { ResultCache, type VersionTracker } from './cache';
import { METRICS, type Granularity, type MetricDefinition } from './catalog';
import { parseMetricParams } from './params';
import { ConcurrencyLimiter, DEFAULT_MAX_CONCURRENT_QUERIES, DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY, DEFAULT_MAX_CONCURRENT_STORE_READS, DEFAULT_RATE_LIMIT, type RateLimit, TokenBuckets } from './limits';
import type { DataVersion, MetricRow, MetricsSource } from './source';
import { hourStart, type LiveStoreCounters } from '../../runtime/live-counters';

/** The serving store's live counters, as the handler reads them (functions/runtime/live-store.ts). */
export interface LiveReader {
  read(merchantId: string, hourStartMs: number): Promise<LiveStoreCounters[]>;
}

/** The metric answered from the serving store: the current UTC hour's counters, per store. */
export const LIVE_METRIC = 'live';
const LIVE_SOURCE = 'serving store: live counters of the current UTC hour (best effort; the settled series are the truth)';

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
  /** The merchants' keys: in memory (env), or in the serving store (digests). */
  keys: KeyLookup;
  /** The serving store's settled metrics: when set, metrics are read from it and `source` is never queried. */
  settled?: SettledReader;
  versions: VersionTracker;
  project: string;
  log: Logger;
  /**
   * Cached blocks (a merchant's metric for one month, or its whole extent) kept per data version,
   * least recently used going first. Default 10,000; 0 keeps none and queries each range as it is.
   */
  cacheEntries?: number;
  now?: () => Date;
  /** Per API key: burst and steady requests per second (429 with Retry-After past them). Default 20 and 5/s. */
  rateLimit?: RateLimit;
  /** Warehouse queries in flight in this process (503 past it). Default 32. */
  maxConcurrentQueries?: number;
  /** Warehouse queries in flight per API key (429 past it). Default 8. */
  maxConcurrentQueriesPerKey?: number;
  /** Serving-store reads in flight in this process (503 past it; the per-key cap above applies too). Default 256. */
  maxConcurrentStoreReads?: number;
  /** The rate limiter's clock in ms (default Date.now; `now` above is the metrics' calendar). */
  clockMs?: () => number;
  /** The live counters (`/metrics/live`); without them that metric answers 503. */
  live?: LiveReader;
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
    metrics: [
      ...[...METRICS.values()].map((m: MetricDefinition) => ({ name: m.name, description: m.description, granularities: m.granularities, source: m.source })),
      { name: LIVE_METRIC, description: 'Orders, units and net sales of the current UTC hour per store, updated as orders arrive', granularities: [], source: LIVE_SOURCE },
    ],
  });
}

/** The answer's body, whichever store the rows came from. */
function metricsAnswer(merchantId: string, metric: MetricDefinition, granularity: Granularity, from: string, to: string, version: DataVersion, rows: MetricRow[]): MetricsAnswer {
  return {
    merchant_id: merchantId,
    metric: metric.name,
    granularity: metric.granularities.length > 0 ? granularity : null,
    from,
    to,
    source: metric.source,
    data_version: { run_id: version.runId, run_at: version.runAt },
    rows,
  };
}

/** A concurrency slot refused: 429 when this key has too many in flight, 503 when the process has. */
function refusedAnswer(refused: 'key' | 'total'): MetricsResponse {
  return refused === 'key'
    ? json(429, { error: 'rate_limited', reason: 'too many concurrent queries for this API key' }, { 'retry-after': '1' })
    : json(503, { error: 'unavailable', reason: 'the metrics store is busy; retry later' }, { 'retry-after': '1' });
}

export function createMetricsHandler(options: MetricsHandlerOptions): MetricsHandler {
  const cacheEntries = options.cacheEntries ?? 10_000;
  // Blocks' rows (or an exact range's rows), per merchant, metric, granularity and block.
  const cache = new ResultCache<MetricRow[]>(cacheEntries);
  // Blocks being fetched, so concurrent requests needing the same block wait for one query.
  const pending = new Map<string, Promise<MetricRow[]>>();
  const now = options.now ?? (() => new Date());
  const log = options.log;
  const buckets = new TokenBuckets(options.rateLimit ?? DEFAULT_RATE_LIMIT, options.clockMs ?? Date.now);
  const inFlight = new ConcurrencyLimiter(options.maxConcurrentQueries ?? DEFAULT_MAX_CONCURRENT_QUERIES, options.maxConcurrentQueriesPerKey ?? DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY);
  const storeReads = new ConcurrencyLimiter(options.maxConcurrentStoreReads ?? DEFAULT_MAX_CONCURRENT_STORE_READS, options.maxConcurrentQueriesPerKey ?? DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY);

  type Fetched = { rows: MetricRow[]; hit: boolean } | { refused: 'key' | 'total' };

  /** One query under one concurrency slot of the caller, or the slot's refusal. */
  async function withSlot<T>(caller: string, work: () => Promise<T>, limiter: ConcurrencyLimiter = inFlight): Promise<{ value: T } | { refused: 'key' | 'total' }> {
    const slot = limiter.acquire(caller);
    if ('refused' in slot) return slot;
    try {
      return { value: await work() };
    } finally {
      slot.release();
    }
  }

  /** The range itself, queried and cached as it is (metrics whose answer is no slice of a wider one). */
  async function exactRange(caller: string, merchantId: string, metric: MetricDefinition, from: string, to: string, granularity: Granularity, versionKey: string): Promise<Fetched> {
    const key = JSON.stringify([merchantId, metric.name, granularity, 'range', from, to]);
    const hit = cache.get(versionKey, key);
    if (hit) return { rows: hit, hit: true };
    const done = await withSlot(caller, () => options.source.query(metric.build({ merchantId, from, to, granularity, project: options.project })));
    if ('refused' in done) return done;
    cache.set(versionKey, key, done.value);
    log.debug({ merchantId, metric: metric.name, from, to, granularity, rows: done.value.length }, 'metrics query');
    return { rows: done.value, hit: false };
  }

  /**
   * The rows of every block, in block order: cached blocks cost nothing, blocks another request is
   * fetching are awaited, and the rest are queried under one slot, one query per run of
   * consecutive months. A block is never shared across merchants: the merchant is in its key.
   */
  async function fromBlocks(caller: string, merchantId: string, metric: MetricDefinition, granularity: Granularity, blocks: Block[], versionKey: string): Promise<Fetched> {
    const slicing = metric.slicing(granularity);
    const keyOf = (b: Block): string => JSON.stringify([merchantId, metric.name, granularity, b.id]);
    const got = new Map<string, MetricRow[]>();
    const awaited: [Block, Promise<MetricRow[]>][] = [];
    const missing: Block[] = [];
    for (const b of blocks) {
      const hit = cache.get(versionKey, keyOf(b));
      const fetching = pending.get(`${versionKey}\n${keyOf(b)}`);
      if (hit) got.set(b.id, hit);
      else if (fetching) awaited.push([b, fetching]);
      else missing.push(b);
    }
    if (missing.length > 0) {
      const settle = new Map<string, { resolve: (rows: MetricRow[]) => void; reject: (err: unknown) => void }>();
      const done = await withSlot(caller, async () => {
        for (const b of missing) {
          const promise = new Promise<MetricRow[]>((resolve, reject) => settle.set(b.id, { resolve, reject }));
          promise.catch(() => {}); // a waiter, if any, sees the failure; none is not an error
          pending.set(`${versionKey}\n${keyOf(b)}`, promise);
        }
        try {
          for (const run of queryRuns(missing)) {
            const rows = await options.source.query(metric.build({ merchantId, from: run.from, to: run.to, granularity, project: options.project }));
            log.debug({ merchantId, metric: metric.name, from: run.from, to: run.to, granularity, blocks: run.blocks.length, rows: rows.length }, 'metrics block query');
            const split = splitIntoBlocks(rows, slicing, run.blocks);
            for (const b of run.blocks) {
              const blockRows = split.get(b.id) ?? [];
              cache.set(versionKey, keyOf(b), blockRows);
              got.set(b.id, blockRows);
              settle.get(b.id)?.resolve(blockRows);
            }
          }
        } catch (err) {
          for (const s of settle.values()) s.reject(err);
          throw err;
        } finally {
          for (const b of missing) pending.delete(`${versionKey}\n${keyOf(b)}`);
        }
      });
      if ('refused' in done) return done;
    }
    for (const [b, fetching] of awaited) got.set(b.id, await fetching);
    return { rows: blocks.flatMap((b) => got.get(b.id) ?? []), hit: missing.length === 0 && awaited.length === 0 };
  }

  /** The current hour's counters of the caller's stores (tenancy was checked: merchantId is the caller). */
  async function liveAnswer(merchantId: string, query: URLSearchParams): Promise<MetricsResponse> {
    const unknown = [...query.keys()];
    if (unknown.length > 0) return problem(400, 'bad_request', `unknown parameter "${unknown[0]!.slice(0, 40)}"; ${LIVE_METRIC} takes none`);
    if (!options.live) return problem(503, 'unavailable', 'live counters are not configured for this service');
    const at = now();
    const hour = hourStart(at.getTime());
    try {
      const rows = await options.live.read(merchantId, hour);
      return json(200, { merchant_id: merchantId, metric: LIVE_METRIC, hour_at: new Date(hour).toISOString(), as_of: at.toISOString(), source: LIVE_SOURCE, rows });
    } catch (err) {
      log.error({ merchantId, metric: LIVE_METRIC, err: (err as Error).message }, 'live counters read failed');
      return problem(503, 'unavailable', 'the live counters did not answer; retry later');
    }
  }

  /**
   * The answer out of the serving store (under the caller's concurrency slot, like a warehouse
   * query), or undefined while the store has never been published to.
   */
  async function settledAnswer(caller: string, settled: SettledReader, metric: MetricDefinition, from: string, to: string, granularity: Granularity): Promise<MetricsResponse | undefined> {
    try {
      const done = await withSlot(caller, () => settled.read({ merchantId: caller, metric, granularity, from, to, now: now() }), storeReads);
      if ('refused' in done) {
        return refusedAnswer(done.refused);
      }
      if (!done.value) return undefined;
      return json(200, metricsAnswer(caller, metric, granularity, from, to, done.value.version, done.value.rows), { 'x-cache': 'store' });
    } catch (err) {
      log.error({ merchantId: caller, metric: metric.name, err: (err as Error).message }, 'serving store read failed');
      return problem(503, 'unavailable', 'the metrics store did not answer; retry later');
    }
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'method_not_allowed', 'only GET is supported');
    if (request.path === '/v1/metrics') return listMetrics();
    const route = ROUTE.exec(request.path);
    if (!route) return problem(404, 'not_found', 'expected /v1/merchants/{merchant_id}/metrics/{metric}');

    let caller: string | undefined;
    try {
      caller = await options.keys.ownerOf(header(request.headers, API_KEY_HEADER));
    } catch (err) {
      log.error({ err: (err as Error).message }, 'key lookup failed');
      return problem(503, 'unavailable', 'keys could not be checked; retry later');
    }
    if (caller === undefined) return json(401, { error: 'unauthenticated', reason: `a valid ${API_KEY_HEADER} header is required` }, { 'www-authenticate': 'ApiKey' });
    const admitted = buckets.take(caller);
    if (!admitted.ok) {
      return json(429, { error: 'rate_limited', reason: 'too many requests for this API key; retry after the delay in Retry-After' }, { 'retry-after': String(admitted.retryAfterSeconds) });
    }
    const merchantId = decode(route[1]!);
    // Same answer for another merchant's id and for a malformed one: nothing is learnt by probing.
    if (merchantId !== caller) return problem(403, 'forbidden', 'this API key does not give access to that merchant');

    if (decode(route[2]!) === LIVE_METRIC) return liveAnswer(merchantId, request.query);
    const metric = METRICS.get(decode(route[2]!) ?? '');
    if (!metric) return problem(400, 'bad_request', `unknown metric; expected one of ${[...METRICS.keys()].join(', ')}`);
    const parsed = parseMetricParams(metric, request.query, now());
    if (!parsed.ok) return problem(400, 'bad_request', parsed.reason);
    const { from, to, granularity } = parsed.params;

    if (options.settled) {
      const settled = await settledAnswer(caller, options.settled, metric, from, to, granularity);
      if (settled) return settled;
    }

    const slicing = metric.slicing(granularity);
    // Without a cache (cacheEntries 0) wider blocks would only cost more: the range is queried as it is.
    const blocks = cacheEntries === 0 ? [] : blocksFor(slicing, from, to);
    try {
      const version: DataVersion = await options.versions.current();
      const versionKey = `${version.runId ?? 'none'}@${version.runAt ?? ''}`;
      const fetched = blocks.length > 0 ? await fromBlocks(caller, merchantId, metric, granularity, blocks, versionKey) : await exactRange(caller, merchantId, metric, from, to, granularity, versionKey);
      if ('refused' in fetched) {
        return refusedAnswer(fetched.refused);
      }
      const rows = blocks.length > 0 ? sliceRows(fetched.rows, slicing, from, to) : fetched.rows;
      return json(200, metricsAnswer(merchantId, metric, granularity, from, to, version, rows), { 'x-cache': fetched.hit ? 'hit' : 'miss' });
    } catch (err) {
      // Never pass the warehouse's error text to an outside caller; it goes to the log.
      log.error({ merchantId, metric: metric.name, err: (err as Error).message }, 'metrics query failed');
      return problem(503, 'unavailable', 'the metrics store did not answer; retry later');
    }
  };
}
