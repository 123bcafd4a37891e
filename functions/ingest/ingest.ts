// Ingests one decoded Pub/Sub message through injected writers: the decision, then one write.
// Invalid data and rows BigQuery refuses end in rejected_events and resolve (ack); a failed write
// rejects with a RetryableError so the caller answers 5xx and Pub/Sub redelivers.
import type { BigQueryField } from '../../contracts/bigquery-schema';
import type { RejectedEvent } from '../../contracts/ops';
import { RowErrorsError, RequestTooLargeError, type RawRow } from './raw-writer';
import { decideIngest, rejectRowError, type Flow, type IngestContext, type RawTable } from './decision';
import type { PushedMessage } from './push-message';
import { toStorageRow } from './storage-row';

export interface RowSink {
  write(rows: RawRow[]): Promise<void>;
}

export interface IngestSinks {
  raw: Record<RawTable, RowSink>;
  rejected: RowSink;
  /** BigQuery schemas of the tables above, for TIMESTAMP and JSON encoding. */
  schemas: Record<RawTable | 'rejected_events', readonly BigQueryField[]>;
}

export type IngestOutcome =
  | { status: 'accepted'; table: RawTable; eventId: string }
  | { status: 'rejected'; reasonCode: string; reason: string; fieldPath: string | null; eventId: string | null };

export async function ingestMessage(msg: PushedMessage, flow: Flow, ctx: IngestContext, sinks: IngestSinks): Promise<IngestOutcome> {
  const decision = decideIngest(msg, flow, ctx);
  let row: RejectedEvent;
  if (decision.kind === 'raw') {
    try {
      await sinks.raw[decision.table].write([toStorageRow(sinks.schemas[decision.table], decision.row)]);
      return { status: 'accepted', table: decision.table, eventId: decision.eventId };
    } catch (err) {
      if (!(err instanceof RowErrorsError || err instanceof RequestTooLargeError)) throw err;
      const message = err instanceof RowErrorsError ? err.rowErrors.map((e) => e.message).join('; ') : err.message;
      row = rejectRowError(msg, flow, ctx, message).row;
    }
  } else {
    row = decision.row;
  }
  await sinks.rejected.write([toStorageRow(sinks.schemas.rejected_events, row)]);
  return { status: 'rejected', reasonCode: row.reason_code, reason: row.reason, fieldPath: row.field_path, eventId: row.event_id };
}
