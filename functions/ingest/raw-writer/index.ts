// The raw writer: validated rows from many concurrent callers in one process, coalesced into few
// Storage Write appends on a raw table's `_default` stream. See coalescer.ts for the policy.
import { type managedwriter } from '@google-cloud/bigquery-storage';
import { type Logger } from '../../runtime/logger';
import { Coalescer, type CoalescerOptions, type CoalescerStats } from './coalescer';
import { type RawRow, managedAppend } from './managed-append';

export { Coalescer } from './coalescer';
export type { AppendFn, AppendResult, CoalescerOptions, CoalescerStats } from './coalescer';
export { RowErrorsError, RequestTooLargeError } from './errors';
export type { RowError } from './errors';
export { managedAppend, writerClientOptions } from './managed-append';
export type { RawRow, RawValue } from './managed-append';

export interface RawWriterOptions extends CoalescerOptions<RawRow> {
  client: managedwriter.WriterClient;
  /** `projects/P/datasets/D/tables/T`. */
  table: string;
  log?: Logger;
  /** See ManagedAppendOptions. */
  connectTimeoutMs?: number;
  appendTimeoutMs?: number;
}

export interface RawWriter {
  /** Resolves once the rows are durably in the table. Rejects with RowErrorsError (permanent),
   * RequestTooLargeError (permanent) or RetryableError. */
  write(rows: RawRow[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): CoalescerStats;
}

export function createRawWriter(options: RawWriterOptions): RawWriter {
  const { client, table, log, connectTimeoutMs, appendTimeoutMs, ...policy } = options;
  const io = managedAppend({ client, table, log, connectTimeoutMs, appendTimeoutMs });
  const core = new Coalescer<RawRow>(io.append, policy);
  return {
    write: (rows) => core.write(rows),
    flush: () => core.flush(),
    close: async () => {
      try {
        await core.close();
      } finally {
        io.close();
      }
    },
    stats: () => core.stats(),
  };
}
