// The metrics a merchant can ask for, each mapped to one pre-aggregated metric mart. Every query
// filters on `merchant_id = @merchant_id` (a query parameter, never concatenated text) and on the
// mart's partition column, so it reads only that merchant's clustered blocks of a few partitions.

export type Granularity = 'hour' | 'day';

export interface MetricQuery {
  sql: string;
  params: Record<string, string>;
}

/**
 * How the handler may answer a range from wider cached blocks (`blocks.ts`):
 * - `month`: every row carries its date in `dateColumn` (a DATE, or a UTC TIMESTAMP whose first ten
 *   characters are the partition date) and the query orders by it first, so the answer for any
 *   range is the rows of the calendar months around it with a date inside the range, in order;
 * - `overlap`: rows are intervals `[startColumn, endColumn]` kept when they overlap the range, in
 *   an order that does not depend on the range, so one query over the data's whole extent answers
 *   every range;
 * - `exact`: the answer is not a slice of a wider one (an aggregate over the range, or one that
 *   depends on the clock): the range itself is queried and cached.
 */
export type Slicing =
  | { kind: 'month'; dateColumn: string }
  | { kind: 'overlap'; startColumn: string; endColumn: string }
  | { kind: 'exact' };

/**
 * A `month`-sliced metric's query in parts, so one merchant's range (the API's `build`) and every
 * merchant's touched partitions (the serving store publisher, `serving/`) select the same columns,
 * rows and order from one definition.
 */
export interface SeriesQuery {
  dataset: string;
  table: string;
  /** The select list (merchant_id not included). */
  columns: string;
  /** The mart's partition column: every query filters on it. */
  partitionColumn: string;
  /** The column of each row whose date (first ten characters) names its partition. */
  dateColumn: string;
  /** A further condition on the rows, or none. */
  filter?: string;
  orderBy: string;
}

/**
 * Every merchant's rows of an `overlap` metric, `merchant_id` first, in the metric's own order
 * within a merchant: the serving store keeps such a metric whole per merchant.
 */
export type AllMerchantsQuery = (project: string) => string;

export interface MetricDefinition {
  name: string;
  description: string;
  /** The grains it is kept at; empty when the metric has no time axis (freshness, promotion lift). */
  granularities: readonly Granularity[];
  /** The mart it reads (documentation and the API's answer). */
  source: string;
  build(args: { merchantId: string; from: string; to: string; granularity: Granularity; project: string }): MetricQuery;
  slicing(granularity: Granularity): Slicing;
  /** Month-sliced metrics: the query in parts, per granularity kept. */
  series?(granularity: Granularity): SeriesQuery;
  /** Overlap metrics: every merchant's rows in one query. */
  allMerchants?: AllMerchantsQuery;
}

const table = (project: string, dataset: string, name: string): string => `\`${project}.${dataset}.${name}\``;

// Dates arrive as STRING parameters cast in SQL: GoogleSQL compares a DATE column with a DATE, and
// a cast keeps the parameter's type explicit on both BigQuery and the emulator.
const DATE_RANGE = 'between cast(@from_date as date) and cast(@to_date as date)';

const rangeParams = (merchantId: string, from: string, to: string): Record<string, string> => ({ merchant_id: merchantId, from_date: from, to_date: to });

/** One merchant's range of a series. */
function seriesRange(q: SeriesQuery, merchantId: string, from: string, to: string, project: string): MetricQuery {
  return {
    sql: `select ${q.columns}
from ${table(project, q.dataset, q.table)}
where merchant_id = @merchant_id and ${q.partitionColumn} ${DATE_RANGE}${q.filter ? ` and ${q.filter}` : ''}
order by ${q.orderBy}`,
    params: rangeParams(merchantId, from, to),
  };
}

const salesSeries = (granularity: Granularity): SeriesQuery =>
  granularity === 'hour'
    ? {
        dataset: 'marts',
        table: 'mart_store_sales_hourly',
        columns: 'hour_at, store_id, channel, orders, units, net_sales_cents, gross_margin_cents, average_ticket_cents',
        partitionColumn: 'sales_date',
        dateColumn: 'hour_at',
        orderBy: 'hour_at, store_id, channel',
      }
    : {
        dataset: 'marts',
        table: 'mart_merchant_timeseries',
        columns: 'business_date, store_id, orders, net_sales_cents, gross_margin_cents, average_ticket_cents',
        partitionColumn: 'business_date',
        dateColumn: 'business_date',
        orderBy: 'business_date, store_id',
      };

const sales: MetricDefinition = {
  name: 'sales',
  description: 'Counted orders, units, net sales and gross margin per store: per UTC hour and channel, or per store-local business day.',
  granularities: ['hour', 'day'],
  source: 'marts.mart_store_sales_hourly (hour), marts.mart_merchant_timeseries (day)',
  build: ({ merchantId, from, to, granularity, project }) => seriesRange(salesSeries(granularity), merchantId, from, to, project),
  series: salesSeries,
  // sales_date is the UTC date of hour_at, so an hour's first ten characters are its partition date.
  slicing: (granularity) => ({ kind: 'month', dateColumn: granularity === 'hour' ? 'hour_at' : 'business_date' }),
};

const productMixSeries: SeriesQuery = {
  dataset: 'marts',
  table: 'mart_product_mix_daily',
  columns: 'business_date, store_id, sku, units, net_sales_cents, gross_margin_cents, unit_share_pct',
  partitionColumn: 'business_date',
  dateColumn: 'business_date',
  orderBy: 'business_date, store_id, sku',
};

const productMix: MetricDefinition = {
  name: 'product_mix',
  description: 'Units, net sales and margin per SKU, store and business day, with the SKU\'s share of the store\'s units.',
  granularities: ['day'],
  source: 'marts.mart_product_mix_daily',
  build: ({ merchantId, from, to, project }) => seriesRange(productMixSeries, merchantId, from, to, project),
  series: () => productMixSeries,
  slicing: () => ({ kind: 'month', dateColumn: 'business_date' }),
};

const deliveryPerformanceSeries: SeriesQuery = {
  dataset: 'marts',
  table: 'mart_merchant_timeseries',
  columns: `business_date, store_id, deliveries, late_deliveries,
  round(100 * safe_divide(late_deliveries, deliveries), 2) as late_pct`,
  partitionColumn: 'business_date',
  dateColumn: 'business_date',
  filter: 'deliveries > 0',
  orderBy: 'business_date, store_id',
};

const deliveryPerformance: MetricDefinition = {
  name: 'delivery_performance',
  description: 'Deliveries assigned and delivered late per store and business day.',
  granularities: ['day'],
  // mart_delivery_performance is per provider across the chain (no merchant column); the
  // merchant's own deliveries come from its daily series.
  source: 'marts.mart_merchant_timeseries',
  build: ({ merchantId, from, to, project }) => seriesRange(deliveryPerformanceSeries, merchantId, from, to, project),
  series: () => deliveryPerformanceSeries,
  slicing: () => ({ kind: 'month', dateColumn: 'business_date' }),
};

const inventoryHealthSeries: SeriesQuery = {
  dataset: 'marts',
  table: 'mart_inventory_health',
  columns: 'business_date, store_id, material_id, closing, consumed, wasted, days_of_cover, is_stock_out_risk, waste_pct',
  partitionColumn: 'business_date',
  dateColumn: 'business_date',
  orderBy: 'business_date, store_id, material_id',
};

const inventoryHealth: MetricDefinition = {
  name: 'inventory_health',
  description: 'Closing stock, use, waste, days of cover and stock-out risk per store, material and business day.',
  granularities: ['day'],
  source: 'marts.mart_inventory_health',
  build: ({ merchantId, from, to, project }) => seriesRange(inventoryHealthSeries, merchantId, from, to, project),
  series: () => inventoryHealthSeries,
  slicing: () => ({ kind: 'month', dateColumn: 'business_date' }),
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
  // The per-merchant query above for every merchant at once: a merchant with a store sees the
  // all-stores promotions, and the promotions scoped to one of its stores.
  allMerchants: (project) => `with
merchant_stores as (
  select merchant_id, store_id from ${table(project, 'marts', 'dim_store')}
),
scoped as (
  select merchants.merchant_id, all_stores.promotion_id
  from (select distinct merchant_id from merchant_stores) as merchants
  cross join (select promotion_id from ${table(project, 'marts', 'dim_promotion')} where is_all_stores) as all_stores
  union distinct
  select merchant_stores.merchant_id, promotion_stores.promotion_id
  from ${table(project, 'staging', 'stg_promotion_stores')} as promotion_stores
  inner join merchant_stores using (store_id)
)
select scoped.merchant_id, promotions.promotion_id, promotions.promotion_type, promotions.starts_on, promotions.ends_on, promotions.promo_days, promotions.baseline_days, promotions.lift
from ${table(project, 'marts', 'mart_promotion_lift')} as promotions
inner join scoped using (promotion_id)
order by scoped.merchant_id, promotions.starts_on, promotions.promotion_id`,
  slicing: () => ({ kind: 'overlap', startColumn: 'starts_on', endColumn: 'ends_on' }),
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
  // An aggregate over the range, and minutes_behind depends on the clock.
  slicing: () => ({ kind: 'exact' }),
};

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(
  [sales, productMix, deliveryPerformance, inventoryHealth, promotionLift, freshness].map((m) => [m.name, m]),
);
