// Decodes what Pub/Sub hands the ingest function: a push request body
// (`{message:{data,attributes,messageId,publishTime,…},subscription,deliveryAttempt?}`) or the data
// of a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent, which has the same shape.
import { PermanentError } from '../runtime/errors';

export interface PushedMessage {
  messageId: string;
  /** RFC 3339. */
  publishTime: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string | null;
  /** Full subscription path, or null when the trigger did not name it. */
  subscription: string | null;
  /** Null without a dead-letter policy (Pub/Sub then sends none). */
  deliveryAttempt: number | null;
}

/** The request is not a Pub/Sub delivery at all: nothing to record, answer 400. */
export class PushFormatError extends PermanentError {}

export function decodePushBody(body: unknown): PushedMessage {
  if (body === null || typeof body !== 'object') throw new PushFormatError('expected a Pub/Sub push body (JSON object)');
  const b = body as { message?: unknown; subscription?: unknown; deliveryAttempt?: unknown };
  const m = b.message as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') throw new PushFormatError('push body has no message');
  const messageId = str(m.messageId) ?? str(m.message_id);
  if (!messageId) throw new PushFormatError('push message has no messageId');
  const publishTime = str(m.publishTime) ?? str(m.publish_time);
  if (!publishTime || Number.isNaN(Date.parse(publishTime))) throw new PushFormatError('push message has no valid publishTime');
  const data = m.data === undefined || m.data === null ? '' : m.data;
  if (typeof data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)) throw new PushFormatError('push message data is not base64');
  const attributes: Record<string, string> = {};
  if (m.attributes !== undefined && m.attributes !== null) {
    if (typeof m.attributes !== 'object') throw new PushFormatError('push message attributes are not an object');
    for (const [k, v] of Object.entries(m.attributes as Record<string, unknown>)) if (typeof v === 'string') attributes[k] = v;
  }
  const attempt = b.deliveryAttempt ?? (b as { delivery_attempt?: unknown }).delivery_attempt;
  return {
    messageId,
    publishTime,
    data: Buffer.from(data, 'base64'),
    attributes,
    orderingKey: str(m.orderingKey) ?? str(m.ordering_key) ?? null,
    subscription: str(b.subscription) ?? null,
    deliveryAttempt: typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 0 ? attempt : null,
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `online-orders` from `//pubsub.googleapis.com/projects/P/topics/online-orders` (a CloudEvent source). */
export function topicFromCloudEventSource(source: string | undefined): string | undefined {
  return source ? /\/topics\/([^/]+)$/.exec(source)?.[1] : undefined;
}

/** `online-orders-ingest` from `projects/P/subscriptions/online-orders-ingest`. */
export function shortSubscription(path: string | null): string | undefined {
  return path ? /([^/]+)$/.exec(path)?.[1] : undefined;
}
