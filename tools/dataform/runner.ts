// Runs the compiled graph on any BigQuery endpoint through the official client: datasets, tables
// (full or incremental), operations and assertions, in dependency order with bounded parallelism.
// Reports rows, bytes processed and time per action; assertion violations fail the run.
import { randomUUID } from 'node:crypto';
import type { BigQuery } from '@google-cloud/bigquery';
import { createLogger } from '../../functions/runtime/logger';
import { buildActions, selectActions, type Action, type Selection } from './graph';
import { ACQUIRE_ACTION, LeaseKeeper, RECORD_ACTION } from './lease';
import { assertionStatement, createStatement, incrementalStatement, script } from './sql';
import type { CompiledGraph, Target } from './types';

export type ActionStatus = 'succeeded' | 'failed' | 'skipped' | 'planned';
export type ActionMode = 'create' | 'incremental' | 'operation' | 'assertion';

export interface ActionResult {
  action: string;
  kind: Action['kind'];
  mode: ActionMode;
  status: ActionStatus;
  /** Rows in the table after the action, rows inserted/merged, or assertion violations. */
  rows: number | null;
  bytesProcessed: number;
  durationMs: number;
  sql: string;
  error?: string;
  /** Up to 5 violating rows of a failed assertion. */
  sampleRows?: Record<string, unknown>[];
}

export interface RunReport {
  runId: string;
  ok: boolean;
  fullRefresh: boolean;
  results: ActionResult[];
  totalBytesProcessed: number;
  durationMs: number;
}

export type RunEvent =
  | { type: 'start'; total: number }
  | { type: 'action-start'; action: string; kind: Action['kind']; mode: ActionMode }
  | { type: 'action-end'; result: ActionResult; done: number; total: number };

export interface RunOptions {
  bigquery: BigQuery;
  graph: CompiledGraph;
  /** Project of targets without a database (defaults to the graph's defaultDatabase). */
  project?: string;
  location?: string;
  fullRefresh?: boolean;
  selection?: Selection;
  /** Plan and print SQL only: nothing is sent. */
  dryRun?: boolean;
  /** Actions running at once (default 4). */
  concurrency?: number;
  onEvent?: (event: RunEvent) => void;
  /**
   * Awaited after each action ran and before anything that depends on it starts: a seam for tests
   * that change the world between two actions (a row arriving, a writer dying).
   */
  afterAction?: (action: string) => Promise<void>;
  /** Where one row per action is recorded; null turns it off. Default ops.dataform_runs. */
  runsTable?: { dataset: string; table: string } | null;
  /**
   * Ask BigQuery for the row count of each table an action built or changed by script (one
   * tables.get each; default true, for the CLI's report). Scheduled runs turn it off, as managed
   * Dataform's invocations report no row counts: a table action's `rows` is then the statement's
   * affected rows when BigQuery gives them, else null.
   */
  rowCounts?: boolean;
}

export class DataformRunError extends Error {
  constructor(
    message: string,
    readonly report: RunReport,
  ) {
    super(message);
    this.name = 'DataformRunError';
  }
}

/** What jobs.query (or jobs.getQueryResults) answers besides the rows. */
interface QueryResponse {
  totalRows?: string;
  totalBytesProcessed?: string;
  numDmlAffectedRows?: string;
  jobReference?: { jobId?: string; location?: string };
}

interface JobOutcome {
  bytesProcessed: number;
  affectedRows: number | null;
  rows: Record<string, unknown>[];
  totalRows: number;
}

const log = createLogger('dataform-executor');

class Executor {
  private readonly project: string;

  constructor(private readonly o: RunOptions) {
    this.project = o.project ?? o.graph.projectConfig?.defaultDatabase ?? o.bigquery.projectId;
  }

  private async query(sql: string, maxResults?: number): Promise<JobOutcome> {
    // bigquery.query() goes through jobs.query: one round trip answers rows, bytes and DML counts
    // (createQueryJob + getQueryResults took two; runs are dominated by round trips). It falls back
    // to jobs.getQueryResults by itself when the statement outlasts the request.
    const [rows, , response] = (await this.o.bigquery.query({
      query: sql,
      useLegacySql: false,
      ...(this.o.location ? { location: this.o.location } : {}),
      ...(maxResults ? { maxResults } : {}),
    })) as unknown as [Record<string, unknown>[], unknown, QueryResponse | undefined];
    let result = response;
    if (result?.totalBytesProcessed === undefined && result?.jobReference?.jobId) {
      const [metadata] = await this.o.bigquery.job(result.jobReference.jobId, { location: result.jobReference.location }).getMetadata();
      const stats = (metadata as { statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string; numDmlAffectedRows?: string } } }).statistics;
      result = { ...result, totalBytesProcessed: stats?.query?.totalBytesProcessed ?? stats?.totalBytesProcessed, numDmlAffectedRows: stats?.query?.numDmlAffectedRows };
    }
    const affected = result?.numDmlAffectedRows;
    return {
      bytesProcessed: Number(result?.totalBytesProcessed ?? 0),
      affectedRows: affected === undefined ? null : Number(affected),
      rows,
      totalRows: result?.totalRows === undefined ? rows.length : Number(result.totalRows),
    };
  }

  private ensureDataset(target: Target): Promise<void> {
    const project = target.database ?? this.project;
    const key = `${project}.${target.schema}@${this.o.location ?? ''}`;
    // Once per client and dataset, not once per run: a scheduled run would otherwise ask again for
    // every dataset it writes (the executor never drops one). A failed check is asked again.
    let known = ensuredDatasets.get(this.o.bigquery);
    if (!known) ensuredDatasets.set(this.o.bigquery, (known = new Map()));
    let p = known.get(key);
    if (!p) {
      p = this.o.bigquery
        .dataset(target.schema, { projectId: project, ...(this.o.location ? { location: this.o.location } : {}) })
        .get({ autoCreate: true })
        .then(() => undefined);
      known.set(key, p);
      p.catch(() => known.delete(key));
    }
    return p;
  }

  private tableRef(target: Target) {
    return this.o.bigquery.dataset(target.schema, { projectId: target.database ?? this.project }).table(target.name);
  }

  private async columnsIfExists(target: Target): Promise<string[] | null> {
    let metadata: unknown;
    try {
      // BASIC: the schema without storage statistics, which would cost a scan of the table.
      [metadata] = await this.tableRef(target).getMetadata({ view: 'BASIC' });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw err;
    }
    const fields = (metadata as { schema?: { fields?: { name: string }[] } }).schema?.fields ?? [];
    return fields.map((f) => f.name);
  }

  /** What the action will send, and how. */
  async plan(action: Action): Promise<{ mode: ActionMode; sql: string }> {
    if (action.kind === 'operation') return { mode: 'operation', sql: script(action.operation.queries ?? []) };
    if (action.kind === 'assertion') return { mode: 'assertion', sql: assertionStatement(action.assertion.query ?? '') };
    const table = action.table;
    const incremental = table.type === 'incremental' && !this.o.fullRefresh;
    const columns = incremental && !this.o.dryRun ? await this.columnsIfExists(table.target) : null;
    if (incremental && (columns !== null || this.o.dryRun)) {
      const sql = script([...(table.incrementalPreOps ?? []), incrementalStatement(table, this.project, columns ?? ['…']), ...(table.incrementalPostOps ?? [])]);
      return { mode: 'incremental', sql };
    }
    return { mode: 'create', sql: script([...(table.preOps ?? []), createStatement(table, this.project), ...(table.postOps ?? [])]) };
  }

  async execute(action: Action, mode: ActionMode, sql: string): Promise<Pick<ActionResult, 'rows' | 'bytesProcessed' | 'sampleRows' | 'error'>> {
    if (action.kind !== 'assertion') await this.ensureDataset(action.target);
    if (action.kind === 'assertion') {
      const out = await this.query(sql, 5);
      if (out.totalRows > 0) {
        return { rows: out.totalRows, bytesProcessed: out.bytesProcessed, sampleRows: out.rows.slice(0, 5), error: `assertion failed: ${out.totalRows} violating row(s)` };
      }
      return { rows: 0, bytesProcessed: out.bytesProcessed };
    }
    const out = await this.query(sql, 0);
    let rows = out.affectedRows;
    // An incremental run reports the rows its statement changed; a rebuilt table its row count.
    if (action.kind === 'table' && this.o.rowCounts !== false && !(mode === 'incremental' && rows !== null)) {
      const [metadata] = await this.tableRef(action.target).getMetadata();
      const numRows = (metadata as { numRows?: string }).numRows;
      rows = numRows === undefined ? rows : Number(numRows);
    }
    return { rows, bytesProcessed: out.bytesProcessed };
  }
}

/** The datasets each client has made sure of (created when missing), by `project.dataset`. */
const ensuredDatasets = new WeakMap<BigQuery, Map<string, Promise<void>>>();

/** Runs the graph; resolves with the report, or rejects with DataformRunError when anything failed. */
export async function runGraph(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const runId = randomUUID();
  const actions = selectActions(buildActions(options.graph), options.selection);
  const executor = new Executor(options);
  const lease = options.dryRun ? undefined : LeaseKeeper.of(options.bigquery, options.graph, options.project ?? options.graph.projectConfig?.defaultDatabase ?? options.bigquery.projectId);
  const results = new Map<string, ActionResult>();
  const emit = options.onEvent ?? (() => undefined);
  emit({ type: 'start', total: actions.length });
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const waiting = [...actions];
  const running = new Map<string, Promise<void>>();
  let done = 0;

  const finish = (result: ActionResult): void => {
    results.set(result.action, result);
    done++;
    emit({ type: 'action-end', result, done, total: actions.length });
  };

  const runOne = async (action: Action): Promise<void> => {
    const t0 = Date.now();
    let mode: ActionMode = action.kind === 'operation' ? 'operation' : action.kind === 'assertion' ? 'assertion' : 'create';
    let sql = '';
    try {
      ({ mode, sql } = await executor.plan(action));
      emit({ type: 'action-start', action: action.key, kind: action.kind, mode });
      if (options.dryRun) {
        finish({ action: action.key, kind: action.kind, mode, status: 'planned', rows: null, bytesProcessed: 0, durationMs: 0, sql });
        return;
      }
      const out = await executor.execute(action, mode, sql);
      if (!out.error && action.target.name === ACQUIRE_ACTION) await lease?.taken();
      if (!out.error && action.target.name === RECORD_ACTION) lease?.recorded();
      await options.afterAction?.(action.key);
      finish({ action: action.key, kind: action.kind, mode, status: out.error ? 'failed' : 'succeeded', durationMs: Date.now() - t0, sql, ...out });
    } catch (cause) {
      const message = (cause as Error).message ?? String(cause);
      log.warn({ action: action.key, err: message }, 'dataform action failed');
      finish({ action: action.key, kind: action.kind, mode, status: 'failed', rows: null, bytesProcessed: 0, durationMs: Date.now() - t0, sql, error: message });
    }
  };

  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length && running.size < concurrency; ) {
      const action = waiting[i]!;
      const deps = action.deps.filter((d) => actions.some((a) => a.key === d));
      if (!deps.every((d) => results.has(d))) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      // A failed model stops what depends on it; a failed assertion stops only what names it.
      const blocked = deps.filter((d) => results.get(d)!.status === 'failed' || results.get(d)!.status === 'skipped');
      if (blocked.length > 0) {
        finish({ action: action.key, kind: action.kind, mode: 'create', status: 'skipped', rows: null, bytesProcessed: 0, durationMs: 0, sql: '', error: `dependency failed: ${blocked.join(', ')}` });
        continue;
      }
      const p = runOne(action).finally(() => running.delete(action.key));
      running.set(action.key, p);
    }
    if (running.size > 0) await Promise.race(running.values());
  }

  const ordered = actions.map((a) => results.get(a.key)!);
  const report: RunReport = {
    runId,
    ok: ordered.every((r) => r.status !== 'failed' && r.status !== 'skipped'),
    fullRefresh: options.fullRefresh ?? false,
    results: ordered,
    totalBytesProcessed: ordered.reduce((s, r) => s + r.bytesProcessed, 0),
    durationMs: Date.now() - started,
  };
  // A run that took the lease and did not record itself (it failed, or ran a selection of actions)
  // frees it now, so the next scheduled run can start.
  if (await lease?.releaseIfHeld()) log.info({ runId, ok: report.ok }, 'released the transform lease of a run that did not record itself');
  if (!options.dryRun && options.runsTable !== null) await recordRun(options, report, new Date(started));
  if (!report.ok) {
    const failed = ordered.filter((r) => r.status === 'failed');
    throw new DataformRunError(`${failed.length} action(s) failed: ${failed.map((r) => `${r.action} (${r.error})`).join('; ')}`, report);
  }
  return report;
}

const RUNS_SCHEMA = [
  { name: 'run_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'run_started_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
  { name: 'action', type: 'STRING', mode: 'REQUIRED' },
  { name: 'kind', type: 'STRING', mode: 'REQUIRED' },
  { name: 'mode', type: 'STRING', mode: 'REQUIRED' },
  { name: 'status', type: 'STRING', mode: 'REQUIRED' },
  { name: 'full_refresh', type: 'BOOL', mode: 'REQUIRED' },
  { name: 'rows', type: 'INT64', mode: 'NULLABLE' },
  { name: 'bytes_processed', type: 'INT64', mode: 'REQUIRED' },
  { name: 'duration_ms', type: 'INT64', mode: 'REQUIRED' },
  { name: 'error', type: 'STRING', mode: 'NULLABLE' },
];

/** One row per action in ops.dataform_runs (created on first use, partitioned by run start). */
async function recordRun(options: RunOptions, report: RunReport, startedAt: Date): Promise<void> {
  const where = options.runsTable ?? { dataset: 'ops', table: 'dataform_runs' };
  const dataset = options.bigquery.dataset(where.dataset, options.location ? { location: options.location } : {});
  await dataset.get({ autoCreate: true });
  const table = dataset.table(where.table);
  const [exists] = await table.exists();
  if (!exists) {
    await table.create({ schema: { fields: RUNS_SCHEMA }, timePartitioning: { type: 'DAY', field: 'run_started_at' }, clustering: { fields: ['action'] } }).catch((e: { code?: number }) => {
      if (e.code !== 409) throw e;
    });
  }
  const rows = report.results.map((r) => ({
    run_id: report.runId,
    run_started_at: startedAt.toISOString(),
    action: r.action,
    kind: r.kind,
    mode: r.mode,
    status: r.status,
    full_refresh: report.fullRefresh,
    rows: r.rows,
    bytes_processed: r.bytesProcessed,
    duration_ms: r.durationMs,
    error: r.error ?? null,
  }));
  if (rows.length > 0) await table.insert(rows);
}
