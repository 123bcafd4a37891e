// Data-quality rules of the large, event-date partitioned models, checked by
// staging.partition_checks: every rule over the partitions the run rebuilt (from touched_from, a
// constant bound BigQuery prunes on) in an incremental run, over every partition in a full build.
// Each model's rules surface as the assertions Dataform's built-in `assertions:` config would have
// created (`<schema>_<model>_assertions_uniqueKey|nonNull|rowConditions`), which read the few
// violation rows from partition_checks instead of scanning the whole table.

const MODEL_RULES = [
  {model: "int_inventory_daily_flows", schema: "staging", partitionBy: "business_date", uniqueKey: ["store_id","business_date","material_id"], nonNull: ["store_id","business_date","material_id","received","consumed","wasted"]},
  {model: "int_inventory_positions", schema: "staging", partitionBy: "business_date", uniqueKey: ["store_id","business_date","material_id"], nonNull: ["store_id","business_date","material_id"]},
  {model: "int_orders_unified", schema: "staging", partitionBy: "business_date", uniqueKey: ["merchant_id","order_id"], nonNull: ["order_id","channel","merchant_id","store_id","placed_at","business_date","is_counted"], rowConditions: ["channel in ('web', 'app', 'aggregator', 'pos')"]},
  {model: "int_store_trading_days", schema: "staging", partitionBy: "business_date", uniqueKey: ["store_id","business_date"], nonNull: ["store_id","business_date","is_whole_day"]},
  {model: "int_order_lines_costed", schema: "staging", partitionBy: "business_date", uniqueKey: ["merchant_id","order_id","line_id"], nonNull: ["order_id","line_id","sku","quantity","business_date","cost_cents","is_counted"], rowConditions: ["quantity > 0","net_sales_cents = gross_sales_cents - discount_cents"]},
  {model: "mart_merchant_timeseries", schema: "marts", partitionBy: "business_date", uniqueKey: ["business_date","store_id"], nonNull: ["business_date","merchant_id","store_id","orders","net_sales_cents"]},
  {model: "mart_product_mix_daily", schema: "marts", partitionBy: "business_date", uniqueKey: ["business_date","store_id","sku"], nonNull: ["business_date","merchant_id","store_id","sku","units"], rowConditions: ["units > 0","unit_share_pct between 0 and 100"]},
  {model: "fct_order_lines", schema: "marts", partitionBy: "business_date", uniqueKey: ["merchant_id","order_id","line_id"], nonNull: ["order_id","line_id","business_date","sku","quantity","cost_cents"], rowConditions: ["quantity > 0","gross_margin_cents = net_sales_cents - cost_cents"]},
  {model: "mart_delivery_performance", schema: "marts", partitionBy: "business_date", uniqueKey: ["business_date","provider"], nonNull: ["business_date","provider","deliveries"], rowConditions: ["deliveries = delivered + failed + cancelled + in_progress","late <= delivered"]},
  {model: "fct_deliveries", schema: "marts", partitionBy: "business_date", uniqueKey: ["merchant_id","delivery_id"], nonNull: ["delivery_id","business_date","provider","order_id","assigned_at","latest_status"], rowConditions: ["latest_status in ('assigned', 'picked_up', 'delivered', 'failed', 'cancelled')","latest_status != 'delivered' or minutes_to_deliver is not null"]},
  {model: "fct_orders", schema: "marts", partitionBy: "business_date", uniqueKey: ["merchant_id","order_id"], nonNull: ["order_id","business_date","merchant_id","store_id","channel","is_counted"], rowConditions: ["channel in ('web', 'app', 'aggregator', 'pos')","units > 0"]},
  {model: "fct_inventory_daily", schema: "marts", partitionBy: "business_date", uniqueKey: ["store_id","business_date","material_id"], nonNull: ["store_id","business_date","material_id","received","consumed","wasted"], rowConditions: ["closing is null or closing = opening + received - consumed - wasted"]},
  {model: "mart_store_sales_hourly", schema: "marts", partitionBy: "sales_date", uniqueKey: ["store_id","hour_at","channel"], nonNull: ["sales_date","hour_at","merchant_id","store_id","channel","orders"], rowConditions: ["orders > 0","gross_margin_cents = net_sales_cents - cost_cents"]},
  {model: "mart_inventory_health", schema: "marts", partitionBy: "business_date", uniqueKey: ["business_date","store_id","material_id"], nonNull: ["business_date","store_id","material_id","is_stock_out_risk"]},
  {model: "stg_pos_transaction_lines", schema: "staging", partitionBy: "event_date", uniqueKey: ["merchant_id","event_id","line_id"], nonNull: ["event_id","line_id","sku","quantity","unit_price_cents","discount_cents"], rowConditions: ["quantity > 0","discount_cents >= 0"]},
  {model: "stg_delivery_events", schema: "staging", partitionBy: "event_date", uniqueKey: ["merchant_id","event_id"], nonNull: ["event_id","event_time","event_date","delivery_id","order_id","provider","status"], rowConditions: ["status in ('assigned', 'picked_up', 'delivered', 'failed', 'cancelled')"]},
  {model: "stg_online_order_events", schema: "staging", partitionBy: "event_date", uniqueKey: ["merchant_id","event_id"], nonNull: ["event_id","event_time","event_date","order_id","store_id","merchant_id","event_type"], rowConditions: ["event_type in ('order.placed', 'order.updated', 'order.cancelled', 'order.refunded')"]},
  {model: "stg_pos_transactions", schema: "staging", partitionBy: "event_date", uniqueKey: ["merchant_id","event_id"], nonNull: ["event_id","event_time","event_date","store_id","transaction_id","transaction_type"], rowConditions: ["transaction_type in ('sale', 'void', 'refund')","transaction_type = 'sale' or original_transaction_id is not null"]},
  {model: "stg_online_orders", schema: "staging", partitionBy: "placed_date", uniqueKey: ["merchant_id","order_id"], nonNull: ["order_id","placed_at","placed_date","store_id","merchant_id","channel","latest_status"], rowConditions: ["latest_status in ('placed', 'accepted', 'ready', 'out_for_delivery', 'completed', 'cancelled', 'refunded')"]},
  {model: "stg_inventory_movements", schema: "staging", partitionBy: "event_date", uniqueKey: ["merchant_id","event_id"], nonNull: ["event_id","event_time","event_date","store_id","material_id","movement_type","quantity"], rowConditions: ["movement_type in ('receipt', 'consumption', 'waste', 'count')","quantity >= 0"]},
];

const KINDS = ["uniqueKey", "nonNull", "rowConditions"];

/** The assertion names Dataform gives a model's built-in checks. */
function assertionName(rules, kind) {
  return `${rules.schema}_${rules.model}_assertions_${kind}`;
}

function sqlString(s) {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function detailOf(columns) {
  return `concat(${columns.map((c, i) => `${i ? `', ${c}=', ` : `'${c}=', `}coalesce(cast(${c} as string), 'null')`).join(", ")})`;
}

/** `case when <failed> then '<rule>' … end`: the first rule a row breaks. */
function firstBroken(pairs) {
  return `case ${pairs.map(([failed, rule]) => `when ${failed} then ${sqlString(rule)}`).join(" ")} end`;
}

/**
 * Violation rows (assertion, rule, detail, violating_rows) of one model's rules, one query per
 * kind. `bound` restricts the model to the checked partitions: a predicate on its partition column
 * only. A row that breaks several non-null rules or row conditions counts under the first.
 */
function violations(rules, table, bound) {
  const parts = [];
  const byPartition = (kind, pairs) => `select ${sqlString(assertionName(rules, kind))} as assertion, rule, ${detailOf([rules.partitionBy])} as detail, count(*) as violating_rows
from (
  select ${rules.partitionBy}, ${firstBroken(pairs)} as rule
  from ${table}
  where ${bound} and (${pairs.map(([failed]) => failed).join(" or ")})
)
group by rule, ${rules.partitionBy}`;
  if (rules.uniqueKey) {
    const key = rules.uniqueKey;
    parts.push(`select ${sqlString(assertionName(rules, "uniqueKey"))} as assertion, ${sqlString(`unique (${key.join(", ")})`)} as rule, ${detailOf(key)} as detail, count(*) as violating_rows
from ${table}
where ${bound}
group by ${key.join(", ")}
having count(*) > 1`);
  }
  if (rules.nonNull) parts.push(byPartition("nonNull", rules.nonNull.map((c) => [`${c} is null`, `${c} is not null`])));
  if (rules.rowConditions) parts.push(byPartition("rowConditions", rules.rowConditions.map((c) => [`not (${c})`, c])));
  return parts;
}

/** UNION ALL of the queries. */
function unionAll(queries) {
  return queries.join("\nunion all\n");
}

module.exports = { MODEL_RULES, KINDS, assertionName, violations, unionAll };
