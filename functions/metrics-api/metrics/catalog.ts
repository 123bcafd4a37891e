// The metrics a merchant can ask for, each mapped to one pre-aggregated metric mart. Every query
// filters on `merchant_id = @merchant_id` (a query parameter, never concatenated text) and on the
// mart's partition column, so it reads only that merchant's clustered blocks of a few partitions.

export type Granularity = 'hour' | 'day';

export interface MetricQuery {
  sql: string;
  params: Record<string, string>;
}

export interface MetricDefinition {
  name: string;
  description: string;
  /** The grains it is kept at; empty when the metric has no time axis (freshness, promotion lift). */
  granularities: readonly Granularity[];
  /** The mart it reads (documentation and the API's answer). */
  source: string;
  build(args: { merchantId: string; from: string; to: string; granularity: Granularity; project: string }): MetricQuery;
}

const table = (project: string, dataset: string, name: string): string => `\`${project}.${dataset}.${name}\``;

// Dates arrive as STRING parameters cast in SQL: GoogleSQL compares a DATE column with a DATE, and
// a cast keeps the parameter's type explicit on both BigQuery and the emulator.
const DATE_RANGE = 'between cast(@from_date as date) and cast(@to_date as date)';

const rangeParams = (merchantId: string, from: string, to: string): Record<string, string> => ({ merchant_id: merchantId, from_date: from, to_date: to });

const sales: MetricDefinition = {
  name: 'sales',
  description: 'Counted orders, units, net sales and gross margin per store: per UTC hour and channel, or per store-local business day.',
  granularities: ['hour', 'day'],
  source: 'marts.mart_store_sales_hourly (hour), marts.mart_merchant_timeseries (day)',
  build({ merchantId, from, to, granularity, project }) {
    const sql =
      granularity === 'hour'
        ? `select hour_at, store_id, channel, orders, units, net_sales_cents, gross_margin_cents, average_ticket_cents
from ${table(project, 'marts', 'mart_store_sales_hourly')}
where merchant_id = @merchant_id and sales_date ${DATE_RANGE}
order by hour_at, store_id, channel`
        : `select business_date, store_id, orders, net_sales_cents, gross_margin_cents, average_ticket_cents
from ${table(project, 'marts', 'mart_merchant_timeseries')}
where merchant_id = @merchant_id and business_date ${DATE_RANGE}
order by business_date, store_id`;
    return { sql, params: rangeParams(merchantId, from, to) };
  },
};

const productMix: MetricDefinition = {
  name: 'product_mix',
  description: 'Units, net sales and margin per SKU, store and business day, with the SKU\'s share of the store\'s units.',
  granularities: ['day'],
  source: 'marts.mart_product_mix_daily',
  build({ merchantId, from, to, project }) {
    return {
      sql: `select business_date, store_id, sku, units, net_sales_cents, gross_margin_cents, unit_share_pct
from ${table(project, 'marts', 'mart_product_mix_daily')}
where merchant_id = @merchant_id and business_date ${DATE_RANGE}
order by business_date, store_id, sku`,
      params: rangeParams(merchantId, from, to),
    };
  },
};

const deliveryPerformance: MetricDefinition = {
  name: 'delivery_performance',
  description: 'Deliveries assigned and delivered late per store and business day.',
  granularities: ['day'],
  // mart_delivery_performance is per provider across the chain (no merchant column); the
  // merchant's own deliveries come from its daily series.
  source: 'marts.mart_merchant_timeseries',
  build({ merchantId, from, to, project }) {
    return {
      sql: `select business_date, store_id, deliveries, late_deliveries,
  round(100 * safe_divide(late_deliveries, deliveries), 2) as late_pct
from ${table(project, 'marts', 'mart_merchant_timeseries')}
where merchant_id = @merchant_id and business_date ${DATE_RANGE} and deliveries > 0
order by business_date, store_id`,
      params: rangeParams(merchantId, from, to),
    };
  },
};

const inventoryHealth: MetricDefinition = {
  name: 'inventory_health',
  description: 'Closing stock, use, waste, days of cover and stock-out risk per store, material and business day.',
  granularities: ['day'],
  source: 'marts.mart_inventory_health',
  build({ merchantId, from, to, project }) {
    return {
      sql: `select business_date, store_id, material_id, closing, consumed, wasted, days_of_cover, is_stock_out_risk, waste_pct
from ${table(project, 'marts', 'mart_inventory_health')}
where merchant_id = @merchant_id and business_date ${DATE_RANGE}
order by business_date, store_id, material_id`,
      params: rangeParams(merchantId, from, to),
    };
  },
};

const promotionLift: MetricDefinition = {
  name: 'promotion_lift',
  description:
    'Promotions overlapping the range that include at least one of the merchant\'s stores, with the chain-wide lift (a ratio). Chain totals of units and sales are not exposed: they include other merchants\' stores.',
  granularities: [],
  source: 'marts.mart_promotion_lift, marts.dim_promotion, marts.dim_store, staging.stg_promotion_stores',
  build({ merchantId, from, to, project }) {
    return {
      sql: `with
merchant_stores as (
  select store_id from ${table(project, 'marts', 'dim_store')} where merchant_id = @merchant_id
),
scoped as (
  select promotion_id from ${table(project, 'marts', 'dim_promotion')} where is_all_stores and exists (select 1 from merchant_stores)
  union distinct
  select promotion_stores.promotion_id
  from ${table(project, 'staging', 'stg_promotion_stores')} as promotion_stores
  inner join merchant_stores using (store_id)
)
select promotions.promotion_id, promotions.promotion_type, promotions.starts_on, promotions.ends_on, promotions.promo_days, promotions.baseline_days, promotions.lift
from ${table(project, 'marts', 'mart_promotion_lift')} as promotions
inner join scoped using (promotion_id)
where promotions.starts_on <= cast(@to_date as date) and promotions.ends_on >= cast(@from_date as date)
order by promotions.starts_on, promotions.promotion_id`,
      params: rangeParams(merchantId, from, to),
    };
  },
};

const freshness: MetricDefinition = {
  name: 'freshness',
  description: 'The newest hour with sales per store, and how far it is behind now (R3: at most one hour).',
  granularities: [],
  source: 'marts.mart_store_sales_hourly',
  build({ merchantId, from, to, project }) {
    return {
      sql: `select store_id, max(hour_at) as latest_hour_at,
  timestamp_diff(current_timestamp(), max(hour_at), minute) as minutes_behind
from ${table(project, 'marts', 'mart_store_sales_hourly')}
where merchant_id = @merchant_id and sales_date ${DATE_RANGE}
group by store_id
order by store_id`,
      params: rangeParams(merchantId, from, to),
    };
  },
};

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(
  [sales, productMix, deliveryPerformance, inventoryHealth, promotionLift, freshness].map((m) => [m.name, m]),
);
