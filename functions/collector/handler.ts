// The collector's request handling without I/O: authenticate, bound, parse and validate a batch,
// pseudonymise its PII, then hand the messages to an injected publisher and answer only after it
// accepted them all. No plain personal data leaves the collector: Pub/Sub, its dead letters and
// raw.rejected_events hold pseudonym tokens only.
import { piiPaths } from '../../contracts/bigquery-schema';
import { deliveryEvent } from '../../contracts/delivery';
import { fastValidator, type FastValidator } from '../../contracts/fast-validator';
import { onlineOrderEvent } from '../../contracts/online-order';
import { pseudonymise, pseudonymiseInPlace } from '../../contracts/pii';
import { TOPICS } from '../../contracts/catalog/platform';
import { ACCEPTED_SCHEMA_VERSIONS, unsupportedSchemaVersion } from '../../contracts/schema-versions';
import { API_KEY_HEADER, type KeyRing } from '../runtime/api-keys';
import { type MerchantScope } from '../runtime/config';
import { MAX_EVENTS_PER_BATCH, SIGNATURE_HEADER, TIMESTAMP_HEADER, type EventError } from '../../contracts/collector-protocol';
import { DEFAULT_TOLERANCE_SECONDS, type ReplayCache, verifyWebhookSignature } from './signature';
import { type BodyRead } from './body';

/** Below Cloud Run functions' 32 MB request limit and Pub/Sub's 10 MB per publish request. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface CollectorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /**
   * The raw bytes, or a reader of at most `maxBytes` raw bytes: the handler calls it only once the
   * request passed every check the headers allow (route, method, credentials, encoding, length).
   */
  body: Buffer | ((maxBytes: number) => Promise<BodyRead>);
}

export interface CollectorResponse {
  status: number;
  body: Record<string, unknown>;
  /** The request body was left unread: answer with `Connection: close` rather than drain it. */
  unread?: boolean;
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

/** The stream an accepted event is published to, by its contract. */
export type CollectorStream = 'online-order' | 'delivery';

/**
 * Replaces the PII values of an accepted event (parsed from this request alone, so owned) with
 * their pseudonym tokens before it is serialised for Pub/Sub.
 */
export type Pseudonymiser = (event: Record<string, unknown>, stream: CollectorStream) => void;

const PII_PATHS: Record<CollectorStream, readonly string[]> = { 'online-order': piiPaths(onlineOrderEvent), delivery: piiPaths(deliveryEvent) };

/**
 * The collector's pseudonymiser: `contracts/pii.ts` under the PII key (the `pii-key` secret, the one
 * ingest always used), so tokens match those already in BigQuery. Throws PiiKeyError at once for a
 * key that is too short, rather than on the first event.
 */
export function piiPseudonymiser(piiKey: string): Pseudonymiser {
  pseudonymise('', piiKey);
  return (event, stream) => {
    const paths = PII_PATHS[stream];
    if (paths.length > 0) pseudonymiseInPlace(event, paths, piiKey);
  };
}

export interface CollectorDeps {
  apiKeys: KeyRing;
  /** Applied to every accepted event before publishing: `piiPseudonymiser(key)` in every deployment. */
  pseudonymise: Pseudonymiser;
  /**
   * client id → the merchants it may publish for. A client without an entry (or with an empty list)
   * is refused with 403 before its body is read. Without the map at all every client is unrestricted:
   * for tests and benchmarks only; the entry point always passes one (`collectorKeyBindings`).
   */
  merchantScopes?: Readonly<Record<string, MerchantScope>>;
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

  /** Whether the client's key names any merchant (the entry point refuses to start otherwise; this keeps the handler closed too). */
  const hasBinding = (client: string): boolean => {
    if (!deps.merchantScopes) return true;
    const scope = Object.prototype.hasOwnProperty.call(deps.merchantScopes, client) ? deps.merchantScopes[client] : undefined;
    return scope === '*' || (scope !== undefined && scope.length > 0);
  };

  const mayPublishFor = (client: string, merchant: unknown): boolean => {
    if (!deps.merchantScopes) return true;
    const scope = Object.prototype.hasOwnProperty.call(deps.merchantScopes, client) ? deps.merchantScopes[client] : undefined;
    if (scope === '*') return true;
    return typeof merchant === 'string' && scope !== undefined && scope.includes(merchant);
  };

  /** The headers alone: credentials, encoding and declared length, before a byte of the body is read. */
  const readBody = async (req: CollectorRequest): Promise<{ ok: true; body: Buffer } | { ok: false; response: CollectorResponse }> => {
    const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity') {
      return { ok: false, response: { status: 415, body: { error: 'unsupported_encoding', message: 'send the body uncompressed (Content-Encoding: identity)' }, unread: true } };
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > maxBodyBytes) return { ok: false, response: { ...tooLarge(`request body over ${maxBodyBytes} bytes`), unread: true } };
    if (Buffer.isBuffer(req.body)) {
      return req.body.length > maxBodyBytes ? { ok: false, response: tooLarge(`request body over ${maxBodyBytes} bytes`) } : { ok: true, body: req.body };
    }
    const read = await req.body(maxBodyBytes);
    if (read.ok) return read;
    if (read.reason === 'too_large') return { ok: false, response: { ...tooLarge(`request body over ${maxBodyBytes} bytes`), unread: true } };
    return { ok: false, response: { ...badRequest('the request body could not be read'), unread: true } };
  };

  const orders = async (req: CollectorRequest): Promise<CollectorResponse> => {
    const client = deps.apiKeys.ownerOf(req.headers[API_KEY_HEADER]);
    if (!client) return { status: 401, body: { error: 'unauthenticated', message: `missing or unknown ${API_KEY_HEADER}` }, unread: true };
    if (!hasBinding(client)) return { status: 403, body: { error: 'forbidden', field: 'merchant_id', message: 'this API key is bound to no merchant, so it may publish for none' }, unread: true };
    const read = await readBody(req);
    if (!read.ok) return read.response;
    const parsed = parseJsonBody(read.body);
    if (!parsed.ok) return badRequest(parsed.reason);
    const events = Array.isArray(parsed.value) ? parsed.value : (parsed.value as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length === 0) return badRequest('expected {"events": [ ... ]} with at least one event');
    if (events.length > MAX_EVENTS_PER_BATCH) return tooLarge(`at most ${MAX_EVENTS_PER_BATCH} events per request, got ${events.length}`);
    const batch = validateBatch(events, validateOrder, { stream: 'online-order', pseudonymise: deps.pseudonymise }, `client:${client}`, (e) => String(e.event_type));
    if (!batch.ok) return { status: 400, body: { error: 'invalid_events', errors: batch.errors } };
    // All or nothing again: one event for a merchant the key is not bound to refuses the request.
    const forbidden: EventError[] = [];
    batch.events.forEach((e, index) => {
      if (!mayPublishFor(client, e.merchant_id)) {
        forbidden.push({ index, event_id: String(e.event_id), field_path: 'merchant_id', reason: `merchant_id: this API key may not publish events for merchant ${String(e.merchant_id)}` });
      }
    });
    if (forbidden.length) return { status: 403, body: { error: 'forbidden', field: 'merchant_id', message: 'this API key may not publish for every merchant_id in the request', errors: forbidden } };
    return publish(TOPICS.onlineOrders, batch.messages, batch.ids, { client });
  };

  const webhook = async (req: CollectorRequest, provider: string): Promise<CollectorResponse> => {
    const secret = Object.prototype.hasOwnProperty.call(deps.webhookSecrets, provider) ? deps.webhookSecrets[provider] : undefined;
    if (!secret) return { status: 401, body: { error: 'unauthenticated', message: 'unknown provider' }, unread: true };
    const nowMs = now();
    // The MAC needs the body; everything else about the credentials is checked before reading it.
    const plausible = plausibleWebhookHeaders(req.headers[TIMESTAMP_HEADER], req.headers[SIGNATURE_HEADER], nowMs, deps.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    if (plausible !== undefined) return { status: 401, body: { error: 'unauthenticated', message: plausible }, unread: true };
    const read = await readBody(req);
    if (!read.ok) return read.response;
    const verdict = verifyWebhookSignature({
      secret,
      timestamp: req.headers[TIMESTAMP_HEADER],
      signature: req.headers[SIGNATURE_HEADER],
      body: read.body,
      nowMs,
      toleranceSeconds: deps.toleranceSeconds,
    });
    if (!verdict.ok) return { status: 401, body: { error: 'unauthenticated', message: verdict.reason } };
    const replayKey = `${provider}:${verdict.signature}`;
    if (!deps.replayCache.reserve(replayKey, nowMs)) return { status: 401, body: { error: 'unauthenticated', message: 'signature already used' } };
    let kept = false;
    try {
      const parsed = parseJsonBody(read.body);
      if (!parsed.ok) return badRequest(parsed.reason);
      const events = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
      if (events.length > MAX_EVENTS_PER_BATCH) return tooLarge(`at most ${MAX_EVENTS_PER_BATCH} events per request, got ${events.length}`);
      const batch = validateBatch(events, validateDelivery, { stream: 'delivery', pseudonymise: deps.pseudonymise }, `provider:${provider}`, (e) => `delivery.${String(e.status)}`, provider);
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
    const webhookMatch = WEBHOOK_PATH.exec(req.path);
    if (!webhookMatch && !ORDERS_PATH.test(req.path)) return { status: 404, body: { error: 'not_found' }, unread: true };
    if (req.method !== 'POST') return { status: 405, body: { error: 'method_not_allowed' }, unread: true };
    return webhookMatch ? webhook(req, webhookMatch[1]!) : orders(req);
  };
}

type Batch = { ok: true; messages: OutboundMessage[]; ids: string[]; events: Record<string, unknown>[] } | { ok: false; errors: EventError[] };

/** Undefined when the webhook headers could carry a valid signature; else the reason they cannot. */
function plausibleWebhookHeaders(timestamp: string | undefined, signature: string | undefined, nowMs: number, toleranceSeconds: number): string | undefined {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return 'timestamp outside the tolerance window';
  if (!signature || !signature.split(',').some((s) => /^v1=[0-9a-f]{64}$/.test(s.trim()))) return 'missing or malformed signature';
  return undefined;
}

/**
 * All or nothing: one invalid event refuses the request, so a client never has to work out which half
 * was taken. A valid event is pseudonymised where it lies, then serialised: its message holds tokens only.
 */
function validateBatch(
  events: unknown[],
  validate: FastValidator,
  pii: { stream: CollectorStream; pseudonymise: Pseudonymiser },
  source: string,
  eventType: (e: Record<string, unknown>) => string,
  provider?: string,
): Batch {
  const errors: EventError[] = [];
  const messages: OutboundMessage[] = [];
  const ids: string[] = [];
  const accepted: Record<string, unknown>[] = [];
  events.forEach((event, index) => {
    const record = event !== null && typeof event === 'object' && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
    const eventId = typeof record?.event_id === 'string' ? record.event_id : null;
    const unsupported = unsupportedSchemaVersion(record, ACCEPTED_SCHEMA_VERSIONS[pii.stream]);
    if (unsupported !== undefined) {
      errors.push({ index, event_id: eventId, field_path: 'schema_version', reason: unsupported, code: 'unsupported_schema_version' });
      return;
    }
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
    accepted.push(e);
    pii.pseudonymise(e, pii.stream);
    messages.push({
      data: Buffer.from(JSON.stringify(e)),
      orderingKey: String(e.order_id),
      attributes: { event_type: eventType(e), schema_version: String(e.schema_version), source },
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, messages, ids, events: accepted };
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
