// The POS loader's ports over the official Cloud Storage and BigQuery clients. Plan records and
// staging objects live in the archive bucket under `_plans/`: stores can write the landing bucket,
// not the archive, so nobody but the loader writes what the loader executes (and each record is
// checked before use all the same, see plan-record.ts).
import type { BigQuery, Job } from '@google-cloud/bigquery';
import type { Bucket, Storage } from '@google-cloud/storage';
import type { LoadManifestEntry } from '../../contracts/ops';
import { PermanentError, RetryableError } from '../runtime/errors';
import { PLAN_ID, PLANS_PREFIX, type LoadJobPlan } from './plan';
import {
  LoadJobRejected,
  type ContentLookup,
  type Destination,
  type LoadedContent,
  type ManifestLookup,
  type ObjectsLookup,
  type PlanRecord,
  type PosLoaderPorts,
  type RecordedObject,
} from './run';

export const LANDING_PREFIX = 'pos/';
/** A plan record larger than this is not one the loader wrote (10,000 files make a few MiB). */
const MAX_PLAN_BYTES = 64 * 2 ** 20;

export interface GcpPortsOptions {
  storage: Storage;
  bigquery: BigQuery;
  project: string;
  buckets: { landing: string; archive: string; quarantine: string };
  datasets: { raw: string; ops: string };
  /** Manifest rows older than this are never consulted: the floor under every lookup's own bound. */
  manifestLookbackDays?: number;
  /** Told of every manifest lookup with its query job's statistics (logs, the bench). */
  onManifestRead?: (read: ManifestRead) => void;
  now?: () => number;
  /** Longest wait between polls of a running load job (ms; default 1000). */
  pollMs?: number;
}

/** One manifest lookup as BigQuery ran it. */
export interface ManifestRead {
  kind: ManifestLookup['kind'];
  /** Keys looked up (object names, or content keys). */
  keys: number;
  /** The `recorded_at` bound the query used. */
  since: string;
  rows: number;
  /** totalBytesProcessed of the query job; null when the response did not say. */
  bytesProcessed: number | null;
}

interface JobStatus {
  status?: { state?: string; errorResult?: { reason?: string; message?: string } };
}

export function gcpPorts(o: GcpPortsOptions): PosLoaderPorts {
  const landing = o.storage.bucket(o.buckets.landing);
  const plansBucket = o.storage.bucket(o.buckets.archive);
  const planId = (id: string): string => {
    if (!PLAN_ID.test(id)) throw new PermanentError(`not a plan id: ${JSON.stringify(id).slice(0, 80)}`);
    return id;
  };
  const now = o.now ?? Date.now;
  const lookbackDays = o.manifestLookbackDays ?? 62;
  const manifestTable = `\`${o.project}.${o.datasets.ops}.load_manifest\``;

  const waitFor = async (job: Job, jobId: string): Promise<void> => {
    // Short first polls (a small load finishes in well under a second), backing off to pollMs.
    for (let attempt = 0; ; attempt++) {
      const [meta] = (await job.getMetadata()) as unknown as [JobStatus];
      if (meta.status?.state === 'DONE') {
        const e = meta.status.errorResult;
        // BigQuery refused the data: the loader bisects the job's files (new staging objects, new ids).
        if (e && e.reason === 'invalid') throw new LoadJobRejected(`load job ${jobId} failed: ${e.reason} ${e.message ?? ''}`.trim(), { jobId });
        // Any other failure keeps its id: resubmitting would answer 409 forever, so an operator must look.
        if (e) throw new PermanentError(`load job ${jobId} failed: ${e.reason ?? ''} ${e.message ?? ''}`.trim(), { jobId });
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 1_000, 25 * 2 ** attempt)));
    }
  };

  /** Runs one manifest query and reports its statistics. */
  const manifestQuery = async (kind: ManifestLookup['kind'], keys: number, since: string, query: string, params: Record<string, unknown>, types: Record<string, string | string[]>): Promise<Record<string, unknown>[]> => {
    // query() resolves to [rows, nextQuery, the jobs.query response] (its typing omits the third).
    const [rows, , response] = (await o.bigquery.query({ query, params, types })) as unknown as [Record<string, unknown>[], unknown, { totalBytesProcessed?: string } | undefined];
    o.onManifestRead?.({ kind, keys, since, rows: rows.length, bytesProcessed: response?.totalBytesProcessed !== undefined ? Number(response.totalBytesProcessed) : null });
    return rows;
  };

  // Each lookup reads only the columns its answer needs, from its bound (floored at the lookback) on:
  // BigQuery prunes to the partitions from there.
  function readManifest(lookup: ObjectsLookup): Promise<RecordedObject[]>;
  function readManifest(lookup: ContentLookup): Promise<LoadedContent[]>;
  async function readManifest(lookup: ManifestLookup): Promise<RecordedObject[] | LoadedContent[]> {
    const floor = now() - lookbackDays * 86_400_000;
    const bound = lookup.since === undefined ? NaN : Date.parse(lookup.since);
    const since = new Date(Number.isNaN(bound) ? floor : Math.max(floor, bound)).toISOString();
    if (lookup.kind === 'objects') {
      if (lookup.names.length === 0) return [];
      const rows = await manifestQuery(
        'objects',
        lookup.names.length,
        since,
        `SELECT object_name, generation FROM ${manifestTable} WHERE recorded_at >= TIMESTAMP(@since) AND object_name IN UNNEST(@names)`,
        { since, names: lookup.names },
        { since: 'STRING', names: ['STRING'] },
      );
      return rows.map((r) => ({ object_name: String(r.object_name), generation: String(r.generation) }));
    }
    if (lookup.keys.length === 0) return [];
    const distinct = (values: string[]): string[] => [...new Set(values)];
    // Each column against its own list (the clustering on status, store_id prunes on the first two);
    // the rows are a superset of the keys' and the run matches them exactly.
    const rows = await manifestQuery(
      'content',
      lookup.keys.length,
      since,
      `SELECT status, store_id, window_start, content_sha256 FROM ${manifestTable} WHERE recorded_at >= TIMESTAMP(@since) AND status = 'loaded'` +
        ' AND store_id IN UNNEST(@stores) AND window_start IN UNNEST(@windows) AND content_sha256 IN UNNEST(@hashes)',
      {
        since,
        stores: distinct(lookup.keys.map((k) => k.store_id)),
        windows: distinct(lookup.keys.map((k) => k.window_start)).map((w) => o.bigquery.timestamp(w)),
        hashes: distinct(lookup.keys.map((k) => k.content_sha256)),
      },
      { since: 'STRING', stores: ['STRING'], windows: ['TIMESTAMP'], hashes: ['STRING'] },
    );
    return rows.map((r) => ({
      status: r.status as LoadedContent['status'],
      store_id: (r.store_id as string | null) ?? null,
      window_start: timestampText(r.window_start),
      content_sha256: (r.content_sha256 as string | null) ?? null,
    }));
  }

  return {
    async listLanding() {
      const [files] = await landing.getFiles({ prefix: LANDING_PREFIX, autoPaginate: true });
      return files.map((f) => ({
        bucket: o.buckets.landing,
        name: f.name,
        generation: String(f.metadata.generation),
        size: Number(f.metadata.size ?? 0),
        ...(typeof f.metadata.timeCreated === 'string' ? { timeCreated: f.metadata.timeCreated } : {}),
      }));
    },
    async readObject(obj) {
      const [bytes] = await landing.file(obj.name, { generation: Number(obj.generation) }).download({ decompress: false });
      return bytes;
    },
    readManifest,
    async writeStaging(name, text) {
      if (!name.startsWith(PLANS_PREFIX)) throw new PermanentError(`staging object outside ${PLANS_PREFIX}: ${name}`);
      await plansBucket.file(name).save(text, { resumable: false, contentType: 'application/x-ndjson' });
    },
    async readStaging(name) {
      if (!name.startsWith(PLANS_PREFIX)) throw new PermanentError(`staging object outside ${PLANS_PREFIX}: ${name}`);
      return (await plansBucket.file(name).download())[0].toString('utf8');
    },
    async readPlans() {
      // Only the records (`_plans/<id>.json`), not the staging folders beside them.
      const [files] = await plansBucket.getFiles({ prefix: PLANS_PREFIX, delimiter: '/', autoPaginate: true });
      const plans: { name: string; record: unknown }[] = [];
      for (const f of files) {
        if (!f.name.endsWith('.json')) continue;
        if (Number(f.metadata.size ?? 0) > MAX_PLAN_BYTES) {
          plans.push({ name: f.name, record: undefined });
          continue;
        }
        let record: unknown;
        try {
          record = JSON.parse((await f.download())[0].toString('utf8'));
        } catch {
          record = undefined;
        }
        plans.push({ name: f.name, record });
      }
      return plans;
    },
    async writePlan(plan: PlanRecord) {
      await plansBucket.file(`${PLANS_PREFIX}${planId(plan.planId)}.json`).save(JSON.stringify(plan), { resumable: false, contentType: 'application/json' });
    },
    async deletePlan(id) {
      await plansBucket.deleteFiles({ prefix: `${PLANS_PREFIX}${planId(id)}/` });
      await plansBucket.file(`${PLANS_PREFIX}${planId(id)}.json`).delete({ ignoreNotFound: true });
    },
    async runLoadJob(job: LoadJobPlan) {
      const table = o.bigquery.dataset(o.datasets.raw).table(job.table);
      try {
        const [created] = await table.createLoadJob(
          job.sources.map((s) => plansBucket.file(s)),
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
    async loadJobExists(jobId) {
      const [exists] = await o.bigquery.job(jobId).exists();
      return exists;
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
    async readStoreMerchants() {
      const [rows] = await o.bigquery.query({ query: `SELECT store_id, merchant_id FROM \`${o.project}.${o.datasets.raw}.ref_stores\`` });
      return new Map((rows as { store_id: string; merchant_id: string }[]).map((r) => [String(r.store_id), String(r.merchant_id)]));
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
