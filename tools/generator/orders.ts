// Order lifecycles: an online order becomes its timed order events and delivery webhooks; a POS
// sale becomes a transaction, perhaps followed by its void or refund. Every time is decided when the
// order is placed, so the caller can route events to files by arrival and the truth knows at once
// whether the order counts.
import type { OrderLine } from '../../contracts/common';
import { DELIVERY_FAILURE_REASONS, DELIVERY_PROVIDERS, type DeliveryEvent } from '../../contracts/delivery';
import type { CANCEL_REASONS, OnlineOrderEvent } from '../../contracts/online-order';
import type { PosTransaction } from '../../contracts/pos';
import type { Promotion } from '../../contracts/reference';
import { MINUTE_MS, iso } from './clock';
import { drawBasket, type DayAssortment } from './demand';
import { createPrng, type Prng } from './prng';
import { CURRENCY, PRODUCTS, UNIT_COST_CENTS, roundHalfAwayFromZero, type StoreProfile } from './reference-data';

export type Provider = (typeof DELIVERY_PROVIDERS)[number];
interface ProviderProfile {
  prefix: string;
  feeCents: number;
  /** Minutes from ready (or assignment) to pick-up. */
  pickup: [number, number];
  /** Minutes from pick-up to drop-off. */
  travel: [number, number];
  failureRate: number;
}
export const PROVIDERS: Readonly<Record<Provider, ProviderProfile>> = {
  dashdrop: { prefix: 'DD', feeCents: 550, pickup: [0, 3], travel: [10, 20], failureRate: 0.015 },
  roadrunner: { prefix: 'RR', feeCents: 475, pickup: [1, 5], travel: [10, 25], failureRate: 0.02 },
  pedalpost: { prefix: 'PP', feeCents: 399, pickup: [1, 6], travel: [12, 27], failureRate: 0.03 },
};
export const PROMISE_DELIVERY_MS = 45 * MINUTE_MS;
const PROMISE_PICKUP_MS = 20 * MINUTE_MS;
const CUSTOMER_DELIVERY_FEE_CENTS = 399;
/** Schema version 2's service fee: what the ordering platform charges the store, in bps of net sales, by channel. */
export const SERVICE_FEE_BPS: Readonly<Record<OnlineOrder['channel'], number>> = { web: 0, app: 500, aggregator: 1500 };
const DELIVERY_NOTES = ['Ring the bell twice', 'Leave it at the door', 'Call on arrival', 'Back entrance, blue gate', 'No contact delivery please', 'Extra napkins please'];
export const CANCEL_RATE = 0.02;
export const REFUND_RATE = 0.005;
export const VOID_RATE = 0.01;
export const POS_REFUND_RATE = 0.005;

/** What an order generator needs to know about the store and the day. */
export interface StoreDay {
  seed: number;
  profile: StoreProfile;
  assortment: DayAssortment;
  /** Closing time of the store today (UTC ms). */
  closeMs: number;
  /** End of the generated range: nothing is scheduled at or after it except online lifecycles. */
  rangeEndMs: number;
  /** From this time (UTC ms) the store's online producer sends schema_version 2; null: version 1 throughout. */
  v2FromMs: number | null;
}

export interface Timed<E> {
  atMs: number;
  event: E;
}

/** A counted sale line with its standard cost, for the truth. */
export interface SoldLine {
  sku: string;
  productIndex: number;
  quantity: number;
  grossCents: number;
  discountCents: number;
  costCents: number;
}

export interface DeliveryOutcome {
  provider: Provider;
  assignedMs: number;
  status: 'delivered' | 'failed' | 'cancelled';
  deliveredMs: number | null;
  promisedMs: number;
}

export interface OnlineOrder {
  orderId: string;
  placedMs: number;
  channel: 'web' | 'app' | 'aggregator';
  /** Made in the kitchen (consumes stock): everything but orders cancelled before preparation. */
  made: boolean;
  /** Counted as a sale: neither cancelled nor refunded. */
  counted: boolean;
  cancelled: boolean;
  refunded: boolean;
  lines: SoldLine[];
  /** The order.placed event's service_fee_cents: null when it was sent as schema_version 1. */
  serviceFeeCents: number | null;
  events: Timed<OnlineOrderEvent>[];
  deliveryEvents: Timed<DeliveryEvent>[];
  delivery: DeliveryOutcome | null;
}

export interface PosSale {
  placedMs: number;
  sale: PosTransaction;
  lines: SoldLine[];
  /** A sale is made unless voided. */
  made: boolean;
  counted: boolean;
  voided: boolean;
  refunded: boolean;
  reversal: Timed<PosTransaction> | null;
}

const FIRST_NAMES = ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Ethan', 'Lena', 'Omar', 'Priya', 'Diego', 'Grace', 'Hiro', 'Fatima', 'Jack', 'Sofia', 'Malik', 'Chloe', 'Ivan', 'Aisha', 'Lucas'];
const LAST_NAMES = ['Smith', 'Garcia', 'Chen', 'Johnson', 'Okoye', 'Miller', 'Singh', 'Davis', 'Martinez', 'Brown', 'Wilson', 'Nguyen', 'Taylor', 'Khan', 'Lee', 'Clark', 'Lewis', 'Walker', 'Young', 'King'];
const STREETS = ['Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Main', 'Sunset', 'River', 'Highland', 'Church', 'Mill'];
const STREET_SUFFIXES = ['St', 'Ave', 'Blvd', 'Rd', 'Ln', 'Dr', 'Way', 'Ct'];
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const minutes = (rng: Prng, lo: number, hi: number): number => Math.floor(rng.uniform(lo, hi) * MINUTE_MS);

/** A repeat customer: the same number always has the same contact details at that store. */
function customer(day: StoreDay, rng: Prng): { contact: Extract<OnlineOrderEvent, { event_type: 'order.placed' }>['customer']; address: { line1: string; postal_code: string; city: string } } {
  const poolSize = Math.round(600 * day.profile.demandFactor);
  const n = rng.int(1, poolSize);
  const cr = createPrng(day.seed, 'customer', day.profile.index, n);
  const first = cr.pick(FIRST_NAMES);
  const last = cr.pick(LAST_NAMES);
  const storeId = day.profile.store.store_id;
  return {
    contact: {
      customer_id: `c-${storeId}-${pad(n, 5)}`,
      name: `${first} ${last}`,
      email: `${first}.${last}${cr.int(1, 99)}@${cr.pick(['example.com', 'example.net', 'example.org'])}`.toLowerCase(),
      phone: `+1 ${cr.int(201, 989)}-555-${pad(cr.int(100, 9999), 4)}`,
    },
    address: {
      line1: `${cr.int(1, 9999)} ${cr.pick(STREETS)} ${cr.pick(STREET_SUFFIXES)}`,
      postal_code: `${day.profile.postalPrefix}${pad(cr.int(1, 99), 2)}`,
      city: day.profile.store.city,
    },
  };
}

/** Line discount of a price reduction: round(quantity × unit price × bps / 10000), half away from zero. */
export function lineDiscountCents(quantity: number, unitPriceCents: number, bps: number): number {
  return Number(roundHalfAwayFromZero(BigInt(quantity * unitPriceCents * bps), 10_000n));
}

function buildLines(rng: Prng, assortment: DayAssortment, online: boolean): { lines: OrderLine[]; sold: SoldLine[] } {
  const basket = drawBasket(rng, assortment, online);
  const lines: OrderLine[] = [];
  const sold: SoldLine[] = [];
  basket.forEach((b, i) => {
    const product = PRODUCTS[b.productIndex]!;
    const promotion: Promotion | null = assortment.promotionFor[b.productIndex] ?? null;
    const discount = promotion && promotion.discount_bps > 0 ? lineDiscountCents(b.quantity, product.list_price_cents, promotion.discount_bps) : 0;
    lines.push({
      line_id: i + 1,
      sku: product.sku,
      quantity: b.quantity,
      unit_price_cents: product.list_price_cents,
      discount_cents: discount,
      promotion_id: promotion ? promotion.promotion_id : null,
    });
    sold.push({
      sku: product.sku,
      productIndex: b.productIndex,
      quantity: b.quantity,
      grossCents: b.quantity * product.list_price_cents,
      discountCents: discount,
      costCents: b.quantity * UNIT_COST_CENTS.get(product.sku)!,
    });
  });
  return { lines, sold };
}

function amounts(sold: readonly SoldLine[], taxBps: number): { subtotal: number; discount: number; tax: number } {
  let subtotal = 0;
  let discount = 0;
  for (const l of sold) {
    subtotal += l.grossCents;
    discount += l.discountCents;
  }
  const tax = Number(roundHalfAwayFromZero(BigInt((subtotal - discount) * taxBps), 10_000n));
  return { subtotal, discount, tax };
}

export function buildOnlineOrder(day: StoreDay, rng: Prng, orderNumber: number, placedMs: number, channel: OnlineOrder['channel']): OnlineOrder {
  const { store } = day.profile;
  const orderId = `o-${store.store_id}-${pad(orderNumber, 6)}`;
  const isDelivery = rng.chance(0.6);
  const { lines, sold } = buildLines(rng, day.assortment, true);
  const { subtotal, discount, tax } = amounts(sold, day.profile.taxBps);
  const fee = isDelivery ? CUSTOMER_DELIVERY_FEE_CENTS : 0;
  const tip = rng.chance(isDelivery ? 0.7 : 0.15) ? Math.round((subtotal * rng.uniform(0.1, 0.2)) / 25) * 25 : 0;
  const who = customer(day, rng);
  const method = rng.weighted(['card', 'wallet', 'voucher'] as const, [80, 18, 2]);
  const promisedMs = placedMs + (isDelivery ? PROMISE_DELIVERY_MS : PROMISE_PICKUP_MS);
  // Version 2 fields come from their own stream, so switching versions leaves every other draw as it was.
  const isV2 = (atMs: number): boolean => day.v2FromMs !== null && atMs >= day.v2FromMs;
  const v2 = isV2(placedMs) ? versionTwoFields(day, orderNumber, isDelivery, channel, subtotal - discount) : null;

  const events: Timed<OnlineOrderEvent>[] = [];
  const deliveryEvents: Timed<DeliveryEvent>[] = [];
  let seq = 0;
  const envelope = (atMs: number) => ({
    schema_version: isV2(atMs) ? (2 as const) : (1 as const),
    event_id: `${orderId}-e${++seq}`,
    event_time: iso(atMs),
    merchant_id: store.merchant_id,
    store_id: store.store_id,
    order_id: orderId,
    channel,
  });
  events.push({
    atMs: placedMs,
    event: {
      ...envelope(placedMs),
      event_type: 'order.placed',
      fulfilment: isDelivery ? 'delivery' : 'pickup',
      currency: CURRENCY,
      promised_at: iso(promisedMs),
      lines,
      totals: { subtotal_cents: subtotal, discount_cents: discount, tax_cents: tax, delivery_fee_cents: fee, tip_cents: tip, total_cents: subtotal - discount + tax + fee + tip },
      payment: { method, status: method === 'card' ? 'authorized' : 'captured' },
      customer: who.contact,
      delivery_address: isDelivery ? who.address : null,
      ...v2,
    },
  });
  const status = (atMs: number, s: 'accepted' | 'ready' | 'out_for_delivery' | 'completed'): void => {
    events.push({ atMs, event: { ...envelope(atMs), event_type: 'order.updated', status: s } });
  };
  const cancel = (atMs: number, reason: (typeof CANCEL_REASONS)[number]): void => {
    events.push({ atMs, event: { ...envelope(atMs), event_type: 'order.cancelled', cancel_reason: reason } });
  };

  // Delivery side: the provider is asked when the order is placed.
  const provider: Provider = rng.weighted(DELIVERY_PROVIDERS, day.profile.providerWeights);
  const pp = PROVIDERS[provider];
  const deliveryId = `${pp.prefix}-${store.store_id}-${pad(orderNumber, 6)}`;
  const courierId = `${pp.prefix.toLowerCase()}-c${pad(rng.int(1, 5000), 4)}`;
  let wseq = 0;
  const webhook = (atMs: number, s: DeliveryEvent['status'], estimateMs: number | null, failure: DeliveryEvent['failure_reason'] = null): void => {
    deliveryEvents.push({
      atMs,
      event: {
        schema_version: 1,
        event_id: `${deliveryId}-w${++wseq}`,
        event_time: iso(atMs),
        merchant_id: store.merchant_id,
        store_id: store.store_id,
        order_id: orderId,
        provider,
        delivery_id: deliveryId,
        status: s,
        fee_cents: pp.feeCents,
        currency: CURRENCY,
        courier_id: courierId,
        estimated_dropoff_at: estimateMs === null ? null : iso(estimateMs),
        failure_reason: failure,
      },
    });
  };

  const acceptedMs = placedMs + minutes(rng, 1, 3);
  const assignedMs = placedMs + minutes(rng, 2, 8);
  const firstEstimateMs = placedMs + minutes(rng, 32, 46);
  const cancelled = rng.chance(CANCEL_RATE);
  let made = true;
  let refunded = false;
  let delivery: DeliveryOutcome | null = null;

  if (cancelled) {
    made = false;
    const cancelMs = isDelivery ? assignedMs + minutes(rng, 0.5, 5) : placedMs + minutes(rng, 1, 6);
    if (acceptedMs < cancelMs) status(acceptedMs, 'accepted');
    cancel(cancelMs, rng.weighted(['customer_request', 'payment_failed', 'out_of_stock', 'store_closed'] as const, [60, 20, 12, 8]));
    if (isDelivery) {
      webhook(assignedMs, 'assigned', firstEstimateMs);
      webhook(cancelMs + Math.floor(rng.uniform(10, 90) * 1000), 'cancelled', null);
      delivery = { provider, assignedMs, status: 'cancelled', deliveredMs: null, promisedMs };
    }
  } else {
    status(acceptedMs, 'accepted');
    const readyMs = acceptedMs + minutes(rng, 12, 25);
    status(readyMs, 'ready');
    let completedMs: number | null = null;
    if (!isDelivery) {
      completedMs = readyMs + minutes(rng, 2, 20);
      status(completedMs, 'completed');
    } else {
      webhook(assignedMs, 'assigned', firstEstimateMs);
      const pickedUpMs = Math.max(readyMs, assignedMs) + minutes(rng, pp.pickup[0], pp.pickup[1]);
      const travelMs = minutes(rng, pp.travel[0], pp.travel[1]);
      const estimateMs = pickedUpMs + travelMs + minutes(rng, -4, 4);
      webhook(pickedUpMs, 'picked_up', estimateMs);
      status(pickedUpMs + Math.floor(rng.uniform(5, 40) * 1000), 'out_for_delivery');
      if (rng.chance(pp.failureRate)) {
        const failedMs = pickedUpMs + minutes(rng, 15, 40);
        webhook(failedMs, 'failed', estimateMs, rng.pick(DELIVERY_FAILURE_REASONS));
        // The food was made; the order is cancelled and not a sale.
        cancel(failedMs + minutes(rng, 1, 5), 'delivery_failed');
        delivery = { provider, assignedMs, status: 'failed', deliveredMs: null, promisedMs };
      } else {
        const deliveredMs = pickedUpMs + travelMs;
        webhook(deliveredMs, 'delivered', estimateMs);
        completedMs = deliveredMs + Math.floor(rng.uniform(5, 60) * 1000);
        status(completedMs, 'completed');
        delivery = { provider, assignedMs, status: 'delivered', deliveredMs, promisedMs };
      }
    }
    if (completedMs !== null && rng.chance(REFUND_RATE)) {
      refunded = true;
      const refundMs = completedMs + minutes(rng, 30, 240);
      const placed = events[0]!.event;
      const total = placed.event_type === 'order.placed' ? placed.totals.total_cents : 0;
      events.push({
        atMs: refundMs,
        event: { ...envelope(refundMs), event_type: 'order.refunded', refund_cents: Math.max(1, total), refund_reason: rng.weighted(['quality', 'late', 'wrong_order', 'goodwill'] as const, [40, 25, 20, 15]) },
      });
    }
  }
  const failed = delivery?.status === 'failed';
  return {
    orderId,
    placedMs,
    channel,
    made,
    counted: !cancelled && !failed && !refunded,
    cancelled: cancelled || failed,
    refunded,
    lines: sold,
    serviceFeeCents: v2 ? v2.service_fee_cents : null,
    events,
    deliveryEvents,
    delivery,
  };
}

/**
 * What a schema_version 2 order.placed adds: the platform's service fee (SERVICE_FEE_BPS of net
 * sales, half away from zero; 0 on the web) and, on some delivery orders, a note for the courier.
 */
function versionTwoFields(day: StoreDay, orderNumber: number, isDelivery: boolean, channel: OnlineOrder['channel'], netCents: number): { service_fee_cents: number; delivery_note?: string } {
  const service_fee_cents = Number(roundHalfAwayFromZero(BigInt(netCents * SERVICE_FEE_BPS[channel]), 10_000n));
  const notes = createPrng(day.seed, 'delivery-note', day.profile.index, orderNumber);
  return isDelivery && notes.chance(0.4) ? { service_fee_cents, delivery_note: notes.pick(DELIVERY_NOTES) } : { service_fee_cents };
}

function payments(rng: Prng, total: number): PosTransaction['payments'] {
  if (total > 1000 && rng.chance(0.04)) {
    const cash = Math.min(total - 1, rng.int(1, Math.floor(total / 1000)) * 1000);
    return [
      { method: 'cash', amount_cents: cash },
      { method: 'card', amount_cents: total - cash },
    ];
  }
  return [{ method: rng.weighted(['card', 'cash', 'wallet', 'voucher'] as const, [64, 28, 7, 1]), amount_cents: total }];
}

export function buildPosSale(day: StoreDay, rng: Prng, nextTransactionNumber: () => number, placedMs: number): PosSale {
  const { store } = day.profile;
  const register = `r${rng.int(1, day.profile.registers)}`;
  const { lines, sold } = buildLines(rng, day.assortment, false);
  const { subtotal, discount, tax } = amounts(sold, day.profile.taxBps);
  const transactionId = `t${pad(nextTransactionNumber(), 7)}`;
  const total = subtotal - discount + tax;
  const base = {
    schema_version: 1 as const,
    merchant_id: store.merchant_id,
    store_id: store.store_id,
    register_id: register,
    currency: CURRENCY,
  };
  const sale: PosTransaction = {
    ...base,
    event_id: `pos-${store.store_id}-${transactionId}`,
    event_time: iso(placedMs),
    transaction_id: transactionId,
    transaction_type: 'sale',
    original_transaction_id: null,
    lines,
    totals: { subtotal_cents: subtotal, discount_cents: discount, tax_cents: tax, total_cents: total },
    payments: payments(rng, total),
  };
  const lastMs = day.closeMs - 1000;
  const voidMs = Math.max(placedMs + 1000, Math.min(placedMs + minutes(rng, 1, 5), lastMs));
  const refundFromMs = placedMs + 30 * MINUTE_MS;
  const refundMs = refundFromMs + Math.floor(rng.next() * Math.max(0, lastMs - refundFromMs));
  const voided = rng.chance(VOID_RATE) && voidMs < day.closeMs && voidMs < day.rangeEndMs;
  const refunded = !voided && rng.chance(POS_REFUND_RATE) && refundFromMs < lastMs && refundMs < day.rangeEndMs;
  let reversal: Timed<PosTransaction> | null = null;
  if (voided || refunded) {
    const atMs = voided ? voidMs : refundMs;
    const id = `t${pad(nextTransactionNumber(), 7)}`;
    reversal = {
      atMs,
      event: {
        ...base,
        event_id: `pos-${store.store_id}-${id}`,
        event_time: iso(atMs),
        transaction_id: id,
        transaction_type: voided ? 'void' : 'refund',
        original_transaction_id: transactionId,
        lines: [],
        totals: { ...sale.totals },
        payments: sale.payments.map((p) => ({ ...p })),
      },
    };
  }
  return { placedMs, sale, lines: sold, made: !voided, counted: !voided && !refunded, voided, refunded, reversal };
}
