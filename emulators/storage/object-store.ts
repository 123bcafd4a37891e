// The one store of buckets and objects: an in-memory index (sorted names per bucket, and the
// noncurrent versions of a versioned bucket) over a backend that keeps bytes and records. Mutations
// of a bucket are serialized, preconditions are checked under that lock, and events are emitted
// only after the backend made the change durable. Lifecycle rules run here too, on the store's clock,
// and so does soft delete: soft-deleted versions and buckets, kept until their hard delete time.
import { randomUUID } from 'node:crypto';
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
import { isHardDeleted, isHierarchical, retentionSeconds, softDeleteTimes } from './soft-delete';

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
  /** Soft-deleted versions by name, generation ascending (https://cloud.google.com/storage/docs/soft-delete). */
  softDeleted: Map<string, ObjectRecord[]>;
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
  /** Soft-deleted versions and buckets whose hard delete time came: gone for good. */
  hardDeleted: number;
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
  /** Soft-deleted buckets, with the soft-deleted objects they held; a live bucket may reuse the name. */
  private readonly deletedBuckets: BucketEntry[] = [];
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
    const { buckets, objects, deletedBuckets } = await backend.load();
    for (const record of buckets) {
      // Data directories from before bucket generations: the creation time, in microseconds.
      record.generation ??= (BigInt(Date.parse(record.timeCreated)) * 1000n).toString();
      store.buckets.set(record.name, newEntry(record));
    }
    for (const object of objects) {
      const entry = store.buckets.get(object.bucket);
      if (!entry) continue;
      if (object.softDeleteTime) addVersion(entry.softDeleted, object);
      else if (object.timeDeleted) addNoncurrent(entry, object);
      else entry.objects.set(object.name, object);
      store.sawGeneration(object.generation);
    }
    for (const deleted of deletedBuckets) {
      const entry = newEntry(deleted.bucket);
      for (const object of deleted.objects) {
        addVersion(entry.softDeleted, object);
        store.sawGeneration(object.generation);
      }
      store.deletedBuckets.push(entry);
    }
    for (const entry of store.buckets.values()) if (entry.record.generation) store.sawGeneration(entry.record.generation);
    for (const entry of store.buckets.values()) {
      entry.names = [...entry.objects.keys()].sort(compareForSort);
      for (const list of entry.noncurrent.values()) list.sort(byGeneration);
    }
    log.debug({ buckets: buckets.length, objects: objects.length, backend: backend.kind }, 'store loaded');
    return store;
  }

  private sawGeneration(generation: string): void {
    const g = BigInt(generation);
    if (g > this.lastGeneration) this.lastGeneration = g;
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
      this.buckets.set(record.name, newEntry(record));
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

  /**
   * Deletes an empty bucket (soft-deleted objects do not count). With a soft delete policy the
   * bucket is kept, soft-deleted, with the soft-deleted objects it holds, until its hard delete
   * time: the later of its retention and its objects' (https://cloud.google.com/storage/docs/use-soft-deleted-buckets).
   */
  async deleteBucket(name: string, preconditions: Preconditions): Promise<void> {
    await this.locks.run(name, async () => {
      const entry = this.entry(name);
      checkBucketPreconditions(preconditions, entry.record);
      if (entry.objects.size > 0 || entry.noncurrent.size > 0) throw conflict('The bucket you tried to delete is not empty.');
      const now = this.clock();
      const soft = [...entry.softDeleted.values()].flat();
      const kept = soft.filter((o) => !isHardDeleted(o, now));
      const seconds = retentionSeconds(entry.record);
      for (const o of seconds > 0 ? soft.filter((x) => !kept.includes(x)) : soft) await this.forget(o);
      if (seconds > 0) {
        const times = softDeleteTimes(now, seconds);
        const latest = Math.max(Date.parse(times.hardDeleteTime), ...kept.map((o) => Date.parse(o.hardDeleteTime!)));
        const record: BucketRecord = { ...structuredClone(entry.record), softDeleteTime: times.softDeleteTime, hardDeleteTime: new Date(latest).toISOString() };
        const moved = await this.backend.saveDeletedBucket(record, kept);
        const deleted = newEntry(record);
        for (const o of moved) addVersion(deleted.softDeleted, o);
        this.deletedBuckets.push(deleted);
      }
      await this.backend.removeBucket(name);
      this.buckets.delete(name);
    });
  }

  /** Soft-deleted buckets (of a project), by name then generation; those past their hard delete time are gone. */
  listSoftDeletedBuckets(project: string | undefined): BucketRecord[] {
    const now = this.clock();
    return this.deletedBuckets
      .map((e) => e.record)
      .filter((b) => (project === undefined || b.project === project) && !isHardDeleted(b, now))
      .sort((a, b) => compareForSort(a.name, b.name) || compareGenerations(a.generation!, b.generation!));
  }

  getSoftDeletedBucket(name: string, generation: string): BucketRecord {
    return this.deletedBucketEntry(name, generation).record;
  }

  /**
   * buckets.restore: the bucket is live again with its metadata; its soft-deleted objects can then
   * be restored one by one. 409 while a live bucket has the name.
   */
  async restoreBucket(name: string, generation: string): Promise<BucketRecord> {
    return this.locks.run(name, async () => {
      const deleted = this.deletedBucketEntry(name, generation);
      if (this.buckets.has(name)) throw conflict(`A live bucket named ${name} exists: the soft-deleted bucket cannot be restored until it is deleted.`);
      const record: BucketRecord = structuredClone(deleted.record);
      delete record.softDeleteTime;
      delete record.hardDeleteTime;
      const objects = await this.backend.restoreDeletedBucket(record, [...deleted.softDeleted.values()].flat());
      const entry = newEntry(record);
      for (const o of objects) addVersion(entry.softDeleted, o);
      this.deletedBuckets.splice(this.deletedBuckets.indexOf(deleted), 1);
      this.buckets.set(name, entry);
      return record;
    });
  }

  private deletedBucketEntry(name: string, generation: string): BucketEntry {
    const now = this.clock();
    const entry = this.deletedBuckets.find((e) => e.record.name === name && e.record.generation === generation && !isHardDeleted(e.record, now));
    if (!entry) throw bucketNotFound(name);
    return entry;
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

  /** One soft-deleted version (objects.get?softDeleted=true); restoreToken, when given, must match. */
  getSoftDeleted(sel: { bucket: string; name: string; generation: string; restoreToken?: string }): ObjectRecord {
    return this.findSoftDeleted(this.entry(sel.bucket), sel);
  }

  private findSoftDeleted(entry: BucketEntry, sel: { bucket: string; name: string; generation: string; restoreToken?: string }): ObjectRecord {
    const now = this.clock();
    const found = entry.softDeleted
      .get(sel.name)
      ?.find((o) => o.generation === sel.generation && !isHardDeleted(o, now) && (sel.restoreToken === undefined || o.restoreToken === sel.restoreToken));
    if (!found) throw objectNotFound(sel.bucket, sel.name);
    return found;
  }

  /** One page of soft-deleted versions (objects.list?softDeleted=true), every generation, by name then generation. */
  listSoftDeleted(bucket: string, params: ListParams): { items: ObjectRecord[]; prefixes: string[]; nextPageToken?: string } {
    const entry = this.entry(bucket);
    const now = this.clock();
    const all = [...entry.softDeleted.keys()]
      .sort(compareForSort)
      .flatMap((name) => entry.softDeleted.get(name)!.filter((o) => !isHardDeleted(o, now)));
    return listEntries(
      all,
      params,
      (o) => o.name,
      (o) => o.generation,
    );
  }

  /**
   * objects.restore: a copy of the soft-deleted version becomes the live object, with a new
   * generation, metageneration 1 and timeCreated now (Standard class if the bucket has Autoclass);
   * the live object it replaces becomes noncurrent (versioned bucket) or soft-deleted. The
   * soft-deleted version itself stays until its hard delete time
   * (https://cloud.google.com/storage/docs/json_api/v1/objects/restore).
   */
  async restoreObject(sel: { bucket: string; name: string; generation: string; restoreToken?: string; preconditions: Preconditions }): Promise<ObjectRecord> {
    return this.locks.run(sel.bucket, async () => {
      const entry = this.entry(sel.bucket);
      const source = this.findSoftDeleted(entry, sel);
      const current = entry.objects.get(sel.name);
      checkPreconditions(sel.preconditions, versionsOf(current));
      if (current) assertRemovable(current, entry.record, this.clock());
      const writer = await this.backend.newWriter();
      try {
        for await (const chunk of this.backend.read(source.blob)) await writer.write(chunk as Buffer);
      } catch (err) {
        await writer.abort();
        throw err;
      }
      const kept = current ? await this.kept(entry, current) : undefined;
      const blob = await this.backend.commitBlob(writer, sel.bucket, sel.name, kept ? undefined : current?.blob);
      const now = this.nowIso();
      const record: ObjectRecord = { ...structuredClone(source), generation: this.nextGeneration(), metageneration: '1', timeCreated: now, updated: now, blob };
      for (const k of ['softDeleteTime', 'hardDeleteTime', 'restoreToken', 'timeDeleted', 'timeStorageClassUpdated', 'retentionStart'] as const) delete record[k];
      if ((entry.record.stored.autoclass as { enabled?: unknown } | undefined)?.enabled === true) record.storageClass = 'STANDARD';
      await this.replace(entry, record, current, kept);
      return record;
    });
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
        // The replaced version stays, noncurrent (versioned bucket) or soft-deleted, out of the live one's place.
        const archived = current ? await this.kept(entry, current) : undefined;
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
      else await this.discard(entry, current);
    });
  }

  /** Runs every bucket's lifecycle rules once, at the store's clock. */
  async applyLifecycle(): Promise<LifecycleSummary> {
    const summary: LifecycleSummary = { deleted: 0, archived: 0, storageClassChanged: 0, hardDeleted: await this.hardDelete() };
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
            await this.discard(entry, v.object);
            summary.deleted++;
          }
        }
      });
    }
    if (summary.deleted + summary.archived + summary.storageClassChanged + summary.hardDeleted > 0) this.log.debug({ ...summary }, 'lifecycle applied');
    return summary;
  }

  /** Removes for good the soft-deleted versions and buckets whose hard delete time has come. */
  private async hardDelete(): Promise<number> {
    let count = 0;
    for (const [name, e] of [...this.buckets.entries()]) {
      if (e.softDeleted.size === 0) continue;
      await this.locks.run(name, async () => {
        const entry = this.buckets.get(name);
        if (!entry) return;
        const now = this.clock();
        for (const o of [...entry.softDeleted.values()].flat().filter((x) => isHardDeleted(x, now))) {
          await this.forget(o);
          removeVersion(entry.softDeleted, o);
          count++;
        }
      });
    }
    const now = this.clock();
    for (const deleted of this.deletedBuckets.filter((e) => isHardDeleted(e.record, now))) {
      await this.backend.removeDeletedBucket(deleted.record, [...deleted.softDeleted.values()].flat());
      this.deletedBuckets.splice(this.deletedBuckets.indexOf(deleted), 1);
      count++;
    }
    return count;
  }

  /** Drops a soft-deleted version's record and bytes (not indexed by the caller any more). */
  private async forget(version: ObjectRecord): Promise<void> {
    await this.backend.removeObject(version);
    await this.backend.releaseBlob(version.blob);
  }

  /**
   * A version leaves (delete, lifecycle): soft-deleted when the bucket has a soft delete policy,
   * else removed for good. Either way subscribers see OBJECT_DELETE.
   */
  private async discard(entry: BucketEntry, version: ObjectRecord): Promise<void> {
    if (retentionSeconds(entry.record) === 0) return this.removeForGood(entry, version);
    const soft = await this.softDeleted(entry, version);
    // A noncurrent version's record is saved over in place (same file); a live one's is replaced.
    await this.backend.saveObject(soft);
    if (!version.timeDeleted) await this.backend.removeObject(version);
    this.unindex(entry, version);
    addVersion(entry.softDeleted, soft);
    this.emit({ kind: 'delete', object: soft });
  }

  /** The record of a version as soft-deleted now; a live version's bytes move out of its place. */
  private async softDeleted(entry: BucketEntry, version: ObjectRecord): Promise<ObjectRecord> {
    const blob = version.timeDeleted ? version.blob : await this.backend.archiveBlob(version.blob, version.bucket, version.name, version.generation);
    const now = this.clock();
    return {
      ...version,
      blob,
      timeDeleted: version.timeDeleted ?? new Date(now).toISOString(),
      ...softDeleteTimes(now, retentionSeconds(entry.record)),
      ...(isHierarchical(entry.record) ? { restoreToken: randomUUID() } : {}),
    };
  }

  /** What becomes of a live version being replaced: noncurrent, soft-deleted, or (undefined) nothing kept. */
  private async kept(entry: BucketEntry, live: ObjectRecord): Promise<ObjectRecord | undefined> {
    if (isVersioned(entry)) return this.archived(live);
    if (retentionSeconds(entry.record) > 0) return this.softDeleted(entry, live);
    return undefined;
  }

  private unindex(entry: BucketEntry, version: ObjectRecord): void {
    if (version.timeDeleted) {
      removeVersion(entry.noncurrent, version);
    } else {
      entry.objects.delete(version.name);
      removeSorted(entry.names, version.name);
    }
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
    await this.forget(version);
    this.unindex(entry, version);
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
      const archived = current ? await this.kept(entry, current) : undefined;
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
    const softDeleted = archived?.softDeleteTime !== undefined;
    if (archived && softDeleted) addVersion(entry.softDeleted, archived);
    else if (archived) addNoncurrent(entry, archived);
    this.emit({ kind: 'finalize', object: record, overwroteGeneration: current?.generation });
    if (archived && !softDeleted) this.emit({ kind: 'archive', object: archived, overwrittenByGeneration: record.generation });
    else if (current) this.emit({ kind: 'delete', object: archived ?? current, overwrittenByGeneration: record.generation });
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

function compareGenerations(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function byGeneration(a: ObjectRecord, b: ObjectRecord): number {
  return compareGenerations(a.generation, b.generation);
}

function newEntry(record: BucketRecord): BucketEntry {
  return { record, objects: new Map(), names: [], noncurrent: new Map(), softDeleted: new Map() };
}

function addNoncurrent(entry: BucketEntry, record: ObjectRecord): void {
  addVersion(entry.noncurrent, record);
}

/** Adds a version to a by-name map of versions, keeping each list by generation ascending. */
function addVersion(map: Map<string, ObjectRecord[]>, record: ObjectRecord): void {
  const list = map.get(record.name) ?? [];
  list.push(record);
  list.sort(byGeneration);
  map.set(record.name, list);
}

function removeVersion(map: Map<string, ObjectRecord[]>, record: ObjectRecord): void {
  const rest = (map.get(record.name) ?? []).filter((o) => o.generation !== record.generation);
  if (rest.length > 0) map.set(record.name, rest);
  else map.delete(record.name);
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
