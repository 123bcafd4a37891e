// Webhooks from third-party delivery providers: one event per status change of a delivery.
import { z } from 'zod';
import { cents, currency, eventEnvelope, identifier, orderId, timestamp } from './common';
import { reportTo, type ConsistencyIssue } from './consistency';

export const DELIVERY_PROVIDERS = ['dashdrop', 'roadrunner', 'pedalpost'] as const;
export const DELIVERY_STATUSES = ['assigned', 'picked_up', 'delivered', 'failed', 'cancelled'] as const;
export const DELIVERY_FAILURE_REASONS = ['customer_unreachable', 'address_not_found', 'courier_incident', 'store_delay'] as const;

export const deliveryEventShape = z.strictObject({
  ...eventEnvelope,
  order_id: orderId,
  provider: z.enum(DELIVERY_PROVIDERS).describe('Delivery provider that sent the webhook'),
  delivery_id: identifier("Provider's delivery id"),
  status: z.enum(DELIVERY_STATUSES).describe('Delivery status after this event'),
  fee_cents: cents('Fee the provider charges the store for the delivery'),
  currency,
  courier_id: identifier('Courier, as the provider names them').nullable(),
  estimated_dropoff_at: timestamp("Provider's estimate of the drop-off time").nullable(),
  failure_reason: z.enum(DELIVERY_FAILURE_REASONS).nullable().describe('Why a delivery failed; set only when status is failed'),
});

export function deliveryConsistency(event: z.infer<typeof deliveryEventShape>): ConsistencyIssue[] {
  if (event.status === 'failed' && event.failure_reason === null) {
    return [{ path: ['failure_reason'], message: 'a failed delivery needs a failure_reason' }];
  }
  if (event.status !== 'failed' && event.failure_reason !== null) {
    return [{ path: ['failure_reason'], message: `failure_reason is only allowed when status is failed, not ${event.status}` }];
  }
  return [];
}

export const deliveryEvent = deliveryEventShape.superRefine((event, ctx) => reportTo(ctx, deliveryConsistency(event), event));
export type DeliveryEvent = z.infer<typeof deliveryEventShape>;
