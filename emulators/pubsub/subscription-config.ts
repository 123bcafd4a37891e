// Subscription settings: validation with Pub/Sub's limits, field-mask updates, rendering back to
// the resource, and the retry backoff they imply. Pure functions.
import { invalidArgument, unimplemented } from './errors';
import { compileFilter, FilterError, MAX_FILTER_BYTES, type FilterPredicate } from './filter';
import { parseName } from './names';
import { durationToMs, msToDuration, type Subscription } from './proto-types';

export interface PushSettings {
  endpoint: string;
  attributes: Record<string, string>;
  oidc: { serviceAccountEmail: string; audience: string } | null;
  /** Deliver the raw data as the body (NoWrapper); with writeMetadata, message fields as headers. */
  noWrapper: { writeMetadata: boolean } | null;
}

export interface SubscriptionConfig {
  ackDeadlineSeconds: number;
  retentionMs: number;
  retainAckedMessages: boolean;
  labels: Record<string, string>;
  ordered: boolean;
  filter: string;
  retryPolicy: { minimumMs: number; maximumMs: number } | null;
  deadLetter: { topic: string; maxDeliveryAttempts: number } | null;
  push: PushSettings | null;
  expirationTtlMs: number | null;
  detached: boolean;
}

export const DEFAULT_ACK_DEADLINE_SECONDS = 10;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const MIN_RETENTION_MS = 10 * 60 * 1000;
const MAX_RETENTION_MS = 31 * 24 * 3600 * 1000;
const DEFAULT_EXPIRATION_TTL_MS = 31 * 24 * 3600 * 1000;
const RETRY_DEFAULT_MIN_MS = 10_000;
const RETRY_DEFAULT_MAX_MS = 600_000;
const RETRY_LIMIT_MS = 600_000;
/** Push backoff when no retry policy is set: 100 ms to 60 s (Pub/Sub's push backoff). */
const PUSH_BACKOFF = { minimumMs: 100, maximumMs: 60_000 };

export function validateSubscription(input: Subscription): SubscriptionConfig {
  rejectUnsupported(input);
  const config: SubscriptionConfig = {
    ackDeadlineSeconds: ackDeadline(input.ackDeadlineSeconds),
    retentionMs: retention(input.messageRetentionDuration),
    retainAckedMessages: input.retainAckedMessages ?? false,
    labels: { ...(input.labels ?? {}) },
    ordered: input.enableMessageOrdering ?? false,
    filter: input.filter ?? '',
    retryPolicy: retryPolicy(input.retryPolicy),
    deadLetter: deadLetterPolicy(input.deadLetterPolicy),
    push: pushSettings(input.pushConfig),
    expirationTtlMs: input.expirationPolicy ? (durationToMs(input.expirationPolicy.ttl) ?? 0) : DEFAULT_EXPIRATION_TTL_MS,
    detached: false,
  };
  compileSubscriptionFilter(config.filter);
  return config;
}

export function compileSubscriptionFilter(filter: string): FilterPredicate {
  try {
    return compileFilter(filter);
  } catch (err) {
    if (err instanceof FilterError) {
      const why = Buffer.byteLength(filter) > MAX_FILTER_BYTES ? 'too long' : 'invalid';
      throw invalidArgument(`Invalid filter (${why}): ${err.message}.`);
    }
    throw err;
  }
}

const UPDATABLE: Record<string, (c: SubscriptionConfig, s: Subscription) => void> = {
  ack_deadline_seconds: (c, s) => (c.ackDeadlineSeconds = ackDeadline(s.ackDeadlineSeconds)),
  message_retention_duration: (c, s) => (c.retentionMs = retention(s.messageRetentionDuration)),
  retain_acked_messages: (c, s) => (c.retainAckedMessages = s.retainAckedMessages ?? false),
  labels: (c, s) => (c.labels = { ...(s.labels ?? {}) }),
  push_config: (c, s) => (c.push = pushSettings(s.pushConfig)),
  retry_policy: (c, s) => (c.retryPolicy = retryPolicy(s.retryPolicy)),
  dead_letter_policy: (c, s) => (c.deadLetter = deadLetterPolicy(s.deadLetterPolicy)),
  expiration_policy: (c, s) =>
    (c.expirationTtlMs = s.expirationPolicy ? (durationToMs(s.expirationPolicy.ttl) ?? 0) : DEFAULT_EXPIRATION_TTL_MS),
  detached: (c, s) => (c.detached = s.detached ?? false),
};

/** UpdateSubscription: applies the fields named by the mask (snake_case or camelCase paths). */
export function updateSubscription(current: SubscriptionConfig, patch: Subscription, paths: string[]): SubscriptionConfig {
  if (paths.length === 0) throw invalidArgument('The update_mask in the UpdateSubscriptionRequest must be set.');
  const next: SubscriptionConfig = { ...current };
  for (const raw of paths) {
    const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const top = path.split('.')[0]!;
    if (top === 'enable_message_ordering' || top === 'filter' || top === 'topic' || top === 'name') {
      throw invalidArgument(`Invalid update_mask provided in the UpdateSubscriptionRequest: the ${top} field is immutable.`);
    }
    if (top === 'enable_exactly_once_delivery' || top.endsWith('_config') && top !== 'push_config') {
      throw unimplemented(`Updating ${top}`);
    }
    const apply = UPDATABLE[top];
    if (!apply) throw invalidArgument(`Invalid update_mask provided in the UpdateSubscriptionRequest: unknown field ${raw}.`);
    apply(next, patch);
  }
  return next;
}

export function renderSubscription(name: string, topic: string, c: SubscriptionConfig): Subscription {
  return {
    name,
    topic,
    pushConfig: c.push
      ? {
          pushEndpoint: c.push.endpoint,
          attributes: c.push.attributes,
          oidcToken: c.push.oidc,
          noWrapper: c.push.noWrapper,
        }
      : { pushEndpoint: '', attributes: {} },
    ackDeadlineSeconds: c.ackDeadlineSeconds,
    retainAckedMessages: c.retainAckedMessages,
    messageRetentionDuration: msToDuration(c.retentionMs),
    labels: c.labels,
    enableMessageOrdering: c.ordered,
    expirationPolicy: c.expirationTtlMs ? { ttl: msToDuration(c.expirationTtlMs) } : { ttl: null },
    filter: c.filter,
    deadLetterPolicy: c.deadLetter
      ? { deadLetterTopic: c.deadLetter.topic, maxDeliveryAttempts: c.deadLetter.maxDeliveryAttempts }
      : null,
    retryPolicy: c.retryPolicy
      ? { minimumBackoff: msToDuration(c.retryPolicy.minimumMs), maximumBackoff: msToDuration(c.retryPolicy.maximumMs) }
      : null,
    detached: c.detached,
    enableExactlyOnceDelivery: false,
    state: 'ACTIVE',
  };
}

/**
 * Redelivery delay after `attempts` deliveries: exponential from the policy's minimum, capped at
 * its maximum; push subscriptions without a policy use push backoff; pull ones redeliver at once.
 */
export function backoffFor(c: SubscriptionConfig): (attempts: number) => number {
  const policy = c.retryPolicy ?? (c.push ? PUSH_BACKOFF : null);
  if (!policy) return () => 0;
  const { minimumMs, maximumMs } = policy;
  return (attempts) => Math.min(maximumMs, minimumMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

function rejectUnsupported(s: Subscription): void {
  if (s.enableExactlyOnceDelivery) throw unimplemented('Exactly-once delivery');
  if (s.bigqueryConfig) throw unimplemented('BigQuery subscriptions (bigquery_config)');
  if (s.cloudStorageConfig) throw unimplemented('Cloud Storage subscriptions (cloud_storage_config)');
  if (s.bigtableConfig) throw unimplemented('Bigtable subscriptions (bigtable_config)');
  if (s.messageTransforms && s.messageTransforms.length > 0) throw unimplemented('Single message transforms');
}

function ackDeadline(seconds: number | undefined): number {
  if (!seconds) return DEFAULT_ACK_DEADLINE_SECONDS;
  if (seconds < 10 || seconds > 600) {
    throw invalidArgument(
      `Invalid ack_deadline_seconds: ${seconds}. The ack deadline must be between 10 and 600 seconds.`,
    );
  }
  return seconds;
}

function retention(d: Subscription['messageRetentionDuration']): number {
  const ms = durationToMs(d);
  if (ms === undefined || ms === 0) return DEFAULT_RETENTION_MS;
  if (ms < MIN_RETENTION_MS || ms > MAX_RETENTION_MS) {
    throw invalidArgument(
      `Invalid message_retention_duration: ${ms / 1000}s. It must be between 10 minutes and 31 days.`,
    );
  }
  return ms;
}

function retryPolicy(p: Subscription['retryPolicy']): SubscriptionConfig['retryPolicy'] {
  if (!p) return null;
  const minimumMs = durationToMs(p.minimumBackoff) ?? RETRY_DEFAULT_MIN_MS;
  const maximumMs = durationToMs(p.maximumBackoff) ?? RETRY_DEFAULT_MAX_MS;
  for (const [field, ms] of [
    ['minimum_backoff', minimumMs],
    ['maximum_backoff', maximumMs],
  ] as const) {
    if (ms < 0 || ms > RETRY_LIMIT_MS) {
      throw invalidArgument(`Invalid retry_policy.${field}: ${ms / 1000}s. It must be between 0 and 600 seconds.`);
    }
  }
  if (minimumMs > maximumMs) {
    throw invalidArgument('Invalid retry_policy: minimum_backoff must not be greater than maximum_backoff.');
  }
  return { minimumMs, maximumMs };
}

function deadLetterPolicy(p: Subscription['deadLetterPolicy']): SubscriptionConfig['deadLetter'] {
  if (!p || !p.deadLetterTopic) return null;
  parseName('topics', p.deadLetterTopic);
  const max = p.maxDeliveryAttempts || 5;
  if (max < 5) {
    throw invalidArgument(
      `The value for max_delivery_attempts is too small. You passed ${max} in the request, but the minimum value is 5.`,
    );
  }
  if (max > 100) {
    throw invalidArgument(
      `The value for max_delivery_attempts is too large. You passed ${max} in the request, but the maximum value is 100.`,
    );
  }
  return { topic: p.deadLetterTopic, maxDeliveryAttempts: max };
}

function pushSettings(p: Subscription['pushConfig']): PushSettings | null {
  if (!p || !p.pushEndpoint) return null;
  let url: URL;
  try {
    url = new URL(p.pushEndpoint);
  } catch {
    throw invalidArgument(`Invalid push_config.push_endpoint: ${p.pushEndpoint}. It must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`Invalid push_config.push_endpoint: ${p.pushEndpoint}. It must be an absolute http(s) URL.`);
  }
  const oidc = p.oidcToken
    ? { serviceAccountEmail: p.oidcToken.serviceAccountEmail ?? '', audience: p.oidcToken.audience ?? '' }
    : null;
  if (oidc && !oidc.serviceAccountEmail) {
    throw invalidArgument('Invalid push_config.oidc_token: service_account_email is required.');
  }
  return {
    endpoint: p.pushEndpoint,
    attributes: { ...(p.attributes ?? {}) },
    oidc,
    noWrapper: p.noWrapper ? { writeMetadata: p.noWrapper.writeMetadata ?? false } : null,
  };
}
