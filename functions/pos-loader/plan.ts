// The POS loader's decisions without I/O: what happens to each landed file (load, archive as an
// identical re-upload, quarantine), how the files to load are grouped into one load job per window
// per table (≤ 10,000 files each, staged as one NDJSON object per job), the deterministic job ids,
// and the staging NDJSON and manifest rows. Plan records and staging objects live under `_plans/`
// in the archive bucket, which stores cannot write (the landing bucket's `pos/` prefix is theirs).
import { createHash } from 'node:crypto';
import type { LoadManifestEntry } from '../../contracts/ops';
import { POS_TABLES, type PosFileVerdict, type PosTable, type QuarantineCode } from './check-file';

/** Files per load job (and per staging object): bounds an object's size as a window grows. */
export const MAX_FILES_PER_JOB = 10_000;

export interface LandedObject {
  bucket: string;
  name: string;
  generation: string;
  /** Bytes stored (compressed), from the object's metadata; judged before any download. */
  size?: number;
}

export type FileDecision =
  | { action: 'load'; object: LandedObject; verdict: PosFileVerdict & { ok: true } }
  | { action: 'archive'; object: LandedObject; verdict: PosFileVerdict; reason: string }
  | { action: 'quarantine'; object: LandedObject; verdict: PosFileVerdict; code: QuarantineCode; reason: string };

/** The store a landed object's path names: `pos/store=<id>/…`; null when the path names none. */
export function pathStore(name: string): string | null {
  return /^pos\/store=([^/]+)\//.exec(name)?.[1] ?? null;
}

/** A quarantine decision; the reason starts with its code (`line_too_long: line 1 is longer…`). */
export function quarantine(object: LandedObject, verdict: PosFileVerdict, code: QuarantineCode, detail: string): FileDecision {
  return { action: 'quarantine', object, verdict, code, reason: `${code}: ${detail}` };
}

/** Identifies identical content of one store's window: an empty window has the same body digest everywhere. */
export function contentKey(storeId: string | null, windowStart: string | null, sha256: string | null): string {
  return `${storeId ?? ''}|${windowStart ? new Date(windowStart).toISOString() : ''}|${sha256 ?? ''}`;
}

/** Keys of content already loaded, from manifest rows. */
export function loadedContent(manifest: readonly Pick<LoadManifestEntry, 'status' | 'store_id' | 'window_start' | 'content_sha256'>[]): Set<string> {
  const out = new Set<string>();
  for (const m of manifest) if (m.status === 'loaded') out.add(contentKey(m.store_id, m.window_start, m.content_sha256));
  return out;
}

/**
 * Decides every file of a run in order; `loaded` is updated as files are chosen for loading, so two
 * identical files in one run load once. A file is quarantined (`path_mismatch`) when its path
 * (`pos/store=<id>/`) does not name its header's store, or when `storeMerchants` (store → merchant,
 * from reference data) says the store belongs to another merchant than the header's.
 */
export function decideFiles(files: readonly { object: LandedObject; verdict: PosFileVerdict }[], loaded: Set<string>, storeMerchants?: ReadonlyMap<string, string>): FileDecision[] {
  return files.map(({ object, verdict }) => {
    if (!verdict.ok) return quarantine(object, verdict, verdict.code ?? 'invalid', verdict.reason ?? 'invalid file');
    const store = pathStore(object.name);
    if (store !== verdict.header?.store_id) {
      return quarantine(object, verdict, 'path_mismatch', `the path names store ${store ?? '(none)'} but the header is for store ${verdict.header?.store_id ?? '(none)'} of merchant ${verdict.header?.merchant_id ?? '(none)'}`);
    }
    // Reference data (raw.ref_stores), when the loader could read it: a store it knows belongs to one merchant.
    const owner = store === null ? undefined : storeMerchants?.get(store);
    if (owner !== undefined && owner !== verdict.header?.merchant_id) {
      return quarantine(object, verdict, 'path_mismatch', `store ${store} belongs to merchant ${owner}, not to the header's merchant ${verdict.header?.merchant_id ?? '(none)'}`);
    }
    const key = contentKey(verdict.header?.store_id ?? null, verdict.header?.window_start ?? null, verdict.contentSha256);
    if (loaded.has(key)) return { action: 'archive', object, verdict, reason: 'identical re-upload: this content was already loaded' };
    loaded.add(key);
    return { action: 'load', object, verdict: verdict as PosFileVerdict & { ok: true } };
  });
}

export interface StagedFile {
  object: LandedObject;
  rows: Record<PosTable, number>;
}

export interface LoadJobPlan {
  jobId: string;
  table: PosTable;
  windowStart: string;
  /** Staging object names (in the archive bucket, under `_plans/<planId>/`): one NDJSON object holding the rows of every file of the job. */
  sources: string[];
  /** The files whose rows the job loads (`fileKey`). */
  files: string[];
}

export interface LoadPlan {
  /** Unique per set of files: names the write-ahead record and the staging folder. */
  planId: string;
  ingestedAt: string;
  files: StagedFile[];
  jobs: LoadJobPlan[];
}

/** Plan records (`_plans/<planId>.json`) and their staging objects (`_plans/<planId>/…`), in the archive bucket. */
export const PLANS_PREFIX = '_plans/';

/** Plan ids: 24 lowercase hex digits (a digest), nothing a path could abuse. */
export const PLAN_ID = /^[0-9a-f]{24}$/;

export function objectUri(o: LandedObject): string {
  return `gs://${o.bucket}/${o.name}`;
}

/** Names one generation of a landed object. */
export function fileKey(o: LandedObject): string {
  return `${objectUri(o)}#${o.generation}`;
}

/**
 * Groups the files to load by window (header window_start) and table, one staging object per job
 * (a request per job to write and to read, not one per file). Job ids derive from the window, the
 * table and the staging object, which is named by the plan (the exact set of files), so re-running
 * the same plan resubmits the same ids (BigQuery answers 409 duplicate and loads nothing twice).
 */
export function planLoad(decisions: readonly FileDecision[], ingestedAt: string): LoadPlan {
  const toLoad = decisions.filter((d): d is FileDecision & { action: 'load' } => d.action === 'load');
  const planId = digest(decisions.map((d) => fileKey(d.object)).sort().join('\n')).slice(0, 24);
  const files: StagedFile[] = [];
  const byWindow = new Map<string, Map<PosTable, string[]>>();
  for (const d of toLoad) {
    const windowStart = new Date(d.verdict.header!.window_start).toISOString();
    const staged: StagedFile = { object: d.object, rows: { pos_transactions: 0, inventory_movements: 0 } };
    for (const table of POS_TABLES) {
      const n = d.verdict.rows[table].length;
      staged.rows[table] = n;
      if (n === 0) continue;
      const tables = byWindow.get(windowStart) ?? new Map<PosTable, string[]>();
      tables.set(table, [...(tables.get(table) ?? []), fileKey(d.object)]);
      byWindow.set(windowStart, tables);
    }
    files.push(staged);
  }
  const jobs: LoadJobPlan[] = [];
  for (const [windowStart, tables] of [...byWindow].sort(([a], [b]) => a.localeCompare(b))) {
    for (const table of POS_TABLES) {
      const keys = (tables.get(table) ?? []).sort();
      for (let i = 0; i < keys.length; i += MAX_FILES_PER_JOB) {
        const part = i / MAX_FILES_PER_JOB;
        const source = `${PLANS_PREFIX}${planId}/${table}/${compactTime(windowStart)}${part ? `-${part}` : ''}.ndjson`;
        jobs.push({ jobId: loadJobId(table, windowStart, [source]), table, windowStart, sources: [source], files: keys.slice(i, i + MAX_FILES_PER_JOB) });
      }
    }
  }
  return { planId, ingestedAt, files, jobs };
}

/** `pizzaflow_pos_pos_transactions_20260101T0000_<digest>`: letters, digits, _ and - only. */
export function loadJobId(table: PosTable, windowStart: string, sources: readonly string[]): string {
  return `pizzaflow_pos_${table}_${compactTime(windowStart)}_${digest([...sources].sort().join('\n')).slice(0, 20)}`;
}

function compactTime(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace(/Z$/, '');
}

/** The NDJSON staging object of one file for one table: body rows plus the batch metadata. */
export function stagingNdjson(rows: readonly Record<string, unknown>[], meta: { ingestedAt: string; sourceObject: string; loadJobId: string }): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify({ ...row, ingested_at: meta.ingestedAt, source_object: meta.sourceObject, load_job_id: meta.loadJobId })}\n`;
  return out;
}

/** The jobs that load each file's rows, by `fileKey`. */
export function jobsByFile(jobs: readonly LoadJobPlan[]): Map<string, LoadJobPlan[]> {
  const out = new Map<string, LoadJobPlan[]>();
  for (const job of jobs) for (const key of job.files) out.set(key, [...(out.get(key) ?? []), job]);
  return out;
}

/** The ops.load_manifest row of a processed file. */
export function manifestRow(d: FileDecision, recordedAt: string, loadJobIds: string[]): LoadManifestEntry {
  const h = d.verdict.header;
  const loaded = d.action === 'load';
  return {
    recorded_at: recordedAt,
    bucket: d.object.bucket,
    object_name: d.object.name,
    generation: d.object.generation,
    content_sha256: d.verdict.contentSha256,
    merchant_id: h?.merchant_id ?? null,
    store_id: h?.store_id ?? null,
    window_start: h?.window_start ?? null,
    window_end: h?.window_end ?? null,
    status: loaded ? 'loaded' : d.action === 'archive' ? 'archived' : 'quarantined',
    reason: loaded ? null : d.reason.slice(0, 4000),
    transaction_rows: loaded ? d.verdict.rows.pos_transactions.length : 0,
    inventory_rows: loaded ? d.verdict.rows.inventory_movements.length : 0,
    load_job_id: loaded && loadJobIds.length ? loadJobIds.join(',') : null,
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
