// The collector's request handling without I/O: authenticate, bound, parse and validate a batch,
// then hand the messages to an injected publisher and answer only after it accepted them all.
import { fastValidator, type FastValidator } from '../../contracts/fast-validator';
import { TOPICS } from '../../contracts/catalog/platform';
import { API_KEY_HEADER, type KeyRing } from '../runtime/api-keys';
import { MAX_EVENTS_PER_BATCH, SIGNATURE_HEADER, TIMESTAMP_HEADER, type EventError } from '../../contracts/collector-protocol';
import { type ReplayCache, verifyWebhookSignature } from './signature';

/** Below Cloud Run functions' 32 MB request limit and Pub/Sub's 10 MB per publish request. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface CollectorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

export interface CollectorResponse {
  status: number;
  body: Record<string, unknown>;
}

/** One Pub/Sub message as the collector publishes it. */
export interface OutboundMessage {
  data: Buffer;
  orderingKey: string;
  attributes: { event_type: string; schema_version: string; source: string };
}

export interface Publisher {
  /** Resolves once Pub/Sub accepted every message (ids in order); rejects if any failed. */
  publish(topic: string, messages: OutboundMessage[]): Promise<string[]>;
}

export interface CollectorDeps {
  apiKeys: KeyRing;
  /** provider → webhook secret. */
  webhookSecrets: Readonly<Record<string, string>>;
  publisher: Publisher;
  replayCache: ReplayCache;
  now?: () => number;
  toleranceSeconds?: number;
  maxBodyBytes?: number;
  /** Called with failures the caller never sees in detail (publishing errors). */
  onError?: (err: unknown, context: Record<string, unknown>) => void;
}

export type CollectorHandler = (req: CollectorRequest) => Promise<CollectorResponse>;

const WEBHOOK_PATH = /^\/v1\/providers\/([a-z0-9_-]{1,64})\/webhooks\/?$/;
const ORDERS_PATH = /^\/v1\/orders\/events\/?$/;

export function createCollectorHandler(deps: CollectorDeps): CollectorHandler {
  const now = deps.now ?? Date.now;
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const validateOrder = fastValidator('online-order');
  const validateDelivery = fastValidator('delivery');

  const publish = async (topic: string, messages: OutboundMessage[], ids: string[], context: Record<string, unknown>): Promise<CollectorResponse> => {
    try {
      await deps.publisher.publish(topic, messages);
    } catch (err) {
      deps.onError?.(err, { topic, events: ids.length, ...context });
      return { status: 503, body: { error: 'unavailable', message: 'events could not be queued; retry the whole request' } };
    }
    return { status: 202, body: { accepted: ids } };
  };

  const orders = async (req: CollectorRequest): Promise<CollectorResponse> => {
    const client = deps.apiKeys.ownerOf(req.headers[API_KEY_HEADER]);
    if (!client) return { status: 401, body: { error: 'unauthenticated', message: `missing or unknown ${API_KEY_HEADER}` } };
    const parsed = parseJsonBody(req.body);
    if (!parsed.ok) return badRequest(parsed.reason);
    const events = Array.isArray(parsed.value) ? parsed.value : (parsed.value as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length === 0) return badRequest('expected {"events": [ ... ]} with at least one event');
    if (events.length > MAX_EVENTS_PER_BATCH) return tooLarge(`at most ${MAX_EVENTS_PER_BATCH} events per request, got ${events.length}`);
    const batch = validateBatch(events, validateOrder, `client:${client}`, (e) => String(e.event_type));
    if (!batch.ok) return { status: 400, body: { error: 'invalid_events', errors: batch.errors } };
    return publish(TOPICS.onlineOrders, batch.messages, batch.ids, { client });
  };

  const webhook = async (req: CollectorRequest, provider: string): Promise<CollectorResponse> => {
    const secret = Object.prototype.hasOwnProperty.call(deps.webhookSecrets, provider) ? deps.webhookSecrets[provider] : undefined;
    if (!secret) return { status: 401, body: { error: 'unauthenticated', message: 'unknown provider' } };
    const nowMs = now();
    const verdict = verifyWebhookSignature({
      secret,
      timestamp: req.headers[TIMESTAMP_HEADER],
      signature: req.headers[SIGNATURE_HEADER],
      body: req.body,
      nowMs,
      toleranceSeconds: deps.toleranceSeconds,
    });
    if (!verdict.ok) return { status: 401, body: { error: 'unauthenticated', message: verdict.reason } };
    const replayKey = `${provider}:${verdict.signature}`;
    if (!deps.replayCache.reserve(replayKey, nowMs)) return { status: 401, body: { error: 'unauthenticated', message: 'signature already used' } };
    let kept = false;
    try {
      const parsed = parseJsonBody(req.body);
      if (!parsed.ok) return badRequest(parsed.reason);
      const events = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
      if (events.length > MAX_EVENTS_PER_BATCH) return tooLarge(`at most ${MAX_EVENTS_PER_BATCH} events per request, got ${events.length}`);
      const batch = validateBatch(events, validateDelivery, `provider:${provider}`, (e) => `delivery.${String(e.status)}`, provider);
      if (!batch.ok) return { status: 400, body: { error: 'invalid_events', errors: batch.errors } };
      const response = await publish(TOPICS.deliveryEvents, batch.messages, batch.ids, { provider });
      kept = response.status === 202;
      return response;
    } finally {
      // Only an accepted delivery burns its signature: a refused or failed one may be retried as is.
      if (!kept) deps.replayCache.release(replayKey);
    }
  };

  return async (req) => {
    if (req.body.length > maxBodyBytes) return tooLarge(`request body over ${maxBodyBytes} bytes`);
    const webhookMatch = WEBHOOK_PATH.exec(req.path);
    if (!webhookMatch && !ORDERS_PATH.test(req.path)) return { status: 404, body: { error: 'not_found' } };
    if (req.method !== 'POST') return { status: 405, body: { error: 'method_not_allowed' } };
    return webhookMatch ? webhook(req, webhookMatch[1]!) : orders(req);
  };
}

type Batch = { ok: true; messages: OutboundMessage[]; ids: string[] } | { ok: false; errors: EventError[] };

/** All or nothing: one invalid event refuses the request, so a client never has to work out which half was taken. */
function validateBatch(events: unknown[], validate: FastValidator, source: string, eventType: (e: Record<string, unknown>) => string, provider?: string): Batch {
  const errors: EventError[] = [];
  const messages: OutboundMessage[] = [];
  const ids: string[] = [];
  events.forEach((event, index) => {
    const record = event !== null && typeof event === 'object' && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
    const eventId = typeof record?.event_id === 'string' ? record.event_id : null;
    const verdict = validate(event);
    if (!verdict.ok) {
      errors.push({ index, event_id: eventId, field_path: verdict.path, reason: verdict.reason });
      return;
    }
    const e = record!;
    if (provider !== undefined && e.provider !== provider) {
      errors.push({ index, event_id: eventId, field_path: 'provider', reason: `provider: ${String(e.provider)} does not match the webhook URL's ${provider}` });
      return;
    }
    ids.push(String(e.event_id));
    messages.push({
      data: Buffer.from(JSON.stringify(e)),
      orderingKey: String(e.order_id),
      attributes: { event_type: eventType(e), schema_version: String(e.schema_version), source },
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, messages, ids };
}

function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, reason: 'the body is not valid JSON' };
  }
}

function badRequest(message: string): CollectorResponse {
  return { status: 400, body: { error: 'bad_request', message } };
}

function tooLarge(message: string): CollectorResponse {
  return { status: 413, body: { error: 'too_large', message } };
}
