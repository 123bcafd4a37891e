// One POS loader run over injected ports (storage, BigQuery): judge the new landed files, write a
// plan record and the staging objects, then execute the plan: one load job per window per table
// (deterministic ids), move files, record the manifest. The plan record is written before any job
// runs, so a run interrupted anywhere is finished by the next one with the same job ids (BigQuery
// answers 409 duplicate) and no row is loaded twice or lost.
import type { LoadManifestEntry } from '../../contracts/ops';
import { mapWithConcurrency } from '../runtime/concurrency';
import type { Logger } from '../runtime/logger';
import { checkPosFile } from './check-file';
import { decideFiles, fileKey, jobsByFile, loadedContent, manifestRow, objectUri, planLoad, stagingNdjson, type FileDecision, type LandedObject, type LoadJobPlan } from './plan';

export type Destination = 'archive' | 'quarantine';

export interface PlannedFile {
  object: LandedObject;
  destination: Destination;
  /** Custom metadata set on the moved object (the reason, the load job). */
  metadata: Record<string, string>;
  manifest: LoadManifestEntry;
}

/** What the loader commits to before doing anything irreversible. */
export interface PlanRecord {
  planId: string;
  jobs: LoadJobPlan[];
  files: PlannedFile[];
}

export type ManifestKey = Pick<LoadManifestEntry, 'object_name' | 'generation' | 'status' | 'store_id' | 'window_start' | 'content_sha256'>;

export interface PosLoaderPorts {
  /** Objects under the landing prefix (the newest generation of each). */
  listLanding(): Promise<LandedObject[]>;
  readObject(o: LandedObject): Promise<Buffer>;
  readManifest(): Promise<ManifestKey[]>;
  writeStaging(name: string, text: string): Promise<void>;
  readPlans(): Promise<PlanRecord[]>;
  writePlan(plan: PlanRecord): Promise<void>;
  /** Removes the plan record and its staging objects. */
  deletePlan(planId: string): Promise<void>;
  /** Submits the job (same id ⇒ BigQuery refuses a second one) and waits; 'existing' when it already ran. Throws if it failed. */
  runLoadJob(job: LoadJobPlan): Promise<'loaded' | 'existing'>;
  /** Copies to the destination bucket with metadata, then deletes this generation; a no-op when already gone. */
  moveObject(o: LandedObject, to: Destination, metadata: Record<string, string>): Promise<void>;
  appendManifest(rows: LoadManifestEntry[]): Promise<void>;
}

export interface PosLoaderSummary {
  recovered: number;
  files: number;
  loaded: number;
  archived: number;
  quarantined: number;
  jobs: { jobId: string; table: string; outcome: 'loaded' | 'existing' }[];
  rows: { pos_transactions: number; inventory_movements: number };
}

const key = (name: string, generation: string): string => `${name}#${generation}`;

/** Object reads, staging writes and moves in flight at once (each is one Cloud Storage request or two). */
const IO_CONCURRENCY = 16;
/** Load jobs submitted at once (BigQuery runs them concurrently; a run has one per window per table). */
const LOAD_JOB_CONCURRENCY = 4;

export async function runPosLoader(ports: PosLoaderPorts, options: { now: () => number; log?: Logger }): Promise<PosLoaderSummary> {
  const summary: PosLoaderSummary = { recovered: 0, files: 0, loaded: 0, archived: 0, quarantined: 0, jobs: [], rows: { pos_transactions: 0, inventory_movements: 0 } };
  // 1. Finish what an interrupted run committed to.
  for (const plan of await ports.readPlans()) {
    options.log?.warn({ planId: plan.planId, files: plan.files.length }, 'finishing an interrupted plan');
    summary.recovered += plan.files.length;
    await executePlan(ports, plan, summary, options.log);
  }
  // 2. Judge the files nobody has processed yet.
  const manifest = await ports.readManifest();
  const done = new Set(manifest.map((m) => key(m.object_name, m.generation)));
  const fresh = (await ports.listLanding()).filter((o) => !done.has(key(o.name, o.generation))).sort(byArrival);
  if (fresh.length === 0) return summary;
  const judged = await mapWithConcurrency(fresh, IO_CONCURRENCY, async (object) => ({ object, verdict: checkPosFile(await ports.readObject(object)) }));
  const decisions = decideFiles(judged, loadedContent(manifest));
  const now = new Date(options.now()).toISOString();
  const plan = planLoad(decisions, now);
  // 3. Staging objects (one per job), then the plan record: from here on the plan is what happens.
  const byKey = new Map(decisions.map((d) => [fileKey(d.object), d]));
  await mapWithConcurrency(plan.jobs, IO_CONCURRENCY, async (job) => {
    let text = '';
    for (const key of job.files) {
      const decision = byKey.get(key) as FileDecision & { action: 'load' };
      text += stagingNdjson(decision.verdict.rows[job.table], { ingestedAt: plan.ingestedAt, sourceObject: objectUri(decision.object), loadJobId: job.jobId });
    }
    await ports.writeStaging(job.sources[0]!, text);
  });
  const jobsOfFile = jobsByFile(plan.jobs);
  const record: PlanRecord = {
    planId: plan.planId,
    jobs: plan.jobs,
    files: decisions.map((d) => plannedFile(d, now, (jobsOfFile.get(fileKey(d.object)) ?? []).map((j) => j.jobId))),
  };
  await ports.writePlan(record);
  await executePlan(ports, record, summary, options.log);
  return summary;
}

/** Upload order (generations grow with time), so of two identical files the first one uploaded is loaded. */
function byArrival(a: LandedObject, b: LandedObject): number {
  const ga = BigInt(a.generation);
  const gb = BigInt(b.generation);
  return ga < gb ? -1 : ga > gb ? 1 : a.name.localeCompare(b.name);
}

function plannedFile(d: FileDecision, recordedAt: string, jobIds: string[]): PlannedFile {
  const manifest = manifestRow(d, recordedAt, jobIds);
  if (d.action === 'quarantine') return { object: d.object, destination: 'quarantine', metadata: { pizzaflow_status: 'quarantined', pizzaflow_reason: d.reason.slice(0, 1024) }, manifest };
  if (d.action === 'archive') return { object: d.object, destination: 'archive', metadata: { pizzaflow_status: 'archived', pizzaflow_reason: d.reason }, manifest };
  return { object: d.object, destination: 'archive', metadata: { pizzaflow_status: 'loaded', pizzaflow_load_job_ids: jobIds.join(',') }, manifest };
}

async function executePlan(ports: PosLoaderPorts, plan: PlanRecord, summary: PosLoaderSummary, log?: Logger): Promise<void> {
  // The jobs load different files (or tables): they run side by side; the summary keeps plan order.
  const outcomes = await mapWithConcurrency(plan.jobs, LOAD_JOB_CONCURRENCY, async (job) => {
    const outcome = await ports.runLoadJob(job);
    log?.info({ jobId: job.jobId, table: job.table, windowStart: job.windowStart, files: job.files?.length, outcome }, 'load job done');
    return outcome;
  });
  plan.jobs.forEach((job, i) => summary.jobs.push({ jobId: job.jobId, table: job.table, outcome: outcomes[i]! }));
  await mapWithConcurrency(plan.files, IO_CONCURRENCY, (f) => ports.moveObject(f.object, f.destination, f.metadata));
  // Re-read: an interrupted run may have written part of its manifest already.
  const recorded = new Set((await ports.readManifest()).map((m) => key(m.object_name, m.generation)));
  const rows = plan.files.map((f) => f.manifest).filter((m) => !recorded.has(key(m.object_name, m.generation)));
  if (rows.length) await ports.appendManifest(rows);
  await ports.deletePlan(plan.planId);
  for (const f of plan.files) {
    summary.files += 1;
    const status = f.manifest.status;
    if (status === 'loaded') summary.loaded += 1;
    else if (status === 'archived') summary.archived += 1;
    else summary.quarantined += 1;
    summary.rows.pos_transactions += f.manifest.transaction_rows;
    summary.rows.inventory_movements += f.manifest.inventory_rows;
  }
}
