// Reference data: merchants, stores, suppliers, raw materials, products with recipes, and the
// promotions calendar. Loaded as whole snapshots; the marts join to them.
import { z } from 'zod';
import { calendarDate, cents, currency, identifier, materialId, merchantId, sku, storeId } from './common';
import { checkDateOrder, reportTo, type ConsistencyIssue } from './consistency';
import { BASE_UNITS } from './inventory';

const timezone = z.string().regex(/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$|^UTC$/, 'expected an IANA time zone such as America/Chicago').describe('IANA time zone of the store or merchant');

export const merchant = z.strictObject({
  merchant_id: merchantId,
  name: z.string().min(1).max(200).describe('Trading name of the franchisee'),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 country code').describe('Country of the merchant'),
  currency,
  timezone,
  onboarded_on: calendarDate('Day the merchant joined the chain'),
});

export const store = z.strictObject({
  store_id: storeId,
  merchant_id: merchantId,
  name: z.string().min(1).max(200).describe('Store name'),
  city: z.string().min(1).max(100).describe('City'),
  region: z.string().min(1).max(100).describe('Sales region used by head office'),
  timezone,
  opened_on: calendarDate('Day the store opened'),
  size_band: z.enum(['small', 'medium', 'large']).describe('Trading size band'),
});

export const supplier = z.strictObject({
  supplier_id: identifier('Supplier id'),
  name: z.string().min(1).max(200).describe('Supplier name'),
  lead_time_days: z.int().min(0).max(60).describe('Days from order to delivery'),
});

export const rawMaterial = z.strictObject({
  material_id: materialId,
  name: z.string().min(1).max(200).describe('Material or resale good name'),
  unit: z.enum(BASE_UNITS).describe('Base unit stock is counted in'),
  pack_size: z.int().min(1).max(1_000_000).describe('Base units in one supplier pack'),
  pack_cost_cents: cents('Cost of one pack').min(1),
  supplier_id: identifier('Supplier of the material'),
  shelf_life_days: z.int().min(1).max(3650).describe('Days before stock expires'),
});

export const product = z.strictObject({
  sku,
  name: z.string().min(1).max(200).describe('Product name'),
  category: z.enum(['pizza', 'side', 'dessert', 'drink']).describe('Menu category'),
  kind: z.enum(['made', 'resale']).describe('made in store from a recipe, or resold as bought'),
  list_price_cents: cents('Menu price').min(1),
  recipe: z
    .array(z.strictObject({ material_id: materialId, quantity: z.int().min(1).max(100_000).describe('Base units per product unit') }))
    .min(1)
    .max(50)
    .describe('Materials consumed per unit sold (a resale good consumes one of itself)'),
});

export const PROMOTION_TYPES = ['temporary_price_reduction', 'newspaper_ad', 'in_store_display'] as const;

export const promotionShape = z.strictObject({
  promotion_id: identifier('Promotion id'),
  name: z.string().min(1).max(200).describe('Promotion name'),
  promotion_type: z.enum(PROMOTION_TYPES).describe('Kind of promotion'),
  discount_bps: z.int().min(0).max(10_000).describe('Price reduction in basis points (temporary price reductions only)'),
  store_ids: z.array(storeId).max(100_000).describe('Stores in scope; empty means every store'),
  skus: z.array(sku).min(1).max(1000).describe('Products in scope'),
  starts_on: calendarDate('First day of the promotion'),
  ends_on: calendarDate('Last day of the promotion (inclusive)'),
});

export function promotionConsistency(p: z.infer<typeof promotionShape>): ConsistencyIssue[] {
  const issues = checkDateOrder('starts_on', p.starts_on, 'ends_on', p.ends_on);
  const isTpr = p.promotion_type === 'temporary_price_reduction';
  if (isTpr && p.discount_bps === 0) issues.push({ path: ['discount_bps'], message: 'a temporary price reduction needs a discount' });
  if (!isTpr && p.discount_bps !== 0) issues.push({ path: ['discount_bps'], message: `a ${p.promotion_type} has no price reduction` });
  return issues;
}
export const promotion = promotionShape.superRefine((p, ctx) => reportTo(ctx, promotionConsistency(p), p));

export type Merchant = z.infer<typeof merchant>;
export type Store = z.infer<typeof store>;
export type Supplier = z.infer<typeof supplier>;
export type RawMaterial = z.infer<typeof rawMaterial>;
export type Product = z.infer<typeof product>;
export type Promotion = z.infer<typeof promotionShape>;
