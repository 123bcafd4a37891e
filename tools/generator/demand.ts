// Demand: how many orders a store takes in an hour (day curve with a lunch and a bigger dinner peak,
// weekend uplift, store size, Poisson noise), through which channel, and what goes in the basket.
import type { Promotion } from '../../contracts/reference';
import type { Prng } from './prng';
import { PRODUCTS, PRODUCT_WEIGHTS, SIZE_FACTOR, type StoreProfile } from './reference-data';

export const OPEN_HOUR = 10;
export const CLOSE_HOUR = 23;

/** Relative demand per local hour while open (10:00-22:59). */
const DAY_CURVE: Readonly<Record<number, number>> = {
  10: 0.35, 11: 0.8, 12: 1.7, 13: 1.4, 14: 0.6, 15: 0.45, 16: 0.6, 17: 1.2, 18: 2.1, 19: 2.4, 20: 1.9, 21: 1.0, 22: 0.5,
};
/** Orders per hour of a medium store at curve weight 1. */
const BASE_ORDERS_PER_HOUR = 7;
export const WEEKEND_FACTOR = 1.3;

export const isOpenHour = (localHour: number): boolean => localHour >= OPEN_HOUR && localHour < CLOSE_HOUR;
export const isWeekend = (weekday: number): boolean => weekday === 0 || weekday === 6;

export function expectedOrders(profile: StoreProfile, localHour: number, weekday: number): number {
  const curve = DAY_CURVE[localHour] ?? 0;
  return BASE_ORDERS_PER_HOUR * curve * SIZE_FACTOR[profile.store.size_band] * profile.demandFactor * (isWeekend(weekday) ? WEEKEND_FACTOR : 1);
}

export function expectedDailyOrders(profile: StoreProfile, weekday: number): number {
  let total = 0;
  for (let h = OPEN_HOUR; h < CLOSE_HOUR; h++) total += expectedOrders(profile, h, weekday);
  return total;
}

export type Channel = 'pos' | 'web' | 'app' | 'aggregator';
export const CHANNELS: readonly Channel[] = ['web', 'app', 'aggregator', 'pos'];
const CHANNEL_PICK: readonly Channel[] = ['pos', 'web', 'app', 'aggregator'];
const CHANNEL_WEIGHTS = [55, 20, 15, 10];
export const pickChannel = (rng: Prng): Channel => rng.weighted(CHANNEL_PICK, CHANNEL_WEIGHTS);

export const PROMOTION_LIFT: Record<Promotion['promotion_type'], number> = {
  temporary_price_reduction: 1.6,
  newspaper_ad: 1.3,
  in_store_display: 1.2,
};

/** Promotions running at a store on a day, by SKU, and the selection weights they produce. */
export interface DayAssortment {
  weights: number[];
  /** The promotion a line of this SKU carries (a price reduction first), by product index. */
  promotionFor: (Promotion | null)[];
}

export function dayAssortment(promotions: readonly Promotion[], storeId: string, localDate: string): DayAssortment {
  const weights = [...PRODUCT_WEIGHTS];
  const promotionFor: (Promotion | null)[] = PRODUCTS.map(() => null);
  for (const p of promotions) {
    if (localDate < p.starts_on || localDate > p.ends_on) continue;
    if (p.store_ids.length > 0 && !p.store_ids.includes(storeId)) continue;
    PRODUCTS.forEach((product, i) => {
      if (!p.skus.includes(product.sku)) return;
      weights[i]! *= PROMOTION_LIFT[p.promotion_type];
      const current = promotionFor[i];
      if (!current || (current.promotion_type !== 'temporary_price_reduction' && p.promotion_type === 'temporary_price_reduction')) {
        promotionFor[i] = p;
      }
    });
  }
  return { weights, promotionFor };
}

export interface BasketLine {
  productIndex: number;
  quantity: number;
}

const ONLINE_LINES = [30, 30, 22, 12, 6];
const POS_LINES = [40, 30, 18, 8, 4];
const QUANTITIES = [1, 2, 3];
const QUANTITY_WEIGHTS = [82, 14, 4];
export const MEAN_LINES = 2.3;
export const MEAN_QUANTITY = 1.22;

/** 1-5 lines of distinct products, drawn by the day's weights. */
export function drawBasket(rng: Prng, assortment: DayAssortment, online: boolean): BasketLine[] {
  const count = rng.weightedIndex(online ? ONLINE_LINES : POS_LINES) + 1;
  const seen = new Set<number>();
  const lines: BasketLine[] = [];
  for (let attempt = 0; lines.length < count && attempt < count * 4; attempt++) {
    const productIndex = rng.weightedIndex(assortment.weights);
    if (seen.has(productIndex)) continue;
    seen.add(productIndex);
    lines.push({ productIndex, quantity: rng.weighted(QUANTITIES, QUANTITY_WEIGHTS) });
  }
  return lines;
}
