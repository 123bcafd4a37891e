// A plan record read back before it is executed is untrusted input: it must have the shape the loader
// writes, an id that is a digest, jobs that load the catalog's POS tables with the job id the loader
// derives from their staging objects (which live under the plan's own folder), and files that are
// landed POS objects moved to the archive or quarantine bucket. Anything else is ignored and logged.
import { z } from 'zod';
import { DATASETS, FUNCTIONS, platformCatalog } from '../../contracts/catalog';
import { tableRef } from '../../contracts/catalog/names';
import { loadManifestEntry } from '../../contracts/ops';
import { POS_TABLES, type PosTable } from './check-file';
import { fileKey, loadJobId, PLAN_ID, PLANS_PREFIX } from './plan';
import type { PlanRecord } from './run';

/** The tables the catalog lets the POS loader write, among those it loads. */
let catalogTables: Set<string> | undefined;
function loaderTables(): Set<string> {
  catalogTables ??= new Set(platformCatalog().functions.find((f) => f.name === FUNCTIONS.posLoader)?.access.writesTables ?? []);
  return catalogTables;
}

const landedObject = z.strictObject({
  bucket: z.string().min(3).max(222),
  name: z.string().regex(/^pos\/[^\s]{1,1000}$/, 'expected an object under pos/'),
  generation: z.string().regex(/^\d{1,20}$/),
  size: z.number().int().min(0).optional(),
});

const jobPlan = z.strictObject({
  jobId: z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/),
  table: z.enum(POS_TABLES as [PosTable, ...PosTable[]]),
  windowStart: z.iso.datetime(),
  sources: z.array(z.string().min(1).max(1024)).min(1).max(10),
  files: z.array(z.string().max(2048)).min(1).max(10_000),
});

const plannedFile = z.strictObject({
  object: landedObject,
  destination: z.enum(['archive', 'quarantine']),
  metadata: z.record(z.string().regex(/^pizzaflow_[a-z_]{1,40}$/), z.string().max(4096)),
  manifest: loadManifestEntry,
});

const planRecord = z.strictObject({
  planId: z.string().regex(PLAN_ID, 'expected a 24-hex-digit plan id'),
  jobs: z.array(jobPlan).max(10_000),
  files: z.array(plannedFile).max(100_000),
  attempts: z.int().min(0).max(1_000_000).optional(),
});

/** The plan record, or why it is not one the loader wrote. `name` is the record's object name. */
export function checkPlanRecord(name: string, raw: unknown): { ok: true; plan: PlanRecord } | { ok: false; reason: string } {
  const parsed = planRecord.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `not a plan record: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const plan = parsed.data as PlanRecord;
  if (name !== `${PLANS_PREFIX}${plan.planId}.json`) return { ok: false, reason: `record ${name} names plan ${plan.planId}` };
  const keys = new Set<string>();
  for (const f of plan.files) {
    if (f.manifest.object_name !== f.object.name || f.manifest.generation !== f.object.generation || f.manifest.bucket !== f.object.bucket) {
      return { ok: false, reason: `file ${f.object.name}: the manifest row is for another object` };
    }
    if (f.manifest.status === 'quarantined' ? f.destination !== 'quarantine' : f.destination !== 'archive') {
      return { ok: false, reason: `file ${f.object.name}: status ${f.manifest.status} with destination ${f.destination}` };
    }
    keys.add(fileKey(f.object));
  }
  // A file a job loads is recorded as loaded, or quarantined after that job loaded its other table's rows.
  const loadedBy = new Map(plan.files.map((f) => [fileKey(f.object), new Set((f.manifest.load_job_id ?? '').split(',').filter(Boolean))]));
  const loadedKeys = new Set(plan.files.filter((f) => f.manifest.status === 'loaded').map((f) => fileKey(f.object)));
  for (const job of plan.jobs) {
    if (!loaderTables().has(tableRef(DATASETS.raw, job.table))) return { ok: false, reason: `job ${job.jobId}: table ${job.table} is not one the catalog lets the loader write` };
    if (!job.sources.every((s) => s.startsWith(`${PLANS_PREFIX}${plan.planId}/`) && !s.includes('..'))) return { ok: false, reason: `job ${job.jobId}: a source outside the plan's folder` };
    if (job.jobId !== loadJobId(job.table, job.windowStart, job.sources)) return { ok: false, reason: `job ${job.jobId}: not the id of its table, window and sources` };
    for (const k of job.files) if (!keys.has(k)) return { ok: false, reason: `job ${job.jobId}: loads ${k}, which is not a file of the plan` };
    for (const k of job.files) if (!loadedKeys.has(k) && !loadedBy.get(k)?.has(job.jobId)) return { ok: false, reason: `job ${job.jobId}: loads ${k}, which the plan does not record as loaded` };
  }
  return { ok: true, plan };
}
