// The Dataform project compiles in-process with the pinned @dataform/core, and its graph has the
// layers, documentation, partitioning and incremental mechanics the transform relies on.
import { platformCatalog } from '../../../contracts/catalog';
import { compileProject, buildActions, type CompiledGraph, type CompiledTable } from '../../../tools/dataform';

let graph: CompiledGraph;
const table = (name: string): CompiledTable => {
  const t = graph.tables!.find((x) => x.target.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
};

beforeAll(() => {
  graph = compileProject('dataform');
});

const MARTS = ['dim_store', 'dim_product', 'dim_promotion', 'dim_date', 'fct_orders', 'fct_order_lines', 'fct_deliveries', 'fct_inventory_daily', 'mart_store_sales_hourly', 'mart_product_mix_daily', 'mart_promotion_lift', 'mart_delivery_performance', 'mart_inventory_health', 'mart_merchant_timeseries'];
const EVENT_PARTITIONED = ['fct_orders', 'fct_order_lines', 'fct_deliveries', 'fct_inventory_daily', 'mart_store_sales_hourly', 'mart_product_mix_daily', 'mart_delivery_performance', 'mart_inventory_health', 'mart_merchant_timeseries'];

test('declares every raw table, and the ops tables its own actions write, as a source', () => {
  const sources = graph.declarations!.map((d) => `${d.target.schema}.${d.target.name}`).sort();
  expect(sources).toEqual(
    [
      ...['online_order_events', 'delivery_events', 'pos_transactions', 'inventory_movements', 'rejected_events', 'ref_merchants', 'ref_stores', 'ref_suppliers', 'ref_raw_materials', 'ref_products', 'ref_promotions'].map((n) => `raw.${n}`),
      ...platformCatalog().tables.filter((t) => t.writtenBy === 'dataform').map((t) => `${t.dataset}.${t.name}`),
    ].sort(),
  );
});

test('every model is documented and lives in its layer', () => {
  for (const t of graph.tables!) {
    expect(t.actionDescriptor?.description?.length ?? 0).toBeGreaterThan(15);
    expect((t.actionDescriptor as { columns?: unknown[] } | undefined)?.columns?.length ?? 0).toBeGreaterThan(0);
    const name = t.target.name;
    if (MARTS.includes(name)) expect(t.target.schema).toBe('marts');
    else expect(t.target.schema).toBe('staging');
  }
  for (const name of MARTS) expect(table(name)).toBeDefined();
});

test('facts and metric marts are partitioned by an event date and clustered by merchant or store', () => {
  for (const name of EVENT_PARTITIONED) {
    const t = table(name);
    expect(t.type).toBe('incremental');
    expect(t.bigquery?.partitionBy).toMatch(/_date$/);
    if (name !== 'mart_delivery_performance') expect(t.bigquery?.clusterBy?.slice(0, 2)).toEqual(['merchant_id', 'store_id']);
  }
});

test('an incremental run deletes the touched partitions, then inserts them again', () => {
  const t = table('mart_store_sales_hourly');
  const pre = (t.incrementalPreOps ?? []).join('\n');
  expect(pre).toMatch(/declare touched_from date/);
  expect(pre).toMatch(/delete from `[^`]+\.marts\.mart_store_sales_hourly` where sales_date in \(select event_date from `[^`]+\.staging\.touched_event_dates`\)/);
  expect(t.preOps ?? []).toEqual([]);
  expect(t.incrementalQuery).toMatch(/date\(placed_hour_at\) in \(select event_date/);
  expect(t.query).not.toMatch(/touched_event_dates`\)/);
});

test('incremental reads and deletes bound the partition column by touched_from, a constant BigQuery prunes on', () => {
  const t = table('mart_product_mix_daily');
  expect((t.incrementalPreOps ?? []).join('\n')).toMatch(/where business_date in \(select event_date from `[^`]+\.staging\.touched_event_dates`\) and business_date >= touched_from/);
  expect(t.incrementalQuery).toMatch(/business_date in \(select event_date from `[^`]+\.staging\.touched_event_dates`\) and business_date >= touched_from/);
  expect(table('fct_orders').incrementalQuery!.match(/business_date >= touched_from/g)).toHaveLength(2);
  expect(t.query).not.toMatch(/touched_from/);
});

test('model checks run over the touched partitions incrementally and over everything in a full build', () => {
  const checks = table('partition_checks');
  expect((checks.incrementalPreOps ?? []).join('\n')).toMatch(/declare touched_from date/);
  expect(checks.incrementalQuery).toMatch(/from `[^`]+\.marts\.fct_order_lines`\s+where business_date >= touched_from/);
  expect(checks.incrementalQuery).toMatch(/from `[^`]+\.staging\.stg_inventory_movements`\s+where event_date >= touched_from/);
  expect(checks.query).not.toMatch(/>= (date_sub\()?touched_from/);
  const unique = graph.assertions!.find((a) => a.target.name === 'marts_fct_order_lines_assertions_rowConditions')!;
  expect(unique.query).toMatch(/from `[^`]+\.staging\.partition_checks` where assertion = 'marts_fct_order_lines_assertions_rowConditions'/);
  expect(checks.query).toMatch(/when not \(gross_margin_cents = net_sales_cents - cost_cents\) then/);
  // No model-level assertion scans a partitioned model: those checks all go through partition_checks.
  const partitioned = new Set(graph.tables!.filter((x) => x.bigquery?.partitionBy).map((x) => x.target.name));
  for (const a of graph.assertions!) {
    const parent = (a as { parentAction?: { name: string } }).parentAction;
    if (parent) expect(partitioned.has(parent.name)).toBe(false);
  }
});

test('staging reads only the raw window of the run incrementally and appends the events it does not hold yet; history_start on a full refresh', () => {
  const t = table('stg_online_order_events');
  expect(t.incrementalQuery).toMatch(/where ingested_at >= scan_from and ingested_at <= scan_to/);
  expect(t.incrementalQuery).not.toMatch(/timestamp\(touched_from\)/);
  expect(t.incrementalQuery).toMatch(/not exists \(\s*select 1 from \S+stg_online_order_events\S* as staged/);
  expect(t.query).toMatch(/where ingested_at >= timestamp\('2020-01-01'\)/);
  expect(t.incrementalQuery).toMatch(/row_number\(\) over \(partition by merchant_id, event_id order by ingested_at, message_id\) = 1/);
  const pre = (t.incrementalPreOps ?? []).join('\n');
  expect(pre).toMatch(/where has_new_events/);
  expect(pre).toMatch(/declare scan_from timestamp default \(select min\(scan_from\)/);
  // Append-only: an incremental run never deletes staged events.
  expect(pre).not.toMatch(/delete from/);
});

test('a backfill replaces the staging partitions it names from raw by event date, in a transaction', () => {
  const backfill = compileProject('dataform', { vars: { backfill_from: '2026-11-01', backfill_to: '2026-11-03' } });
  const t = backfill.tables!.find((x) => x.target.name === 'stg_online_order_events')!;
  const pre = (t.incrementalPreOps ?? []).join('\n');
  expect(pre).toMatch(/begin transaction;\s*delete from/);
  expect((t.incrementalPostOps ?? []).join('\n')).toMatch(/commit transaction/);
  expect(t.incrementalQuery).toMatch(/ingested_at >= timestamp\(touched_from\)/);
});

test('every partition delete of the compiled graph is inside a transaction that commits after its insert', () => {
  const scriptOf = (t: NonNullable<typeof graph.tables>[number]) => [...(t.incrementalPreOps ?? []), '<<insert>>', ...(t.incrementalPostOps ?? [])].join(';\n');
  const deleting = (graph.tables ?? []).filter((t) => t.type === 'incremental' && /delete from/i.test((t.incrementalPreOps ?? []).join('\n')));
  expect(deleting.length).toBeGreaterThanOrEqual(15);
  for (const t of deleting) {
    const s = scriptOf(t);
    const begin = s.search(/begin transaction/i);
    const del = s.search(/delete from/i);
    const insert = s.indexOf('<<insert>>');
    const commit = s.search(/commit transaction/i);
    expect({ model: t.target.name, ordered: begin >= 0 && begin < del && del < insert && insert < commit }).toEqual({ model: t.target.name, ordered: true });
  }
});

test('the touched dates come from the watermark, or exactly from the backfill range', () => {
  expect(table('touched_event_dates').query).toMatch(/ingested_at >= scan_from/);
  expect((table('touched_event_dates').preOps ?? []).join('\n')).toMatch(/interval 20 minute/);
  const backfill = compileProject('dataform', { vars: { backfill_from: '2026-11-01', backfill_to: '2026-11-03', lookback_minutes: '30' } });
  const touched = backfill.tables!.find((t) => t.target.name === 'touched_event_dates')!;
  expect(touched.query).toMatch(/generate_date_array\(date '2026-11-01', date '2026-11-03'\)/);
  expect(touched.query).not.toMatch(/ingested_at >= scan_from/);
});

test('a malformed var is a compilation error that names it', () => {
  expect(() => compileProject('dataform', { vars: { lookback_minutes: 'soon' } })).toThrow(/lookback_minutes/);
});

test('assertions cover uniqueness, non-null, accepted values, referential integrity, freshness and reconciliation', () => {
  const names = graph.assertions!.map((a) => a.target.name);
  expect(names).toEqual(expect.arrayContaining(['assert_marts_are_fresh', 'assert_raw_reconciles_with_staging', 'assert_order_lines_reference_known_products', 'assert_deliveries_reference_known_orders']));
  expect(names.some((n) => n.includes('fct_orders_assertions_uniqueKey'))).toBe(true);
  expect(names.some((n) => n.includes('stg_online_order_events_assertions_rowConditions'))).toBe(true);
  // Freshness is computed in partition_checks, where the run's watermark is a script constant (raw's
  // required partition filter); the assertion reads its rows.
  expect(graph.assertions!.find((a) => a.target.name === 'assert_marts_are_fresh')!.query).toMatch(/where assertion = 'assert_marts_are_fresh'/);
  const checksQuery = table('partition_checks').incrementalQuery!;
  expect(checksQuery).toMatch(/ingested_at > scan_to/);
  expect(checksQuery).toMatch(/interval 60 minute/);
  const custom = compileProject('dataform', { vars: { freshness_max_minutes: '15', freshness_reference_at: '2026-11-24T00:00:00Z' } });
  expect(custom.tables!.find((t) => t.target.name === 'partition_checks')!.incrementalQuery).toMatch(/timestamp_sub\(timestamp\('2026-11-24T00:00:00Z'\), interval 15 minute\)/);
});

test('the unit cost rule is the generator\'s: ROUND of the summed exact fractions', () => {
  expect(table('int_product_unit_costs').query).toMatch(/round\(sum\(item_cost_cents\)\)/);
  expect(table('int_product_unit_costs').query).toMatch(/cast\(recipes\.quantity \* materials\.pack_cost_cents as numeric\) \/ materials\.pack_size/);
});

test('the watermark and the run record advance only after every mart and every assertion of the graph', () => {
  const actions = buildActions(graph);
  const record = actions.find((a) => a.target.name === 'record_transform_run')!;
  for (const name of EVENT_PARTITIONED) expect(record.deps).toContain(`marts.${name}`);
  const assertions = actions.filter((a) => a.kind === 'assertion').map((a) => a.key);
  expect(assertions.length).toBeGreaterThan(20);
  expect(assertions.filter((key) => !record.deps.includes(key))).toEqual([]);
  const sql = (graph.operations ?? []).find((o) => o.target.name === 'record_transform_run')!.queries!.join('\n');
  expect(sql).toMatch(/begin transaction;[^]*insert into \S+dataform_watermark[^]*insert into \S+ops\S*transform_runs[^]*update \S+transform_lease[^]*commit transaction/);
});

test('the lease is taken before anything else runs: every action depends on acquire_run_lease, directly or through another', () => {
  const actions = buildActions(graph);
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const acquire = actions.find((a) => a.target.name === 'acquire_run_lease')!;
  expect(acquire.deps).toEqual([]);
  const reaches = (key: string, seen = new Set<string>()): boolean => {
    if (key === acquire.key) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return (byKey.get(key)?.deps ?? []).some((d) => reaches(d, seen));
  };
  expect(actions.filter((a) => a !== acquire && !reaches(a.key)).map((a) => a.key)).toEqual([]);
  const sql = (graph.operations ?? []).find((o) => o.target.name === 'acquire_run_lease')!.queries!;
  // One query (one BigQuery script), so the transaction spans the take and the check.
  expect(sql).toHaveLength(1);
  expect(sql[0]).toMatch(/begin transaction;[^]*update [^]*set holder = this_run[^]*select error\([^]*commit transaction/);
});
