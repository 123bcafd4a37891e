// Reprocessing (R5): rebuild the marts from immutable raw, for a date range (a Dataform backfill) or
// everything (a full refresh), and say which partitions changed. Each mart partition is
// fingerprinted before and after the run: its row count and the XOR of a 60-bit hash of every row's
// JSON. The hash is MD5 (FARM_FINGERPRINT is not in the emulator): both sides run the same SQL, so
// the fingerprint only has to be deterministic, not fast. The transform itself is a port: the local
// Dataform executor (tools/dataform) or, in Google Cloud, a managed Dataform workflow invocation.
import type { BigQuery } from '@google-cloud/bigquery';

export const MAX_BACKFILL_DAYS = 4_000;
/** Key of the single "partition" of an unpartitioned table. */
export const WHOLE_TABLE = '(table)';

export interface PartitionState {
  rows: number;
  checksum: string;
}

export type TableFingerprints = Map<string, Map<string, PartitionState>>;

export interface PartitionChange {
  table: string;
  partition: string;
  before: PartitionState | null;
  after: PartitionState | null;
}

/** What reprocess needs to know of a transform run. */
export interface TransformRunSummary {
  runId: string;
  ok: boolean;
  durationMs: number;
}

/** A finished run; `failure` when some action failed (actions before it may have rebuilt their partitions). */
export interface TransformOutcome<R extends TransformRunSummary> {
  run: R;
  failure?: Error;
}

/** Runs the Dataform project once with these vars, incrementally (backfill vars) or as a full refresh. */
export type TransformRunner<R extends TransformRunSummary> = (request: { fullRefresh: boolean; vars: Record<string, string> }) => Promise<TransformOutcome<R>>;

export interface ReprocessOptions<R extends TransformRunSummary = TransformRunSummary> {
  bigquery: BigQuery;
  project: string;
  location?: string;
  transform: TransformRunner<R>;
  /** Inclusive store-local/UTC dates, YYYY-MM-DD; both or neither. */
  from?: string;
  to?: string;
  fullRefresh?: boolean;
  /** Extra Dataform vars (backfill_from/backfill_to are set from from/to). */
  vars?: Record<string, string>;
  /** Dataset whose tables are compared (default `marts`). */
  dataset?: string;
  onEvent?: (event: ReprocessEvent) => void;
}

export type ReprocessEvent = { type: 'fingerprint'; phase: 'before' | 'after'; tables: number };

export interface ReprocessReport<R extends TransformRunSummary = TransformRunSummary> {
  mode: 'backfill' | 'full-refresh';
  from: string | null;
  to: string | null;
  run: R;
  /** Partitions compared (union of before and after). */
  compared: number;
  changed: PartitionChange[];
  /** The run record the transform left in ops.transform_runs (null: it did not record itself). */
  recorded: RecordedRun | null;
}

/** A row of ops.transform_runs, as reprocess reports it. */
export interface RecordedRun {
  runId: string;
  kind: string;
  finishedAt: string;
  watermarkAt: string | null;
}

export class ReprocessError<R extends TransformRunSummary = TransformRunSummary> extends Error {
  constructor(
    message: string,
    readonly report: ReprocessReport<R>,
  ) {
    super(message);
    this.name = 'ReprocessError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Checks a range; returns the reason it is unusable, or undefined. */
export function checkRange(from: string | undefined, to: string | undefined, fullRefresh: boolean): string | undefined {
  if (fullRefresh) return from || to ? '--full-refresh rebuilds everything; give it without --from/--to' : undefined;
  if (!from || !to) return 'give --from and --to (YYYY-MM-DD), or --full-refresh';
  for (const [name, v] of [['--from', from], ['--to', to]] as const) {
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (!DATE.test(v) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) return `${name} must be a date YYYY-MM-DD, not "${v}"`;
  }
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) return `--from (${from}) is after --to (${to})`;
  if (days > MAX_BACKFILL_DAYS) return `a range of ${days} days is over BigQuery's ${MAX_BACKFILL_DAYS} partitions per job; split it`;
  return undefined;
}

const shiftDate = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

// XOR of per-row hashes is order-free; the row count beside it catches rows that cancel out.
const ROW_HASH = "bit_xor(cast(concat('0x', substr(to_hex(md5(to_json_string(t))), 1, 15)) as int64))";

/**
 * Row count and checksum of every partition of every table in `dataset`, restricted to partitions
 * between `from` and `to` when given (unpartitioned tables are always read whole).
 */
export async function partitionFingerprints(bigquery: BigQuery, options: { project: string; dataset: string; from?: string; to?: string; location?: string }): Promise<TableFingerprints> {
  const out: TableFingerprints = new Map();
  const [tables] = await bigquery.dataset(options.dataset).getTables();
  for (const table of tables) {
    const [meta] = await table.getMetadata();
    if (meta.type && meta.type !== 'TABLE') continue;
    const field: string | undefined = meta.timePartitioning?.field;
    const fieldType: string | undefined = (meta.schema?.fields as { name: string; type: string }[] | undefined)?.find((f) => f.name === field)?.type;
    const name = `\`${options.project}.${options.dataset}.${table.id}\``;
    let sql: string;
    const params: Record<string, string> = {};
    if (field) {
      const day = fieldType === 'DATE' ? `t.${field}` : `date(t.${field})`;
      const where = options.from && options.to ? `where ${day} between cast(@from_date as date) and cast(@to_date as date)` : '';
      if (where) Object.assign(params, { from_date: options.from, to_date: options.to });
      sql = `select cast(${day} as string) as p, count(*) as n, ${ROW_HASH} as x from ${name} as t ${where} group by p`;
    } else {
      sql = `select '${WHOLE_TABLE}' as p, count(*) as n, ${ROW_HASH} as x from ${name} as t`;
    }
    const [rows] = await bigquery.query({ query: sql, params, ...(options.location ? { location: options.location } : {}) });
    const partitions = new Map<string, PartitionState>();
    for (const r of rows as { p: string | null; n: number; x: number | string | null }[]) {
      if (Number(r.n) === 0) continue;
      partitions.set(r.p ?? '(null)', { rows: Number(r.n), checksum: String(r.x ?? 0) });
    }
    out.set(table.id!, partitions);
  }
  return out;
}

/** Partitions whose row count or checksum differ, appeared or disappeared; sorted by table, partition. */
export function diffFingerprints(before: TableFingerprints, after: TableFingerprints): { compared: number; changed: PartitionChange[] } {
  const changed: PartitionChange[] = [];
  let compared = 0;
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(table) ?? new Map<string, PartitionState>();
    const a = after.get(table) ?? new Map<string, PartitionState>();
    for (const partition of new Set([...b.keys(), ...a.keys()])) {
      compared++;
      const x = b.get(partition) ?? null;
      const y = a.get(partition) ?? null;
      if (x?.rows !== y?.rows || x?.checksum !== y?.checksum) changed.push({ table, partition, before: x, after: y });
    }
  }
  changed.sort((p, q) => (p.table === q.table ? p.partition.localeCompare(q.partition) : p.table.localeCompare(q.table)));
  return { compared, changed };
}

/** Rebuilds the marts and reports the partitions that changed; throws ReprocessError (with the report) when the run failed. */
/**
 * The run record the transform wrote (Dataform's record_transform_run, the same under managed Dataform
 * and the local executor), if it finished after `since`; null when the run did not record itself.
 */
async function recordedRunSince(options: Pick<ReprocessOptions, 'bigquery' | 'project' | 'location'>, since: Date): Promise<RecordedRun | null> {
  const table = `\`${options.project}.ops.transform_runs\``;
  let rows: Record<string, unknown>[];
  try {
    [rows] = (await options.bigquery.query({
      query: `select run_id, kind, finished_at, watermark_at from ${table} where finished_at >= @since order by finished_at desc limit 1`,
      params: { since: since.toISOString() },
      ...(options.location ? { location: options.location } : {}),
    })) as [Record<string, unknown>[], ...unknown[]];
  } catch (e) {
    if ((e as { code?: number }).code === 404) return null;
    throw e;
  }
  const row = rows[0];
  if (!row) return null;
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : String(v));
  return { runId: text(row.run_id) ?? '', kind: text(row.kind) ?? '', finishedAt: text(row.finished_at) ?? '', watermarkAt: text(row.watermark_at) };
}

export async function reprocess<R extends TransformRunSummary>(options: ReprocessOptions<R>): Promise<ReprocessReport<R>> {
  const fullRefresh = options.fullRefresh ?? false;
  const problem = checkRange(options.from, options.to, fullRefresh);
  if (problem) throw new RangeError(problem);
  const dataset = options.dataset ?? 'marts';
  const emit = options.onEvent ?? (() => undefined);
  // A backfill only rebuilds its range; one day either side shows it touched nothing else.
  const window = fullRefresh ? {} : { from: shiftDate(options.from!, -1), to: shiftDate(options.to!, 1) };
  const fingerprint = async (phase: 'before' | 'after'): Promise<TableFingerprints> => {
    const f = await partitionFingerprints(options.bigquery, { project: options.project, dataset, location: options.location, ...window });
    emit({ type: 'fingerprint', phase, tables: f.size });
    return f;
  };

  const vars = { ...options.vars, ...(fullRefresh ? {} : { backfill_from: options.from!, backfill_to: options.to! }) };
  const before = await fingerprint('before');
  const startedAt = new Date();
  const { run, failure } = await options.transform({ fullRefresh, vars });
  const after = await fingerprint('after');
  const report: ReprocessReport<R> = {
    mode: fullRefresh ? 'full-refresh' : 'backfill',
    from: options.from ?? null,
    to: options.to ?? null,
    run,
    ...diffFingerprints(before, after),
    recorded: await recordedRunSince(options, startedAt),
  };
  if (failure) throw new ReprocessError(failure.message, report);
  return report;
}
