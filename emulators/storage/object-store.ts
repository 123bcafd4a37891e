// The one store of buckets and objects: an in-memory index (sorted names per bucket) over a
// backend that keeps bytes and records. Mutations of a bucket are serialized, preconditions are
// checked under that lock, and events are emitted only after the backend made the change durable.
import { type Readable } from 'node:stream';
import { type Logger } from '../lib/logger';
import { type Backend, type BlobWriter } from './backend';
import { bucketNotFound, conflict, GcsError, invalid, objectNotFound } from './errors';
import { type Digests } from './hashing';
import { compareNames as compareForSort, insertSorted, type ListParams, listPage, removeSorted } from './listing';
import { KeyedMutex } from './mutex';
import { checkPreconditions, type Preconditions, type Versions } from './preconditions';
import { type BucketRecord, type ObjectFields, type ObjectRecord } from './records';

export type StoreEvent =
  | { kind: 'finalize'; object: ObjectRecord; overwroteGeneration?: string }
  | { kind: 'delete'; object: ObjectRecord; overwrittenByGeneration?: string }
  | { kind: 'metadataUpdate'; object: ObjectRecord };

interface BucketEntry {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  names: string[];
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
  /** A specific generation; only the live one exists here. */
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
  ) {}

  static async open(backend: Backend, log: Logger): Promise<ObjectStore> {
    const store = new ObjectStore(backend, log);
    const { buckets, objects } = await backend.load();
    for (const record of buckets) store.buckets.set(record.name, { record, objects: new Map(), names: [] });
    for (const object of objects) {
      const entry = store.buckets.get(object.bucket);
      if (!entry) continue;
      entry.objects.set(object.name, object);
      const g = BigInt(object.generation);
      if (g > store.lastGeneration) store.lastGeneration = g;
    }
    for (const entry of store.buckets.values()) entry.names = [...entry.objects.keys()].sort(compareForSort);
    log.debug({ buckets: buckets.length, objects: objects.length, backend: backend.kind }, 'store loaded');
    return store;
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listener = listener;
  }

  /** Generations are microseconds since the epoch, as on GCS, and strictly increasing. */
  nextGeneration(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.lastGeneration = now > this.lastGeneration ? now : this.lastGeneration + 1n;
    return this.lastGeneration.toString();
  }

  // ---- buckets

  async createBucket(record: BucketRecord): Promise<BucketRecord> {
    return this.locks.run(record.name, async () => {
      if (this.buckets.has(record.name)) {
        throw conflict('Your previous request to create the named bucket succeeded and you already own it.');
      }
      await this.backend.saveBucket(record);
      this.buckets.set(record.name, { record, objects: new Map(), names: [] });
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
        next.updated = new Date().toISOString();
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
      if (entry.objects.size > 0) throw conflict('The bucket you tried to delete is not empty.');
      await this.backend.removeBucket(name);
      this.buckets.delete(name);
    });
  }

  // ---- objects

  getObject(sel: ObjectSelector, mode: 'read' | 'write' = 'read'): ObjectRecord {
    const entry = this.entry(sel.bucket);
    const object = entry.objects.get(sel.name);
    if (!object || (sel.generation !== undefined && sel.generation !== object.generation)) {
      throw objectNotFound(sel.bucket, sel.name);
    }
    if (sel.preconditions) checkPreconditions(sel.preconditions, versions(object), mode);
    return object;
  }

  /** Fails early (before bytes are received) when a write's preconditions cannot hold now. */
  checkWrite(bucket: string, name: string, preconditions: Preconditions): void {
    const entry = this.entry(bucket);
    checkPreconditions(preconditions, versionsOf(entry.objects.get(name)));
  }

  listObjects(bucket: string, params: ListParams): { items: ObjectRecord[]; prefixes: string[]; nextPageToken?: string } {
    const entry = this.entry(bucket);
    const page = listPage(entry.names, params);
    return { items: page.names.map((n) => entry.objects.get(n)!), prefixes: page.prefixes, nextPageToken: page.nextPageToken };
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
        checkDigests(req.writer.digests(), req.expected);
        const blob = await this.backend.commitBlob(req.writer, req.bucket, req.name, current?.blob);
        const now = new Date().toISOString();
        const record: ObjectRecord = {
          ...withoutUndefined(req.fields),
          bucket: req.bucket,
          name: req.name,
          generation: this.nextGeneration(),
          metageneration: '1',
          size: req.writer.size,
          ...req.writer.digests(),
          storageClass: req.fields.storageClass ?? entry.record.storageClass,
          timeCreated: now,
          updated: now,
          ...(req.componentCount !== undefined ? { componentCount: req.componentCount } : {}),
          blob,
        };
        await this.replace(entry, record, current);
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
      next.updated = new Date().toISOString();
      await this.backend.saveObject(next);
      entry.objects.set(next.name, next);
      this.emit({ kind: 'metadataUpdate', object: next });
      return next;
    });
  }

  async deleteObject(sel: ObjectSelector): Promise<void> {
    await this.locks.run(sel.bucket, async () => {
      const entry = this.entry(sel.bucket);
      const current = this.getObject(sel, 'write');
      await this.backend.removeObject(current);
      await this.backend.releaseBlob(current.blob);
      entry.objects.delete(current.name);
      removeSorted(entry.names, current.name);
      this.emit({ kind: 'delete', object: current });
    });
  }

  /** The atomic move of `objects.move`: the bytes change name without being copied. */
  async moveObject(bucket: string, source: ObjectSelector, destination: string, destinationPreconditions: Preconditions): Promise<ObjectRecord> {
    return this.locks.run(bucket, async () => {
      const entry = this.entry(bucket);
      const src = this.getObject(source, 'write');
      if (destination === src.name) throw invalid('Source and destination object names must be different.');
      const current = entry.objects.get(destination);
      checkPreconditions(destinationPreconditions, versionsOf(current));
      const blob = await this.backend.relocateBlob(src.blob, bucket, destination, current?.blob);
      const now = new Date().toISOString();
      const record: ObjectRecord = { ...src, name: destination, generation: this.nextGeneration(), metageneration: '1', timeCreated: now, updated: now, blob };
      // The source's record goes; its blob now belongs to the destination.
      await this.backend.removeObject(src);
      entry.objects.delete(src.name);
      removeSorted(entry.names, src.name);
      await this.replace(entry, record, current);
      this.emit({ kind: 'delete', object: src });
      return record;
    });
  }

  private async replace(entry: BucketEntry, record: ObjectRecord, current: ObjectRecord | undefined): Promise<void> {
    await this.backend.saveObject(record);
    if (current && current.blob !== record.blob) await this.backend.releaseBlob(current.blob);
    entry.objects.set(record.name, record);
    insertSorted(entry.names, record.name);
    this.emit({ kind: 'finalize', object: record, overwroteGeneration: current?.generation });
    if (current) this.emit({ kind: 'delete', object: current, overwrittenByGeneration: record.generation });
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
