// How a transform run controls itself, on the BigQuery emulator through the executor: every partition
// replacement is atomic (a reader never sees it emptied; a run killed between its DELETE and INSERT
// leaves the old rows), runs never overlap (the lease), a run records itself only when every model
// and assertion passed, and each kind of assertion can be made to fail.
import { DataformRunError, compileProject, runGraph, type CompiledGraph, type RunReport } from '../../../tools/dataform';
import { buildFixture, PROJECT, type Fixture } from '../../../tools/testing/marts-fixture';
import { insertRows, type RawRow } from '../../../tools/testing/raw-loader';

let fx: Fixture;
const table = (dataset: string, name: string): string => `\`${PROJECT}.${dataset}.${name}\``;
const plain = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const [r] = await fx.bq.query({ query: sql });
  return (r as Record<string, unknown>[]).map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)])));
}

const recordedRuns = async (): Promise<number> => Number((await rows(`select count(*) as n from ${table('ops', 'transform_runs')}`))[0]!.n);
const watermark = async (): Promise<string> => String((await rows(`select max(watermark_at) as w from ${table('staging', 'dataform_watermark')}`))[0]!.w);
const salesOf = async (day: string): Promise<string[]> =>
  (await rows(`select concat(cast(hour_at as string), '|', store_id, '|', channel, '|', cast(orders as string), '|', cast(net_sales_cents as string)) as r from ${table('marts', 'mart_store_sales_hourly')} where sales_date = '${day}'`)).map((r) => String(r.r)).sort();

/** A new copy of an order event of `day` (a new event id: it counts), arriving `at`. */
let copies = 0;
function arrivingCopy(day: string, at: Date, type = 'order.updated'): RawRow {
  const source = fx.rows.online_order_events.find((r) => String(r.event_time).startsWith(day) && r.event_type === type)!;
  copies += 1;
  return { ...source, event_id: `${String(source.event_id)}-rc${copies}`, message_id: `rc-${copies}`, ingested_at: at.toISOString() };
}

async function arrive(day: string, minutesAfterWatermark: number): Promise<void> {
  const at = new Date(Date.parse(await watermark()) + minutesAfterWatermark * 60_000);
  await insertRows(fx.bq, 'online_order_events', [arrivingCopy(day, at)]);
}

/** Runs the graph; the failed actions of a failed run, [] when it succeeded. */
async function failedActions(
  options: { graph?: CompiledGraph; vars?: Record<string, string>; afterAction?: (action: string) => Promise<void>; only?: string } = {},
): Promise<{ failed: string[]; report: RunReport }> {
  const graph = options.graph ?? compileProject('dataform', { vars: { ...fx.vars, ...options.vars } });
  const selection = options.only ? { actions: [options.only], includeAssertions: false } : undefined;
  try {
    const report = await runGraph({ bigquery: fx.bq, graph, concurrency: 2, runsTable: null, afterAction: options.afterAction, selection });
    return { failed: [], report };
  } catch (e) {
    if (!(e instanceof DataformRunError)) throw e;
    return { failed: e.report.results.filter((r) => r.status === 'failed').map((r) => r.action), report: e.report };
  }
}

const DAY = '2026-11-24';

beforeAll(async () => {
  fx = await buildFixture({ stores: 2 });
}, 240_000);
afterAll(async () => {
  await fx?.close();
});

test('a run records itself: run id, kind, watermark, the newest event time of each mart, and frees the lease', async () => {
  const [run] = await rows(`select run_id, kind, watermark_at, finished_at, started_at from ${table('ops', 'transform_runs')} order by finished_at desc limit 1`);
  expect(run).toMatchObject({ kind: 'full_refresh' });
  expect(String(run!.watermark_at)).toBe(await watermark());
  const marts = await rows(`select m.mart, m.newest_event_at from ${table('ops', 'transform_runs')} as r cross join unnest(r.marts) as m`);
  expect(marts.map((m) => m.mart).sort()).toEqual(['fct_orders', 'mart_delivery_performance', 'mart_inventory_health', 'mart_merchant_timeseries', 'mart_product_mix_daily', 'mart_store_sales_hourly']);
  expect(marts.every((m) => m.newest_event_at !== null)).toBe(true);
  const [lease] = await rows(`select holder, expires_at <= current_timestamp() as released from ${table('ops', 'transform_lease')}`);
  expect(lease).toEqual({ holder: run!.run_id, released: true });
});

test('a reader polling a touched partition through 20 runs never sees it emptied or partly written', async () => {
  const expectedRows = (await salesOf(DAY)).length;
  expect(expectedRows).toBeGreaterThan(5);
  // Nothing waits behind the watermark: each run below touches exactly what arrives before it.
  expect((await failedActions()).failed).toEqual([]);
  let polling = true;
  const seen: number[] = [];
  const poller = (async () => {
    while (polling) {
      seen.push(Number((await rows(`select count(*) as n from ${table('marts', 'mart_store_sales_hourly')} where sales_date = '${DAY}'`))[0]!.n));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  let rebuilt = 0;
  for (let i = 0; i < 20; i++) {
    // An order.updated copy with a new event id touches the day's partitions in every model; each
    // run builds the mart and what it depends on (lease, touched dates, staging, facts).
    await arrive(DAY, 1);
    const { failed, report } = await failedActions({ only: 'mart_store_sales_hourly' });
    expect(failed).toEqual([]);
    if (report.results.some((r) => r.action === 'marts.mart_store_sales_hourly' && r.mode === 'incremental' && (r.rows ?? 0) > 0)) rebuilt++;
  }
  polling = false;
  await poller;
  expect(rebuilt).toBe(20);
  expect(seen.length).toBeGreaterThan(20);
  expect(Math.min(...seen)).toBe(expectedRows);
  expect(Math.max(...seen)).toBe(expectedRows);
}, 240_000);

test('a run killed between the DELETE and the INSERT of a partition leaves its old rows and records nothing', async () => {
  await arrive(DAY, 1);
  const before = await salesOf(DAY);
  const runs = await recordedRuns();
  const mark = await watermark();
  const graph = compileProject('dataform', { vars: fx.vars });
  const mart = graph.tables!.find((t) => t.target.name === 'mart_store_sales_hourly')!;
  // The INSERT dies after the DELETE ran, as a process killed mid-script would.
  mart.incrementalQuery = `select * from (${mart.incrementalQuery}) as rows_to_insert where error('killed between delete and insert') is null`;
  const { failed } = await failedActions({ graph });
  expect(failed).toEqual(['marts.mart_store_sales_hourly']);
  expect(await salesOf(DAY)).toEqual(before);
  expect(await recordedRuns()).toBe(runs);
  expect(await watermark()).toBe(mark);
  // The executor freed the lease of its failed run: the next run starts and catches up.
  expect((await failedActions()).failed).toEqual([]);
  expect(await recordedRuns()).toBe(runs + 1);
}, 120_000);

test('runs never overlap: a run refuses to start while another holds the lease, and starts once it expired', async () => {
  const runs = await recordedRuns();
  await fx.bq.query({ query: `update ${table('ops', 'transform_lease')} set holder = 'other-run', expires_at = timestamp_add(current_timestamp(), interval 10 minute) where true` });
  const refused = await failedActions();
  expect(refused.failed).toEqual(['staging.acquire_run_lease']);
  expect(refused.report.results.find((r) => r.action === 'staging.acquire_run_lease')!.error).toMatch(/transform run other-run holds the lease until .*: this run does not start/);
  expect(refused.report.results.filter((r) => r.status === 'succeeded')).toEqual([]);
  // The refused run did not free another run's lease.
  expect((await rows(`select holder from ${table('ops', 'transform_lease')}`))[0]!.holder).toBe('other-run');
  await fx.bq.query({ query: `update ${table('ops', 'transform_lease')} set expires_at = timestamp_sub(current_timestamp(), interval 1 second) where true` });
  // Two runs started together: exactly one takes the lease; the other is refused before any model.
  const both = await Promise.all([failedActions(), failedActions()]);
  expect(both.map((b) => b.failed).sort()).toEqual([[], ['staging.acquire_run_lease']]);
  expect(await recordedRuns()).toBe(runs + 1);
}, 120_000);

test('freshness fires when raw that arrived over freshness_max_minutes ago is not in the marts after the run, and then nothing advances', async () => {
  const runs = await recordedRuns();
  const mark = await watermark();
  // A row arrives while the run goes (after touched_event_dates fixed the run's watermark, before the checks); judged 2 h later.
  const late = new Date(Date.parse(mark) + 5 * 60_000);
  const { failed } = await failedActions({
    vars: { freshness_reference_at: new Date(late.getTime() + 2 * 3_600_000).toISOString(), freshness_max_minutes: '60' },
    afterAction: async (action) => {
      if (action === 'staging.touched_event_dates') await insertRows(fx.bq, 'online_order_events', [arrivingCopy(DAY, late)]);
    },
  });
  expect(failed).toEqual(['dataform_assertions.assert_marts_are_fresh']);
  expect(await recordedRuns()).toBe(runs);
  expect(await watermark()).toBe(mark);
  // Quiet afterwards: the next run takes the row in and nothing lags.
  expect((await failedActions()).failed).toEqual([]);
  expect(await recordedRuns()).toBe(runs + 1);
}, 120_000);

test('reconciliation fires when an event that arrived in the run is missing from staging', async () => {
  const runs = await recordedRuns();
  await arrive(DAY, 1);
  const { failed } = await failedActions({
    afterAction: async (action) => {
      // A writer that lost the row: staging misses an event raw has.
      if (action === 'staging.stg_online_order_events') await fx.bq.query({ query: `delete from ${table('staging', 'stg_online_order_events')} where event_id like '%-rc${copies}'` });
    },
  });
  expect(failed).toEqual(['dataform_assertions.assert_raw_reconciles_with_staging']);
  expect(await recordedRuns()).toBe(runs);
}, 120_000);

test('not-null and referential checks fire on a broken row of a touched partition', async () => {
  const graph = compileProject('dataform', { vars: { ...fx.vars, backfill_from: DAY, backfill_to: DAY } });
  const names = ['marts_fct_orders_assertions_nonNull', 'assert_order_lines_reference_known_products'];
  const checksOnly: CompiledGraph = {
    ...graph,
    tables: graph.tables!.filter((t) => ['touched_event_dates', 'partition_checks'].includes(t.target.name)),
    operations: graph.operations!.filter((o) => o.target.name === 'acquire_run_lease'),
    assertions: graph.assertions!.filter((a) => names.includes(a.target.name)),
  };
  expect((await failedActions({ graph: checksOnly })).failed).toEqual([]);
  await fx.bq.query({ query: `update ${table('marts', 'fct_orders')} set store_id = null where business_date = '${DAY}' and order_id = (select min(order_id) from ${table('marts', 'fct_orders')} where business_date = '${DAY}')` });
  await fx.bq.query({ query: `update ${table('marts', 'fct_order_lines')} set sku = 'SKU-THAT-DOES-NOT-EXIST' where business_date = '${DAY}' and order_id = (select min(order_id) from ${table('marts', 'fct_order_lines')} where business_date = '${DAY}')` });
  expect((await failedActions({ graph: checksOnly })).failed.sort()).toEqual(['dataform_assertions.assert_order_lines_reference_known_products', 'dataform_assertions.marts_fct_orders_assertions_nonNull']);
}, 120_000);

test('a table action reports its row count from a tables.get unless row counts are off, as the scheduled runs have them', async () => {
  const graph = compileProject('dataform', { vars: fx.vars });
  const run = (rowCounts?: boolean) => runGraph({ bigquery: fx.bq, graph, concurrency: 2, runsTable: null, selection: { actions: ['dim_date'], includeAssertions: false }, ...(rowCounts === undefined ? {} : { rowCounts }) });
  const [dimDate] = await rows(`select count(*) as n from ${table('marts', 'dim_date')}`);
  const counted = (await run()).results.find((r) => r.action.endsWith('dim_date'))!;
  expect(counted.rows).toBe(Number(dimDate!.n));
  const uncounted = (await run(false)).results.find((r) => r.action.endsWith('dim_date'))!;
  expect(uncounted).toMatchObject({ status: 'succeeded', mode: 'create', rows: null });
});
