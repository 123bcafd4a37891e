// Keyed reads of ops.load_manifest, without I/O. A run asks the manifest three questions, each about
// this run's files only, never the whole history:
//  - which of the landed objects are recorded already (by object name; the generation is matched
//    here), in batches, oldest object first, until the run has its `maxFilesPerRun` new files;
//  - which of the accepted files' contents (store, header window, body digest) were loaded already;
//  - which of a plan's files are recorded already, before its manifest rows are appended.
// Each lookup carries a lower bound on `recorded_at` derived from its keys, so BigQuery prunes the
// table (partitioned by day on `recorded_at`) to the days those files can have been recorded in:
//  - an object is recorded after it was created, so not before its `timeCreated` (less a margin for
//    the clocks of Cloud Storage and the loader);
//  - content is loaded only by a run at most `maxFutureHours` before its header window (a file
//    further ahead is quarantined as `implausible_time`), so not before the window less that;
//  - a plan's rows carry the plan's own `recorded_at`.
// The port floors every bound at its lookback (62 days). A port may answer with more rows than asked
// (a superset); what is matched here is exact.
import type { LoadManifestEntry } from '../../contracts/ops';
import { contentKey, type LandedObject } from './plan';

/** A landed object as listed, with its creation time when the listing has it. */
export interface ListedObject extends LandedObject {
  /** RFC 3339, from the object's metadata: bounds the manifest lookup (never part of a plan). */
  timeCreated?: string;
}

/** What an objects lookup answers: the object and generation of each row (the columns it reads). */
export type RecordedObject = Pick<LoadManifestEntry, 'object_name' | 'generation'>;

/** What a content lookup answers: the content of each row. */
export type LoadedContent = Pick<LoadManifestEntry, 'status' | 'store_id' | 'window_start' | 'content_sha256'>;

/** The content of an accepted file: what an identical earlier file would have in its manifest row. */
export interface ContentRef {
  store_id: string;
  /** Normalised to `toISOString()`. */
  window_start: string;
  content_sha256: string;
}

/** The rows of these objects (any generation: the run matches the generation). `since` bounds `recorded_at` (RFC 3339); absent, only the port's lookback does. */
export interface ObjectsLookup {
  kind: 'objects';
  names: string[];
  since?: string;
}

/** The `loaded` rows whose store, window and body digest are among these (the port may match each column on its own). */
export interface ContentLookup {
  kind: 'content';
  keys: ContentRef[];
  since?: string;
}

/** One keyed read of ops.load_manifest. */
export type ManifestLookup = ObjectsLookup | ContentLookup;

/** Keys per manifest query: an object name is at most 1,024 bytes, so a batch's parameters stay under about 1 MiB. */
export const MANIFEST_LOOKUP_BATCH = 1_000;

/** Allowance for the clocks of Cloud Storage (timeCreated) and the loader (recorded_at). */
export const CLOCK_SKEW_MS = 3_600_000;

/** Allowance for the gap between the run time a file was recorded with and the one it was judged at (milliseconds apart). */
const RECORDED_MARGIN_MS = 3_600_000;

const objectKey = (name: string, generation: string): string => `${name}#${generation}`;

/** The earliest of `times` less `marginMs`, as RFC 3339; undefined when any is missing or unreadable (no bound). */
function earliest(times: readonly (string | undefined)[], marginMs: number): string | undefined {
  let min = Infinity;
  for (const t of times) {
    const ms = t === undefined ? NaN : Date.parse(t);
    if (Number.isNaN(ms)) return undefined;
    min = Math.min(min, ms);
  }
  return min === Infinity ? undefined : new Date(min - marginMs).toISOString();
}

/** The lookup for one batch of listed objects: their distinct names, bounded by the earliest creation time. */
export function objectsLookup(objects: readonly ListedObject[]): ObjectsLookup {
  const since = earliest(objects.map((o) => o.timeCreated), CLOCK_SKEW_MS);
  return { kind: 'objects', names: [...new Set(objects.map((o) => o.name))], ...(since ? { since } : {}) };
}

/**
 * The lookups that re-read the rows of a plan's files before its manifest is appended (an interrupted
 * run may have appended part of it): bounded exactly by the plan's own `recorded_at`.
 */
export function recordedLookups(manifest: readonly Pick<LoadManifestEntry, 'object_name' | 'recorded_at'>[], batch = MANIFEST_LOOKUP_BATCH): (ObjectsLookup)[] {
  const out: (ObjectsLookup)[] = [];
  for (let i = 0; i < manifest.length; i += batch) {
    const part = manifest.slice(i, i + batch);
    const since = earliest(part.map((m) => m.recorded_at), 0);
    out.push({ kind: 'objects', names: [...new Set(part.map((m) => m.object_name))], ...(since ? { since } : {}) });
  }
  return out;
}

/** `name#generation` of the rows that record one of `objects` (rows of other objects or generations are ignored). */
export function recordedObjects(rows: readonly RecordedObject[], objects: readonly Pick<LandedObject, 'name' | 'generation'>[]): Set<string> {
  const wanted = new Set(objects.map((o) => objectKey(o.name, o.generation)));
  const out = new Set<string>();
  for (const r of rows) {
    const k = objectKey(r.object_name, r.generation);
    if (wanted.has(k)) out.add(k);
  }
  return out;
}

/** Whether `rows` record this generation of the object. */
export function isRecorded(recorded: ReadonlySet<string>, o: Pick<LandedObject, 'name' | 'generation'>): boolean {
  return recorded.has(objectKey(o.name, o.generation));
}

/**
 * The files a run takes: `waiting` (oldest first) less those the manifest records, at most `cap`.
 * The manifest is asked in batches of at most `batch` objects, each no larger than the files still
 * wanted, and no further once the run has its files; `backlog` counts the files left in landing
 * (those never looked up included: a file over the cap waits whether or not it is recorded).
 */
export async function takeUnrecorded<T extends ListedObject>(
  waiting: readonly T[],
  cap: number,
  read: (lookup: ObjectsLookup) => Promise<readonly RecordedObject[]>,
  batch = MANIFEST_LOOKUP_BATCH,
): Promise<{ fresh: T[]; backlog: number; lookups: number }> {
  const fresh: T[] = [];
  let lookups = 0;
  let next = 0;
  while (next < waiting.length && fresh.length < cap) {
    const part = waiting.slice(next, next + Math.min(batch, cap - fresh.length));
    next += part.length;
    lookups += 1;
    const recorded = recordedObjects(await read(objectsLookup(part)), part);
    // A batch is never larger than the files still wanted, so all its unrecorded files fit.
    fresh.push(...part.filter((o) => !isRecorded(recorded, o)));
  }
  return { fresh, backlog: waiting.length - next, lookups };
}

/**
 * The content lookups for the accepted files (ok, with a header and a digest): distinct keys in
 * batches, each bounded by its earliest window less the future allowance (a run loads a file only
 * when its window is at most `maxFutureMs` ahead of the run) and a margin.
 */
export function contentLookups(
  files: readonly { verdict: { ok: boolean; header: { store_id: string; window_start: string } | null; contentSha256: string | null } }[],
  maxFutureMs: number,
  batch = MANIFEST_LOOKUP_BATCH,
): (ContentLookup)[] {
  const keys = new Map<string, ContentRef>();
  for (const { verdict } of files) {
    if (!verdict.ok || !verdict.header || !verdict.contentSha256) continue;
    const ms = Date.parse(verdict.header.window_start);
    if (Number.isNaN(ms)) continue;
    const ref = { store_id: verdict.header.store_id, window_start: new Date(ms).toISOString(), content_sha256: verdict.contentSha256 };
    keys.set(contentKey(ref.store_id, ref.window_start, ref.content_sha256), ref);
  }
  const all = [...keys.values()];
  const out: (ContentLookup)[] = [];
  for (let i = 0; i < all.length; i += batch) {
    const part = all.slice(i, i + batch);
    const since = earliest(part.map((k) => k.window_start), maxFutureMs + RECORDED_MARGIN_MS);
    out.push({ kind: 'content', keys: part, ...(since ? { since } : {}) });
  }
  return out;
}
