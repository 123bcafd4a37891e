// The one store of buckets and objects: an in-memory index (sorted names per bucket, and the
// noncurrent versions of a versioned bucket) over a backend that keeps bytes and records. Mutations
// of a bucket are serialized, preconditions are checked under that lock, and events are emitted
// only after the backend made the change durable. Lifecycle rules run here too, on the store's clock.
import { type Readable } from 'node:stream';
import { type Logger } from '../lib/logger';
import { type Backend, type BlobWriter } from './backend';
import { bucketNotFound, conflict, GcsError, invalid, objectNotFound } from './errors';
import { type Digests } from './hashing';
import { decide, rulesOf, type VersionState } from './lifecycle';
import { compareNames as compareForSort, insertSorted, listEntries, type ListParams, listPage, removeSorted } from './listing';
import { KeyedMutex } from './mutex';
import { checkPreconditions, type Preconditions, type Versions } from './preconditions';
import { type BucketRecord, type ObjectFields, type ObjectRecord } from './records';
import { assertRemovable, checkRetentionChange, removable } from './retention';

export type StoreEvent =
  | { kind: 'finalize'; object: ObjectRecord; overwroteGeneration?: string }
  | { kind: 'delete'; object: ObjectRecord; overwrittenByGeneration?: string }
  | { kind: 'archive'; object: ObjectRecord; overwrittenByGeneration?: string }
  | { kind: 'metadataUpdate'; object: ObjectRecord };

interface BucketEntry {
  record: BucketRecord;
  /** Live versions by name. */
  objects: Map<string, ObjectRecord>;
  /** Names of live versions, sorted. */
  names: string[];
  /** Noncurrent versions by name, generation ascending. */
  noncurrent: Map<string, ObjectRecord[]>;
}

/** Milliseconds since the epoch; the store's notion of now (injectable for lifecycle tests). */
export type Clock = () => number;

export interface LifecycleSummary {
  /** Versions removed for good. */
  deleted: number;
  /** Live versions made noncurrent (Delete in a versioned bucket). */
  archived: number;
  /** Versions moved to a colder storage class. */
  storageClassChanged: number;
}

export interface CommitRequest {
  bucket: string;
  name: string;
  writer: BlobWriter;
  fields: ObjectFields;
  preconditions: Preconditions;
  /** Digests the client declared (metadata or X-Goog-Hash); a mismatch rejects the upload. */
  expected?: Partial<Digests>;
  componentCount?: number;
}

export interface ObjectSelector {
  bucket: string;
  name: string;
  /** A specific generation, live or noncurrent; without one, the live version. */
  generation?: string;
  preconditions?: Preconditions;
}

export class ObjectStore {
  private readonly buckets = new Map<string, BucketEntry>();
  private readonly locks = new KeyedMutex();
  private lastGeneration = 0n;
  private listener: (event: StoreEvent) => void = () => undefined;

  private constructor(
    private readonly backend: Backend,
    private readonly log: Logger,
    readonly clock: Clock,
  ) {}

  static async open(backend: Backend, log: Logger, clock: Clock = Date.now): Promise<ObjectStore> {
    const store = new ObjectStore(backend, log, clock);
    const { buckets, objects } = await backend.load();
    for (const record of buckets) store.buckets.set(record.name, { record, objects: new Map(), names: [], noncurrent: new Map() });
    for (const object of objects) {
      const entry = store.buckets.get(object.bucket);
      if (!entry) continue;
      if (object.timeDeleted) addNoncurrent(entry, object);
      else entry.objects.set(object.name, object);
      const g = BigInt(object.generation);
      if (g > store.lastGeneration) store.lastGeneration = g;
    }
    for (const entry of store.buckets.values()) {
      entry.names = [...entry.objects.keys()].sort(compareForSort);
      for (const list of entry.noncurrent.values()) list.sort(byGeneration);
    }
    log.debug({ buckets: buckets.length, objects: objects.length, backend: backend.kind }, 'store loaded');
    return store;
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listener = listener;
  }

  /** Generations are microseconds since the epoch, as on GCS, and strictly increasing. */
  nextGeneration(): string {
    const now = BigInt(this.clock()) * 1000n;
    this.lastGeneration = now > this.lastGeneration ? now : this.lastGeneration + 1n;
    return this.lastGeneration.toString();
  }

  /** Now as GCS writes timestamps (RFC 3339, UTC). */
  nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  // ---- buckets

  async createBucket(record: BucketRecord): Promise<BucketRecord> {
    return this.locks.run(record.name, async () => {
      if (this.buckets.has(record.name)) {
        throw conflict('Your previous request to create the named bucket succeeded and you already own it.');
      }
      await this.backend.saveBucket(record);
      this.buckets.set(record.name, { record, objects: new Map(), names: [], noncurrent: new Map() });
      return record;
    });
  }

  getBucket(name: string): BucketRecord {
    return this.entry(name).record;
  }

  listBuckets(project: string | undefined): BucketRecord[] {
    return [...this.buckets.values()]
      .map((e) => e.record)
      .filter((b) => project === undefined || b.project === project)
      .sort((a, b) => compareForSort(a.name, b.name));
  }

  /** Applies `mutate` to a copy of the record; `bump` says whether metageneration moves. */
  async updateBucket(name: string, preconditions: Preconditions, mutate: (record: BucketRecord) => void, bump = true): Promise<BucketRecord> {
    return this.locks.run(name, async () => {
      const entry = this.entry(name);
      checkBucketPreconditions(preconditions, entry.record);
      const next: BucketRecord = structuredClone(entry.record);
      mutate(next);
      if (bump) {
        next.metageneration = (BigInt(entry.record.metageneration) + 1n).toString();
        next.updated = this.nowIso();
      }
      await this.backend.saveBucket(next);
      entry.record = next;
      return next;
    });
  }

  async deleteBucket(name: string, preconditions: Preconditions): Promise<void> {
    await this.locks.run(name, async () => {
      const entry = this.entry(name);
      checkBucketPreconditions(preconditions, entry.record);
      if (entry.objects.size > 0 || entry.noncurrent.size > 0) throw conflict('The bucket you tried to delete is not empty.');
      await this.backend.removeBucket(name);
      this.buckets.delete(name);
    });
  }

  // ---- objects

  getObject(sel: ObjectSelector, mode: 'read' | 'write' = 'read'): ObjectRecord {
    const object = this.findVersion(this.entry(sel.bucket), sel);
    if (sel.preconditions) checkPreconditions(sel.preconditions, versions(object), mode);
    return object;
  }

  /** The live version, or the generation asked for (live or noncurrent); 404 when there is none. */
  private findVersion(entry: BucketEntry, sel: ObjectSelector): ObjectRecord {
    const live = entry.objects.get(sel.name);
    if (sel.generation === undefined || live?.generation === sel.generation) {
      if (live) return live;
    } else {
      const old = entry.noncurrent.get(sel.name)?.find((o) => o.generation === sel.generation);
      if (old) return old;
    }
    throw objectNotFound(sel.bucket, sel.name);
  }

  /** Fails early (before bytes are received) when a write's preconditions cannot hold now. */
  checkWrite(bucket: string, name: string, preconditions: Preconditions): void {
    const entry = this.entry(bucket);
    checkPreconditions(preconditions, versionsOf(entry.objects.get(name)));
  }

  /** One page of live objects, or of every version (`allVersions`), by name then generation. */
  listObjects(bucket: string, params: ListParams, allVersions = false): { items: ObjectRecord[]; prefixes: string[]; nextPageToken?: string } {
    const entry = this.entry(bucket);
    if (!allVersions || entry.noncurrent.size === 0) {
      const page = listPage(entry.names, params);
      return { items: page.names.map((n) => entry.objects.get(n)!), prefixes: page.prefixes, nextPageToken: page.nextPageToken };
    }
    return listEntries(
      allVersionsOf(entry),
      params,
      (o) => o.name,
      (o) => o.generation,
    );
  }

  newWriter(): Promise<BlobWriter> {
    return this.backend.newWriter();
  }

  read(object: ObjectRecord, start?: number, end?: number): Readable {
    return this.backend.read(object.blob, start, end);
  }

  /** Turns staged bytes into the live generation of an object. */
  async commitObject(req: CommitRequest): Promise<ObjectRecord> {
    try {
      return await this.locks.run(req.bucket, async () => {
        const entry = this.entry(req.bucket);
        const current = entry.objects.get(req.name);
        checkPreconditions(req.preconditions, versionsOf(current));
        if (current) assertRemovable(current, entry.record, this.clock());
        if (req.fields.retention) checkRetentionChange(entry.record, undefined, req.fields.retention, false);
        checkDigests(req.writer.digests(), req.expected);
        // In a versioned bucket the replaced version stays, noncurrent, out of the live one's place.
        const archived = current && isVersioned(entry) ? await this.archived(current) : undefined;
        const blob = await this.backend.commitBlob(req.writer, req.bucket, req.name, archived ? undefined : current?.blob);
        const now = this.nowIso();
        const record: ObjectRecord = {
          ...withoutUndefined(req.fields),
          bucket: req.bucket,
          name: req.name,
          generation: this.nextGeneration(),
          metageneration: '1',
          size: req.writer.size,
          ...req.writer.digests(),
          storageClass: req.fields.storageClass ?? entry.record.storageClass,
          // A bucket's defaultEventBasedHold puts new objects under an event-based hold.
          ...(req.fields.eventBasedHold === undefined && entry.record.stored.defaultEventBasedHold === true ? { eventBasedHold: true } : {}),
          timeCreated: now,
          updated: now,
          ...(req.componentCount !== undefined ? { componentCount: req.componentCount } : {}),
          blob,
        };
        await this.replace(entry, record, current, archived);
        return record;
      });
    } catch (err) {
      await req.writer.abort().catch((e: unknown) => this.log.warn({ err: e }, 'staged bytes not removed'));
      throw err;
    }
  }

  async updateObject(sel: ObjectSelector, mutate: (fields: ObjectRecord) => void): Promise<ObjectRecord> {
    return this.locks.run(sel.bucket, async () => {
      const entry = this.entry(sel.bucket);
      const current = this.getObject(sel, 'write');
      const next: ObjectRecord = structuredClone(current);
      mutate(next);
      next.metageneration = (BigInt(current.metageneration) + 1n).toString();
      next.updated = this.nowIso();
      await this.saveVersion(entry, current, next);
      this.emit({ kind: 'metadataUpdate', object: next });
      return next;
    });
  }

  async deleteObject(sel: ObjectSelector): Promise<void> {
    await this.locks.run(sel.bucket, async () => {
      const entry = this.entry(sel.bucket);
      const current = this.getObject(sel, 'write');
      assertRemovable(current, entry.record, this.clock());
      // Without a generation, the live version of a versioned bucket becomes noncurrent; naming a
      // generation removes that version for good (https://cloud.google.com/storage/docs/object-versioning).
      if (sel.generation === undefined && isVersioned(entry)) await this.archiveLive(entry, current);
      else await this.removeForGood(entry, current);
    });
  }

  /** Runs every bucket's lifecycle rules once, at the store's clock. */
  async applyLifecycle(): Promise<LifecycleSummary> {
    const summary: LifecycleSummary = { deleted: 0, archived: 0, storageClassChanged: 0 };
    for (const name of [...this.buckets.keys()]) {
      if (rulesOf(this.buckets.get(name)?.record.stored.lifecycle).length === 0) continue;
      await this.locks.run(name, async () => {
        const entry = this.buckets.get(name);
        const rules = rulesOf(entry?.record.stored.lifecycle);
        if (!entry || rules.length === 0) return;
        const now = this.clock();
        // Decided on one snapshot, so a version made noncurrent now is judged on a later run.
        const decisions = versionStates(entry).flatMap((v) => {
          const action = decide(rules, v, now);
          // Lifecycle does not delete (or archive) what a hold or the retention policy protects.
          if (action && action.type !== 'SetStorageClass' && !removable(v.object, entry.record, now)) return [];
          return action ? [{ v, action }] : [];
        });
        for (const { v, action } of decisions) {
          if (action.type === 'SetStorageClass') {
            const next: ObjectRecord = { ...v.object, storageClass: action.storageClass, timeStorageClassUpdated: this.nowIso() };
            await this.saveVersion(entry, v.object, next);
            this.emit({ kind: 'metadataUpdate', object: next });
            summary.storageClassChanged++;
          } else if (v.live && isVersioned(entry)) {
            await this.archiveLive(entry, v.object);
            summary.archived++;
          } else {
            await this.removeForGood(entry, v.object);
            summary.deleted++;
          }
        }
      });
    }
    if (summary.deleted + summary.archived + summary.storageClassChanged > 0) this.log.debug({ ...summary }, 'lifecycle applied');
    return summary;
  }

  /** The live version stops being live and is kept as a noncurrent version (OBJECT_ARCHIVE). */
  private async archiveLive(entry: BucketEntry, live: ObjectRecord): Promise<void> {
    const archived = await this.archived(live);
    await this.backend.saveObject(archived);
    await this.backend.removeObject(live);
    entry.objects.delete(live.name);
    removeSorted(entry.names, live.name);
    addNoncurrent(entry, archived);
    this.emit({ kind: 'archive', object: archived });
  }

  /** Removes one version, live or noncurrent, with its bytes (OBJECT_DELETE). */
  private async removeForGood(entry: BucketEntry, version: ObjectRecord): Promise<void> {
    await this.backend.removeObject(version);
    await this.backend.releaseBlob(version.blob);
    if (version.timeDeleted) {
      const list = entry.noncurrent.get(version.name) ?? [];
      const rest = list.filter((o) => o.generation !== version.generation);
      if (rest.length > 0) entry.noncurrent.set(version.name, rest);
      else entry.noncurrent.delete(version.name);
    } else {
      entry.objects.delete(version.name);
      removeSorted(entry.names, version.name);
    }
    this.emit({ kind: 'delete', object: version });
  }

  /** The record of `live` as a noncurrent version, its bytes moved out of the live object's place. */
  private async archived(live: ObjectRecord): Promise<ObjectRecord> {
    const blob = await this.backend.archiveBlob(live.blob, live.bucket, live.name, live.generation);
    return { ...live, blob, timeDeleted: this.nowIso() };
  }

  /** Saves a changed record of a version (live or noncurrent) and indexes it in place of `before`. */
  private async saveVersion(entry: BucketEntry, before: ObjectRecord, next: ObjectRecord): Promise<void> {
    await this.backend.saveObject(next);
    if (!before.timeDeleted) {
      entry.objects.set(next.name, next);
      return;
    }
    const list = entry.noncurrent.get(next.name) ?? [];
    entry.noncurrent.set(
      next.name,
      list.map((o) => (o.generation === next.generation ? next : o)),
    );
  }

  /** The atomic move of `objects.move`: the bytes change name without being copied. */
  async moveObject(bucket: string, source: ObjectSelector, destination: string, destinationPreconditions: Preconditions): Promise<ObjectRecord> {
    return this.locks.run(bucket, async () => {
      const entry = this.entry(bucket);
      const src = this.getObject(source, 'write');
      if (destination === src.name) throw invalid('Source and destination object names must be different.');
      const current = entry.objects.get(destination);
      checkPreconditions(destinationPreconditions, versionsOf(current));
      assertRemovable(src, entry.record, this.clock());
      if (current) assertRemovable(current, entry.record, this.clock());
      const archived = current && isVersioned(entry) ? await this.archived(current) : undefined;
      const blob = await this.backend.relocateBlob(src.blob, bucket, destination, archived ? undefined : current?.blob);
      const now = this.nowIso();
      const record: ObjectRecord = { ...src, name: destination, generation: this.nextGeneration(), metageneration: '1', timeCreated: now, updated: now, blob };
      delete record.timeStorageClassUpdated;
      // The source's record goes; its blob now belongs to the destination.
      await this.backend.removeObject(src);
      entry.objects.delete(src.name);
      removeSorted(entry.names, src.name);
      await this.replace(entry, record, current, archived);
      this.emit({ kind: 'delete', object: src });
      return record;
    });
  }

  /**
   * Makes `record` the live version. The one it replaces is either kept as `archived` (versioned
   * bucket: OBJECT_ARCHIVE) or removed with its bytes (OBJECT_DELETE), each event carrying
   * `overwrittenByGeneration` as GCS sends it.
   */
  private async replace(entry: BucketEntry, record: ObjectRecord, current: ObjectRecord | undefined, archived?: ObjectRecord): Promise<void> {
    if (archived) await this.backend.saveObject(archived);
    await this.backend.saveObject(record);
    if (current && !archived && current.blob !== record.blob) await this.backend.releaseBlob(current.blob);
    entry.objects.set(record.name, record);
    insertSorted(entry.names, record.name);
    if (archived) addNoncurrent(entry, archived);
    this.emit({ kind: 'finalize', object: record, overwroteGeneration: current?.generation });
    if (archived) this.emit({ kind: 'archive', object: archived, overwrittenByGeneration: record.generation });
    else if (current) this.emit({ kind: 'delete', object: current, overwrittenByGeneration: record.generation });
  }

  private emit(event: StoreEvent): void {
    try {
      this.listener(event);
    } catch (err) {
      this.log.error({ err }, 'event listener failed');
    }
  }

  private entry(bucket: string): BucketEntry {
    const entry = this.buckets.get(bucket);
    if (!entry) throw bucketNotFound(bucket);
    return entry;
  }
}

function isVersioned(entry: BucketEntry): boolean {
  return (entry.record.stored.versioning as { enabled?: unknown } | undefined)?.enabled === true;
}

function byGeneration(a: ObjectRecord, b: ObjectRecord): number {
  const d = BigInt(a.generation) - BigInt(b.generation);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function addNoncurrent(entry: BucketEntry, record: ObjectRecord): void {
  const list = entry.noncurrent.get(record.name) ?? [];
  list.push(record);
  list.sort(byGeneration);
  entry.noncurrent.set(record.name, list);
}

/** Every version of every name, by name then generation (the live one, the newest, last). */
function allVersionsOf(entry: BucketEntry): ObjectRecord[] {
  const names = [...new Set([...entry.names, ...entry.noncurrent.keys()])].sort(compareForSort);
  return names.flatMap((name) => {
    const live = entry.objects.get(name);
    return [...(entry.noncurrent.get(name) ?? []), ...(live ? [live] : [])];
  });
}

/** What lifecycle conditions see of each version: whether it is live and how many are newer. */
function versionStates(entry: BucketEntry): VersionState[] {
  const out: VersionState[] = [];
  const names = new Set([...entry.names, ...entry.noncurrent.keys()]);
  for (const name of names) {
    const live = entry.objects.get(name);
    const all = [...(entry.noncurrent.get(name) ?? []), ...(live ? [live] : [])];
    all.forEach((object, i) => out.push({ object, live: object === live, newerVersions: all.length - 1 - i }));
  }
  return out;
}

function versions(object: ObjectRecord): Versions {
  return { generation: BigInt(object.generation), metageneration: BigInt(object.metageneration) };
}

function versionsOf(object: ObjectRecord | undefined): Versions | undefined {
  return object ? versions(object) : undefined;
}

function checkBucketPreconditions(p: Preconditions, bucket: BucketRecord): void {
  checkPreconditions(
    { ifMetagenerationMatch: p.ifMetagenerationMatch, ifMetagenerationNotMatch: p.ifMetagenerationNotMatch },
    { generation: 0n, metageneration: BigInt(bucket.metageneration) },
  );
}

function checkDigests(actual: Digests, expected: Partial<Digests> | undefined): void {
  if (expected?.md5Hash && expected.md5Hash !== actual.md5Hash) {
    throw new GcsError(400, 'invalid', `Provided MD5 hash "${expected.md5Hash}" doesn't match calculated MD5 hash "${actual.md5Hash}".`);
  }
  if (expected?.crc32c && expected.crc32c !== actual.crc32c) {
    throw new GcsError(400, 'invalid', `Provided CRC32C "${expected.crc32c}" doesn't match calculated CRC32C "${actual.crc32c}".`);
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
