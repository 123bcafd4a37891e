// The "Pizza House" world: suppliers, raw materials, the menu with recipes, franchisee merchants
// and their stores, and the promotions calendar. Everything derives from the seed through named
// PRNG streams, so store 17 is the same store whatever --stores says.
import type { Merchant, Product, Promotion, RawMaterial, Store, Supplier } from '../../contracts/reference';
import { HOUR_MS, addDays, dateRange, utcDate } from './clock';
import { createPrng } from './prng';

export const CURRENCY = 'USD';

export const SUPPLIERS: readonly Supplier[] = [
  { supplier_id: 'sup-foodco', name: 'FoodCo Distribution', lead_time_days: 2 },
  { supplier_id: 'sup-freshfarm', name: 'FreshFarm Produce', lead_time_days: 1 },
  { supplier_id: 'sup-bevco', name: 'BevCo Beverages', lead_time_days: 3 },
];

type M = [id: string, name: string, unit: RawMaterial['unit'], packSize: number, packCost: number, supplier: string, shelfLife: number];
const MATERIAL_ROWS: readonly M[] = [
  ['mat-flour', 'Pizza flour', 'g', 22680, 2899, 'sup-foodco', 180],
  ['mat-oil', 'Olive oil', 'ml', 3000, 2450, 'sup-foodco', 365],
  ['mat-sauce', 'Tomato sauce', 'g', 2950, 549, 'sup-foodco', 730],
  ['mat-mozzarella', 'Mozzarella', 'g', 2268, 1399, 'sup-foodco', 10],
  ['mat-parmesan', 'Parmesan', 'g', 1000, 1599, 'sup-foodco', 60],
  ['mat-pepperoni', 'Pepperoni', 'g', 2268, 1849, 'sup-foodco', 30],
  ['mat-sausage', 'Italian sausage', 'g', 2268, 1599, 'sup-foodco', 7],
  ['mat-ham', 'Ham', 'g', 2268, 1699, 'sup-foodco', 7],
  ['mat-chicken', 'Grilled chicken', 'g', 2268, 1899, 'sup-foodco', 5],
  ['mat-mushroom', 'Mushrooms', 'g', 2268, 999, 'sup-freshfarm', 5],
  ['mat-pepper', 'Green peppers', 'g', 2268, 849, 'sup-freshfarm', 7],
  ['mat-onion', 'Red onions', 'g', 4536, 699, 'sup-freshfarm', 14],
  ['mat-olive', 'Black olives', 'g', 2700, 1249, 'sup-freshfarm', 60],
  ['mat-pineapple', 'Pineapple', 'g', 3000, 899, 'sup-freshfarm', 7],
  ['mat-bbq-sauce', 'BBQ sauce', 'ml', 3785, 1299, 'sup-foodco', 90],
  ['mat-wings', 'Chicken wings', 'g', 4536, 2999, 'sup-foodco', 5],
  ['mat-buffalo-sauce', 'Buffalo sauce', 'ml', 3785, 1499, 'sup-foodco', 90],
  ['mat-fries', 'Frozen fries', 'g', 2268, 699, 'sup-foodco', 180],
  ['mat-garlic-butter', 'Garlic butter', 'g', 1000, 899, 'sup-foodco', 14],
  ['mat-cinnamon-sugar', 'Cinnamon sugar', 'g', 1000, 499, 'sup-foodco', 365],
  ['mat-box-pizza', 'Pizza box', 'each', 50, 2250, 'sup-foodco', 3650],
  ['mat-box-side', 'Side box', 'each', 100, 1800, 'sup-foodco', 3650],
  // Resale goods: the material is the product itself (same id), bought by the pack.
  ['DS-COOKIE', 'Chocolate chip cookie', 'each', 48, 2400, 'sup-foodco', 30],
  ['DS-BROWNIE', 'Fudge brownie', 'each', 24, 1800, 'sup-foodco', 30],
  ['DR-COLA', 'Cola can 355 ml', 'each', 24, 899, 'sup-bevco', 270],
  ['DR-LEMON', 'Lemon soda can 355 ml', 'each', 24, 899, 'sup-bevco', 270],
  ['DR-WATER', 'Still water bottle 500 ml', 'each', 24, 599, 'sup-bevco', 365],
  ['DR-COLA2L', 'Cola bottle 2 l', 'each', 8, 1199, 'sup-bevco', 270],
];

export const RAW_MATERIALS: readonly RawMaterial[] = MATERIAL_ROWS.map(([material_id, name, unit, pack_size, pack_cost_cents, supplier_id, shelf_life_days]) => ({
  material_id,
  name,
  unit,
  pack_size,
  pack_cost_cents,
  supplier_id,
  shelf_life_days,
}));

/** Materials that expire within ten days: the store throws a little away at closing. */
export const isPerishable = (m: RawMaterial): boolean => m.shelf_life_days <= 10;

type R = Record<string, number>;
const BASE: R = { 'mat-flour': 230, 'mat-oil': 10, 'mat-sauce': 120, 'mat-mozzarella': 170, 'mat-box-pizza': 1 };
const pizza = (extra: R, base: R = BASE): R => ({ ...base, ...extra });
type P = [sku: string, name: string, category: Product['category'], price: number, weight: number, recipe: R | null];
const PRODUCT_ROWS: readonly P[] = [
  ['PZ-CHEESE', 'Cheese pizza', 'pizza', 1199, 7, pizza({ 'mat-mozzarella': 200 })],
  ['PZ-MARG', 'Margherita pizza', 'pizza', 1299, 6, pizza({ 'mat-parmesan': 10, 'mat-oil': 14 })],
  ['PZ-PEPP', 'Pepperoni pizza', 'pizza', 1499, 12, pizza({ 'mat-pepperoni': 70 })],
  ['PZ-SUPREME', 'Supreme pizza', 'pizza', 1799, 6, pizza({ 'mat-pepperoni': 40, 'mat-sausage': 50, 'mat-pepper': 40, 'mat-onion': 30, 'mat-mushroom': 40, 'mat-olive': 20 })],
  ['PZ-HAWAII', 'Hawaiian pizza', 'pizza', 1599, 4, pizza({ 'mat-ham': 70, 'mat-pineapple': 80 })],
  ['PZ-BBQCHK', 'BBQ chicken pizza', 'pizza', 1699, 4, { 'mat-flour': 230, 'mat-oil': 10, 'mat-bbq-sauce': 60, 'mat-mozzarella': 160, 'mat-chicken': 100, 'mat-onion': 30, 'mat-box-pizza': 1 }],
  ['PZ-VEGGIE', 'Garden veggie pizza', 'pizza', 1599, 4, pizza({ 'mat-mushroom': 50, 'mat-pepper': 50, 'mat-onion': 40, 'mat-olive': 30 })],
  ['PZ-MEAT', 'Meat lovers pizza', 'pizza', 1899, 6, pizza({ 'mat-pepperoni': 50, 'mat-sausage': 60, 'mat-ham': 50 })],
  ['PZ-XCHEESE', 'Double cheese pizza', 'pizza', 1599, 3, pizza({ 'mat-mozzarella': 300, 'mat-parmesan': 20 })],
  ['SD-WINGS', 'Buffalo wings (8)', 'side', 1099, 7, { 'mat-wings': 450, 'mat-buffalo-sauce': 60, 'mat-box-side': 1 }],
  ['SD-GARLIC', 'Garlic bread', 'side', 599, 6, { 'mat-flour': 120, 'mat-garlic-butter': 30, 'mat-parmesan': 5, 'mat-box-side': 1 }],
  ['SD-BREADSTICKS', 'Breadsticks with dip', 'side', 549, 5, { 'mat-flour': 150, 'mat-garlic-butter': 15, 'mat-sauce': 60, 'mat-box-side': 1 }],
  ['SD-FRIES', 'Fries', 'side', 449, 5, { 'mat-fries': 220, 'mat-box-side': 1 }],
  ['DS-CINNA', 'Cinnamon sticks', 'dessert', 549, 3, { 'mat-flour': 140, 'mat-oil': 10, 'mat-cinnamon-sugar': 25, 'mat-box-side': 1 }],
  ['DS-COOKIE', 'Chocolate chip cookie', 'dessert', 199, 4, null],
  ['DS-BROWNIE', 'Fudge brownie', 'dessert', 299, 3, null],
  ['DR-COLA', 'Cola can', 'drink', 249, 6, null],
  ['DR-LEMON', 'Lemon soda can', 'drink', 249, 3, null],
  ['DR-WATER', 'Still water', 'drink', 199, 3, null],
  ['DR-COLA2L', 'Cola 2 l bottle', 'drink', 399, 3, null],
];

export const PRODUCTS: readonly Product[] = PRODUCT_ROWS.map(([sku, name, category, list_price_cents, , recipe]) => ({
  sku,
  name,
  category,
  kind: recipe === null ? 'resale' : 'made',
  list_price_cents,
  recipe: recipe === null ? [{ material_id: sku, quantity: 1 }] : Object.entries(recipe).map(([material_id, quantity]) => ({ material_id, quantity })),
}));

/** Relative selection weight of each product (same order as PRODUCTS), before promotions. */
export const PRODUCT_WEIGHTS: readonly number[] = PRODUCT_ROWS.map((row) => row[4]);

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** Integer division rounding half away from zero (BigQuery's ROUND on NUMERIC). */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  const sign = numerator < 0n ? -1n : 1n;
  const n = numerator * sign;
  return sign * ((2n * n + denominator) / (2n * denominator));
}

/**
 * Standard unit cost of a product: round_half_away_from_zero(Σ quantity × pack_cost_cents / pack_size),
 * summed as exact fractions so no float drift decides a rounding.
 */
export function productUnitCostCents(
  recipe: readonly { material_id: string; quantity: number }[],
  materials: ReadonlyMap<string, Pick<RawMaterial, 'pack_size' | 'pack_cost_cents'>>,
): number {
  let num = 0n;
  let den = 1n;
  for (const item of recipe) {
    const m = materials.get(item.material_id);
    if (!m) throw new Error(`recipe names unknown material ${item.material_id}`);
    const n = BigInt(item.quantity) * BigInt(m.pack_cost_cents);
    const d = BigInt(m.pack_size);
    num = num * d + n * den;
    den = den * d;
    const g = gcd(num, den);
    if (g > 1n) {
      num /= g;
      den /= g;
    }
  }
  return Number(roundHalfAwayFromZero(num, den));
}

export const MATERIALS_BY_ID: ReadonlyMap<string, RawMaterial> = new Map(RAW_MATERIALS.map((m) => [m.material_id, m]));
export const UNIT_COST_CENTS: ReadonlyMap<string, number> = new Map(PRODUCTS.map((p) => [p.sku, productUnitCostCents(p.recipe, MATERIALS_BY_ID)]));

interface City {
  city: string;
  state: string;
  timezone: string;
  region: string;
  postalPrefix: string;
  weight: number;
  taxBps: number;
}
const CITIES: readonly City[] = [
  { city: 'New York', state: 'NY', timezone: 'America/New_York', region: 'Northeast', postalPrefix: '100', weight: 12, taxBps: 888 },
  { city: 'Boston', state: 'MA', timezone: 'America/New_York', region: 'Northeast', postalPrefix: '021', weight: 4, taxBps: 625 },
  { city: 'Philadelphia', state: 'PA', timezone: 'America/New_York', region: 'Northeast', postalPrefix: '191', weight: 5, taxBps: 800 },
  { city: 'Atlanta', state: 'GA', timezone: 'America/New_York', region: 'Southeast', postalPrefix: '303', weight: 5, taxBps: 890 },
  { city: 'Miami', state: 'FL', timezone: 'America/New_York', region: 'Southeast', postalPrefix: '331', weight: 5, taxBps: 700 },
  { city: 'Charlotte', state: 'NC', timezone: 'America/New_York', region: 'Southeast', postalPrefix: '282', weight: 3, taxBps: 725 },
  { city: 'Detroit', state: 'MI', timezone: 'America/Detroit', region: 'Midwest', postalPrefix: '482', weight: 3, taxBps: 600 },
  { city: 'Chicago', state: 'IL', timezone: 'America/Chicago', region: 'Midwest', postalPrefix: '606', weight: 8, taxBps: 1025 },
  { city: 'Minneapolis', state: 'MN', timezone: 'America/Chicago', region: 'Midwest', postalPrefix: '554', weight: 3, taxBps: 803 },
  { city: 'Dallas', state: 'TX', timezone: 'America/Chicago', region: 'South Central', postalPrefix: '752', weight: 6, taxBps: 825 },
  { city: 'Houston', state: 'TX', timezone: 'America/Chicago', region: 'South Central', postalPrefix: '770', weight: 6, taxBps: 825 },
  { city: 'Denver', state: 'CO', timezone: 'America/Denver', region: 'Mountain', postalPrefix: '802', weight: 3, taxBps: 881 },
  { city: 'Salt Lake City', state: 'UT', timezone: 'America/Denver', region: 'Mountain', postalPrefix: '841', weight: 2, taxBps: 775 },
  { city: 'Phoenix', state: 'AZ', timezone: 'America/Phoenix', region: 'Southwest', postalPrefix: '850', weight: 4, taxBps: 860 },
  { city: 'Las Vegas', state: 'NV', timezone: 'America/Los_Angeles', region: 'West', postalPrefix: '891', weight: 3, taxBps: 838 },
  { city: 'Los Angeles', state: 'CA', timezone: 'America/Los_Angeles', region: 'West', postalPrefix: '900', weight: 10, taxBps: 950 },
  { city: 'San Diego', state: 'CA', timezone: 'America/Los_Angeles', region: 'West', postalPrefix: '921', weight: 4, taxBps: 775 },
  { city: 'San Francisco', state: 'CA', timezone: 'America/Los_Angeles', region: 'West', postalPrefix: '941', weight: 4, taxBps: 863 },
  { city: 'Seattle', state: 'WA', timezone: 'America/Los_Angeles', region: 'Northwest', postalPrefix: '981', weight: 4, taxBps: 1035 },
  { city: 'Portland', state: 'OR', timezone: 'America/Los_Angeles', region: 'Northwest', postalPrefix: '972', weight: 3, taxBps: 0 },
  { city: 'Anchorage', state: 'AK', timezone: 'America/Anchorage', region: 'Northwest', postalPrefix: '995', weight: 1, taxBps: 0 },
  { city: 'Honolulu', state: 'HI', timezone: 'Pacific/Honolulu', region: 'Pacific', postalPrefix: '968', weight: 1, taxBps: 450 },
];

const SURNAMES = ['Rossi', 'Nguyen', 'Garcia', 'Patel', 'Kowalski', 'Johnson', 'Okafor', 'Schmidt', 'Moreau', 'Tanaka', 'Silva', 'Murphy', 'Cohen', 'Haddad', 'Larsen', 'Russo', 'Kim', 'Lopez', 'Brown', 'Ivanov'];
const SIZE_BANDS = ['small', 'medium', 'large'] as const;
export const SIZE_FACTOR: Record<Store['size_band'], number> = { small: 0.6, medium: 1, large: 1.6 };

/** What the generator knows about a store beyond its reference row. */
export interface StoreProfile {
  index: number;
  store: Store;
  merchant: Merchant;
  state: string;
  postalPrefix: string;
  /** Sales tax in basis points of the taxable amount. */
  taxBps: number;
  /** Store-specific demand multiplier on top of the size band. */
  demandFactor: number;
  registers: number;
  /** Weights over DELIVERY_PROVIDERS. */
  providerWeights: readonly number[];
}

export interface ReferenceData {
  merchants: Merchant[];
  stores: StoreProfile[];
  suppliers: readonly Supplier[];
  rawMaterials: readonly RawMaterial[];
  products: readonly Product[];
  promotions: Promotion[];
}

const pad = (n: number, width = 4): string => String(n).padStart(width, '0');

/** Merchants own 1-3 consecutive stores in one city; the last merchant may own fewer. */
export function buildStores(seed: number, storeCount: number, startMs: number): { merchants: Merchant[]; stores: StoreProfile[] } {
  const merchants: Merchant[] = [];
  const stores: StoreProfile[] = [];
  const startDate = utcDate(startMs);
  for (let k = 0; stores.length < storeCount; k++) {
    const mr = createPrng(seed, 'merchant', k);
    const owned = mr.weighted([1, 2, 3], [50, 30, 20]);
    const city = mr.weighted(CITIES, CITIES.map((c) => c.weight));
    const merchantId = `m${pad(k + 1)}`;
    const surname = mr.pick(SURNAMES);
    const first: StoreProfile[] = [];
    for (let j = 0; j < owned && stores.length < storeCount; j++) {
      const index = stores.length;
      const sr = createPrng(seed, 'store', index);
      const size = sr.weighted(SIZE_BANDS, [30, 50, 20]);
      const storeId = `s${pad(index + 1)}`;
      const profile: StoreProfile = {
        index,
        store: {
          store_id: storeId,
          merchant_id: merchantId,
          name: `Pizza House ${city.city} #${pad(index + 1)}`,
          city: city.city,
          region: city.region,
          timezone: city.timezone,
          opened_on: addDays(startDate, -sr.int(60, 3000)),
          size_band: size,
        },
        merchant: undefined as unknown as Merchant, // set below, once the merchant row exists
        state: city.state,
        postalPrefix: city.postalPrefix,
        taxBps: city.taxBps,
        demandFactor: sr.uniform(0.8, 1.2),
        registers: size === 'small' ? 1 : size === 'medium' ? 2 : 3,
        providerWeights: [sr.uniform(35, 55), sr.uniform(25, 45), sr.uniform(10, 30)],
      };
      first.push(profile);
      stores.push(profile);
    }
    const earliest = first.map((s) => s.store.opened_on).sort()[0]!;
    const merchant: Merchant = {
      merchant_id: merchantId,
      name: `${surname} Pizza Group ${pad(k + 1)}`,
      country: 'US',
      currency: CURRENCY,
      timezone: city.timezone,
      onboarded_on: addDays(earliest, -mr.int(0, 90)),
    };
    for (const s of first) s.merchant = merchant;
    merchants.push(merchant);
  }
  return { merchants, stores };
}

interface PromoPlan {
  type: Promotion['promotion_type'];
  name: string;
  bps: number;
  skus: string[];
  days: number;
  /** Store scope: `null` for every store, else stores whose index satisfies the rule (always store 0). */
  inScope: ((index: number) => boolean) | null;
}
const PROMO_PLANS: readonly PromoPlan[] = [
  { type: 'temporary_price_reduction', name: 'Pepperoni week: 20% off', bps: 2000, skus: ['PZ-PEPP'], days: 7, inScope: null },
  { type: 'newspaper_ad', name: 'Sunday paper: meaty pizzas', bps: 0, skus: ['PZ-SUPREME', 'PZ-MEAT'], days: 5, inScope: (i) => i % 2 === 0 },
  { type: 'in_store_display', name: 'Cookie and brownie counter display', bps: 0, skus: ['DS-COOKIE', 'DS-BROWNIE'], days: 6, inScope: null },
  { type: 'temporary_price_reduction', name: 'Wing week: 15% off', bps: 1500, skus: ['SD-WINGS'], days: 4, inScope: (i) => i % 3 !== 2 },
  { type: 'newspaper_ad', name: 'BBQ chicken flyer', bps: 0, skus: ['PZ-BBQCHK'], days: 3, inScope: null },
  { type: 'in_store_display', name: '2 l cola end-cap', bps: 0, skus: ['DR-COLA2L'], days: 7, inScope: (i) => i % 4 !== 3 },
];

/**
 * The local dates a run touches: from the US east coast's date at the start to Hawaii's at the end.
 * Promotions are placed inside it, each at most 7 days long, so on a range of 14 days or more every
 * promotion day has a same-weekday day outside the promotion (its baseline).
 */
export function localDateSpan(startMs: number, hours: number): { first: string; last: string } {
  return { first: utcDate(startMs - 10 * HOUR_MS), last: utcDate(startMs + hours * HOUR_MS - 1 - 4 * HOUR_MS) };
}

export function buildPromotions(seed: number, stores: readonly StoreProfile[], startMs: number, hours: number): Promotion[] {
  const span = localDateSpan(startMs, hours);
  const days = dateRange(span.first, span.last).length;
  return PROMO_PLANS.map((plan, i) => {
    const pr = createPrng(seed, 'promotion', i);
    const length = Math.min(plan.days, days);
    // Spread the promotions over the range, with a little jitter.
    const slot = Math.min(days - length, Math.max(0, Math.round((days - length) * ((i + pr.uniform(0, 1)) / PROMO_PLANS.length))));
    const startsOn = addDays(span.first, slot);
    return {
      promotion_id: `promo-${pad(i + 1, 3)}`,
      name: plan.name,
      promotion_type: plan.type,
      discount_bps: plan.bps,
      store_ids: plan.inScope === null ? [] : stores.filter((s) => plan.inScope!(s.index)).map((s) => s.store.store_id),
      skus: plan.skus,
      starts_on: startsOn,
      ends_on: addDays(startsOn, length - 1),
    };
  });
}

export function buildReferenceData(seed: number, storeCount: number, startMs: number, hours: number): ReferenceData {
  const { merchants, stores } = buildStores(seed, storeCount, startMs);
  return {
    merchants,
    stores,
    suppliers: SUPPLIERS,
    rawMaterials: RAW_MATERIALS,
    products: PRODUCTS,
    promotions: buildPromotions(seed, stores, startMs, hours),
  };
}
