// The expected aggregates, computed here from the real events as they are generated (never from
// the files, never from SQL), so the warehouse can be checked against them. Faults never reach
// this module. Day-level rows use the store's local business date (a store trades 10:00-23:00
// local time, so a business day never crosses local midnight); hourly rows use the UTC hour.
import type { Promotion } from '../../contracts/reference';
import { HOUR_MS, iso, localTime, weekdayOf } from './clock';
import { CHANNELS, type Channel } from './demand';
import type { InventoryDayRow } from './inventory';
import type { DeliveryOutcome, SoldLine } from './orders';
import { PRODUCTS, type StoreProfile } from './reference-data';
import { JsonArrayWriter } from './writers';

export interface StoreHourlyRow {
  store_id: string;
  merchant_id: string;
  hour: string;
  channel: Channel;
  orders: number;
  units: number;
  gross_sales_cents: number;
  discount_cents: number;
  net_sales_cents: number;
  cost_cents: number;
  gross_margin_cents: number;
  /** Sum of the counted orders' service_fee_cents (schema_version 2); null when none carried one (SQL's SUM). */
  service_fee_cents: number | null;
}

export interface ProductDailyRow {
  date: string;
  merchant_id: string;
  store_id: string;
  sku: string;
  units: number;
  net_sales_cents: number;
  cost_cents: number;
  gross_margin_cents: number;
}

export interface DeliveryDailyRow {
  date: string;
  provider: string;
  deliveries: number;
  delivered: number;
  failed: number;
  cancelled: number;
  /** Minutes from assigned to delivered, PERCENTILE_CONT (linear interpolation); null without deliveries. */
  p50_minutes: number | null;
  p90_minutes: number | null;
  /** Delivered after promised_at. */
  late: number;
  /** 100 × late / delivered, rounded to 2 decimals; null when nothing was delivered. */
  late_pct: number | null;
}

export interface PromotionRow {
  promotion_id: string;
  promotion_type: Promotion['promotion_type'];
  starts_on: string;
  ends_on: string;
  promo_days: number;
  promo_units: number;
  promo_net_sales_cents: number;
  baseline_days: number;
  baseline_units: number;
  baseline_net_sales_cents: number;
  lift: number | null;
}

interface Money {
  orders: number;
  units: number;
  gross: number;
  discount: number;
  cost: number;
  serviceFee: number | null;
}
const emptyMoney = (): Money => ({ orders: 0, units: 0, gross: 0, discount: 0, cost: 0, serviceFee: null });

function addLines(m: Money, lines: readonly SoldLine[]): void {
  m.orders++;
  for (const l of lines) {
    m.units += l.quantity;
    m.gross += l.grossCents;
    m.discount += l.discountCents;
    m.cost += l.costCents;
  }
}

/** PERCENTILE_CONT over sorted values. */
export function percentileCont(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

interface PromoScope {
  promotion: Promotion;
  stores: Set<string> | null;
  skus: Set<string>;
  scopeSize: number;
  /** By local date: units and net sales of in-scope lines at in-scope stores. */
  byDate: Map<string, { units: number; net: number }>;
  /** By local date: in-scope stores whose whole trading day lies inside the range. */
  completeStores: Map<string, number>;
}

/** The files under expected/ the Truth streams while the run goes on. */
export const TRUTH_STREAMED_FILES = ['store_hourly.json', 'product_daily.json', 'inventory_daily.json'] as const;

export class Truth {
  private readonly hourly: JsonArrayWriter<StoreHourlyRow>;
  private readonly productDaily: JsonArrayWriter<ProductDailyRow>;
  private readonly inventoryDaily: JsonArrayWriter<InventoryDayRow>;
  /** Current hour's accumulators, by store index then channel. */
  private hour = new Map<number, Map<Channel, Money>>();
  /** Current business day's product totals, by store index then product index. */
  private readonly storeDay = new Map<number, Map<number, Money>>();
  private readonly deliveries = new Map<string, { date: string; provider: string; deliveries: number; delivered: number; failed: number; cancelled: number; late: number; minutes: number[] }>();
  private readonly promos: PromoScope[];
  readonly revenue = { orders: 0, units: 0, gross_sales_cents: 0, discount_cents: 0, net_sales_cents: 0, cost_cents: 0, gross_margin_cents: 0 };

  constructor(
    dir: string,
    private readonly stores: readonly StoreProfile[],
    promotions: readonly Promotion[],
  ) {
    const [hourly, productDaily, inventoryDaily] = TRUTH_STREAMED_FILES;
    this.hourly = new JsonArrayWriter(`${dir}/${hourly}`);
    this.productDaily = new JsonArrayWriter(`${dir}/${productDaily}`);
    this.inventoryDaily = new JsonArrayWriter(`${dir}/${inventoryDaily}`);
    this.promos = promotions.map((p) => ({
      promotion: p,
      stores: p.store_ids.length > 0 ? new Set(p.store_ids) : null,
      skus: new Set(p.skus),
      scopeSize: p.store_ids.length > 0 ? p.store_ids.length : stores.length,
      byDate: new Map(),
      completeStores: new Map(),
    }));
  }

  /**
   * A counted order (neither cancelled nor refunded; for POS neither voided nor refunded), with its
   * service fee when it was placed as schema_version 2 (null otherwise).
   */
  addOrder(profile: StoreProfile, channel: Channel, localDate: string, lines: readonly SoldLine[], serviceFeeCents: number | null): void {
    let byChannel = this.hour.get(profile.index);
    if (!byChannel) {
      byChannel = new Map();
      this.hour.set(profile.index, byChannel);
    }
    let m = byChannel.get(channel);
    if (!m) {
      m = emptyMoney();
      byChannel.set(channel, m);
    }
    addLines(m, lines);
    if (serviceFeeCents !== null) m.serviceFee = (m.serviceFee ?? 0) + serviceFeeCents;

    let day = this.storeDay.get(profile.index);
    if (!day) {
      day = new Map();
      this.storeDay.set(profile.index, day);
    }
    for (const l of lines) {
      let p = day.get(l.productIndex);
      if (!p) {
        p = emptyMoney();
        day.set(l.productIndex, p);
      }
      addLines(p, [l]);
      this.revenue.units += l.quantity;
      this.revenue.gross_sales_cents += l.grossCents;
      this.revenue.discount_cents += l.discountCents;
      this.revenue.net_sales_cents += l.grossCents - l.discountCents;
      this.revenue.cost_cents += l.costCents;
      this.revenue.gross_margin_cents += l.grossCents - l.discountCents - l.costCents;
    }
    this.revenue.orders++;

    const storeId = profile.store.store_id;
    for (const scope of this.promos) {
      if (scope.stores && !scope.stores.has(storeId)) continue;
      for (const l of lines) {
        if (!scope.skus.has(l.sku)) continue;
        let d = scope.byDate.get(localDate);
        if (!d) {
          d = { units: 0, net: 0 };
          scope.byDate.set(localDate, d);
        }
        d.units += l.quantity;
        d.net += l.grossCents - l.discountCents;
      }
    }
  }

  addDelivery(profile: StoreProfile, outcome: DeliveryOutcome): void {
    const date = localTime(profile.store.timezone, Math.floor(outcome.assignedMs / HOUR_MS) * HOUR_MS).date;
    const key = `${date}|${outcome.provider}`;
    let d = this.deliveries.get(key);
    if (!d) {
      d = { date, provider: outcome.provider, deliveries: 0, delivered: 0, failed: 0, cancelled: 0, late: 0, minutes: [] };
      this.deliveries.set(key, d);
    }
    d.deliveries++;
    d[outcome.status]++;
    if (outcome.status === 'delivered' && outcome.deliveredMs !== null) {
      d.minutes.push((outcome.deliveredMs - outcome.assignedMs) / 60_000);
      if (outcome.deliveredMs > outcome.promisedMs) d.late++;
    }
  }

  /** Writes the hour's rows (stores in index order, channels web, app, aggregator, pos). */
  flushHour(hourMs: number): void {
    const indexes = [...this.hour.keys()].sort((a, b) => a - b);
    for (const i of indexes) {
      const profile = this.stores[i]!;
      const byChannel = this.hour.get(i)!;
      for (const channel of CHANNELS) {
        const m = byChannel.get(channel);
        if (!m) continue;
        this.hourly.push({
          store_id: profile.store.store_id,
          merchant_id: profile.store.merchant_id,
          hour: iso(hourMs),
          channel,
          orders: m.orders,
          units: m.units,
          gross_sales_cents: m.gross,
          discount_cents: m.discount,
          net_sales_cents: m.gross - m.discount,
          cost_cents: m.cost,
          gross_margin_cents: m.gross - m.discount - m.cost,
          service_fee_cents: m.serviceFee,
        });
      }
    }
    this.hour = new Map();
  }

  /** A store's business day ended (or the range did): its product and inventory rows. */
  closeStoreDay(profile: StoreProfile, date: string, inventory: readonly InventoryDayRow[], complete: boolean): void {
    const day = this.storeDay.get(profile.index);
    this.storeDay.delete(profile.index);
    if (day) {
      for (const productIndex of [...day.keys()].sort((a, b) => a - b)) {
        const m = day.get(productIndex)!;
        this.productDaily.push({
          date,
          merchant_id: profile.store.merchant_id,
          store_id: profile.store.store_id,
          sku: PRODUCTS[productIndex]!.sku,
          units: m.units,
          net_sales_cents: m.gross - m.discount,
          cost_cents: m.cost,
          gross_margin_cents: m.gross - m.discount - m.cost,
        });
      }
    }
    for (const row of inventory) this.inventoryDaily.push(row);
    if (complete) {
      for (const scope of this.promos) {
        if (scope.stores && !scope.stores.has(profile.store.store_id)) continue;
        scope.completeStores.set(date, (scope.completeStores.get(date) ?? 0) + 1);
      }
    }
  }

  get hourlyRows(): number {
    return this.hourly.length;
  }

  /** Closes the streams and returns the small tables (delivery_daily, promotions). */
  finish(): { deliveryDaily: DeliveryDailyRow[]; promotions: PromotionRow[] } {
    this.hourly.close();
    this.productDaily.close();
    this.inventoryDaily.close();
    const deliveryDaily = [...this.deliveries.values()]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0))
      .map((d): DeliveryDailyRow => {
        const sorted = [...d.minutes].sort((x, y) => x - y);
        return {
          date: d.date,
          provider: d.provider,
          deliveries: d.deliveries,
          delivered: d.delivered,
          failed: d.failed,
          cancelled: d.cancelled,
          p50_minutes: percentileCont(sorted, 0.5),
          p90_minutes: percentileCont(sorted, 0.9),
          late: d.late,
          late_pct: d.delivered > 0 ? Math.round((10_000 * d.late) / d.delivered) / 100 : null,
        };
      });
    return { deliveryDaily, promotions: this.promos.map(promotionRow) };
  }
}

/**
 * Promotion days are the promotion's dates on which every in-scope store traded a whole day inside
 * the range; baseline days are such whole days outside the promotion falling on the same weekdays.
 */
function promotionRow(scope: PromoScope): PromotionRow {
  const p = scope.promotion;
  const wholeDays = [...scope.completeStores.entries()].filter(([, n]) => n === scope.scopeSize).map(([d]) => d).sort();
  const promoDays = wholeDays.filter((d) => d >= p.starts_on && d <= p.ends_on);
  const weekdays = new Set(promoDays.map(weekdayOf));
  const baselineDays = wholeDays.filter((d) => (d < p.starts_on || d > p.ends_on) && weekdays.has(weekdayOf(d)));
  const sum = (days: string[], f: 'units' | 'net'): number => days.reduce((acc, d) => acc + (scope.byDate.get(d)?.[f] ?? 0), 0);
  const promoUnits = sum(promoDays, 'units');
  const baselineUnits = sum(baselineDays, 'units');
  const lift =
    promoDays.length > 0 && baselineDays.length > 0 && baselineUnits > 0
      ? promoUnits / promoDays.length / (baselineUnits / baselineDays.length) - 1
      : null;
  return {
    promotion_id: p.promotion_id,
    promotion_type: p.promotion_type,
    starts_on: p.starts_on,
    ends_on: p.ends_on,
    promo_days: promoDays.length,
    promo_units: promoUnits,
    promo_net_sales_cents: sum(promoDays, 'net'),
    baseline_days: baselineDays.length,
    baseline_units: baselineUnits,
    baseline_net_sales_cents: sum(baselineDays, 'net'),
    lift,
  };
}
