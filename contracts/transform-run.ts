// The transform's own bookkeeping, written by Dataform actions (dataform/definitions/control) so that
// managed Dataform and the local executor leave the same record: one row per successful run, and the
// lease that keeps two runs from overlapping.
import { z } from 'zod';
import { calendarDate, timestamp } from './common';

export const TRANSFORM_RUN_KINDS = ['incremental', 'full_refresh', 'backfill'] as const;

export const transformRun = z.strictObject({
  run_id: z.string().min(1).max(64).describe('Id of the run: the lease holder it recorded'),
  kind: z.enum(TRANSFORM_RUN_KINDS).describe('incremental, full_refresh or backfill'),
  started_at: timestamp('When the run took the lease'),
  finished_at: timestamp('When every model and assertion had succeeded; the table is partitioned on it'),
  previous_watermark_at: timestamp('The watermark the run started from').nullable(),
  watermark_at: timestamp('Newest raw ingested_at the run processed (a backfill keeps the previous one)').nullable(),
  marts: z
    .array(
      z.strictObject({
        mart: z.string().min(1).max(128).describe('Mart or fact table'),
        newest_event_at: timestamp('Newest event time the table holds').nullable(),
      }),
    )
    .describe('Per mart, the newest event time it reflects after the run: the data version readers show'),
  touched_dates: z
    .array(calendarDate('An event date'))
    .describe('The event-date partitions the run rebuilt (touched_event_dates): the serving store publisher reads only these'),
});

export const transformLease = z.strictObject({
  lease: z.string().min(1).max(64).describe("The lease's name (one per transform)"),
  holder: z.string().min(1).max(64).describe('Id of the run holding it'),
  acquired_at: timestamp('When the holder took it'),
  expires_at: timestamp('When another run may take it over, released or not'),
});

export type TransformRun = z.infer<typeof transformRun>;
export type TransformLease = z.infer<typeof transformLease>;
