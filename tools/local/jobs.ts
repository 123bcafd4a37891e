// The catalog's schedules as jobs for the local scheduler: a function target is an HTTP POST to the
// local functions host (as Cloud Scheduler calls the Cloud Run URL); a Dataform target runs the
// compiled graph on BigQuery with the local executor (as a Dataform workflow invocation would).
import type { BigQuery } from '@google-cloud/bigquery';
import type { PlatformCatalog, ScheduleDecl } from '../../contracts/catalog';
import type { PosLoaderSummary } from '../../functions/pos-loader/run';
import type { Config } from '../../functions/runtime/config';
import { formatBytes } from '../cli/format';
import { DataformRunError, runGraph, type CompiledGraph, type RunReport } from '../dataform';
import type { JobOutcome, ScheduledJob } from '../scheduler';

export interface CatalogJobsOptions {
  catalog: Pick<PlatformCatalog, 'schedules'>;
  functionsUrl: string;
  bigquery: BigQuery;
  graph: CompiledGraph;
  config: Pick<Config, 'project' | 'location'>;
  /** The Authorization header of a schedule's call (Cloud Scheduler's OIDC token), if it has one. */
  authorization?: (schedule: string) => string | undefined;
}

export function catalogJobs(o: CatalogJobsOptions): ScheduledJob[] {
  return o.catalog.schedules.map((s) => ({ name: s.name, cron: s.cron, timeZone: s.timeZone, run: () => runTarget(s, o) }));
}

async function runTarget(s: ScheduleDecl, o: CatalogJobsOptions): Promise<JobOutcome> {
  const target = s.target;
  if ('function' in target) {
    const url = `${o.functionsUrl}/${target.function}${target.path}`;
    const authorization = o.authorization?.(s.name);
    const res = await fetch(url, { method: 'POST', headers: authorization ? { authorization } : {} });
    const body = (await res.json().catch(() => ({}))) as unknown;
    if (!res.ok) return { ok: false, summary: `POST ${url} answered ${res.status}`, detail: body };
    return { ok: true, summary: target.function === 'pos-loader' ? posSummary(body as PosLoaderSummary) : `POST ${url} answered ${res.status}`, detail: body };
  }
  let report: RunReport;
  try {
    report = await runGraph({ bigquery: o.bigquery, graph: o.graph, project: o.config.project, location: o.config.location, fullRefresh: target.dataform === 'full-refresh', concurrency: 8 });
  } catch (err) {
    if (!(err instanceof DataformRunError)) throw err;
    const failed = err.report.results.filter((r) => r.status === 'failed');
    return { ok: false, summary: `dataform ${target.dataform}: ${failed.length} failed (${failed.map((r) => r.action).join(', ')})`, detail: err.report };
  }
  return { ok: true, summary: `dataform ${target.dataform}: ${report.results.length} actions, ${formatBytes(report.totalBytesProcessed)} processed`, detail: report };
}

export function posSummary(s: PosLoaderSummary): string {
  if (s.files === 0 && s.recovered === 0) return 'no new files';
  return `${s.files} files: ${s.loaded} loaded, ${s.archived} archived, ${s.quarantined} quarantined; ${s.rows.pos_transactions} transactions, ${s.rows.inventory_movements} inventory movements`;
}
