// The platform catalog's types: every topic, subscription, bucket, dataset, table, schedule and
// function pizzaflow runs, by logical name. Pulumi renders it to Google Cloud, the local
// bootstrapper to the emulators; physical names come from `names.ts`.
import type { BigQueryField } from '../bigquery-schema';

export interface TopicDecl {
  name: string;
  description: string;
  messageRetentionSeconds: number;
  /** Contract of the messages, for documentation and the collector's routing. */
  payload: 'online-order' | 'delivery' | 'dead-letter' | 'gcs-notification';
}

export interface PushTarget {
  function: string;
  path: string;
}

export interface SubscriptionDecl {
  name: string;
  topic: string;
  description: string;
  /** Absent: a pull subscription. */
  push?: PushTarget;
  ackDeadlineSeconds: number;
  messageRetentionSeconds: number;
  retryPolicy: { minimumBackoffSeconds: number; maximumBackoffSeconds: number };
  deadLetter?: { topic: string; maxDeliveryAttempts: number };
  enableMessageOrdering: boolean;
  filter?: string;
}

export type LifecycleRule =
  | { action: 'SetStorageClass'; storageClass: 'NEARLINE' | 'COLDLINE' | 'ARCHIVE'; ageDays: number }
  | { action: 'Delete'; ageDays: number }
  | { action: 'AbortIncompleteMultipartUpload'; ageDays: number }
  /** Deletes versions `ageDays` after they stopped being live (a versioned bucket otherwise keeps every one). */
  | { action: 'DeleteNoncurrent'; ageDays: number };

export interface BucketNotificationDecl {
  topic: string;
  eventTypes: ('OBJECT_FINALIZE' | 'OBJECT_DELETE' | 'OBJECT_METADATA_UPDATE' | 'OBJECT_ARCHIVE')[];
  objectNamePrefix?: string;
  payloadFormat: 'JSON_API_V1' | 'NONE';
}

export interface BucketDecl {
  name: string;
  description: string;
  storageClass: 'STANDARD' | 'NEARLINE' | 'COLDLINE' | 'ARCHIVE';
  versioning: boolean;
  lifecycle: LifecycleRule[];
  notifications: BucketNotificationDecl[];
}

export interface DatasetDecl {
  id: string;
  description: string;
  /** Who writes it: tables declared here, or models owned by Dataform. */
  ownedBy: 'catalog' | 'dataform';
}

export interface TimePartitioningDecl {
  type: 'HOUR' | 'DAY' | 'MONTH';
  field: string;
  expirationDays?: number;
  requirePartitionFilter: boolean;
  /** Why this column: reviewers and the README read it. */
  rationale: string;
}

export interface TableDecl {
  dataset: string;
  name: string;
  description: string;
  schema: BigQueryField[];
  partitioning?: TimePartitioningDecl;
  clustering: string[];
  /** How rows arrive: Storage Write API appends, load jobs, or whole snapshots. */
  writeMethod: 'storage-write' | 'load-job' | 'snapshot' | 'dml';
  /** Written by Dataform's actions (not by a function): its service account edits this table only. */
  writtenBy?: 'dataform';
}

export type ScheduleTarget = { function: string; path: string } | { dataform: 'incremental' | 'full-refresh' };

export interface ScheduleDecl {
  name: string;
  description: string;
  cron: string;
  timeZone: string;
  target: ScheduleTarget;
  /** A schedule that must run right after another one (documented order; cron offsets enforce it). */
  after?: string;
  /**
   * Retries of a failed call (a function target answering 5xx), for an idempotent target only.
   * Absent: none, the next firing picks up what a failed one left. Retries end within
   * `maxRetrySeconds` of the first attempt, before the next firing.
   */
  retry?: ScheduleRetry;
}

/** Cloud Scheduler's retry of a failed attempt: backoff doubling from the minimum up to the maximum. */
export interface ScheduleRetry {
  /** Attempts after the first (Cloud Scheduler allows 0-5). */
  count: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
  /** No retry starts later than this after the first attempt. */
  maxRetrySeconds: number;
}

export interface FunctionAccess {
  publishes: string[];
  writesTables: string[];
  readsTables: string[];
  /** Datasets read whole: those Dataform builds (their tables exist only after its first run). */
  readsDatasets: string[];
  readsBuckets: string[];
  writesBuckets: string[];
}

/** A secret a function reads from Secret Manager into one environment variable. */
export interface SecretDecl {
  /** Secret Manager secret id suffix (the physical id is `pizzaflow-<name>`). */
  name: string;
  description: string;
  /** The environment variable the functions read it from (see functions/runtime/config.ts). */
  env: string;
  /** Stack configuration key holding its value, set with `pulumi config set --secret <key> …`. */
  configKey: string;
}

export interface FunctionDecl {
  name: string;
  description: string;
  source: string;
  entryPoint: string;
  signature: 'http' | 'cloudevent';
  /** Public functions check their own credentials (API keys, HMAC); private ones require IAM. */
  ingress: 'public' | 'private';
  concurrency: number;
  minInstances: number;
  maxInstances: number;
  memoryMb: number;
  timeoutSeconds: number;
  access: FunctionAccess;
  /** Names of the catalog's secrets this function reads (and nothing else). */
  secrets: string[];
}

export interface PlatformCatalog {
  topics: TopicDecl[];
  subscriptions: SubscriptionDecl[];
  buckets: BucketDecl[];
  datasets: DatasetDecl[];
  tables: TableDecl[];
  schedules: ScheduleDecl[];
  functions: FunctionDecl[];
  secrets: SecretDecl[];
}

export interface CatalogSettings {
  /** Partition expiration of raw event tables (R7 retention). */
  rawRetentionDays: number;
  /** Partition expiration of raw.rejected_events. */
  rejectedRetentionDays: number;
  /** Age at which archived POS files are deleted. */
  archiveRetentionDays: number;
  /** Minimum instances of the latency-sensitive functions (R4). */
  minInstances: number;
  /** Days a replaced or moved landing file's old version is kept (recovery from a bad overwrite). */
  noncurrentVersionDays: number;
}

export const DEFAULT_CATALOG_SETTINGS: CatalogSettings = {
  rawRetentionDays: 730,
  rejectedRetentionDays: 400,
  archiveRetentionDays: 2555,
  minInstances: 0,
  noncurrentVersionDays: 7,
};
