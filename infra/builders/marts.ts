// The Dataform marts the platform grants access to. Dataform creates them (dataform/definitions/marts),
// so the catalog does not declare them yet; their names and audiences are kept here in one place.

/** Metric marts: Looker Studio's data sources, merchant-facing through authorized views. */
export const METRIC_MARTS = [
  'mart_store_sales_hourly',
  'mart_product_mix_daily',
  'mart_promotion_lift',
  'mart_delivery_performance',
  'mart_inventory_health',
  'mart_merchant_timeseries',
] as const;

/** Marts the logistics team reads: orders, deliveries and inventory. */
export const LOGISTICS_MARTS = ['fct_orders', 'fct_deliveries', 'mart_delivery_performance', 'fct_inventory_daily', 'mart_inventory_health'] as const;
