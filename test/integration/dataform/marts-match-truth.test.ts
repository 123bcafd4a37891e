// Proof the numbers are right: a generated, fault-injected data set is loaded into raw on the BigQuery
// emulator as ingestion would leave it, the executor runs the Dataform graph, and every metric mart
// is compared with the generator's truth (expected/*.json, computed in TypeScript from the real
// events). Then late and duplicate rows arrive: the incremental run must still match the truth,
// rebuild only touched partitions, and agree row for row with a full refresh.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import { compileProject, DataformRunError, runGraph, type RunReport } from '../../../tools/dataform';
import { generate } from '../../../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from '../../../tools/testing/raw-loader';
import { runTransform } from '../../../tools/testing/run-transform';

const PROJECT = 'pizzaflow-local';
const START = '2026-11-23T00:00:00Z';
const HOURS = 72;
/** Online order producers switch from schema_version 1 to 2 here, mid trading day (US stores trade 15:00-07:00 UTC). */
const V2_FROM = '2026-11-24T19:00:00Z';
/** Rows ingested from here on arrive after the first run. */
const CUTOFF_MS = Date.parse('2026-11-25T12:00:00Z');
/** Late and duplicate copies are drawn from events of this UTC date on. */
const RECENT_MS = Date.parse('2026-11-25T00:00:00Z');
const MARTS = ['mart_store_sales_hourly', 'mart_product_mix_daily', 'mart_delivery_performance', 'mart_inventory_health', 'mart_merchant_timeseries', 'mart_promotion_lift', 'fct_orders', 'fct_order_lines', 'fct_deliveries', 'fct_inventory_daily'];

let emulator: RunningEmulator;
let bq: BigQuery;
let dir: string;
let freshnessReferenceAt: string;
let incrementalReport: RunReport;

const arrival = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);
const value = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);
const expected = <T>(name: string): T[] => JSON.parse(readFileSync(join(dir, 'expected', `${name}.json`), 'utf8')) as T[];
const sortBy = <T>(rows: T[], key: (r: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const [rows] = await bq.query({ query: sql });
  return (rows as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(v)])));
}

async function run(options: { fullRefresh?: boolean; vars?: Record<string, string> } = {}): Promise<RunReport> {
  // Each stream must be fresh at the newest arrival; POS stops at store close while late webhooks
  // keep coming, so the threshold spans the overnight gap of this data set (8 h).
  return runTransform(bq, { vars: { freshness_reference_at: freshnessReferenceAt, freshness_max_minutes: '480', ...options.vars }, fullRefresh: options.fullRefresh });
}

async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of MARTS) out[t] = (await rowsOf(`select * from \`${PROJECT}.marts.${t}\``)).map((r) => JSON.stringify(r)).sort();
  return out;
}

const bytesOf = (report: RunReport, action: string): number => report.results.find((r) => r.action === action)!.bytesProcessed;

/** Moves some recent rows past the cutoff (late arrivals) and adds re-delivered copies of others. */
function splitArrivals(rows: RawRows): { first: RawRows; second: RawRows } {
  const first = {} as RawRows;
  const second = {} as RawRows;
  const late = (ms: number, i: number): string => new Date(CUTOFF_MS + ms + i).toISOString();
  for (const table of Object.keys(rows) as RawTable[]) {
    first[table] = rows[table].filter((r) => arrival(r) < CUTOFF_MS);
    second[table] = rows[table].filter((r) => arrival(r) >= CUTOFF_MS);
  }
  for (const table of ['online_order_events', 'delivery_events', 'pos_transactions'] as const) {
    const recent = first[table].filter((r) => Date.parse(r.event_time as string) >= RECENT_MS);
    const moved = new Set(recent.filter((_, i) => i % 7 === 3));
    first[table] = first[table].filter((r) => !moved.has(r));
    second[table].push(...[...moved].map((r, i) => ({ ...r, ingested_at: late(2 * 3_600_000, i) })));
    const copies = recent.filter((r, i) => i % 11 === 5 && !moved.has(r));
    second[table].push(...copies.map((r, i) => ({ ...r, ingested_at: late(3 * 3_600_000, i), ...(table === 'pos_transactions' ? { source_object: 'gs://pos-landing/reloaded' } : { message_id: `redelivered-${i}` }) })));
  }
  return { first, second };
}

async function load(rows: RawRows): Promise<void> {
  for (const table of Object.keys(rows) as RawTable[]) await insertRows(bq, table, rows[table]);
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  dir = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-'));
  await generate({ stores: 3, hours: HOURS, start: START, seed: 11, outDir: dir, faultRate: 0.02, v2From: V2_FROM });
  const rows = await rawRowsOf(dir);
  const { first, second } = splitArrivals(rows);
  const newest = Math.max(...Object.values(second).flat().map(arrival));
  freshnessReferenceAt = new Date(newest + 10 * 60_000).toISOString();
  // Strict GoogleSQL: ZetaSQL analyses every statement the executor sends (creates, incremental
  // scripts, merges, assertions) against the tables' schemas, so SQL BigQuery would refuse fails here.
  emulator = await start({ port: 0, logLevel: 'silent', strictGoogleSql: true });
  bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  await createRawTables(bq);
  await loadReference(bq, dir);
  await load(first);
  // Stores are closed overnight (UTC morning): freshness is judged against the newest arrival.
  const firstNewest = Math.max(...Object.values(first).flat().map(arrival));
  await run({ vars: { freshness_reference_at: new Date(firstNewest + 10 * 60_000).toISOString() } });
  await load(second);
  incrementalReport = await run();
}, 300_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('after a first run and an incremental run over late and duplicate rows', () => {
  test('store sales by UTC hour and channel equal the truth exactly', async () => {
    const truth = expected<Record<string, unknown>>('store_hourly');
    const mart = (await rowsOf(`select * from \`${PROJECT}.marts.mart_store_sales_hourly\``)).map((r) => ({
      store_id: r.store_id,
      merchant_id: r.merchant_id,
      hour: new Date(r.hour_at as string).toISOString(),
      channel: r.channel,
      orders: r.orders,
      units: r.units,
      gross_sales_cents: r.gross_sales_cents,
      discount_cents: r.discount_cents,
      net_sales_cents: r.net_sales_cents,
      cost_cents: r.cost_cents,
      gross_margin_cents: r.gross_margin_cents,
      service_fee_cents: r.service_fee_cents,
    }));
    const key = (r: Record<string, unknown>): string => `${r.store_id}|${r.hour}|${r.channel}`;
    expect(truth.length).toBeGreaterThan(100);
    expect(sortBy(mart, key)).toEqual(sortBy(truth, key));
    // The producers switched versions mid-way: hours before it carry no service fee, hours after do.
    const feeHours = truth.filter((r) => r.service_fee_cents !== null);
    expect(feeHours.length).toBeGreaterThan(10);
    expect(feeHours.every((r) => String(r.hour) >= V2_FROM.slice(0, 13))).toBe(true);
    expect(truth.some((r) => r.channel !== 'pos' && r.service_fee_cents === null)).toBe(true);
  });

  test('service fees (schema_version 2 only): NULL on v1 and POS orders, and the daily merchant series sums to the truth', async () => {
    const truth = expected<{ service_fee_cents: number | null }>('store_hourly');
    const truthTotal = truth.reduce((sum, r) => sum + (r.service_fee_cents ?? 0), 0);
    expect(truthTotal).toBeGreaterThan(0);
    const [series] = await rowsOf(`select sum(service_fee_cents) as fees from \`${PROJECT}.marts.mart_merchant_timeseries\``);
    expect(Number(series!.fees)).toBe(truthTotal);
    const orders = await rowsOf(
      `select source, placed_at >= timestamp '${V2_FROM}' as after_switch, countif(service_fee_cents is not null) as with_fee, count(*) as n from \`${PROJECT}.marts.fct_orders\` group by 1, 2 order by 1, 2`,
    );
    const byGroup = Object.fromEntries(orders.map((r) => [`${String(r.source)}|${String(r.after_switch)}`, [Number(r.with_fee), Number(r.n)]]));
    expect(byGroup['online|false']![0]).toBe(0);
    expect(byGroup['online|true']![0]).toBe(byGroup['online|true']![1]);
    expect(byGroup['pos|true']![0]).toBe(0);
  });

  test('product mix by store-local business date equals the truth exactly', async () => {
    const truth = expected<Record<string, unknown>>('product_daily');
    const mart = (await rowsOf(`select * from \`${PROJECT}.marts.mart_product_mix_daily\``)).map((r) => ({
      date: r.business_date,
      merchant_id: r.merchant_id,
      store_id: r.store_id,
      sku: r.sku,
      units: r.units,
      net_sales_cents: r.net_sales_cents,
      cost_cents: r.cost_cents,
      gross_margin_cents: r.gross_margin_cents,
    }));
    const key = (r: Record<string, unknown>): string => `${r.date}|${r.store_id}|${r.sku}`;
    expect(sortBy(mart, key)).toEqual(sortBy(truth, key));
  });

  test('delivery performance: counts exact, p50/p90 and late % to rounding', async () => {
    const truth = expected<Record<string, number | string | null>>('delivery_daily');
    const mart = await rowsOf(`select * from \`${PROJECT}.marts.mart_delivery_performance\``);
    const key = (r: Record<string, unknown>): string => `${r.date ?? r.business_date}|${r.provider}`;
    expect(mart.map(key).sort()).toEqual(truth.map(key).sort());
    const byKey = new Map(mart.map((r) => [key(r), r]));
    for (const t of truth) {
      const m = byKey.get(key(t))!;
      expect({ deliveries: m.deliveries, delivered: m.delivered, failed: m.failed, cancelled: m.cancelled, late: m.late }).toEqual({
        deliveries: t.deliveries,
        delivered: t.delivered,
        failed: t.failed,
        cancelled: t.cancelled,
        late: t.late,
      });
      for (const f of ['p50_minutes', 'p90_minutes'] as const) {
        if (t[f] === null) expect(m[f]).toBeNull();
        else expect(m[f] as number).toBeCloseTo(t[f] as number, 6);
      }
      if (t.late_pct === null) expect(m.late_pct).toBeNull();
      else expect(Math.abs((m.late_pct as number) - (t.late_pct as number))).toBeLessThanOrEqual(0.0100001);
    }
  });

  test('inventory positions by store-local date equal the truth exactly', async () => {
    const truth = expected<Record<string, unknown>>('inventory_daily');
    const mart = (await rowsOf(`select * from \`${PROJECT}.marts.fct_inventory_daily\``)).map((r) => ({
      date: r.business_date,
      store_id: r.store_id,
      material_id: r.material_id,
      opening: r.opening,
      received: r.received,
      consumed: r.consumed,
      wasted: r.wasted,
      closing: r.closing,
    }));
    const key = (r: Record<string, unknown>): string => `${r.date}|${r.store_id}|${r.material_id}`;
    expect(sortBy(mart, key)).toEqual(sortBy(truth, key));
  });

  test('promotion lift against same-weekday baseline days equals the truth', async () => {
    const truth = expected<Record<string, unknown>>('promotions');
    const mart = await rowsOf(`select * from \`${PROJECT}.marts.mart_promotion_lift\``);
    const ints = ['promo_days', 'promo_units', 'promo_net_sales_cents', 'baseline_days', 'baseline_units', 'baseline_net_sales_cents'];
    const pick = (r: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(['promotion_id', 'promotion_type', 'starts_on', 'ends_on', ...ints].map((k) => [k, r[k]]));
    const key = (r: Record<string, unknown>): string => String(r.promotion_id);
    expect(sortBy(mart, key).map(pick)).toEqual(sortBy(truth, key).map(pick));
    const byKey = new Map(mart.map((r) => [key(r), r]));
    for (const t of truth) {
      if (t.lift === null) expect(byKey.get(key(t))!.lift).toBeNull();
      else expect(byKey.get(key(t))!.lift as number).toBeCloseTo(t.lift as number, 9);
    }
  });

  test('the incremental run read raw only from the touched dates on', async () => {
    const touched = await rowsOf(`select event_date, has_new_events from \`${PROJECT}.staging.touched_event_dates\``);
    const newEventDates = touched.filter((r) => r.has_new_events).map((r) => String(r.event_date)).sort();
    expect(newEventDates[0]! >= '2026-11-25').toBe(true);
    expect(bytesOf(incrementalReport, 'staging.stg_online_order_events')).toBeGreaterThan(0);
  });
});

describe('re-runs', () => {
  test('a run without new raw rows changes no mart', async () => {
    const before = await snapshot();
    await run();
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  test('a one-day backfill rebuilds that day only and changes nothing', async () => {
    const before = await snapshot();
    const report = await run({ vars: { backfill_from: '2026-11-24', backfill_to: '2026-11-24' } });
    expect(await snapshot()).toEqual(before);
    const touched = await rowsOf(`select event_date from \`${PROJECT}.staging.touched_event_dates\``);
    expect(touched.map((r) => r.event_date)).toEqual(['2026-11-24']);
    expect(report.results.find((r) => r.action === 'marts.mart_store_sales_hourly')!.mode).toBe('incremental');
  }, 60_000);

  test('a full refresh gives the same marts, row for row, and reads more raw than the incremental run', async () => {
    const before = await snapshot();
    const full = await run({ fullRefresh: true });
    expect(await snapshot()).toEqual(before);
    for (const action of ['staging.stg_online_order_events', 'staging.stg_delivery_events', 'staging.stg_pos_transactions', 'staging.stg_inventory_movements']) {
      expect(bytesOf(incrementalReport, action)).toBeLessThan(bytesOf(full, action));
    }
  }, 90_000);

  // Last: it breaks fct_orders on purpose.
  test('the model checks catch a broken partition: in the touched window incrementally, anywhere in a full build', async () => {
    const graph = compileProject('dataform', { vars: { backfill_from: '2026-11-24', backfill_to: '2026-11-24' } });
    const checks = (names: string[]) => ({
      ...graph,
      tables: graph.tables!.filter((t) => ['touched_event_dates', 'partition_checks'].includes(t.target.name)),
      operations: [],
      assertions: graph.assertions!.filter((a) => names.includes(a.target.name)),
    });
    const failedChecks = async (fullRefresh: boolean, names: string[]): Promise<string[]> => {
      try {
        await runGraph({ bigquery: bq, graph: checks(names), fullRefresh, runsTable: null });
        return [];
      } catch (e) {
        if (!(e instanceof DataformRunError)) throw e;
        return e.report.results.filter((r) => r.status === 'failed').map((r) => r.action);
      }
    };
    const names = ['marts_fct_orders_assertions_uniqueKey', 'marts_fct_orders_assertions_rowConditions', 'staging_stg_online_orders_assertions_uniqueKey'];
    expect(await failedChecks(false, names)).toEqual([]);
    // A duplicate order on 2026-11-24 (touched by the backfill window) and a zero-unit order on 2026-11-23 (outside it).
    await bq.query({ query: `insert into \`${PROJECT}.marts.fct_orders\` select * from \`${PROJECT}.marts.fct_orders\` where business_date = '2026-11-24' and order_id = (select min(order_id) from \`${PROJECT}.marts.fct_orders\` where business_date = '2026-11-24')` });
    await bq.query({ query: `update \`${PROJECT}.marts.fct_orders\` set units = 0 where business_date = '2026-11-23' and order_id = (select min(order_id) from \`${PROJECT}.marts.fct_orders\` where business_date = '2026-11-23')` });
    expect(await failedChecks(false, names)).toEqual(['dataform_assertions.marts_fct_orders_assertions_uniqueKey']);
    expect((await failedChecks(true, names)).sort()).toEqual(['dataform_assertions.marts_fct_orders_assertions_rowConditions', 'dataform_assertions.marts_fct_orders_assertions_uniqueKey']);
  }, 60_000);
});
