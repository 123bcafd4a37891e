// The google.pubsub.v1 messages as @grpc/proto-loader hands them over (camelCase, longs as
// numbers, defaults filled in) — only the fields the emulator reads or writes.

export interface Duration {
  seconds?: number | string | null;
  nanos?: number | null;
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface PubsubMessage {
  data?: Buffer | Uint8Array | null;
  attributes?: Record<string, string> | null;
  messageId?: string;
  publishTime?: Timestamp | null;
  orderingKey?: string;
}

export interface OidcToken {
  serviceAccountEmail?: string;
  audience?: string;
}

export interface PushConfig {
  pushEndpoint?: string;
  attributes?: Record<string, string> | null;
  oidcToken?: OidcToken | null;
  pubsubWrapper?: Record<string, never> | null;
  noWrapper?: { writeMetadata?: boolean } | null;
}

export interface RetryPolicy {
  minimumBackoff?: Duration | null;
  maximumBackoff?: Duration | null;
}

export interface DeadLetterPolicy {
  deadLetterTopic?: string;
  maxDeliveryAttempts?: number;
}

export interface Topic {
  name?: string;
  labels?: Record<string, string> | null;
  messageRetentionDuration?: Duration | null;
  kmsKeyName?: string;
  schemaSettings?: unknown;
  ingestionDataSourceSettings?: unknown;
  messageTransforms?: unknown[] | null;
  messageStoragePolicy?: unknown;
  state?: string;
}

export interface Subscription {
  name?: string;
  topic?: string;
  pushConfig?: PushConfig | null;
  bigqueryConfig?: unknown;
  cloudStorageConfig?: unknown;
  bigtableConfig?: unknown;
  ackDeadlineSeconds?: number;
  retainAckedMessages?: boolean;
  messageRetentionDuration?: Duration | null;
  labels?: Record<string, string> | null;
  enableMessageOrdering?: boolean;
  expirationPolicy?: { ttl?: Duration | null } | null;
  filter?: string;
  deadLetterPolicy?: DeadLetterPolicy | null;
  retryPolicy?: RetryPolicy | null;
  detached?: boolean;
  enableExactlyOnceDelivery?: boolean;
  topicMessageRetentionDuration?: Duration | null;
  messageTransforms?: unknown[] | null;
  state?: string;
}

export interface ReceivedMessage {
  ackId: string;
  message: PubsubMessage;
  deliveryAttempt: number;
}

export interface FieldMask {
  paths?: string[];
}

export interface StreamingPullRequest {
  subscription?: string;
  ackIds?: string[];
  modifyDeadlineSeconds?: number[];
  modifyDeadlineAckIds?: string[];
  streamAckDeadlineSeconds?: number;
  clientId?: string;
  maxOutstandingMessages?: number | string;
  maxOutstandingBytes?: number | string;
}

export function durationToMs(d: Duration | null | undefined): number | undefined {
  if (!d) return undefined;
  return Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6);
}

export function msToDuration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function msToTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}
