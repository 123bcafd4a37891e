// The POS loader's decisions without I/O: what happens to each landed file (load, archive as an
// identical re-upload, quarantine), how the files to load are grouped into one load job per window
// per table (≤ 10,000 URIs each), the deterministic job ids, and the staging NDJSON and manifest rows.
import { createHash } from 'node:crypto';
import type { LoadManifestEntry } from '../../../contracts/ops';
import { POS_TABLES, type PosFileVerdict, type PosTable } from './check-file';

/** BigQuery accepts up to 10,000 source URIs per load job. */
export const MAX_URIS_PER_JOB = 10_000;

export interface LandedObject {
  bucket: string;
  name: string;
  generation: string;
}

export type FileDecision =
  | { action: 'load'; object: LandedObject; verdict: PosFileVerdict & { ok: true } }
  | { action: 'archive'; object: LandedObject; verdict: PosFileVerdict; reason: string }
  | { action: 'quarantine'; object: LandedObject; verdict: PosFileVerdict; reason: string };

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
 * identical files in one run load once.
 */
export function decideFiles(files: readonly { object: LandedObject; verdict: PosFileVerdict }[], loaded: Set<string>): FileDecision[] {
  return files.map(({ object, verdict }) => {
    if (!verdict.ok) return { action: 'quarantine', object, verdict, reason: verdict.reason ?? 'invalid file' };
    const key = contentKey(verdict.header?.store_id ?? null, verdict.header?.window_start ?? null, verdict.contentSha256);
    if (loaded.has(key)) return { action: 'archive', object, verdict, reason: 'identical re-upload: this content was already loaded' };
    loaded.add(key);
    return { action: 'load', object, verdict: verdict as PosFileVerdict & { ok: true } };
  });
}

export interface StagedFile {
  object: LandedObject;
  /** Staging object name per table, only for tables the file has rows for. */
  staging: Partial<Record<PosTable, string>>;
  rows: Record<PosTable, number>;
}

export interface LoadJobPlan {
  jobId: string;
  table: PosTable;
  windowStart: string;
  /** Staging object names (in the staging bucket). */
  sources: string[];
}

export interface LoadPlan {
  /** Unique per set of files: names the write-ahead record and the staging folder. */
  planId: string;
  ingestedAt: string;
  files: StagedFile[];
  jobs: LoadJobPlan[];
}

export const STAGING_PREFIX = 'staging/';

export function objectUri(o: LandedObject): string {
  return `gs://${o.bucket}/${o.name}`;
}

/**
 * Groups the files to load by window (header window_start) and table. Job ids derive from the
 * window, the table and the exact set of files, so re-running the same plan resubmits the same ids
 * (BigQuery answers 409 duplicate and loads nothing twice).
 */
export function planLoad(decisions: readonly FileDecision[], ingestedAt: string): LoadPlan {
  const toLoad = decisions.filter((d): d is FileDecision & { action: 'load' } => d.action === 'load');
  const planId = digest(toLoad.map((d) => `${objectUri(d.object)}#${d.object.generation}`).sort().join('\n')).slice(0, 24);
  const files: StagedFile[] = [];
  const byWindow = new Map<string, { table: PosTable; source: string }[]>();
  for (const d of toLoad) {
    const windowStart = new Date(d.verdict.header!.window_start).toISOString();
    const staged: StagedFile = { object: d.object, staging: {}, rows: { pos_transactions: 0, inventory_movements: 0 } };
    for (const table of POS_TABLES) {
      const n = d.verdict.rows[table].length;
      staged.rows[table] = n;
      if (n === 0) continue;
      const source = `${STAGING_PREFIX}${planId}/${table}/${d.object.name}.${d.object.generation}.ndjson`;
      staged.staging[table] = source;
      const list = byWindow.get(windowStart) ?? [];
      list.push({ table, source });
      byWindow.set(windowStart, list);
    }
    files.push(staged);
  }
  const jobs: LoadJobPlan[] = [];
  for (const [windowStart, entries] of [...byWindow].sort(([a], [b]) => a.localeCompare(b))) {
    for (const table of POS_TABLES) {
      const sources = entries.filter((e) => e.table === table).map((e) => e.source).sort();
      for (let i = 0; i < sources.length; i += MAX_URIS_PER_JOB) {
        const chunk = sources.slice(i, i + MAX_URIS_PER_JOB);
        jobs.push({ jobId: loadJobId(table, windowStart, chunk), table, windowStart, sources: chunk });
      }
    }
  }
  return { planId, ingestedAt, files, jobs };
}

/** `pizzaflow_pos_pos_transactions_20260101T0000_<digest>`: letters, digits, _ and - only. */
export function loadJobId(table: PosTable, windowStart: string, sources: readonly string[]): string {
  const compact = windowStart.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace(/Z$/, '');
  return `pizzaflow_pos_${table}_${compact}_${digest([...sources].sort().join('\n')).slice(0, 20)}`;
}

/** The NDJSON staging object of one file for one table: body rows plus the batch metadata. */
export function stagingNdjson(rows: readonly Record<string, unknown>[], meta: { ingestedAt: string; sourceObject: string; loadJobId: string }): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify({ ...row, ingested_at: meta.ingestedAt, source_object: meta.sourceObject, load_job_id: meta.loadJobId })}\n`;
  return out;
}

/** The job that loads `file`'s rows into `table` in `plan`, if any. */
export function jobFor(plan: LoadPlan, file: StagedFile, table: PosTable): LoadJobPlan | undefined {
  const source = file.staging[table];
  return source === undefined ? undefined : plan.jobs.find((j) => j.table === table && j.sources.includes(source));
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
