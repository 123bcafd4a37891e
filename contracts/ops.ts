// Records pizzaflow writes about its own work: ingestion metadata on raw rows, rejected events with
// their reasons, and the POS load manifest.
import { z } from 'zod';
import { identifier, timestamp } from './common';

/** Columns the ingest function adds to every streamed raw row. */
export const streamIngestMetadata = z.strictObject({
  ingested_at: timestamp('When the ingest function appended the row; raw tables are partitioned on it'),
  message_id: z.string().min(1).max(128).describe('Pub/Sub message id'),
  published_at: timestamp('Pub/Sub publish time'),
  delivery_attempt: z.int().min(0).max(1000).nullable().describe('Pub/Sub delivery attempt (null without a dead-letter policy)'),
});

/** Columns the POS loader adds to every loaded raw row. */
export const batchIngestMetadata = z.strictObject({
  ingested_at: timestamp('When the load job ran; raw tables are partitioned on it'),
  source_object: z.string().min(1).max(1024).describe('gs:// URI of the POS file the row came from'),
  load_job_id: z.string().min(1).max(1024).describe('BigQuery load job that loaded the row'),
});

export const REJECT_SOURCES = ['online_orders', 'delivery_events', 'pos', 'dead_letter'] as const;
export const REJECT_REASONS = ['invalid_json', 'schema_violation', 'unsupported_schema_version', 'pii_not_pseudonymised', 'dead_lettered', 'row_error'] as const;

export const rejectedEvent = z.strictObject({
  rejected_at: timestamp('When pizzaflow rejected the event; the table is partitioned on it'),
  source: z.enum(REJECT_SOURCES).describe('Flow the event came from'),
  reason_code: z.enum(REJECT_REASONS).describe('Machine-readable reason'),
  reason: z.string().min(1).max(4000).describe('Human-readable reason, naming the field'),
  field_path: z.string().max(1000).nullable().describe('Path of the offending field, e.g. lines[2].quantity'),
  event_id: z.string().max(1000).nullable().describe('event_id when the payload had one'),
  message_id: z.string().max(128).nullable().describe('Pub/Sub message id (streamed events)'),
  subscription: z.string().max(1000).nullable().describe('Subscription that delivered it'),
  delivery_attempt: z.int().min(0).max(1000).nullable().describe('Pub/Sub delivery attempt'),
  source_object: z.string().max(1024).nullable().describe('POS file it came from (batch events)'),
  attributes: z.record(z.string(), z.string()).nullable().describe('Pub/Sub attributes as JSON'),
  payload: z.string().max(10_485_760).describe('Original payload, with known PII fields pseudonymised (e-mail- and phone-shaped text masked when it is not a JSON object)'),
  payload_sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of the original payload bytes'),
});

export const MANIFEST_STATUSES = ['loaded', 'archived', 'quarantined'] as const;

export const loadManifestEntry = z.strictObject({
  recorded_at: timestamp('When the loader recorded the outcome; the table is partitioned on it'),
  bucket: z.string().min(3).max(222).describe('Landing bucket'),
  object_name: z.string().min(1).max(1024).describe('Object name in the landing bucket'),
  generation: z.string().regex(/^\d+$/).describe('Object generation that was processed'),
  content_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().describe('sha256 of the body lines (null when unreadable)'),
  merchant_id: identifier('Merchant from the header').nullable(),
  store_id: identifier('Store from the header').nullable(),
  window_start: timestamp('Window start from the header').nullable(),
  window_end: timestamp('Window end from the header').nullable(),
  status: z.enum(MANIFEST_STATUSES).describe('loaded, archived (identical re-upload, nothing loaded) or quarantined'),
  reason: z.string().max(4000).nullable().describe('Why a file was archived without loading or quarantined'),
  transaction_rows: z.int().min(0).describe('POS transaction rows loaded from the file'),
  inventory_rows: z.int().min(0).describe('Inventory movement rows loaded from the file'),
  load_job_id: z.string().max(1024).nullable().describe('Load job that loaded the file'),
});

/** One `pizzaflow replay`: what it selected and put back through the pipeline (or would have, dry). */
export const replayRecord = z.strictObject({
  replayed_at: timestamp('When the replay ran; the table is partitioned on it'),
  replay_id: z.string().min(1).max(64).describe('Id of the replay, also the pizzaflow_replay_id attribute of every message it published'),
  dry_run: z.boolean().describe('True when nothing was published'),
  reason_codes: z.array(z.enum(REJECT_REASONS)).describe('Reasons selected'),
  sources: z.array(z.enum(REJECT_SOURCES)).describe('Sources selected (empty: all)'),
  rejected_from: timestamp('Earliest rejected_at selected'),
  rejected_to: timestamp('Latest rejected_at selected (exclusive)'),
  selected: z.int().min(0).describe('Rejected rows selected'),
  published: z.int().min(0).describe('Messages published (0 on a dry run)'),
  skipped: z.int().min(0).describe('Rows that cannot be replayed through Pub/Sub (POS rows, unknown flow)'),
});

export type StreamIngestMetadata = z.infer<typeof streamIngestMetadata>;
export type ReplayRecord = z.infer<typeof replayRecord>;
export type RejectedEvent = z.infer<typeof rejectedEvent>;
export type LoadManifestEntry = z.infer<typeof loadManifestEntry>;
