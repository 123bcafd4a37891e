// Where bytes and records live. Two implementations behind this interface: memory-backend.ts
// (tests) and disk-backend.ts (the default: inspectable files, written to a temp file then renamed).
import { type Readable } from 'node:stream';
import { type Digests } from './hashing';
import { type BucketRecord, type ObjectRecord } from './records';

/** Bytes being received: a staged upload, copy or compose, not yet an object. */
export interface BlobWriter {
  readonly size: number;
  write(chunk: Buffer): Promise<void>;
  digests(): Digests;
  /** Drops the staged bytes (cancelled upload, failed precondition). */
  abort(): Promise<void>;
}

/** A soft-deleted bucket as stored: its record (softDeleteTime set) and its soft-deleted objects. */
export interface DeletedBucket {
  bucket: BucketRecord;
  objects: ObjectRecord[];
}

export interface Backend {
  readonly kind: 'memory' | 'disk';
  load(): Promise<{ buckets: BucketRecord[]; objects: ObjectRecord[]; deletedBuckets: DeletedBucket[] }>;
  saveBucket(bucket: BucketRecord): Promise<void>;
  removeBucket(name: string): Promise<void>;
  /**
   * Keeps a soft-deleted bucket and its soft-deleted objects apart from any live bucket that reuses
   * the name (the caller then removes the live bucket); returns the objects with their new blob keys.
   */
  saveDeletedBucket(bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]>;
  /** Makes a soft-deleted bucket live again with its soft-deleted objects; returns them with their new blob keys. */
  restoreDeletedBucket(bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]>;
  /** Forgets a soft-deleted bucket and the bytes of its objects (hard delete). */
  removeDeletedBucket(bucket: BucketRecord, objects: ObjectRecord[]): Promise<void>;
  newWriter(): Promise<BlobWriter>;
  /**
   * Makes staged bytes durable as the blob of bucket/name and returns its key. `previous` is the
   * blob the object had, which the caller releases once the new record is saved.
   */
  commitBlob(writer: BlobWriter, bucket: string, name: string, previous?: string): Promise<string>;
  /** Gives an existing blob to another object name (atomic move); returns the new key. */
  relocateBlob(blob: string, bucket: string, name: string, previous?: string): Promise<string>;
  /** Moves the blob of a version that becomes noncurrent out of the live object's place; returns its new key. */
  archiveBlob(blob: string, bucket: string, name: string, generation: string): Promise<string>;
  releaseBlob(blob: string): Promise<void>;
  /** Saves a record; a live record and each noncurrent version (`timeDeleted` set) are kept apart. */
  saveObject(record: ObjectRecord): Promise<void>;
  /** Forgets the record only; the blob is released separately. */
  removeObject(record: ObjectRecord): Promise<void>;
  /** The blob's bytes, `end` inclusive. */
  read(blob: string, start?: number, end?: number): Readable;
}
