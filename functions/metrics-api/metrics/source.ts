// Where metrics come from: an interface the handler depends on, and its implementation over the
// official BigQuery client (BIGQUERY_EMULATOR_HOST locally, BigQuery in Google Cloud).
import type { BigQuery } from '@google-cloud/bigquery';
import type { MetricQuery } from './catalog';

export type MetricRow = Record<string, string | number | boolean | null>;

/** The latest transform run; both null before the first run. */
export interface DataVersion {
  runId: string | null;
  runAt: string | null;
}

export interface MetricsSource {
  query(q: MetricQuery): Promise<MetricRow[]>;
  dataVersion(): Promise<DataVersion>;
}

/** BigQuery's typed values (DATE, TIMESTAMP wrappers, NUMERIC as Big) as plain JSON values. */
export function plainValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && 'value' in v) return plainValue((v as { value: unknown }).value);
  // NUMERIC and BIGNUMERIC arrive as Big.js objects.
  const n = Number(String(v));
  return Number.isNaN(n) ? String(v) : n;
}

export interface BigQuerySourceOptions {
  bigquery: BigQuery;
  project: string;
  location?: string;
  /** Where the executor records runs. */
  runsTable?: { dataset: string; table: string };
  /**
   * BigQuery's `maximumBytesBilled` on every query: one costing more fails instead of running
   * (the emulator ignores it). Default DEFAULT_MAXIMUM_BYTES_BILLED.
   */
  maximumBytesBilled?: bigint | number;
}

/** 10 GiB: far above what one merchant's metric scans over its marts, far below a runaway scan. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 10n * 1024n ** 3n;

export function createBigQuerySource(options: BigQuerySourceOptions): MetricsSource {
  const { bigquery } = options;
  // The run record Dataform's record_transform_run writes (managed Dataform and the local executor alike).
  const runs = options.runsTable ?? { dataset: 'ops', table: 'transform_runs' };
  const limit = BigInt(options.maximumBytesBilled ?? DEFAULT_MAXIMUM_BYTES_BILLED);
  if (limit <= 0n) throw new Error('maximumBytesBilled must be positive');
  // The job configuration field is an int64 sent as a decimal string.
  const maximumBytesBilled = limit.toString();
  return {
    async query(q) {
      const [rows] = await bigquery.query({ query: q.sql, params: q.params, maximumBytesBilled, ...(options.location ? { location: options.location } : {}) });
      return (rows as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])));
    },
    async dataVersion() {
      const [exists] = await bigquery.dataset(runs.dataset).table(runs.table).exists();
      if (!exists) return { runId: null, runAt: null };
      // One row per successful run, written as its last action: the newest names the data readers see.
      const [rows] = await bigquery.query({
        query: `select run_id, finished_at from \`${options.project}.${runs.dataset}.${runs.table}\` order by finished_at desc, run_id desc limit 1`,
        maximumBytesBilled,
        ...(options.location ? { location: options.location } : {}),
      });
      const row = (rows as Record<string, unknown>[])[0];
      if (!row) return { runId: null, runAt: null };
      return { runId: String(plainValue(row.run_id)), runAt: String(plainValue(row.finished_at)) };
    },
  };
}
