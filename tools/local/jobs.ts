// The program's schedules as jobs for the local scheduler: each Cloud Scheduler job is an HTTP POST
// to its target URL (the local host's) with its OIDC identity, as Cloud Scheduler sends it; each
// scheduled Dataform workflow configuration runs the compiled graph on BigQuery with the local
// executor (as a workflow invocation of the release would), full refresh when the config says so.
import type { BigQuery } from '@google-cloud/bigquery';
import { FUNCTIONS } from '../../contracts/catalog';
import type { PublishResult } from '../../functions/metrics-api/serving/publisher';
import type { PosLoaderSummary } from '../../functions/pos-loader/run';
import type { Config } from '../../functions/runtime/config';
import { formatBytes } from '../cli/format';
import { DataformRunError, runGraph, type CompiledGraph, type RunReport } from '../dataform';
import type { JobOutcome, ScheduledJob } from '../scheduler';
import type { RenderedProgram } from './render-program';

export interface ProgramJobsOptions {
  program: RenderedProgram;
  bigquery: BigQuery;
  graph: CompiledGraph;
  config: Pick<Config, 'project' | 'location'>;
  /** The Authorization header of a Cloud Scheduler job's call (its OIDC token), by job name. */
  authorization?: (job: string) => string | undefined;
}

interface HttpTarget {
  uri: string;
  httpMethod?: string;
}

export function programJobs(o: ProgramJobsOptions): ScheduledJob[] {
  const http = o.program.ofType('gcp:cloudscheduler/job:Job').map((j): ScheduledJob => {
    const name = String(j.inputs.name);
    const target = j.inputs.httpTarget as HttpTarget;
    return { name, cron: String(j.inputs.schedule), timeZone: String(j.inputs.timeZone ?? 'Etc/UTC'), run: () => callTarget(name, target, o) };
  });
  const dataform = o.program
    .ofType('gcp:dataform/repositoryWorkflowConfig:RepositoryWorkflowConfig')
    .filter((w) => typeof w.inputs.cronSchedule === 'string')
    .map((w): ScheduledJob => {
      const fullRefresh = Boolean((w.inputs.invocationConfig as { fullyRefreshIncrementalTablesEnabled?: boolean } | undefined)?.fullyRefreshIncrementalTablesEnabled);
      const name = `dataform-${String(w.inputs.name)}`;
      return { name, cron: String(w.inputs.cronSchedule), timeZone: String(w.inputs.timeZone ?? 'Etc/UTC'), run: () => runDataform(name, fullRefresh, o) };
    });
  return [...http, ...dataform];
}

async function callTarget(job: string, target: HttpTarget, o: ProgramJobsOptions): Promise<JobOutcome> {
  const authorization = o.authorization?.(job);
  const res = await fetch(target.uri, { method: target.httpMethod ?? 'POST', headers: authorization ? { authorization } : {} });
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) return { ok: false, summary: `POST ${target.uri} answered ${res.status}`, detail: body };
  const summary = target.uri.includes(`/${FUNCTIONS.posLoader}/`) ? posSummary(body as PosLoaderSummary) : target.uri.includes(`/${FUNCTIONS.servingPublisher}/`) ? publishSummary(body as PublishResult) : `POST ${target.uri} answered ${res.status}`;
  return { ok: true, summary, detail: body };
}

async function runDataform(job: string, fullRefresh: boolean, o: ProgramJobsOptions): Promise<JobOutcome> {
  let report: RunReport;
  try {
    // As managed Dataform's invocations: no row count per table (one tables.get each, 37 a run).
    report = await runGraph({ bigquery: o.bigquery, graph: o.graph, project: o.config.project, location: o.config.location, fullRefresh, concurrency: 8, rowCounts: false });
  } catch (err) {
    if (!(err instanceof DataformRunError)) throw err;
    const failed = err.report.results.filter((r) => r.status === 'failed');
    return { ok: false, summary: `${job}: ${failed.length} failed (${failed.map((r) => r.action).join(', ')})`, detail: err.report };
  }
  return { ok: true, summary: `${job}: ${report.results.length} actions, ${formatBytes(report.totalBytesProcessed)} processed`, detail: report };
}

export function posSummary(s: PosLoaderSummary): string {
  if (s.files === 0 && s.recovered === 0) return 'no new files';
  const live = s.live ? `; live counters: ${s.live.counted} counted${s.live.failed ? `, ${s.live.failed} failed` : ''}` : '';
  return `${s.files} files: ${s.loaded} loaded, ${s.archived} archived, ${s.quarantined} quarantined; ${s.rows.pos_transactions} transactions, ${s.rows.inventory_movements} inventory movements${live}`;
}

export function publishSummary(r: PublishResult): string {
  if (r.status === 'up_to_date') return 'serving store up to date';
  if (r.status === 'transform_running') return 'serving store: a transform run holds the lease, next time';
  return `serving store: ${r.runs.length} run${r.runs.length === 1 ? '' : 's'} published (${r.mode ?? 'incremental'}), ${r.merchants} merchants, ${r.fieldsSet} fields set, ${r.fieldsDeleted} deleted`;
}
