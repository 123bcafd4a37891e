// The generator's reference snapshots (`<name>.ndjson` in its output folder) and the raw table
// each one loads into (the catalog's `ref_*` tables).
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  merchants: 'ref_merchants',
  stores: 'ref_stores',
  suppliers: 'ref_suppliers',
  raw_materials: 'ref_raw_materials',
  products: 'ref_products',
  promotions: 'ref_promotions',
};
