// The POS loader's ports over the official Cloud Storage and BigQuery clients. Staging objects and
// plan records live in the landing bucket under `staging/` (outside the notified `pos/` prefix).
import type { BigQuery, Job } from '@google-cloud/bigquery';
import type { Bucket, Storage } from '@google-cloud/storage';
import type { LoadManifestEntry } from '../../contracts/ops';
import { PermanentError, RetryableError } from '../runtime/errors';
import { STAGING_PREFIX, type LoadJobPlan } from './plan';
import type { Destination, ManifestKey, PlanRecord, PosLoaderPorts } from './run';

export const LANDING_PREFIX = 'pos/';
const PLANS_PREFIX = `${STAGING_PREFIX}plans/`;

export interface GcpPortsOptions {
  storage: Storage;
  bigquery: BigQuery;
  project: string;
  buckets: { landing: string; archive: string; quarantine: string };
  datasets: { raw: string; ops: string };
  /** Manifest rows older than this are not consulted (bounds the scan; files wait minutes, not months). */
  manifestLookbackDays?: number;
  now?: () => number;
  /** Longest wait between polls of a running load job (ms; default 1000). */
  pollMs?: number;
}

interface JobStatus {
  status?: { state?: string; errorResult?: { reason?: string; message?: string } };
}

export function gcpPorts(o: GcpPortsOptions): PosLoaderPorts {
  const landing = o.storage.bucket(o.buckets.landing);
  const now = o.now ?? Date.now;
  const lookbackDays = o.manifestLookbackDays ?? 62;
  const manifestTable = `\`${o.project}.${o.datasets.ops}.load_manifest\``;

  const waitFor = async (job: Job, jobId: string): Promise<void> => {
    // Short first polls (a small load finishes in well under a second), backing off to pollMs.
    for (let attempt = 0; ; attempt++) {
      const [meta] = (await job.getMetadata()) as unknown as [JobStatus];
      if (meta.status?.state === 'DONE') {
        const e = meta.status.errorResult;
        // A failed job keeps its id: resubmitting would answer 409 forever, so an operator must look.
        if (e) throw new PermanentError(`load job ${jobId} failed: ${e.reason ?? ''} ${e.message ?? ''}`.trim(), { jobId });
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 1_000, 25 * 2 ** attempt)));
    }
  };

  return {
    async listLanding() {
      const [files] = await landing.getFiles({ prefix: LANDING_PREFIX, autoPaginate: true });
      return files.map((f) => ({ bucket: o.buckets.landing, name: f.name, generation: String(f.metadata.generation) }));
    },
    async readObject(obj) {
      const [bytes] = await landing.file(obj.name, { generation: Number(obj.generation) }).download({ decompress: false });
      return bytes;
    },
    async readManifest(): Promise<ManifestKey[]> {
      const since = new Date(now() - lookbackDays * 86_400_000).toISOString();
      const [rows] = await o.bigquery.query({
        query: `SELECT object_name, generation, status, store_id, window_start, content_sha256 FROM ${manifestTable} WHERE recorded_at >= TIMESTAMP(@since)`,
        params: { since },
      });
      return (rows as Record<string, unknown>[]).map((r) => ({
        object_name: String(r.object_name),
        generation: String(r.generation),
        status: r.status as ManifestKey['status'],
        store_id: (r.store_id as string | null) ?? null,
        window_start: timestampText(r.window_start),
        content_sha256: (r.content_sha256 as string | null) ?? null,
      }));
    },
    async writeStaging(name, text) {
      await landing.file(name).save(text, { resumable: false, contentType: 'application/x-ndjson' });
    },
    async readPlans() {
      const [files] = await landing.getFiles({ prefix: PLANS_PREFIX });
      const plans: PlanRecord[] = [];
      for (const f of files) plans.push(JSON.parse((await f.download())[0].toString('utf8')) as PlanRecord);
      return plans;
    },
    async writePlan(plan) {
      await landing.file(`${PLANS_PREFIX}${plan.planId}.json`).save(JSON.stringify(plan), { resumable: false, contentType: 'application/json' });
    },
    async deletePlan(planId) {
      await landing.deleteFiles({ prefix: `${STAGING_PREFIX}${planId}/` });
      await landing.file(`${PLANS_PREFIX}${planId}.json`).delete({ ignoreNotFound: true });
    },
    async runLoadJob(job: LoadJobPlan) {
      const table = o.bigquery.dataset(o.datasets.raw).table(job.table);
      try {
        const [created] = await table.createLoadJob(
          job.sources.map((s) => landing.file(s)),
          { jobId: job.jobId, sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND', createDisposition: 'CREATE_NEVER' },
        );
        await waitFor(created, job.jobId);
        return 'loaded';
      } catch (err) {
        if ((err as { code?: unknown }).code !== 409) throw asRetryable(err, job.jobId);
        await waitFor(o.bigquery.job(job.jobId), job.jobId);
        return 'existing';
      }
    },
    async moveObject(obj, to: Destination, metadata) {
      const source = landing.file(obj.name, { generation: Number(obj.generation) });
      const destBucket: Bucket = o.storage.bucket(to === 'archive' ? o.buckets.archive : o.buckets.quarantine);
      const dest = destBucket.file(obj.name);
      try {
        await source.copy(dest);
      } catch (err) {
        // This generation gone means an earlier run moved it already (a missing destination bucket is a 404 too).
        if ((err as { code?: unknown }).code === 404 && !(await source.exists())[0]) return;
        throw err;
      }
      await dest.setMetadata({ metadata: { ...metadata, pizzaflow_source: `gs://${obj.bucket}/${obj.name}#${obj.generation}` } });
      await source.delete({ ignoreNotFound: true, ifGenerationMatch: Number(obj.generation) });
    },
    async appendManifest(rows: LoadManifestEntry[]) {
      await o.bigquery.dataset(o.datasets.ops).table('load_manifest').insert(rows.map((r) => ({ insertId: `${r.object_name}#${r.generation}`, json: r })), { raw: true });
    },
  };
}

function timestampText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

function asRetryable(err: unknown, jobId: string): unknown {
  if (err instanceof PermanentError) return err;
  return new RetryableError(`load job ${jobId}: ${(err as Error).message}`, { jobId }, { cause: err });
}
