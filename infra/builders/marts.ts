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

/**
 * The metric marts with a merchant_id column: merchants read these through authorized views and row
 * policies. mart_promotion_lift and mart_delivery_performance are chain-wide (no merchant_id), so
 * they stay analyst-only.
 */
export const MERCHANT_MARTS = ['mart_store_sales_hourly', 'mart_product_mix_daily', 'mart_inventory_health', 'mart_merchant_timeseries'] as const satisfies readonly (typeof METRIC_MARTS)[number][];

/** Marts the logistics team reads: orders, deliveries and inventory. */
export const LOGISTICS_MARTS = ['fct_orders', 'fct_deliveries', 'mart_delivery_performance', 'fct_inventory_daily', 'mart_inventory_health'] as const;
