// jobs.query, jobs.insert (query and load), jobs.get/list/cancel and jobs.getQueryResults with
// paging. Jobs run to completion before the call answers; results stay in memory for paging.
import { randomUUID } from 'node:crypto';
import { type DuckDBValue } from '@duckdb/node-api';
import { type Context } from './context';
import { BqError, type ErrorProto, duplicate, invalid, notFound, unimplemented } from './errors';
import { decodeOffset, encodeOffset } from './paging';
import { LOCATION, type TableReference } from './resources';
import { type Request, type Router } from './routes';
import { type QueryInput, type QueryOutcome, runQuery } from './query-runner';
import { type Row, encodeRow } from './result-encoding';
import { type FieldSchema } from './schema';
import { type LoadConfig, LoadJobError, runLoad, type LoadOutcome } from './load-job';
import { type QueryParameter } from './sql/params';

interface JobRecord {
  resource: JobResource;
  outcome?: QueryOutcome;
  error?: BqError;
}

interface JobResource {
  kind: 'bigquery#job';
  id: string;
  etag: string;
  jobReference: { projectId: string; jobId?: string; location: string };
  configuration: Record<string, unknown>;
  status: { state: 'DONE' | 'RUNNING'; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics: Record<string, unknown>;
  user_email: string;
}

interface QueryConfig {
  query?: string;
  useLegacySql?: boolean;
  parameterMode?: 'NAMED' | 'POSITIONAL';
  queryParameters?: QueryParameter[];
  defaultDataset?: { projectId?: string; datasetId: string };
  destinationTable?: TableReference;
  writeDisposition?: string;
  createDisposition?: string;
  dryRun?: boolean;
}

interface QueriesBody extends QueryConfig {
  maxResults?: number;
  formatOptions?: { useInt64Timestamp?: boolean };
  requestId?: string;
  location?: string;
}

interface JobsBody {
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  configuration?: { query?: QueryConfig; load?: LoadConfig; copy?: unknown; extract?: unknown; dryRun?: boolean; labels?: Record<string, string> };
}

const JOB_ID = /^[A-Za-z0-9_-]{1,1024}$/;
const MAX_JOBS = 1000;

export class JobRegistry {
  private readonly jobs = new Map<string, JobRecord>();

  get(projectId: string, jobId: string): JobRecord | undefined {
    return this.jobs.get(`${projectId}:${jobId}`);
  }

  has(projectId: string, jobId: string): boolean {
    return this.jobs.has(`${projectId}:${jobId}`);
  }

  put(projectId: string, jobId: string, rec: JobRecord): void {
    this.jobs.set(`${projectId}:${jobId}`, rec);
    // Old results are dropped first; their metadata goes too once the registry is full.
    if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
  }

  list(projectId: string): JobRecord[] {
    return [...this.jobs.entries()].filter(([k]) => k.startsWith(`${projectId}:`)).map(([, v]) => v);
  }
}

export function registerJobs(router: Router, ctx: Context, jobs: JobRegistry): void {
  const base = '/projects/{projectId}';

  router.add('POST', `${base}/queries`, async (req) => {
    const projectId = req.params.projectId;
    const body = (req.body ?? {}) as QueriesBody;
    const input = queryInput(projectId, body);
    const start = Date.now();
    const outcome = await ctx.store.exclusive(() => runQuery(ctx, input));
    const useInt64 = body.formatOptions?.useInt64Timestamp === true;
    if (input.dryRun) {
      return {
        body: {
          kind: 'bigquery#queryResponse',
          jobReference: { projectId, location: LOCATION },
          ...(outcome.schema ? { schema: { fields: outcome.schema } } : {}),
          totalBytesProcessed: String(outcome.totalBytesProcessed),
          jobComplete: true,
          cacheHit: false,
        },
      };
    }
    const jobId = `job_${randomUUID().replace(/-/g, '')}`;
    const resource = jobResource(projectId, jobId, { query: { ...body, dryRun: undefined } }, start, outcome);
    jobs.put(projectId, jobId, { resource, outcome });
    const pageSize = body.maxResults !== undefined ? Number(body.maxResults) : undefined;
    return { body: { kind: 'bigquery#queryResponse', ...resultsPage(resource, outcome, 0, pageSize, useInt64) } };
  });

  router.add('GET', `${base}/queries/{jobId}`, async (req) => {
    const rec = requireJob(jobs, req);
    if (rec.error) throw rec.error;
    if (!rec.outcome) throw invalid(`Job ${rec.resource.id} is not a query job`);
    const q = req.query;
    const start = q.get('startIndex') ? Number(q.get('startIndex')) : decodeOffset(q.get('pageToken'));
    const max = q.get('maxResults') !== null ? Number(q.get('maxResults')) : undefined;
    const useInt64 = q.get('formatOptions.useInt64Timestamp') === 'true';
    return { body: { kind: 'bigquery#getQueryResultsResponse', etag: rec.resource.etag, ...resultsPage(rec.resource, rec.outcome, start, max, useInt64) } };
  });

  router.add('POST', `${base}/jobs`, (req) => insertJob(ctx, jobs, req));

  router.add('GET', `${base}/jobs/{jobId}`, async (req) => ({ body: requireJob(jobs, req).resource }));

  router.add('GET', `${base}/jobs`, async (req) => {
    const list = jobs.list(req.params.projectId).reverse();
    const start = decodeOffset(req.query.get('pageToken'));
    const max = req.query.get('maxResults') ? Number(req.query.get('maxResults')) : 50;
    const items = list.slice(start, start + max);
    return {
      body: {
        kind: 'bigquery#jobList',
        etag: 'jobs',
        ...(start + max < list.length ? { nextPageToken: encodeOffset(start + max) } : {}),
        jobs: items.map((r) => ({ ...r.resource, state: r.resource.status.state })),
      },
    };
  });

  router.add('POST', `${base}/jobs/{jobId}/cancel`, async (req) => ({
    body: { kind: 'bigquery#jobCancelResponse', job: requireJob(jobs, req).resource },
  }));
}

function requireJob(jobs: JobRegistry, req: Request): JobRecord {
  const { projectId, jobId } = req.params;
  const rec = jobs.get(projectId, jobId);
  if (!rec) throw notFound(`Job ${projectId}:${LOCATION}.${jobId}`);
  return rec;
}

function queryInput(projectId: string, cfg: QueryConfig): QueryInput {
  if (cfg.useLegacySql === true) throw unimplemented('Legacy SQL');
  if (typeof cfg.query !== 'string' || !cfg.query.trim()) throw invalid('Query text is required', 'query');
  return {
    projectId,
    query: cfg.query,
    parameterMode: cfg.parameterMode,
    queryParameters: cfg.queryParameters,
    defaultDataset: cfg.defaultDataset,
    dryRun: cfg.dryRun === true,
    destination: cfg.destinationTable,
    writeDisposition: cfg.writeDisposition,
    createDisposition: cfg.createDisposition,
  };
}

async function insertJob(ctx: Context, jobs: JobRegistry, req: Request): Promise<{ body: JobResource }> {
  const projectId = req.params.projectId;
  const body = (req.body ?? {}) as JobsBody;
  const cfg = body.configuration ?? {};
  const dryRun = cfg.dryRun === true;
  const jobId = body.jobReference?.jobId ?? `job_${randomUUID().replace(/-/g, '')}`;
  if (!JOB_ID.test(jobId)) throw invalid(`Invalid job ID "${jobId}"`);
  if (!dryRun && jobs.has(projectId, jobId)) throw duplicate(`Job ${projectId}:${LOCATION}.${jobId}`);
  if (cfg.copy || cfg.extract) throw unimplemented(cfg.copy ? 'Copy jobs' : 'Extract jobs');
  const start = Date.now();
  if (cfg.query) {
    const input = { ...queryInput(projectId, cfg.query), dryRun };
    try {
      const outcome = await ctx.store.exclusive(() => runQuery(ctx, input));
      const resource = jobResource(projectId, dryRun ? undefined : jobId, cfg, start, outcome);
      if (!dryRun) jobs.put(projectId, jobId, { resource, outcome });
      return { body: resource };
    } catch (err) {
      if (!(err instanceof BqError) || dryRun) throw err;
      const resource = failedJob(projectId, jobId, cfg, start, err);
      jobs.put(projectId, jobId, { resource, error: err });
      return { body: resource };
    }
  }
  if (cfg.load) {
    if (dryRun) throw unimplemented('Dry-run load jobs');
    try {
      const outcome = await runLoad(ctx, projectId, cfg.load);
      const resource = loadJobResource(projectId, jobId, cfg, start, outcome);
      jobs.put(projectId, jobId, { resource });
      return { body: asRunning(resource) };
    } catch (err) {
      if (!(err instanceof BqError)) throw err;
      const resource = failedJob(projectId, jobId, cfg, start, err);
      jobs.put(projectId, jobId, { resource, error: err });
      return { body: asRunning(resource) };
    }
  }
  throw invalid('Job configuration must contain query or load', 'configuration');
}

/**
 * A load job with errors is answered RUNNING, as BigQuery answers jobs.insert, and is DONE on the
 * first jobs.get: the official client throws from createJob when the insert response carries
 * status.errors, which a real load job (even one with tolerated bad records) never does.
 */
function asRunning(job: JobResource): JobResource {
  if (!job.status.errors) return job;
  const { creationTime, startTime } = job.statistics;
  return { ...job, status: { state: 'RUNNING' }, statistics: { creationTime, startTime } };
}

function baseJob(projectId: string, jobId: string | undefined, cfg: Record<string, unknown>, start: number): JobResource {
  const now = Date.now();
  return {
    kind: 'bigquery#job',
    id: jobId ? `${projectId}:${LOCATION}.${jobId}` : '',
    etag: Buffer.from(String(now)).toString('base64'),
    jobReference: { projectId, ...(jobId ? { jobId } : {}), location: LOCATION },
    configuration: { ...cfg, jobType: 'query' in cfg ? 'QUERY' : 'LOAD' },
    status: { state: 'DONE' },
    statistics: { creationTime: String(start), startTime: String(start), endTime: String(now) },
    user_email: 'emulator@pizzaflow.local',
  };
}

function jobResource(projectId: string, jobId: string | undefined, cfg: Record<string, unknown>, start: number, o: QueryOutcome): JobResource {
  const job = baseJob(projectId, jobId, cfg, start);
  const bytes = String(o.totalBytesProcessed);
  job.statistics = {
    ...job.statistics,
    totalBytesProcessed: bytes,
    query: {
      totalBytesProcessed: bytes,
      totalBytesBilled: String(billed(o.totalBytesProcessed)),
      billingTier: 1,
      cacheHit: false,
      statementType: o.statementType,
      ...(o.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(o.numDmlAffectedRows) } : {}),
      ...(o.schema ? { schema: { fields: o.schema } } : {}),
      ...(o.ddlOperationPerformed ? { ddlOperationPerformed: o.ddlOperationPerformed } : {}),
      ...(o.ddlTargetTable ? { ddlTargetTable: o.ddlTargetTable } : {}),
    },
  };
  return job;
}

/** BigQuery bills whole megabytes with a 10 MB minimum for a query that reads anything. */
export function billed(bytes: bigint): bigint {
  if (bytes === 0n) return 0n;
  const mb = 1n << 20n;
  const rounded = ((bytes + mb - 1n) / mb) * mb;
  return rounded < 10n * mb ? 10n * mb : rounded;
}

function loadJobResource(projectId: string, jobId: string, cfg: Record<string, unknown>, start: number, o: LoadOutcome): JobResource {
  const job = baseJob(projectId, jobId, cfg, start);
  job.statistics = {
    ...job.statistics,
    load: { inputFiles: String(o.inputFiles), inputFileBytes: String(o.inputFileBytes), outputRows: String(o.outputRows), badRecords: String(o.badRecords), outputBytes: String(o.outputBytes) },
  };
  if (o.errors.length) job.status.errors = o.errors;
  return job;
}

function failedJob(projectId: string, jobId: string, cfg: Record<string, unknown>, start: number, err: BqError): JobResource {
  const job = baseJob(projectId, jobId, cfg, start);
  const details = err instanceof LoadJobError ? err.details : [];
  job.status = { state: 'DONE', errorResult: err.toErrorProto(), errors: [err.toErrorProto(), ...details] };
  return job;
}

function resultsPage(resource: JobResource, o: QueryOutcome, start: number, max: number | undefined, useInt64Timestamp: boolean): Record<string, unknown> {
  const schema: FieldSchema[] = o.schema ?? [];
  const end = max !== undefined ? Math.min(o.rows.length, start + max) : o.rows.length;
  const rows: Row[] = o.rows.slice(start, end).map((r: DuckDBValue[]) => encodeRow(schema, r, { useInt64Timestamp }));
  return {
    jobReference: resource.jobReference,
    ...(o.schema ? { schema: { fields: o.schema } } : {}),
    totalRows: String(o.rows.length),
    ...(end < o.rows.length ? { pageToken: encodeOffset(end) } : {}),
    ...(rows.length ? { rows } : {}),
    totalBytesProcessed: String(o.totalBytesProcessed),
    jobComplete: true,
    cacheHit: false,
    ...(o.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(o.numDmlAffectedRows) } : {}),
  };
}
