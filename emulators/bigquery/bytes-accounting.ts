// totalBytesProcessed for a statement: estimated from its plan (dry runs, SELECT INTO) or measured
// on the reader connection while the statement runs, from the data as it was before any write.
import { logicalBytesOfScans, measureScanBytes, pendingScanBytes, type ScanBytesMemo } from './bytes-processed';
import { type Context } from './context';
import { planScans } from './plan-scans';

function bytesMemo(ctx: Context): ScanBytesMemo {
  return { versionOf: (key) => ctx.store.versions.of(key), known: ctx.scanBytes };
}

/** Bytes the statement reads, from the tables its plan scans; enforces requirePartitionFilter. */
export async function planBytes(ctx: Context, projectId: string, duckSql: string): Promise<bigint> {
  const scans = await planScans(ctx, projectId, duckSql);
  return logicalBytesOfScans(ctx.store.conn, scans, bytesMemo(ctx));
}

/**
 * Runs the statement (`execute`, on the store's connection) while the bytes it reads are measured
 * on the reader connection: DuckDB runs the two side by side. For a statement that writes, the
 * reader first opens a transaction and touches every scanned table (DuckDB takes a database's
 * snapshot at its first access), so the bytes are those of the data before the statement, as
 * BigQuery counts them. Enforces requirePartitionFilter before anything runs.
 */
export async function measured<T>(ctx: Context, projectId: string, duckSql: string, writes: boolean, execute: () => Promise<T>): Promise<{ result: T; bytes: bigint }> {
  const pending = pendingScanBytes(await planScans(ctx, projectId, duckSql), bytesMemo(ctx));
  if (pending.todo.length === 0) return { result: await execute(), bytes: pending.known };
  const reader = ctx.store.reader;
  if (writes) {
    await reader.run('BEGIN TRANSACTION');
    try {
      await reader.run(pending.todo.map((t) => `(SELECT 1 FROM ${t.scan.path} LIMIT 0)`).join(' UNION ALL '));
    } catch (err) {
      await reader.run('ROLLBACK');
      throw err;
    }
  }
  try {
    const [bytes, result] = await Promise.allSettled([measureScanBytes(reader, pending), execute()]);
    if (result.status === 'rejected') throw result.reason;
    if (bytes.status === 'rejected') throw bytes.reason;
    return { result: result.value, bytes: bytes.value };
  } finally {
    // The transaction only read: COMMIT ends it without counting as a write (ROLLBACK would).
    if (writes) await reader.run('COMMIT');
  }
}
