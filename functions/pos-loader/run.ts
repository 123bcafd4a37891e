// One POS loader run over injected ports (storage, BigQuery): judge the new landed files, write a
// plan record and the staging objects, then execute the plan: one load job per window per table
// (deterministic ids), move files, record the manifest. The plan record is written before any job
// runs, so a run interrupted anywhere is finished by the next one with the same job ids (BigQuery
// answers 409 duplicate) and no row is loaded twice or lost.
//
// Hostile files are bounded and isolated: a file over the size limits (from its metadata, then
// while it inflates) is quarantined and recorded at once on its own, before any other file is
// judged further; at most `maxFilesPerRun` files are taken per run, oldest first. A load job
// BigQuery refuses is bisected (each half written to the plan before it runs) until the refused
// file is found and quarantined, and the rest load in the same run. Plan records are untrusted input:
// one the loader did not write is ignored and logged, and a plan that keeps failing does not stop
// the run from judging new files.
//
// ops.load_manifest is read by key, never whole (manifest-lookup.ts): the rows of the landed objects
// the run considers, the loaded rows with the content of its accepted files, and the rows of a plan's
// files before its manifest is appended, each bounded on `recorded_at` by what it looks up.
import { createHash } from 'node:crypto';
import type { LoadManifestEntry } from '../../contracts/ops';
import { mapWithConcurrency } from '../runtime/concurrency';
import { posLiveEffect, type LiveEffect } from '../runtime/live-counters';
import { PermanentError } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { checkPosStream, DEFAULT_FILE_LIMITS, LIMIT_CODES, POS_TABLES, type PosFileLimits, type PosFileVerdict, type QuarantineCode } from './check-file';
import {
  contentLookups,
  isRecorded,
  recordedLookups,
  recordedObjects,
  takeUnrecorded,
  type ContentLookup,
  type ListedObject,
  type LoadedContent,
  type ObjectsLookup,
  type RecordedObject,
} from './manifest-lookup';
import { checkPlanRecord } from './plan-record';
import {
  decideFiles,
  fileKey,
  jobsByFile,
  loadedContent,
  loadJobId,
  manifestRow,
  objectUri,
  planLoad,
  quarantine,
  stagingNdjson,
  type FileDecision,
  type LandedObject,
  type LoadJobPlan,
} from './plan';

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
  /** Runs that tried to finish this plan and failed (a plan that keeps failing goes last). */
  attempts?: number;
}

export type { ContentLookup, ContentRef, ListedObject, LoadedContent, ManifestLookup, ObjectsLookup, RecordedObject } from './manifest-lookup';

/** BigQuery refused the data of a load job (errorResult reason `invalid`): the job is bisected. */
export class LoadJobRejected extends PermanentError {}

export interface PosLoaderPorts {
  /** Objects under the landing prefix (the newest generation of each, with its size and, when known, its creation time). */
  listLanding(): Promise<ListedObject[]>;
  readObject(o: LandedObject): Promise<Buffer>;
  /**
   * The ops.load_manifest rows a keyed lookup asks for, recorded at or after its `since` (the port
   * may floor that at its own lookback), with the columns the lookup needs. May answer more rows
   * than asked: the run matches exactly.
   */
  readManifest(lookup: ObjectsLookup): Promise<RecordedObject[]>;
  readManifest(lookup: ContentLookup): Promise<LoadedContent[]>;
  writeStaging(name: string, text: string): Promise<void>;
  readStaging(name: string): Promise<string>;
  /** Every plan record as stored (untrusted: checked before use), with its object name. */
  readPlans(): Promise<{ name: string; record: unknown }[]>;
  writePlan(plan: PlanRecord): Promise<void>;
  /** Removes the plan record and its staging objects. */
  deletePlan(planId: string): Promise<void>;
  /**
   * Submits the job (same id ⇒ BigQuery refuses a second one) and waits; 'existing' when it already ran.
   * Throws LoadJobRejected when BigQuery refused the job's data, another error otherwise.
   */
  runLoadJob(job: LoadJobPlan): Promise<'loaded' | 'existing'>;
  /** Whether BigQuery has a job with this id (done, running or refused). */
  loadJobExists(jobId: string): Promise<boolean>;
  /** Copies to the destination bucket with metadata, then deletes this generation; a no-op when already gone. */
  moveObject(o: LandedObject, to: Destination, metadata: Record<string, string>): Promise<void>;
  appendManifest(rows: LoadManifestEntry[]): Promise<void>;
  /** Store → owning merchant from reference data; optional (without it only the path is checked). */
  readStoreMerchants?(): Promise<Map<string, string>>;
}

export interface PosLoaderLimits extends PosFileLimits {
  /** Largest landed object (compressed bytes, from its metadata); larger ones are never downloaded. */
  maxObjectBytes: number;
  /** Files judged per run, oldest first; the rest wait for later runs. */
  maxFilesPerRun: number;
  /** Event and header times older than this, relative to the run, quarantine the file (`implausible_time`). */
  maxAgeDays: number;
  /** … or further ahead than this. */
  maxFutureHours: number;
}

/**
 * The live counters, when a serving store is configured: each transaction of a successful load job
 * is counted once its rows are in raw (best effort, idempotent by event id, so a plan finished twice
 * counts once). `now` is the clock an hour's liveness is judged by.
 */
export interface LiveCounting {
  apply(effect: LiveEffect, nowMs: number): Promise<'counted' | 'duplicate' | 'nothing'>;
  now(): number;
  /**
   * The effects that failed are tried once more after this long (the store's pause after a failure):
   * one slow call must not cost the rest of the batch. Default 0.
   */
  retryAfterMs?: number;
}

/** What the live counters made of the loaded transactions. */
export interface LiveCountingSummary {
  counted: number;
  /** Counted by an earlier run (a plan finished again). */
  duplicates: number;
  /** Not counted: the hour was no longer live, a reversal found nothing to take back, or ids were missing. */
  skipped: number;
  /** The serving store failed: the settled series will carry them. */
  failed: number;
}

export const DEFAULT_LIMITS: PosLoaderLimits = { ...DEFAULT_FILE_LIMITS, maxObjectBytes: 16 * 2 ** 20, maxFilesPerRun: 2_000, maxAgeDays: 30, maxFutureHours: 24 };

export interface PosLoaderSummary {
  recovered: number;
  files: number;
  loaded: number;
  archived: number;
  quarantined: number;
  jobs: { jobId: string; table: string; outcome: 'loaded' | 'existing' }[];
  rows: { pos_transactions: number; inventory_movements: number };
  /** Files left in the landing bucket for later runs (over the per-run cap, or unreadable this time). */
  backlog: number;
  /** Quarantined by a size limit before being judged further. */
  refused: number;
  /** Load jobs BigQuery refused (each bisected). */
  rejectedJobs: number;
  /** Plan records the loader did not write: ignored. */
  ignoredPlans: number;
  /** Interrupted plans that failed again this run (their files wait; the run went on). */
  blockedPlans: number;
  /** The loaded transactions in the live counters (absent without a serving store). */
  live?: LiveCountingSummary;
}

/** Object reads, staging writes and moves in flight at once (each is one Cloud Storage request or two). */
const IO_CONCURRENCY = 16;
/** Files judged at once: each holds at most the inflated cap, so this bounds a run's peak memory. */
const JUDGE_CONCURRENCY = 4;
/** Load jobs submitted at once (BigQuery runs them concurrently; a run has one per window per table). */
const LOAD_JOB_CONCURRENCY = 4;
/** Live counter updates in flight at once (each is one script call; the client pipelines them on one connection). */
const LIVE_CONCURRENCY = 64;

export interface PosLoaderOptions {
  now: () => number;
  log?: Logger;
  limits?: Partial<PosLoaderLimits>;
  live?: LiveCounting;
}

export async function runPosLoader(ports: PosLoaderPorts, options: PosLoaderOptions): Promise<PosLoaderSummary> {
  const limits: PosLoaderLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log;
  const summary: PosLoaderSummary = {
    recovered: 0, files: 0, loaded: 0, archived: 0, quarantined: 0, jobs: [], rows: { pos_transactions: 0, inventory_movements: 0 },
    backlog: 0, refused: 0, rejectedJobs: 0, ignoredPlans: 0, blockedPlans: 0,
    ...(options.live ? { live: { counted: 0, duplicates: 0, skipped: 0, failed: 0 } } : {}),
  };
  const execute = (plan: PlanRecord, staged?: ReadonlyMap<string, string>): Promise<void> => executePlan(ports, plan, summary, log, options.live, staged);
  // 1. Finish what an interrupted run committed to: only plans the loader wrote, the least-tried first;
  //    one that fails again keeps its files out of this run and does not stop it.
  const plans: PlanRecord[] = [];
  for (const { name, record } of await ports.readPlans()) {
    const checked = checkPlanRecord(name, record);
    if (checked.ok) plans.push(checked.plan);
    else {
      summary.ignoredPlans += 1;
      log?.error({ record: name, reason: checked.reason }, 'ignoring a plan record the loader did not write');
    }
  }
  plans.sort((a, b) => (a.attempts ?? 0) - (b.attempts ?? 0));
  const held = new Set<string>();
  for (const plan of plans) {
    log?.warn({ planId: plan.planId, files: plan.files.length, attempts: plan.attempts ?? 0 }, 'finishing an interrupted plan');
    try {
      const restamped = await restampUnsentJobs(ports, plan, new Date(options.now()).toISOString());
      if (restamped > 0) log?.info({ planId: plan.planId, jobs: restamped }, 'staged the jobs BigQuery never received again, stamped with this run');
      await execute(plan);
      summary.recovered += plan.files.length;
    } catch (err) {
      summary.blockedPlans += 1;
      for (const f of plan.files) held.add(fileKey(f.object));
      log?.error({ planId: plan.planId, attempts: (plan.attempts ?? 0) + 1, err: (err as Error).message }, 'an interrupted plan failed again: its files wait, the run goes on');
      plan.attempts = (plan.attempts ?? 0) + 1;
      await ports.writePlan(plan).catch(() => undefined);
    }
  }
  // 2. Judge the files nobody has processed yet, oldest first, at most maxFilesPerRun: the manifest
  //    is asked about these objects only, a batch at a time, until the run has its files.
  const waiting = (await ports.listLanding()).filter((o) => !held.has(fileKey(o))).sort(byArrival);
  const taken = await takeUnrecorded(waiting, limits.maxFilesPerRun, (lookup) => ports.readManifest(lookup));
  const fresh = taken.fresh.map(landed);
  summary.backlog = taken.backlog;
  if (summary.backlog > 0) log?.warn({ taken: fresh.length, backlog: summary.backlog }, 'more landed files than one run takes: the oldest go first, the rest wait');
  if (fresh.length === 0) return summary;
  const now = new Date(options.now()).toISOString();
  const window = { now: options.now(), maxAgeMs: limits.maxAgeDays * 86_400_000, maxFutureMs: limits.maxFutureHours * 3_600_000 };
  const judged = await mapWithConcurrency(fresh, JUDGE_CONCURRENCY, async (object) => {
    let verdict: PosFileVerdict;
    if (object.size !== undefined && object.size > limits.maxObjectBytes) {
      verdict = refusal('too_large', `object is ${object.size} bytes, over the ${limits.maxObjectBytes}-byte limit (not downloaded)`);
    } else {
      let bytes: Buffer;
      try {
        bytes = await ports.readObject(object);
      } catch (err) {
        summary.backlog += 1;
        log?.warn({ object: object.name, err: (err as Error).message }, 'could not read a landed file: it waits for the next run');
        return null;
      }
      try {
        verdict = bytes.length > limits.maxObjectBytes ? refusal('too_large', `object is ${bytes.length} bytes, over the ${limits.maxObjectBytes}-byte limit`) : await checkPosStream(bytes, { limits, window });
      } catch (err) {
        // Judging is pure: whatever throws will throw again, so the file is quarantined rather than retried.
        verdict = refusal('corrupt', `the file could not be judged: ${(err as Error).message}`);
      }
    }
    if (verdict.code !== null && LIMIT_CODES.has(verdict.code)) {
      // Recorded now, on its own: a file that breaks a limit never waits for (or blocks) the others.
      await quarantineAlone(ports, quarantine(object, verdict, verdict.code, verdict.reason ?? verdict.code), now, summary, execute, log);
      return null;
    }
    return { object, verdict };
  });
  const accepted = judged.filter((j): j is NonNullable<typeof j> => j !== null);
  let owners: Map<string, string> | undefined;
  if (accepted.length && ports.readStoreMerchants) {
    try {
      owners = await ports.readStoreMerchants();
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'store reference data unreadable: merchant ownership of stores not checked this run');
    }
  }
  // Content loaded before (an identical re-upload is archived): the loaded rows with this run's contents.
  const known: LoadedContent[] = [];
  for (const lookup of contentLookups(accepted, limits.maxFutureHours * 3_600_000)) known.push(...(await ports.readManifest(lookup)));
  const decisions = decideFiles(accepted, loadedContent(known), owners);
  if (decisions.length === 0) return summary;
  const plan = planLoad(decisions, now);
  // 3. Staging objects (one per job), then the plan record: from here on the plan is what happens.
  const byKey = new Map(decisions.map((d) => [fileKey(d.object), d]));
  const staged = new Map<string, string>();
  await mapWithConcurrency(plan.jobs, IO_CONCURRENCY, async (job) => {
    let text = '';
    for (const key of job.files) {
      const decision = byKey.get(key) as FileDecision & { action: 'load' };
      text += stagingNdjson(decision.verdict.rows[job.table], { ingestedAt: plan.ingestedAt, sourceObject: objectUri(decision.object), loadJobId: job.jobId });
    }
    await ports.writeStaging(job.sources[0]!, text);
    if (job.table === 'pos_transactions') staged.set(job.sources[0]!, text);
  });
  const jobsOfFile = jobsByFile(plan.jobs);
  const record: PlanRecord = {
    planId: plan.planId,
    jobs: plan.jobs,
    files: decisions.map((d) => plannedFile(d, now, (jobsOfFile.get(fileKey(d.object)) ?? []).map((j) => j.jobId))),
  };
  await ports.writePlan(record);
  await execute(record, staged);
  return summary;
}

/**
 * A recovered plan's jobs that BigQuery never received are staged again with this run's time as
 * `ingested_at`, and so get new ids; the plan is written with them before any runs. The transform
 * reads raw by arrival from its watermark less a short lookback (20 minutes), so rows stamped when
 * the interrupted run planned them, an hour before, would land behind the watermark and never
 * reach staging. Jobs BigQuery has (done, running or refused) keep their id: their rows are in raw
 * already, or the job's own outcome decides. Returns how many jobs were staged again.
 */
export async function restampUnsentJobs(ports: PosLoaderPorts, plan: PlanRecord, ingestedAt: string): Promise<number> {
  const tag = `at${Date.parse(ingestedAt).toString(36)}`;
  let restamped = 0;
  const jobs: LoadJobPlan[] = [];
  for (const job of plan.jobs) {
    if (await ports.loadJobExists(job.jobId)) {
      jobs.push(job);
      continue;
    }
    const source = `${job.sources[0]!.replace(/\.ndjson$/, '')}.${tag}.ndjson`;
    const jobId = loadJobId(job.table, job.windowStart, [source]);
    let text = '';
    for (const s of job.sources) {
      for (const line of (await ports.readStaging(s)).split('\n')) {
        if (line) text += `${JSON.stringify({ ...(JSON.parse(line) as Record<string, unknown>), ingested_at: ingestedAt, load_job_id: jobId })}\n`;
      }
    }
    await ports.writeStaging(source, text);
    jobs.push({ ...job, jobId, sources: [source] });
    restamped += 1;
  }
  if (restamped > 0) {
    plan.jobs = jobs;
    await ports.writePlan(plan);
  }
  return restamped;
}

function refusal(code: QuarantineCode, reason: string): PosFileVerdict {
  return { ok: false, code, reason, header: null, contentSha256: null, rows: { pos_transactions: [], inventory_movements: [] }, inflatedBytes: 0 };
}

/** A one-file plan (no job): written, then executed like any plan, so the move and the manifest row happen once. */
async function quarantineAlone(ports: PosLoaderPorts, d: FileDecision, recordedAt: string, summary: PosLoaderSummary, execute: (plan: PlanRecord) => Promise<void>, log?: Logger): Promise<void> {
  const record: PlanRecord = { planId: digest(`quarantine\n${fileKey(d.object)}`).slice(0, 24), jobs: [], files: [plannedFile(d, recordedAt, [])] };
  log?.warn({ object: d.object.name, reason: d.action === 'quarantine' ? d.reason : null }, 'quarantining a file over a limit');
  try {
    await ports.writePlan(record);
    await execute(record);
    summary.refused += 1;
  } catch (err) {
    summary.backlog += 1;
    log?.error({ object: d.object.name, err: (err as Error).message }, 'could not quarantine a file over a limit: it waits for the next run');
  }
}

/** The object as plans hold it: the listing's creation time only bounds the manifest lookup. */
function landed(o: ListedObject): LandedObject {
  return { bucket: o.bucket, name: o.name, generation: o.generation, ...(o.size !== undefined ? { size: o.size } : {}) };
}

/** Upload order (generations grow with time), so of two identical files the first one uploaded is loaded. */
function byArrival(a: LandedObject, b: LandedObject): number {
  const ga = BigInt(a.generation);
  const gb = BigInt(b.generation);
  return ga < gb ? -1 : ga > gb ? 1 : a.name.localeCompare(b.name);
}

function plannedFile(d: FileDecision, recordedAt: string, jobIds: string[]): PlannedFile {
  const manifest = manifestRow(d, recordedAt, jobIds);
  if (d.action === 'quarantine') return { object: d.object, destination: 'quarantine', metadata: { pizzaflow_status: 'quarantined', pizzaflow_reason_code: d.code, pizzaflow_reason: d.reason.slice(0, 1024) }, manifest };
  if (d.action === 'archive') return { object: d.object, destination: 'archive', metadata: { pizzaflow_status: 'archived', pizzaflow_reason: d.reason }, manifest };
  return { object: d.object, destination: 'archive', metadata: { pizzaflow_status: 'loaded', pizzaflow_load_job_ids: jobIds.join(',') }, manifest };
}

/** `staged`: the staging objects' text this run wrote (by object name), so counting live need not read them back. */
async function executePlan(ports: PosLoaderPorts, plan: PlanRecord, summary: PosLoaderSummary, log?: Logger, live?: LiveCounting, staged?: ReadonlyMap<string, string>): Promise<void> {
  // Plan rewrites (bisection, narrowing) are written one after another, each with the plan as it is then.
  let writes: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => (writes = writes.then(() => ports.writePlan(plan)));
  const fileOf = new Map(plan.files.map((f) => [fileKey(f.object), f]));

  /** The job restricted to some of its files: a new staging object (rows re-tagged) and so a new id. */
  const narrow = async (job: LoadJobPlan, keep: string[], tag: string): Promise<LoadJobPlan> => {
    const uris = new Set(keep.map((k) => objectUri(fileOf.get(k)!.object)));
    const source = job.sources[0]!.replace(/\.ndjson$/, '') + `.${tag}.ndjson`;
    const jobId = loadJobId(job.table, job.windowStart, [source]);
    let text = '';
    for (const s of job.sources) {
      for (const line of (await ports.readStaging(s)).split('\n')) {
        if (!line) continue;
        const row = JSON.parse(line) as Record<string, unknown>;
        if (uris.has(String(row.source_object))) text += `${JSON.stringify({ ...row, load_job_id: jobId })}\n`;
      }
    }
    await ports.writeStaging(source, text);
    return { jobId, table: job.table, windowStart: job.windowStart, sources: [source], files: keep };
  };
  const replace = (job: LoadJobPlan, by: LoadJobPlan[]): void => {
    const i = plan.jobs.findIndex((j) => j.jobId === job.jobId);
    plan.jobs.splice(i, 1, ...by);
  };

  const run = async (job: LoadJobPlan): Promise<void> => {
    try {
      const outcome = await ports.runLoadJob(job);
      log?.info({ jobId: job.jobId, table: job.table, windowStart: job.windowStart, files: job.files.length, outcome }, 'load job done');
      summary.jobs.push({ jobId: job.jobId, table: job.table, outcome });
    } catch (err) {
      if (!(err instanceof LoadJobRejected)) throw err;
      summary.rejectedJobs += 1;
      log?.warn({ jobId: job.jobId, table: job.table, files: job.files.length, err: err.message }, 'BigQuery refused a load job: bisecting its files');
      if (job.files.length === 1) {
        loadFailed(plan, fileOf.get(job.files[0]!)!, job, err.message);
        replace(job, []);
        await persist();
        return;
      }
      const mid = Math.ceil(job.files.length / 2);
      const halves = [await narrow(job, job.files.slice(0, mid), 'a'), await narrow(job, job.files.slice(mid), 'b')];
      replace(job, halves);
      await persist(); // the halves are the plan before either runs
      for (const half of halves) await run(half);
    }
  };

  // One wave per table: a file refused in an earlier table's job leaves the later tables' jobs
  // before they run, so its rows load in no table.
  for (const table of POS_TABLES) {
    const wave: LoadJobPlan[] = [];
    let changed = false;
    for (const job of plan.jobs.filter((j) => j.table === table)) {
      // Quarantined, unless this very job loaded it before a later table's rows were refused.
      const out = (k: string): boolean => {
        const m = fileOf.get(k)!.manifest;
        return m.status === 'quarantined' && !(m.load_job_id ?? '').split(',').includes(job.jobId);
      };
      if (!job.files.some(out)) {
        wave.push(job);
        continue;
      }
      const keep = job.files.filter((k) => !out(k));
      const narrowed = keep.length ? [await narrow(job, keep, 'x')] : [];
      replace(job, narrowed);
      wave.push(...narrowed);
      changed = true;
    }
    if (changed) await persist();
    await mapWithConcurrency(wave, LOAD_JOB_CONCURRENCY, run);
    await writes;
  }
  // Every transaction row now in raw, counted live before the plan is deleted: a run that stops
  // after this point finishes the plan again and counts nothing twice.
  if (live && summary.live) await countLive(ports, plan, live, summary.live, log, staged);
  // The job ids of the loaded files, as the plan finally ran them.
  const jobsOfFile = jobsByFile(plan.jobs);
  for (const f of plan.files) {
    if (f.manifest.status !== 'loaded') continue;
    const ids = (jobsOfFile.get(fileKey(f.object)) ?? []).map((j) => j.jobId);
    f.manifest = { ...f.manifest, load_job_id: ids.length ? ids.join(',') : null };
    f.metadata = { ...f.metadata, pizzaflow_load_job_ids: ids.join(',') };
  }
  await mapWithConcurrency(plan.files, IO_CONCURRENCY, (f) => ports.moveObject(f.object, f.destination, f.metadata));
  // Re-read: an interrupted run may have written part of its manifest already (the rows of these files, since their recorded_at).
  const planned = plan.files.map((f) => f.manifest);
  const found: RecordedObject[] = [];
  for (const lookup of recordedLookups(planned)) found.push(...(await ports.readManifest(lookup)));
  const recorded = recordedObjects(found, plan.files.map((f) => f.object));
  const rows = planned.filter((m) => !isRecorded(recorded, { name: m.object_name, generation: m.generation }));
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

/**
 * Counts the transactions of the plan's pos_transactions jobs (as they finally ran: a refused file's
 * rows were narrowed out) into the live counters, from their staging objects (as this run wrote them,
 * or read back for a recovered or narrowed job). Best effort:
 * a failure is counted and logged (ids only), never fails the run.
 */
async function countLive(ports: PosLoaderPorts, plan: PlanRecord, live: LiveCounting, out: LiveCountingSummary, log?: Logger, staged?: ReadonlyMap<string, string>): Promise<void> {
  const effects: LiveEffect[] = [];
  for (const job of plan.jobs.filter((j) => j.table === 'pos_transactions')) {
    let text: string;
    try {
      text = (await Promise.all(job.sources.map((s) => staged?.get(s) ?? ports.readStaging(s)))).join('');
    } catch (err) {
      const rowsOf = new Map(plan.files.map((f) => [fileKey(f.object), f.manifest.transaction_rows]));
      out.failed += job.files.reduce((n, k) => n + (rowsOf.get(k) ?? 0), 0);
      log?.warn({ jobId: job.jobId, err: (err as Error).message }, 'live counters not updated: staging unreadable');
      continue;
    }
    const nowMs = live.now();
    for (const line of text.split('\n')) {
      if (!line) continue;
      const effect = posLiveEffect(JSON.parse(line) as Record<string, unknown>, nowMs);
      if (effect) effects.push(effect);
      else out.skipped += 1;
    }
  }
  let firstError: string | undefined;
  const apply = async (batch: readonly LiveEffect[]): Promise<LiveEffect[]> => {
    const failed: LiveEffect[] = [];
    await mapWithConcurrency(batch, LIVE_CONCURRENCY, async (effect) => {
      try {
        const result = await live.apply(effect, live.now());
        if (result === 'counted') out.counted += 1;
        else if (result === 'duplicate') out.duplicates += 1;
        else out.skipped += 1;
      } catch (err) {
        failed.push(effect);
        firstError ??= (err as Error).message;
      }
    });
    return failed;
  };
  let failed = await apply(effects);
  if (failed.length > 0) {
    // Counting is idempotent: the failed ones once more, after the store's pause.
    await new Promise((r) => setTimeout(r, live.retryAfterMs ?? 0));
    failed = await apply(failed);
  }
  out.failed += failed.length;
  if (firstError) log?.warn({ planId: plan.planId, failed: failed.length, err: firstError }, 'live counters not updated for some transactions');
}

/**
 * The file whose rows BigQuery refused, alone in its job: quarantined (`load_failed`). Its rows of an
 * earlier table's wave, if any, were loaded already; the manifest row says so (counts and job ids).
 */
function loadFailed(plan: PlanRecord, f: PlannedFile, job: LoadJobPlan, message: string): void {
  const k = fileKey(f.object);
  const before = plan.jobs.filter((j) => POS_TABLES.indexOf(j.table) < POS_TABLES.indexOf(job.table) && j.files.includes(k));
  const loadedTables = new Set(before.map((j) => j.table));
  const partial = before.length ? `; its ${[...loadedTables].join(', ')} rows were loaded by ${before.map((j) => j.jobId).join(', ')}` : '';
  const reason = `load_failed: BigQuery refused the file's ${job.table} rows: ${message}${partial}`.slice(0, 4000);
  f.destination = 'quarantine';
  f.metadata = { pizzaflow_status: 'quarantined', pizzaflow_reason_code: 'load_failed', pizzaflow_reason: reason.slice(0, 1024) };
  f.manifest = {
    ...f.manifest,
    status: 'quarantined',
    reason,
    transaction_rows: loadedTables.has('pos_transactions') ? f.manifest.transaction_rows : 0,
    inventory_rows: loadedTables.has('inventory_movements') ? f.manifest.inventory_rows : 0,
    load_job_id: before.length ? before.map((j) => j.jobId).join(',') : null,
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
