// Live counters: what one online order event adds to its store's counters for a UTC hour, and the
// serving store's key layout. Pure (no I/O): ingest applies an effect through the serving store
// (live-store.ts) after the raw write succeeded; the metrics API reads the current hour back.
//
// The counting rule follows docs/transform.md ("Counting rules") as far as a live figure can: an
// online order counts in the UTC hour it was placed (event_time of `order.placed`), with its units
// (sum of quantities) and net sales (quantity × unit price − discount, per line); a cancellation or a
// refund takes the order back out while its hour is still live. Updates (status changes) add
// nothing. POS sales arrive in files: the POS loader counts each loaded transaction the same way
// (posLiveEffect) once its load job succeeded, a sale in the UTC hour it was rung, a void or refund
// taking its sale back out, idempotent by the transaction's event id.

/** Hours a live hour stays in the store after it ends (then its keys expire). */
export const LIVE_RETENTION_HOURS = 2;
/** Events further ahead of the clock than this are not counted (a client's clock gone wrong). */
export const LIVE_MAX_FUTURE_MS = 5 * 60_000;

const HOUR_MS = 3_600_000;

/** What an event does to the live counters; `expireAtSeconds` is when every key it writes expires. */
export type LiveEffect =
  | {
      kind: 'place';
      merchantId: string;
      storeId: string;
      eventId: string;
      orderId: string;
      /** Start of the UTC hour the order was placed in. */
      hourStartMs: number;
      delta: LiveDelta;
      expireAtSeconds: number;
    }
  | { kind: 'void'; merchantId: string; eventId: string; orderId: string; expireAtSeconds: number };

export interface LiveDelta {
  orders: number;
  units: number;
  netSalesCents: number;
}

/** One store's counters for one hour, as the API serves them. */
export interface LiveStoreCounters {
  store_id: string;
  hour_at: string;
  orders: number;
  units: number;
  net_sales_cents: number;
}

export const hourStart = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** `yyyymmddhh` of the UTC hour starting at `hourStartMs`. */
export function hourTag(hourStartMs: number): string {
  return new Date(hourStartMs).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

/** When the keys of an hour expire: the end of the hour plus the retention. */
export const expireAtSeconds = (hourStartMs: number): number => Math.floor((hourStartMs + HOUR_MS * (1 + LIVE_RETENTION_HOURS)) / 1000);

// Every key of a merchant carries the merchant as a hash tag ({m0001}), so one script touches one
// hash slot (a clustered store keeps a merchant's keys together).
const tag = (merchantId: string): string => `live:{${merchantId}}`;

export const liveKeys = {
  /** Set once per event (SET NX): a redelivered message finds it and counts nothing. */
  seen: (merchantId: string, eventId: string): string => `${tag(merchantId)}:seen:${eventId}`,
  /** An order's contribution (hour hash key, units, net sales), so a cancellation can take it back. */
  order: (merchantId: string, orderId: string): string => `${tag(merchantId)}:order:${orderId}`,
  /** Set when an order is cancelled or refunded: it is taken out once, and a late `placed` adds nothing. */
  voided: (merchantId: string, orderId: string): string => `${tag(merchantId)}:void:${orderId}`,
  /** The hash of one store's counters for one hour: fields orders, units, net_sales_cents. */
  hour: (merchantId: string, storeId: string, hourStartMs: number): string => `${tag(merchantId)}:${storeId}:${hourTag(hourStartMs)}`,
  /** The set of a merchant's stores with counters in one hour (read without scanning the keyspace). */
  stores: (merchantId: string, hourStartMs: number): string => `${tag(merchantId)}:${hourTag(hourStartMs)}:stores`,
};

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function timeMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Units and net sales of an order's lines (net = quantity × unit price − line discount). */
export function orderDelta(lines: unknown): LiveDelta {
  let units = 0;
  let netSalesCents = 0;
  for (const line of Array.isArray(lines) ? lines : []) {
    if (!line || typeof line !== 'object') continue;
    const l = line as Record<string, unknown>;
    const quantity = num(l.quantity);
    units += quantity;
    netSalesCents += quantity * num(l.unit_price_cents) - num(l.discount_cents);
  }
  return { orders: 1, units, netSalesCents };
}

/**
 * The effect of one validated online order event (a raw row: event_time as a Date or an RFC 3339
 * string), or undefined when it counts nothing: an update, an event whose hour is no longer live,
 * one from the future, or one missing its ids.
 */
export function liveEffect(row: Readonly<Record<string, unknown>>, nowMs: number): LiveEffect | undefined {
  const merchantId = str(row.merchant_id);
  const eventId = str(row.event_id);
  const orderId = str(row.order_id);
  const at = timeMs(row.event_time);
  if (!merchantId || !eventId || !orderId || at === undefined) return undefined;
  const hour = hourStart(at);
  const expireAt = expireAtSeconds(hour);
  if (expireAt * 1000 <= nowMs || at > nowMs + LIVE_MAX_FUTURE_MS) return undefined;
  switch (row.event_type) {
    case 'order.placed': {
      const storeId = str(row.store_id);
      if (!storeId) return undefined;
      return { kind: 'place', merchantId, storeId, eventId, orderId, hourStartMs: hour, delta: orderDelta(row.lines), expireAtSeconds: expireAt };
    }
    case 'order.cancelled':
    case 'order.refunded':
      // The order was placed no later than this event, so its keys expire no later than these.
      return { kind: 'void', merchantId, eventId, orderId, expireAtSeconds: expireAt };
    default:
      return undefined;
  }
}

/**
 * The order id a POS transaction's sale stands under in the live counters: transaction ids are unique
 * within a store, and the prefix keeps them apart from online order ids.
 */
export const posOrderId = (storeId: string, transactionId: string): string => `pos/${storeId}/${transactionId}`;

/**
 * The effect of one loaded POS transaction (a raw.pos_transactions row as the loader stages it), or
 * undefined when it counts nothing: its hour is no longer live, it is from the future, or it misses
 * its ids. A sale counts as an order with its lines; a void or a refund takes back the sale it names.
 */
export function posLiveEffect(row: Readonly<Record<string, unknown>>, nowMs: number): LiveEffect | undefined {
  const storeId = str(row.store_id);
  const transactionId = str(row.transaction_id);
  const eventId = str(row.event_id);
  if (!storeId || !transactionId || !eventId) return undefined;
  // POS event ids are the stores' own: prefixed, they never meet an online event's id in the seen keys.
  row = { ...row, event_id: `pos/${eventId}` };
  switch (row.transaction_type) {
    case 'sale':
      return liveEffect({ ...row, event_type: 'order.placed', order_id: posOrderId(storeId, transactionId) }, nowMs);
    case 'void':
    case 'refund': {
      const original = str(row.original_transaction_id);
      return original ? liveEffect({ ...row, event_type: 'order.cancelled', order_id: posOrderId(storeId, original) }, nowMs) : undefined;
    }
    default:
      return undefined;
  }
}

/** A store's hour hash as the API serves it (missing fields are 0). */
export function countersOf(storeId: string, hourStartMs: number, hash: Readonly<Record<string, string>>): LiveStoreCounters {
  return { store_id: storeId, hour_at: new Date(hourStartMs).toISOString(), orders: num(hash.orders), units: num(hash.units), net_sales_cents: num(hash.net_sales_cents) };
}
