// Online order events from the web, the app and aggregators: one order emits placed, then updates,
// and perhaps a cancellation or a refund. Published to Pub/Sub with the order id as ordering key.
import { z } from 'zod';
import { cents, currency, eventEnvelope, identifier, orderId, orderLine, paymentMethod, PII_META, piiString, timestamp } from './common';
import { checkOrderTotals, reportTo, type ConsistencyIssue } from './consistency';

export const ONLINE_ORDER_EVENT_TYPES = ['order.placed', 'order.updated', 'order.cancelled', 'order.refunded'] as const;
export const ORDER_STATUSES = ['accepted', 'preparing', 'ready', 'out_for_delivery', 'completed'] as const;
export const CANCEL_REASONS = ['customer_request', 'store_closed', 'payment_failed', 'out_of_stock', 'delivery_failed'] as const;

/**
 * The versions of this contract accepted side by side. Version 2 adds optional fields to
 * `order.placed` (`delivery_note`, `service_fee_cents`) and keeps every version 1 field, so both land
 * in the one raw table (the new columns NULLABLE, NULL for version 1). See docs/contracts.md.
 */
export const ONLINE_ORDER_SCHEMA_VERSIONS = [1, 2] as const;
export type OnlineOrderSchemaVersion = (typeof ONLINE_ORDER_SCHEMA_VERSIONS)[number];
/** Fields version 2 added; a version 1 event carrying one is refused (it would be a v2 event mislabelled). */
export const ONLINE_ORDER_V2_FIELDS = ['delivery_note', 'service_fee_cents'] as const;

const envelope = {
  ...eventEnvelope,
  schema_version: z.literal(ONLINE_ORDER_SCHEMA_VERSIONS).describe('Contract version of this record: 1, or 2 (order.placed may carry delivery_note and service_fee_cents)'),
  order_id: orderId,
  channel: z.enum(['web', 'app', 'aggregator']).describe('Online channel the order came through'),
};

export const orderTotals = z.strictObject({
  subtotal_cents: cents('Sum of quantity x unit price over the lines'),
  discount_cents: cents('Sum of line discounts'),
  tax_cents: cents('Sales tax'),
  delivery_fee_cents: cents('Delivery fee charged to the customer'),
  tip_cents: cents('Tip'),
  total_cents: cents('Amount charged: subtotal - discount + tax + delivery fee + tip'),
});

export const customerContact = z.strictObject({
  customer_id: identifier('Customer account id'),
  // PII fields take the plain value (from a client) or its pseudonym token (what the collector
  // publishes); ingest accepts only tokens (functions/ingest/decision.ts). A token fits name's and
  // line1's 1-200 characters as it is; e-mail and phone accept it through piiString's pattern.
  name: z.string().min(1).max(200).meta(PII_META).describe('Customer name (PII, pseudonymised by the collector)'),
  email: piiString(z.regexes.email, 'expected an e-mail address').max(320).describe('Customer e-mail (PII, pseudonymised by the collector)'),
  phone: piiString(/^\+?[0-9 ()-]{6,20}$/, 'expected a phone number').describe('Customer phone (PII, pseudonymised by the collector)'),
});

export const deliveryAddress = z.strictObject({
  line1: z.string().min(1).max(200).meta(PII_META).describe('Street address (PII, pseudonymised by the collector)'),
  postal_code: z.string().min(2).max(12).describe('Postal code, kept for delivery-zone analysis'),
  city: z.string().min(1).max(100).describe('City'),
});

export const orderPlaced = z.strictObject({
  ...envelope,
  event_type: z.literal('order.placed'),
  fulfilment: z.enum(['pickup', 'delivery']).describe('How the order reaches the customer'),
  currency,
  promised_at: timestamp('Time promised to the customer for pick-up or delivery'),
  lines: z.array(orderLine).min(1).max(200).describe('Order lines'),
  totals: orderTotals,
  payment: z.strictObject({
    method: paymentMethod,
    status: z.enum(['authorized', 'captured']).describe('Payment state when the order was placed'),
  }),
  customer: customerContact,
  delivery_address: deliveryAddress.nullable().describe('Delivery address; null for pick-up'),
  // Version 2 (optional, so version 1 events stay valid and the raw columns are NULLABLE).
  delivery_note: z.string().min(1).max(500).meta(PII_META).optional().describe('Free-text note from the customer for the store or the courier (schema_version 2; PII, pseudonymised by the collector)'),
  service_fee_cents: cents('Service fee the ordering platform charges the store for this order (schema_version 2); not part of total_cents').optional(),
});

export const orderUpdated = z.strictObject({
  ...envelope,
  event_type: z.literal('order.updated'),
  status: z.enum(ORDER_STATUSES).describe('New status of the order'),
});

export const orderCancelled = z.strictObject({
  ...envelope,
  event_type: z.literal('order.cancelled'),
  cancel_reason: z.enum(CANCEL_REASONS).describe('Why the order was cancelled'),
});

export const orderRefunded = z.strictObject({
  ...envelope,
  event_type: z.literal('order.refunded'),
  refund_cents: cents('Amount refunded').min(1),
  refund_reason: z.enum(['quality', 'late', 'wrong_order', 'goodwill']).describe('Why the order was refunded'),
});

/** Rules across fields of an online order event. */
export function onlineOrderConsistency(event: z.infer<typeof onlineOrderEventShape>): ConsistencyIssue[] {
  if (event.event_type !== 'order.placed') return [];
  const issues = checkOrderTotals(event.lines, event.totals);
  if (event.schema_version === 1) {
    for (const field of ONLINE_ORDER_V2_FIELDS) {
      if (event[field] !== undefined) issues.push({ path: [field], message: `${field} is a schema_version 2 field; send it with schema_version 2` });
    }
  }
  if (event.fulfilment === 'delivery' && event.delivery_address === null) {
    issues.push({ path: ['delivery_address'], message: 'a delivery order needs a delivery address' });
  }
  if (event.fulfilment === 'pickup' && event.totals.delivery_fee_cents !== 0) {
    issues.push({ path: ['totals', 'delivery_fee_cents'], message: 'a pick-up order has no delivery fee' });
  }
  return issues;
}

/** The union without cross-field rules: the shape the JSON schema (and BigQuery schema) is made of. */
export const onlineOrderEventShape = z.discriminatedUnion('event_type', [orderPlaced, orderUpdated, orderCancelled, orderRefunded]);

export const onlineOrderEvent = onlineOrderEventShape.superRefine((event, ctx) =>
  reportTo(ctx, onlineOrderConsistency(event), event),
);

export type OnlineOrderEvent = z.infer<typeof onlineOrderEventShape>;
export type OrderPlaced = z.infer<typeof orderPlaced>;
