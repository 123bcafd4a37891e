// Online order events from the web, the app and aggregators: one order emits placed, then updates,
// and perhaps a cancellation or a refund. Published to Pub/Sub with the order id as ordering key.
import { z } from 'zod';
import { cents, currency, eventEnvelope, identifier, orderId, orderLine, paymentMethod, PII_META, piiString, timestamp } from './common';
import { checkOrderTotals, reportTo, type ConsistencyIssue } from './consistency';

export const ONLINE_ORDER_EVENT_TYPES = ['order.placed', 'order.updated', 'order.cancelled', 'order.refunded'] as const;
export const ORDER_STATUSES = ['accepted', 'preparing', 'ready', 'out_for_delivery', 'completed'] as const;
export const CANCEL_REASONS = ['customer_request', 'store_closed', 'payment_failed', 'out_of_stock', 'delivery_failed'] as const;

const envelope = {
  ...eventEnvelope,
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
