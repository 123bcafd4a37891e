// The metrics API's cache key normalisation, without a socket: ranges are answered from cached
// calendar-month blocks (or the data's whole extent) sliced to the range, so overlapping ranges
// share warehouse queries, blocks are per merchant, and the answers are byte-for-byte those of
// querying each range as it is (cacheEntries 0, the unnormalised path) over a fixture warehouse.
import { Writable } from 'node:stream';
import { createLogger } from '../../../functions/runtime/logger';
import { createKeyRing, createMetricsHandler, createVersionTracker, METRICS, type DataVersion, type MetricQuery, type MetricRow, type MetricsHandler, type MetricsRequest, type MetricsSource } from '../../../functions/metrics-api';
import { blocksFor, EXTENT, monthBlocks, queryRuns, sliceRows, splitIntoBlocks } from '../../../functions/metrics-api/metrics/blocks';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });
const NOW = new Date('2026-03-10T12:00:00Z');
const DAY_MS = 86_400_000;
const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** A tiny deterministic generator, so the fixture and the sampled ranges are the same every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Promotion {
  merchant_id: string;
  promotion_id: string;
  promotion_type: string;
  starts_on: string | null;
  ends_on: string | null;
  lift: number;
}

/**
 * The metric marts of two merchants from 2025-11-20 to 2026-03-10, answering the catalog's SQL the
 * way BigQuery would: the merchant's rows, the date filter, the query's order.
 */
class FixtureWarehouse implements MetricsSource {
  queries: MetricQuery[] = [];
  version: DataVersion = { runId: 'run-1', runAt: '2026-03-10T10:00:00.000Z' };
  failNext = false;
  gate: Promise<void> | undefined;
  private readonly daily: (MetricRow & { merchant_id: string; business_date: string })[] = [];
  private readonly hourly: (MetricRow & { merchant_id: string; hour_at: string; sales_date: string })[] = [];
  private readonly promotions: Promotion[] = [];

  constructor() {
    const rnd = lcg(42);
    const stores: Record<string, string[]> = { m0001: ['s0001', 's0002'], m0002: ['s0003'] };
    for (const [merchant, ids] of Object.entries(stores)) {
      for (const d of daysBetween('2025-11-20', '2026-03-10')) {
        for (const store of ids) {
          if (rnd() < 0.1) continue; // closed days: blocks and slices must cope with gaps
          const orders = 1 + Math.floor(rnd() * 40);
          const deliveries = Math.floor(rnd() * 4);
          this.daily.push({ merchant_id: merchant, business_date: d, store_id: store, orders, net_sales_cents: orders * 1234, gross_margin_cents: orders * 800, average_ticket_cents: 1234, deliveries, late_deliveries: Math.min(deliveries, Math.floor(rnd() * 2)), sku: `sku-${store}`, material_id: `mat-${store}`, closing: Math.round(rnd() * 1000) / 10 });
          for (const hour of [0, 11, 23]) {
            for (const channel of ['pos', 'web']) {
              if (rnd() < 0.3) continue;
              this.hourly.push({ merchant_id: merchant, sales_date: d, hour_at: `${d}T${String(hour).padStart(2, '0')}:00:00.000Z`, store_id: store, channel, orders: 1 + Math.floor(rnd() * 9) });
            }
          }
        }
      }
    }
    const promos: [string, string, string | null, string | null][] = [
      ['m0001', 'p1', '2025-11-25', '2025-12-05'],
      ['m0001', 'p2', '2025-12-30', '2026-01-02'],
      ['m0001', 'p3', '2026-01-15', '2026-03-31'],
      ['m0001', 'p4', '2026-02-01', null],
      ['m0001', 'p5', '2026-02-01', '2026-02-01'],
      ['m0002', 'p6', '2026-01-01', '2026-01-31'],
    ];
    for (const [merchant, id, starts, ends] of promos) this.promotions.push({ merchant_id: merchant, promotion_id: id, promotion_type: 'discount', starts_on: starts, ends_on: ends, lift: 1.25 });
  }

  async query(q: MetricQuery): Promise<MetricRow[]> {
    this.queries.push(q);
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('warehouse down');
    }
    const { merchant_id: merchant, from_date: from, to_date: to } = q.params as Record<string, string>;
    const pick = <T extends MetricRow>(row: T, keys: string[]): MetricRow => Object.fromEntries(keys.map((k) => [k, row[k] ?? null]));
    const byDate = <T extends MetricRow>(rows: T[], date: (r: T) => string, keys: string[], order: string[]): MetricRow[] =>
      rows
        .filter((r) => r.merchant_id === merchant && date(r) >= from! && date(r) <= to!)
        .sort((a, b) => {
          for (const k of order) if (a[k] !== b[k]) return String(a[k]) < String(b[k]) ? -1 : 1;
          return 0;
        })
        .map((r) => pick(r, keys));
    if (q.sql.includes('mart_promotion_lift')) {
      return this.promotions
        .filter((p) => p.merchant_id === merchant && p.starts_on !== null && p.ends_on !== null && p.starts_on <= to! && p.ends_on >= from!)
        .sort((a, b) => (a.starts_on! + a.promotion_id < b.starts_on! + b.promotion_id ? -1 : 1))
        .map(({ merchant_id: _m, ...rest }) => rest);
    }
    if (q.sql.includes('max(hour_at)')) {
      const latest = new Map<string, string>();
      for (const r of this.hourly) if (r.merchant_id === merchant && r.sales_date >= from! && r.sales_date <= to! && r.hour_at > (latest.get(r.store_id as string) ?? '')) latest.set(r.store_id as string, r.hour_at);
      return [...latest].sort().map(([store, hour]) => ({ store_id: store, latest_hour_at: hour, minutes_behind: 60 }));
    }
    if (q.sql.includes('mart_store_sales_hourly')) return byDate(this.hourly, (r) => r.sales_date, ['hour_at', 'store_id', 'channel', 'orders'], ['hour_at', 'store_id', 'channel']);
    if (q.sql.includes('late_deliveries')) return byDate(this.daily.filter((r) => (r.deliveries as number) > 0), (r) => r.business_date, ['business_date', 'store_id', 'deliveries', 'late_deliveries'], ['business_date', 'store_id']);
    if (q.sql.includes('mart_merchant_timeseries')) return byDate(this.daily, (r) => r.business_date, ['business_date', 'store_id', 'orders', 'net_sales_cents', 'gross_margin_cents', 'average_ticket_cents'], ['business_date', 'store_id']);
    if (q.sql.includes('mart_product_mix_daily')) return byDate(this.daily, (r) => r.business_date, ['business_date', 'store_id', 'sku', 'orders'], ['business_date', 'store_id', 'sku']);
    if (q.sql.includes('mart_inventory_health')) return byDate(this.daily, (r) => r.business_date, ['business_date', 'store_id', 'material_id', 'closing'], ['business_date', 'store_id', 'material_id']);
    throw new Error(`fixture has no mart for: ${q.sql.slice(0, 80)}`);
  }

  async dataVersion(): Promise<DataVersion> {
    return this.version;
  }
}

function handlerOver(source: MetricsSource, cacheEntries?: number): MetricsHandler {
  return createMetricsHandler({
    source,
    keys: createKeyRing({ m0001: 'key-one', m0002: 'key-two' }),
    versions: createVersionTracker(source, { checkIntervalMs: 0 }),
    project: 'p',
    log: silent,
    now: () => NOW,
    clockMs: () => 0,
    rateLimit: { burst: 1e9, perSecond: 1e9 },
    cacheEntries,
  });
}

function get(path: string, key = 'key-one'): MetricsRequest {
  const url = new URL(path, 'http://x');
  return { method: 'GET', path: url.pathname, query: url.searchParams, headers: { 'x-api-key': key } };
}

const sales = (from: string, to: string, merchant = 'm0001', granularity = 'day'): string => `/v1/merchants/${merchant}/metrics/sales?from=${from}&to=${to}&granularity=${granularity}`;
const rowsOf = (body: unknown): MetricRow[] => (body as { rows: MetricRow[] }).rows;

describe('blocks (pure)', () => {
  test('monthBlocks: the calendar months covering a range, across a year end and a leap February', () => {
    expect(monthBlocks('2025-12-31', '2026-01-01')).toEqual([
      { id: '2025-12', from: '2025-12-01', to: '2025-12-31' },
      { id: '2026-01', from: '2026-01-01', to: '2026-01-31' },
    ]);
    expect(monthBlocks('2028-02-10', '2028-02-10')).toEqual([{ id: '2028-02', from: '2028-02-01', to: '2028-02-29' }]);
    expect(monthBlocks('2026-01-15', '2027-01-14').map((b) => b.id)).toHaveLength(13);
  });

  test('blocksFor: months for date-keyed metrics, the whole extent for intervals, none for exact ones', () => {
    expect(blocksFor({ kind: 'month', dateColumn: 'business_date' }, '2026-02-03', '2026-02-04').map((b) => b.id)).toEqual(['2026-02']);
    expect(blocksFor({ kind: 'overlap', startColumn: 'starts_on', endColumn: 'ends_on' }, '2026-02-03', '2026-02-04')).toEqual([EXTENT]);
    expect(blocksFor({ kind: 'exact' }, '2026-02-03', '2026-02-04')).toEqual([]);
  });

  test('queryRuns: consecutive months make one run, a gap starts another', () => {
    const [dec, jan, feb, mar] = monthBlocks('2025-12-01', '2026-03-01');
    expect(queryRuns([dec!, jan!, mar!]).map((r) => [r.from, r.to, r.blocks.length])).toEqual([
      ['2025-12-01', '2026-01-31', 2],
      ['2026-03-01', '2026-03-31', 1],
    ]);
    expect(queryRuns([feb!]).map((r) => [r.from, r.to])).toEqual([['2026-02-01', '2026-02-28']]);
  });

  test('splitIntoBlocks and sliceRows: by the date (or the UTC timestamp\'s date), or by interval overlap with NULL ends excluded', () => {
    const slicing = { kind: 'month', dateColumn: 'hour_at' } as const;
    const rows: MetricRow[] = [{ hour_at: '2026-01-31T23:00:00.000Z' }, { hour_at: '2026-02-01T00:00:00.000Z' }, { hour_at: null }];
    const split = splitIntoBlocks(rows, slicing, monthBlocks('2026-01-01', '2026-02-01'));
    expect([...split].map(([id, r]) => [id, r.length])).toEqual([['2026-01', 1], ['2026-02', 1]]);
    expect(sliceRows(rows, slicing, '2026-02-01', '2026-02-01')).toEqual([{ hour_at: '2026-02-01T00:00:00.000Z' }]);
    const overlap = { kind: 'overlap', startColumn: 's', endColumn: 'e' } as const;
    const intervals: MetricRow[] = [{ s: '2026-01-01', e: '2026-01-10' }, { s: '2026-01-05', e: null }, { s: '2026-01-11', e: '2026-01-12' }];
    expect(sliceRows(intervals, overlap, '2026-01-10', '2026-01-10')).toEqual([{ s: '2026-01-01', e: '2026-01-10' }]);
  });
});

describe('cache key normalisation', () => {
  test('two different ranges within one month cost one warehouse query, over the whole month', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    const first = await handle(get(sales('2026-02-03', '2026-02-09')));
    const second = await handle(get(sales('2026-02-10', '2026-02-20')));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(source.queries.map((q) => q.params)).toEqual([{ merchant_id: 'm0001', from_date: '2026-02-01', to_date: '2026-02-28' }]);
    expect(rowsOf(second.body).every((r) => (r.business_date as string) >= '2026-02-10' && (r.business_date as string) <= '2026-02-20')).toBe(true);
    expect(rowsOf(second.body).length).toBeGreaterThan(0);
  });

  test('a range spanning two months fetches both month blocks, then any sub-range costs no query', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    expect((await handle(get(sales('2026-01-20', '2026-02-10')))).headers['x-cache']).toBe('miss');
    expect(source.queries.map((q) => [q.params.from_date, q.params.to_date])).toEqual([['2026-01-01', '2026-02-28']]);
    for (const [from, to] of [['2026-01-01', '2026-01-31'], ['2026-02-05', '2026-02-05'], ['2026-01-31', '2026-02-01'], ['2026-01-01', '2026-02-28']]) {
      const out = await handle(get(sales(from!, to!)));
      expect(out.status).toBe(200);
      expect(out.headers['x-cache']).toBe('hit');
    }
    expect(source.queries).toHaveLength(1);
  });

  test('only the missing months are queried: one query per run of consecutive missing months', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    await handle(get(sales('2026-01-10', '2026-01-12')));
    await handle(get(sales('2025-12-20', '2026-02-02')));
    expect(source.queries.map((q) => [q.params.from_date, q.params.to_date])).toEqual([
      ['2026-01-01', '2026-01-31'],
      ['2025-12-01', '2025-12-31'],
      ['2026-02-01', '2026-02-28'],
    ]);
  });

  test('300 distinct ranges on one key within one quarter fetch its three month blocks once, not 300 queries', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    const rnd = lcg(7);
    const seen = new Set<string>();
    while (seen.size < 300) {
      const from = addDays('2026-01-01', Math.floor(rnd() * 89));
      const to = addDays(from, Math.floor(rnd() * Math.min(20, daysBetween(from, '2026-03-31').length)));
      if (seen.has(from + to)) continue;
      seen.add(from + to);
      expect((await handle(get(sales(from, to)))).status).toBe(200);
    }
    // One block per month of the quarter, each fetched once (consecutive missing months share a query).
    const fetched = source.queries.flatMap((q) => monthBlocks(q.params.from_date!, q.params.to_date!).map((b) => b.id));
    expect(fetched.sort()).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(source.queries.length).toBeLessThanOrEqual(3);
  });

  test('answers equal the unnormalised path byte for byte, for every metric, granularity and sampled range', async () => {
    const blocked = new FixtureWarehouse();
    const exact = new FixtureWarehouse();
    const viaBlocks = handlerOver(blocked);
    const perRange = handlerOver(exact, 0);
    const rnd = lcg(11);
    const ranges: [string, string][] = [['2025-11-20', '2026-03-10'], ['2025-12-31', '2026-01-01'], ['2026-02-28', '2026-03-01'], ['2026-01-01', '2026-01-31'], ['2025-11-01', '2025-11-19']];
    for (let i = 0; i < 25; i++) {
      const from = addDays('2025-11-15', Math.floor(rnd() * 110));
      ranges.push([from, addDays(from, Math.floor(rnd() * 30))]);
    }
    let compared = 0;
    let nonEmpty = 0;
    for (const [name, metric] of METRICS) {
      for (const granularity of metric.granularities.length > 0 ? metric.granularities : ['day' as const]) {
        for (const [from, to] of ranges) {
          if (granularity === 'hour' && daysBetween(from, to).length > 31) continue; // a 400 on both paths
          for (const merchant of ['m0001', 'm0002']) {
            const path = `/v1/merchants/${merchant}/metrics/${name}?from=${from}&to=${to}&granularity=${granularity}`;
            const key = merchant === 'm0001' ? 'key-one' : 'key-two';
            const a = await viaBlocks(get(path, key));
            const b = await perRange(get(path, key));
            expect(a.status).toBe(200);
            expect(JSON.stringify(a.body)).toBe(JSON.stringify(b.body));
            compared++;
            if (rowsOf(a.body).length > 0) nonEmpty++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(6 * 30 * 2);
    expect(nonEmpty).toBeGreaterThan(compared / 2);
    // One query per request unnormalised; a handful of blocks per metric and merchant with them.
    expect(exact.queries).toHaveLength(compared);
    expect(blocked.queries.length).toBeLessThan(100);
  });

  test("a block is never shared across merchants: another merchant's same range is its own query over its own rows", async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    const one = await handle(get(sales('2026-01-05', '2026-01-06')));
    const two = await handle(get(sales('2026-01-05', '2026-01-06', 'm0002'), 'key-two'));
    expect(two.headers['x-cache']).toBe('miss');
    expect(source.queries.map((q) => q.params.merchant_id)).toEqual(['m0001', 'm0002']);
    expect(new Set(rowsOf(one.body).map((r) => r.store_id))).toEqual(new Set(['s0001', 's0002']));
    expect(new Set(rowsOf(two.body).map((r) => r.store_id))).toEqual(new Set(['s0003']));
  });

  test('concurrent requests needing the same block wait for one query', async () => {
    const source = new FixtureWarehouse();
    let open: () => void = () => {};
    source.gate = new Promise<void>((resolve) => (open = resolve));
    const handle = handlerOver(source);
    const answers = Promise.all([handle(get(sales('2026-02-01', '2026-02-02'))), handle(get(sales('2026-02-03', '2026-02-04'))), handle(get(sales('2026-02-05', '2026-02-28')))]);
    await new Promise((r) => setImmediate(r));
    open();
    expect((await answers).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(source.queries).toHaveLength(1);
  });

  test('a new data version queries the blocks again', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    await handle(get(sales('2026-02-01', '2026-02-02')));
    source.version = { runId: 'run-2', runAt: '2026-03-10T11:00:00.000Z' };
    const out = await handle(get(sales('2026-02-03', '2026-02-04')));
    expect(out.headers['x-cache']).toBe('miss');
    expect(out.body).toMatchObject({ data_version: { run_id: 'run-2' } });
    expect(source.queries).toHaveLength(2);
  });

  test('a failed block query is a 503 for the requests waiting on it, and nothing is cached', async () => {
    const source = new FixtureWarehouse();
    let open: () => void = () => {};
    source.gate = new Promise<void>((resolve) => (open = resolve));
    source.failNext = true;
    const handle = handlerOver(source);
    const both = Promise.all([handle(get(sales('2026-02-01', '2026-02-02'))), handle(get(sales('2026-02-03', '2026-02-04')))]);
    await new Promise((r) => setImmediate(r));
    open();
    expect((await both).map((a) => a.status)).toEqual([503, 503]);
    source.gate = undefined;
    const again = await handle(get(sales('2026-02-01', '2026-02-02')));
    expect([again.status, again.headers['x-cache']]).toEqual([200, 'miss']);
    expect(source.queries).toHaveLength(2);
  });

  test('freshness is queried per exact range (an aggregate that depends on the clock)', async () => {
    const source = new FixtureWarehouse();
    const handle = handlerOver(source);
    await handle(get('/v1/merchants/m0001/metrics/freshness?from=2026-02-01&to=2026-02-02'));
    await handle(get('/v1/merchants/m0001/metrics/freshness?from=2026-02-01&to=2026-02-03'));
    expect(source.queries.map((q) => q.params.to_date)).toEqual(['2026-02-02', '2026-02-03']);
  });
});
