// The last action of a run: once every model is built and every assertion passed, it advances the
// watermark, writes the run's row to ops.transform_runs and releases the lease, in one transaction
// (a developer workspace's own ops_<suffix> tables: includes/control.js).
// A failed model or assertion stops it (Dataform skips an action whose dependency failed), so
// neither the watermark nor the run record moves past data that did not pass its checks.

// The tables readers see, with the newest event time each holds (read from recent partitions only).
const MARTS = [
  { name: "fct_orders", newest: "timestamp(max(placed_at))", partition: "business_date" },
  { name: "mart_store_sales_hourly", newest: "timestamp(max(hour_at))", partition: "sales_date" },
  { name: "mart_merchant_timeseries", newest: "timestamp(max(business_date))", partition: "business_date" },
  { name: "mart_product_mix_daily", newest: "timestamp(max(business_date))", partition: "business_date" },
  { name: "mart_delivery_performance", newest: "timestamp(max(business_date))", partition: "business_date" },
  { name: "mart_inventory_health", newest: "timestamp(max(business_date))", partition: "business_date" },
];

// Every model the run builds, and every assertion: the run is recorded only after all of them.
const MODELS = [
  "fct_orders", "fct_order_lines", "fct_deliveries", "fct_inventory_daily",
  "mart_store_sales_hourly", "mart_product_mix_daily",
  "mart_delivery_performance", "mart_inventory_health", "mart_merchant_timeseries",
  "run_mode",
];
// Small tables that keep their checks in their own config: depend on those checks too.
const WITH_INLINE_ASSERTIONS = [
  "stg_merchants", "stg_product_recipes", "stg_products", "stg_promotion_skus", "stg_promotion_stores",
  "stg_promotions", "stg_raw_materials", "stg_stores", "int_product_unit_costs",
  "dim_date", "dim_product", "dim_promotion", "dim_store", "mart_promotion_lift",
].map((name) => ({ name, includeDependentAssertions: true }));
const ASSERTIONS = [
  "assert_marts_are_fresh", "assert_raw_reconciles_with_staging",
  "assert_order_lines_reference_known_products", "assert_deliveries_reference_known_orders",
  ...checks.MODEL_RULES.flatMap((rules) => checks.KINDS.filter((kind) => rules[kind]).map((kind) => checks.assertionName(rules, kind))),
];

operate("record_transform_run")
  .tags(["control"])
  .description("Advances the watermark, records the run in ops.transform_runs and releases the lease, once every model and assertion succeeded (one transaction).")
  .dependencies([...MODELS, ...WITH_INLINE_ASSERTIONS, ...ASSERTIONS])
  .queries((ctx) => {
    const touched = ctx.ref("touched_event_dates");
    const runs = ctx.ref("transform_runs");
    const lease = ctx.ref("transform_lease");
    const newest = MARTS.map((m) => `select '${m.name}' as mart, ${m.newest} as newest_event_at from ${ctx.ref(m.name)} where ${m.partition} >= date_sub(touched_from, interval 1 day)`).join("\n    union all\n    ");
    return `
declare this_run string default (select any_value(holder) from ${lease} where lease = 'transform');
declare touched_from date default (select coalesce(min(event_date), current_date()) from ${touched});
begin transaction;
insert into ${ctx.ref("dataform_watermark")} (watermark_at, recorded_at)
select max(new_watermark_at), current_timestamp()
from ${touched}
having max(new_watermark_at) is not null;
insert into ${runs} (run_id, kind, started_at, finished_at, previous_watermark_at, watermark_at, marts, touched_dates)
with
  previous as (
    select m.mart, cast(m.newest_event_at as timestamp) as newest_event_at
    from ${runs} as r
    cross join unnest(r.marts) as m
    where r.finished_at = (select max(finished_at) from ${runs})
  ),
  current_newest as (
    ${newest}
  ),
  merged as (
    select c.mart, coalesce(c.newest_event_at, p.newest_event_at) as newest_event_at
    from current_newest as c
    left join previous as p on p.mart = c.mart
  )
select
  coalesce(this_run, generate_uuid()),
  (select any_value(kind) from ${ctx.ref("run_mode")}),
  coalesce((select any_value(acquired_at) from ${lease} where lease = 'transform'), current_timestamp()),
  current_timestamp(),
  (select cast(max(previous_watermark_at) as timestamp) from ${touched}),
  coalesce((select cast(max(new_watermark_at) as timestamp) from ${touched}), (select cast(max(previous_watermark_at) as timestamp) from ${touched})),
  array(select as struct mart, newest_event_at from merged order by mart),
  -- The partitions this run rebuilt: the serving store publisher re-reads only these.
  array(select distinct event_date from ${touched} where event_date is not null order by event_date);
update ${lease} set expires_at = current_timestamp() where lease = 'transform' and holder = this_run;
commit transaction`;
  });
