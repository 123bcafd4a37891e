// The ingest decision for one Pub/Sub message, without I/O: route it to its flow, parse, validate,
// check that its PII arrived pseudonymised (the collector publishes tokens only), and return either a
// raw row or a `raw.rejected_events` row with its reason. A rejected payload is stored with its PII
// fields pseudonymised, or, when it is not a JSON object, with e-mail- and phone-shaped text masked.
import { createHash } from 'node:crypto';
import { piiPaths } from '../../contracts/bigquery-schema';
import type { PlatformCatalog } from '../../contracts/catalog';
import { TOPICS } from '../../contracts/catalog/platform';
import { deliveryEvent } from '../../contracts/delivery';
import { fastValidator, type FastValidator } from '../../contracts/fast-validator';
import { onlineOrderEvent } from '../../contracts/online-order';
import type { RejectedEvent } from '../../contracts/ops';
import { maskPiiText, plainPiiPaths, pseudonymiseRecord } from '../../contracts/pii';
import { ACCEPTED_SCHEMA_VERSIONS, unsupportedSchemaVersion } from '../../contracts/schema-versions';
import { shortSubscription, type PushedMessage } from './push-message';

export type Flow = 'online_orders' | 'delivery_events' | 'dead_letter';
export type RawTable = 'online_order_events' | 'delivery_events';

export type IngestDecision =
  | { kind: 'raw'; table: RawTable; eventId: string; row: Record<string, unknown> }
  | { kind: 'rejected'; row: RejectedEvent };

export interface IngestContext {
  piiKey: string;
  nowMs: number;
  /** Topic named by a CloudEvent's source, when the trigger was one. */
  topic?: string;
  /**
   * The schema versions accepted per flow; each flow defaults to its contract's
   * (ACCEPTED_SCHEMA_VERSIONS). Narrower only to run ingest as a deployment of an older contract
   * would (the upgrade drill in test/integration/ops/version-upgrade-replay.test.ts).
   */
  acceptedVersions?: AcceptedVersions;
}

export type AcceptedVersions = Partial<Record<Exclude<Flow, 'dead_letter'>, readonly number[]>>;

interface FlowSpec {
  table: RawTable;
  validate: FastValidator;
  pii: readonly string[];
  versions: readonly number[];
}

const ONLINE_PII = piiPaths(onlineOrderEvent);
const DELIVERY_PII = piiPaths(deliveryEvent);
const ANY_PII = [...new Set([...ONLINE_PII, ...DELIVERY_PII])];

const FLOWS: Record<Exclude<Flow, 'dead_letter'>, () => FlowSpec> = {
  online_orders: () => ({ table: 'online_order_events', validate: fastValidator('online-order'), pii: ONLINE_PII, versions: ACCEPTED_SCHEMA_VERSIONS['online-order'] }),
  delivery_events: () => ({ table: 'delivery_events', validate: fastValidator('delivery'), pii: DELIVERY_PII, versions: ACCEPTED_SCHEMA_VERSIONS.delivery }),
};

const TOPIC_FLOWS: Record<string, Flow> = {
  [TOPICS.onlineOrders]: 'online_orders',
  [TOPICS.deliveryEvents]: 'delivery_events',
  [TOPICS.deadLetter]: 'dead_letter',
};

/** Maps a delivery to its flow: by subscription (through the catalog), the CloudEvent's topic, then attributes. */
export function routerFor(catalog: Pick<PlatformCatalog, 'subscriptions'>): (msg: PushedMessage, topic?: string) => Flow | undefined {
  const bySubscription = new Map(catalog.subscriptions.map((s) => [s.name, TOPIC_FLOWS[s.topic]]));
  return (msg, topic) => {
    const sub = shortSubscription(msg.subscription);
    const fromSub = sub !== undefined ? bySubscription.get(sub) : undefined;
    if (fromSub) return fromSub;
    if (topic !== undefined && TOPIC_FLOWS[topic]) return TOPIC_FLOWS[topic];
    if (msg.attributes.CloudPubSubDeadLetterSourceSubscription !== undefined) return 'dead_letter';
    const type = msg.attributes.event_type ?? '';
    if (type.startsWith('order.')) return 'online_orders';
    if (type.startsWith('delivery.')) return 'delivery_events';
    return undefined;
  };
}

const MAX_REASON = 4000;

export function decideIngest(msg: PushedMessage, flow: Flow, ctx: IngestContext): IngestDecision {
  if (flow === 'dead_letter') return deadLettered(msg, ctx);
  const spec = FLOWS[flow]();
  const text = msg.data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return reject(msg, flow, ctx, { reason_code: 'invalid_json', reason: `invalid JSON: ${(err as Error).message}`, field_path: null }, undefined);
  }
  const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const unsupported = unsupportedSchemaVersion(record, ctx.acceptedVersions?.[flow] ?? spec.versions);
  if (unsupported !== undefined) {
    return reject(msg, flow, ctx, { reason_code: 'unsupported_schema_version', reason: unsupported, field_path: 'schema_version' }, value, spec.pii);
  }
  const verdict = spec.validate(value);
  if (!verdict.ok) return reject(msg, flow, ctx, { reason_code: 'schema_violation', reason: verdict.reason, field_path: verdict.path }, value, spec.pii);
  // The collector replaced every PII value with its token; a plain one came around it (a direct
  // publisher, an old replay) and is refused. The reason names the fields, never their values.
  const plain = plainPiiPaths(record, spec.pii);
  if (plain.length > 0) {
    const reason = `${plain.join(', ')}: personal data in plain text; the collector publishes pseudonym tokens (pii1_…) only`;
    return reject(msg, flow, ctx, { reason_code: 'pii_not_pseudonymised', reason, field_path: plain[0]! }, value, spec.pii);
  }
  // `record` was parsed above from this message alone, so it is completed where it lies: copying it
  // with a spread costs more than the rest of the decision.
  const row = record!;
  row.ingested_at = new Date(ctx.nowMs).toISOString();
  row.message_id = msg.messageId;
  row.published_at = msg.publishTime;
  row.delivery_attempt = msg.deliveryAttempt;
  return { kind: 'raw', table: spec.table, eventId: String(row.event_id), row };
}

/** A raw row BigQuery refused although it passed the contract: kept in rejected_events, never retried. */
export function rejectRowError(msg: PushedMessage, flow: Flow, ctx: IngestContext, message: string): IngestDecision & { kind: 'rejected' } {
  let value: unknown;
  try {
    value = JSON.parse(msg.data.toString('utf8'));
  } catch {
    value = undefined;
  }
  return reject(msg, flow, ctx, { reason_code: 'row_error', reason: `BigQuery refused the row: ${message}`, field_path: null }, value, ANY_PII);
}

function deadLettered(msg: PushedMessage, ctx: IngestContext): IngestDecision & { kind: 'rejected' } {
  const a = msg.attributes;
  const from = a.CloudPubSubDeadLetterSourceSubscription ?? 'an unknown subscription';
  const count = a.CloudPubSubDeadLetterSourceDeliveryCount ?? 'the maximum number of';
  let value: unknown;
  try {
    value = JSON.parse(msg.data.toString('utf8'));
  } catch {
    value = undefined;
  }
  const reason = `dead-lettered after ${count} delivery attempts from ${from}`;
  return reject(msg, 'dead_letter', ctx, { reason_code: 'dead_lettered', reason, field_path: null }, value, ANY_PII);
}

type Why = Pick<RejectedEvent, 'reason_code' | 'reason' | 'field_path'>;

/**
 * `value` is the parsed payload when it parsed. A JSON object is stored with its PII fields
 * pseudonymised (the same tokens the collector makes, so a replay lands it); anything else (text that
 * is not JSON, an array, a bare value) with its e-mail- and phone-shaped substrings masked.
 */
function reject(msg: PushedMessage, flow: Flow, ctx: IngestContext, why: Why, value: unknown, pii: readonly string[] = []): IngestDecision & { kind: 'rejected' } {
  const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const payload = record ? JSON.stringify(pseudonymiseRecord(record, pii, ctx.piiKey)) : maskPiiText(msg.data.toString('utf8'));
  return {
    kind: 'rejected',
    row: {
      rejected_at: new Date(ctx.nowMs).toISOString(),
      source: flow,
      reason_code: why.reason_code,
      reason: why.reason.length > MAX_REASON ? `${why.reason.slice(0, MAX_REASON - 1)}…` : why.reason,
      field_path: why.field_path,
      event_id: record && typeof record.event_id === 'string' ? record.event_id.slice(0, 1000) : null,
      message_id: msg.messageId,
      subscription: msg.subscription,
      delivery_attempt: msg.deliveryAttempt,
      source_object: null,
      attributes: Object.keys(msg.attributes).length ? msg.attributes : null,
      payload,
      payload_sha256: createHash('sha256').update(msg.data).digest('hex'),
    },
  };
}
