// What the publisher reads from BigQuery: the run records, the lease, and the metric marts' rows of
// every merchant over the touched partitions (or of a batch of merchants over every partition),
// each query's totalBytesProcessed added up so a publish reports what it cost.
import type { BigQuery, Query } from '@google-cloud/bigquery';
import type { MetricDefinition, SeriesQuery } from '../metrics/catalog';
import { DEFAULT_MAXIMUM_BYTES_BILLED, plainValue, type MetricRow } from '../metrics/source';
import { dateRanges } from './layout';

/** A row of ops.transform_runs, as the publisher needs it. */
export interface RunRecord {
  runId: string;
  kind: string;
  finishedAt: string;
  touchedDates: string[];
}

/** Which rows of a series: every merchant's on some dates, or some merchants' on every date. */
export type SeriesScope = { dates: readonly string[] } | { merchants: readonly string[] };

export interface MartReader {
  /** True while a transform run holds its lease (its marts are half rebuilt). */
  transformRunning(): Promise<boolean>;
  /** Runs recorded after `after` (by finish time, then id), oldest first; without `after`, the newest run only. */
  runsAfter(after: { runId: string; runAt: string } | undefined): Promise<RunRecord[]>;
  /** The series' rows with merchant_id, in the series' order. */
  seriesRows(q: SeriesQuery, scope: SeriesScope): Promise<MetricRow[]>;
  /** Every merchant's rows of an overlap metric. */
  allMerchantRows(metric: MetricDefinition): Promise<MetricRow[]>;
  /** Every merchant with a store. */
  merchants(): Promise<string[]>;
  /** Bytes processed by this reader's queries so far. */
  readonly bytesProcessed: number;
}

export interface MartReaderOptions {
  bigquery: BigQuery;
  project: string;
  location?: string;
  runsTable?: { dataset: string; table: string };
  leaseTable?: { dataset: string; table: string };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The WHERE of a series query for a scope, with its parameters (dates as parameters, cast in SQL). */
export function seriesWhere(q: SeriesQuery, scope: SeriesScope): { where: string; params: Record<string, string | string[]> } {
  const filter = q.filter ? ` and ${q.filter}` : '';
  if ('merchants' in scope) {
    // Every partition (a filter on the partition column, as requirePartitionFilter wants).
    return { where: `merchant_id in unnest(@merchants) and ${q.partitionColumn} >= date '0001-01-01'${filter}`, params: { merchants: [...scope.merchants] } };
  }
  const params: Record<string, string> = {};
  const ranges = dateRanges(scope.dates.filter((d) => ISO_DATE.test(d))).map((r, i) => {
    params[`from_${i}`] = r.from;
    params[`to_${i}`] = r.to;
    return `${q.partitionColumn} between cast(@from_${i} as date) and cast(@to_${i} as date)`;
  });
  return { where: `(${ranges.length > 0 ? ranges.join(' or ') : 'false'})${filter}`, params };
}

export function seriesSql(q: SeriesQuery, project: string, where: string): string {
  return `select merchant_id, ${q.columns}
from \`${project}.${q.dataset}.${q.table}\`
where ${where}
order by ${q.orderBy}`;
}

const plainRow = (r: Record<string, unknown>): MetricRow => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)]));

export function createMartReader(options: MartReaderOptions): MartReader {
  const { bigquery, project } = options;
  const runs = options.runsTable ?? { dataset: 'ops', table: 'transform_runs' };
  const lease = options.leaseTable ?? { dataset: 'ops', table: 'transform_lease' };
  const maximumBytesBilled = DEFAULT_MAXIMUM_BYTES_BILLED.toString();
  let bytes = 0;

  /**
   * One query through jobs.query: one round trip answers the rows and the bytes (createQueryJob,
   * getQueryResults and getMetadata took three). When the statement outlasts the request, the
   * client pages through getQueryResults itself and the bytes come from the job's metadata.
   */
  async function query(sql: string, params: Query['params'] = {}): Promise<Record<string, unknown>[]> {
    const [rows, , response] = (await bigquery.query({ query: sql, params, maximumBytesBilled, ...(options.location ? { location: options.location } : {}) })) as unknown as [
      Record<string, unknown>[],
      unknown,
      { totalBytesProcessed?: string; jobReference?: { jobId?: string; location?: string } } | undefined,
    ];
    let processed = response?.totalBytesProcessed;
    if (processed === undefined && response?.jobReference?.jobId) {
      const [meta] = await bigquery.job(response.jobReference.jobId, { location: response.jobReference.location }).getMetadata();
      const stats = (meta as { statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } } }).statistics;
      processed = stats?.query?.totalBytesProcessed ?? stats?.totalBytesProcessed;
    }
    bytes += Number(processed ?? 0);
    return rows;
  }

  /** BigQuery's (and the emulator's) answer when a table the query names does not exist: 404 notFound. */
  const notFound = (err: unknown): boolean => (err as { code?: unknown }).code === 404;

  const run = (r: Record<string, unknown>): RunRecord => ({
    runId: String(plainValue(r.run_id)),
    kind: String(plainValue(r.kind)),
    finishedAt: String(plainValue(r.finished_at)),
    touchedDates: (Array.isArray(r.touched_dates) ? r.touched_dates : []).map((d) => String(plainValue(d))),
  });

  return {
    async transformRunning() {
      let rows: Record<string, unknown>[];
      try {
        rows = await query(`select count(*) as held from \`${project}.${lease.dataset}.${lease.table}\` where lease = 'transform' and expires_at > current_timestamp()`);
      } catch (err) {
        if (notFound(err)) return false; // no lease table yet: no transform has ever run
        throw err;
      }
      return Number(plainValue(rows[0]?.held)) > 0;
    },
    async runsAfter(after) {
      const table = `\`${project}.${runs.dataset}.${runs.table}\``;
      const columns = 'run_id, kind, finished_at, touched_dates';
      let rows: RunRecord[];
      try {
        if (!after) return (await query(`select ${columns} from ${table} order by finished_at desc, run_id desc limit 1`)).map(run);
        rows = (await query(`select ${columns} from ${table} where finished_at >= timestamp(@after) order by finished_at, run_id`, { after: after.runAt })).map(run);
      } catch (err) {
        if (notFound(err)) return []; // no run record yet
        throw err;
      }
      // Same finish time as the marker: only runs with a greater id are new.
      return rows.filter((r) => Date.parse(r.finishedAt) > Date.parse(after.runAt) || (Date.parse(r.finishedAt) === Date.parse(after.runAt) && r.runId > after.runId));
    },
    async seriesRows(q, scope) {
      const { where, params } = seriesWhere(q, scope);
      return (await query(seriesSql(q, project, where), params)).map(plainRow);
    },
    async allMerchantRows(metric) {
      if (!metric.allMerchants) throw new Error(`${metric.name} has no every-merchant query`);
      return (await query(metric.allMerchants(project))).map(plainRow);
    },
    async merchants() {
      const rows = await query(`select distinct merchant_id from \`${project}.marts.dim_store\` where merchant_id is not null order by merchant_id`);
      return rows.map((r) => String(plainValue(r.merchant_id)));
    },
    get bytesProcessed() {
      return bytes;
    },
  };
}
