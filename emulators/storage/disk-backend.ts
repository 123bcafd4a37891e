// The disk backend. Bytes live at `<dataDir>/<bucket>/<object name>` so a person can look at them;
// records live under `<dataDir>/.pizzaflow-storage/` (bucket names cannot start with a dot).
// Every file is written to a temp file first and renamed into place, so a reader or a crash never
// sees half an object, and an object is announced only once its bytes are in place.
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { type Logger } from '../lib/logger';
import { type Backend, type BlobWriter, type DeletedBucket } from './backend';
import { Hasher } from './hashing';
import { type BucketRecord, type ObjectRecord } from './records';

const META_DIR = '.pizzaflow-storage';

class DiskWriter implements BlobWriter {
  private readonly hasher = new Hasher();
  constructor(
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}
  get size(): number {
    return this.hasher.size;
  }
  async write(chunk: Buffer): Promise<void> {
    this.hasher.update(chunk);
    let done = 0;
    while (done < chunk.length) done += (await this.handle.write(chunk, done)).bytesWritten;
  }
  digests() {
    return this.hasher.digests();
  }
  /** Flushes and closes the temp file before it is renamed. */
  async seal(): Promise<void> {
    await this.handle.datasync();
    await this.handle.close();
  }
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

export class DiskBackend implements Backend {
  readonly kind = 'disk';
  private readonly meta: string;
  private readonly staging: string;

  constructor(
    readonly dataDir: string,
    private readonly log: Logger,
  ) {
    this.meta = path.join(dataDir, META_DIR);
    this.staging = path.join(this.meta, 'staging');
  }

  async load(): Promise<{ buckets: BucketRecord[]; objects: ObjectRecord[]; deletedBuckets: DeletedBucket[] }> {
    await mkdir(path.join(this.meta, 'buckets'), { recursive: true });
    await mkdir(path.join(this.meta, 'deleted-buckets'), { recursive: true });
    // Leftovers of uploads interrupted by a restart: their sessions are gone with the process.
    await rm(this.staging, { recursive: true, force: true });
    await mkdir(this.staging, { recursive: true });
    const buckets: BucketRecord[] = [];
    const objects: ObjectRecord[] = [];
    for (const file of await readdir(path.join(this.meta, 'buckets'))) {
      if (!file.endsWith('.json')) continue;
      buckets.push(JSON.parse(await readFile(path.join(this.meta, 'buckets', file), 'utf8')) as BucketRecord);
    }
    for (const bucket of buckets) {
      const dir = this.objectMetaDir(bucket.name);
      const files = await readdir(dir).catch(() => [] as string[]);
      for (const file of files) {
        if (!file.endsWith('.json')) continue;
        try {
          objects.push(JSON.parse(await readFile(path.join(dir, file), 'utf8')) as ObjectRecord);
        } catch (err) {
          this.log.warn({ err, file }, 'unreadable object record skipped');
        }
      }
    }
    const deletedBuckets: DeletedBucket[] = [];
    for (const dir of await readdir(path.join(this.meta, 'deleted-buckets'))) {
      try {
        deletedBuckets.push(JSON.parse(await readFile(path.join(this.meta, 'deleted-buckets', dir, 'bucket.json'), 'utf8')) as DeletedBucket);
      } catch (err) {
        this.log.warn({ err, dir }, 'unreadable soft-deleted bucket skipped');
      }
    }
    return { buckets, objects, deletedBuckets };
  }

  /**
   * `.pizzaflow-storage/deleted-buckets/<name>.<generation>/`: `bucket.json` (the bucket and its
   * soft-deleted objects' records) and `blobs/<object generation>`, apart from a live bucket that
   * reuses the name.
   */
  async saveDeletedBucket(bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]> {
    const dir = this.deletedBucketDir(bucket);
    await mkdir(path.join(dir, 'blobs'), { recursive: true });
    const moved: ObjectRecord[] = [];
    for (const o of objects) {
      const key = path.relative(this.dataDir, path.join(dir, 'blobs', o.generation));
      await rename(path.join(this.dataDir, o.blob), path.join(this.dataDir, key));
      moved.push({ ...o, blob: key });
    }
    await this.writeAtomically(path.join(dir, 'bucket.json'), JSON.stringify({ bucket, objects: moved }));
    return moved;
  }

  async restoreDeletedBucket(bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]> {
    await this.saveBucket(bucket);
    const moved: ObjectRecord[] = [];
    for (const o of objects) {
      const key = path.join(META_DIR, 'versions', bucket.name, nameHash(o.name), o.generation);
      await mkdir(path.dirname(path.join(this.dataDir, key)), { recursive: true });
      await rename(path.join(this.dataDir, o.blob), path.join(this.dataDir, key));
      const record = { ...o, blob: key };
      await this.saveObject(record);
      moved.push(record);
    }
    await rm(this.deletedBucketDir(bucket), { recursive: true, force: true });
    return moved;
  }

  async removeDeletedBucket(bucket: BucketRecord): Promise<void> {
    await rm(this.deletedBucketDir(bucket), { recursive: true, force: true });
  }

  private deletedBucketDir(bucket: BucketRecord): string {
    return path.join(this.meta, 'deleted-buckets', `${bucket.name}.${bucket.generation ?? '0'}`);
  }

  async saveBucket(bucket: BucketRecord): Promise<void> {
    await mkdir(path.join(this.dataDir, bucket.name), { recursive: true });
    await this.writeAtomically(path.join(this.meta, 'buckets', `${bucket.name}.json`), JSON.stringify(bucket, null, 2));
  }

  async removeBucket(name: string): Promise<void> {
    await rm(path.join(this.meta, 'buckets', `${name}.json`), { force: true });
    await rm(this.objectMetaDir(name), { recursive: true, force: true });
    await rm(path.join(this.meta, 'blobs', name), { recursive: true, force: true });
    await rm(path.join(this.meta, 'versions', name), { recursive: true, force: true });
    // The bytes directory holds nothing but empty folders once the bucket is empty.
    await rm(path.join(this.dataDir, name), { recursive: true, force: true });
  }

  async newWriter(): Promise<BlobWriter> {
    const tempPath = path.join(this.staging, randomUUID());
    return new DiskWriter(tempPath, await open(tempPath, 'wx'));
  }

  async commitBlob(writer: BlobWriter, bucket: string, name: string, previous?: string): Promise<string> {
    if (!(writer instanceof DiskWriter)) throw new TypeError('writer from another backend');
    await writer.seal();
    const key = await this.placeFor(bucket, name, previous);
    await mkdir(path.dirname(path.join(this.dataDir, key)), { recursive: true });
    await rename(writer.tempPath, path.join(this.dataDir, key));
    return key;
  }

  async relocateBlob(blob: string, bucket: string, name: string, previous?: string): Promise<string> {
    const key = await this.placeFor(bucket, name, previous);
    await mkdir(path.dirname(path.join(this.dataDir, key)), { recursive: true });
    await rename(path.join(this.dataDir, blob), path.join(this.dataDir, key));
    await this.pruneEmptyDirs(blob);
    return key;
  }

  async archiveBlob(blob: string, bucket: string, name: string, generation: string): Promise<string> {
    const key = path.join(META_DIR, 'versions', bucket, nameHash(name), generation);
    await mkdir(path.dirname(path.join(this.dataDir, key)), { recursive: true });
    await rename(path.join(this.dataDir, blob), path.join(this.dataDir, key));
    await this.pruneEmptyDirs(blob);
    return key;
  }

  async releaseBlob(blob: string): Promise<void> {
    await rm(path.join(this.dataDir, blob), { force: true });
    await this.pruneEmptyDirs(blob);
  }

  async saveObject(record: ObjectRecord): Promise<void> {
    const dir = this.objectMetaDir(record.bucket);
    await mkdir(dir, { recursive: true });
    await this.writeAtomically(path.join(dir, recordFile(record)), JSON.stringify(record));
  }

  async removeObject(record: ObjectRecord): Promise<void> {
    await rm(path.join(this.objectMetaDir(record.bucket), recordFile(record)), { force: true });
  }

  read(blob: string, start?: number, end?: number): Readable {
    return createReadStream(path.join(this.dataDir, blob), { start, end });
  }

  private objectMetaDir(bucket: string): string {
    return path.join(this.meta, 'objects', bucket);
  }

  /**
   * The readable path `<bucket>/<name>` when the file system allows it, else a hashed path. GCS
   * allows `a` and `a/b` side by side; a file system does not, so the second one to arrive (or a
   * name with an over-long segment) goes to `.pizzaflow-storage/blobs/`. Its record says where.
   */
  private async placeFor(bucket: string, name: string, previous: string | undefined): Promise<string> {
    const readable = readablePath(bucket, name);
    if (readable && (readable === previous || (await this.isFree(readable)))) return readable;
    return path.join(META_DIR, 'blobs', bucket, nameHash(name));
  }

  /** True when `rel` can be created as a file: no ancestor is a file and it is not a directory. */
  private async isFree(rel: string): Promise<boolean> {
    const parts = rel.split(path.sep);
    let current = this.dataDir;
    for (let i = 0; i < parts.length; i++) {
      current = path.join(current, parts[i]);
      const info = await stat(current).catch(() => undefined);
      if (!info) return true;
      const last = i === parts.length - 1;
      if (last ? info.isDirectory() : !info.isDirectory()) return false;
      if (last) return false; // a file already there belongs to another object's record
    }
    return true;
  }

  private async pruneEmptyDirs(blob: string): Promise<void> {
    let dir = path.dirname(path.join(this.dataDir, blob));
    const stop = path.join(this.dataDir, blob.split(path.sep)[0]);
    while (dir.length > stop.length && dir.startsWith(stop)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop climbing
      }
      dir = path.dirname(dir);
    }
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
  }
}

/** `<sha256 of name>.json` for the live version, `<sha256>.<generation>.json` for a noncurrent or soft-deleted one. */
function recordFile(record: ObjectRecord): string {
  return record.timeDeleted || record.softDeleteTime ? `${nameHash(record.name)}.${record.generation}.json` : `${nameHash(record.name)}.json`;
}

function nameHash(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

/** `<bucket>/<segments>` with each segment made safe for a file system, or undefined. */
export function readablePath(bucket: string, name: string): string | undefined {
  const segments = name.split('/').map(encodeSegment);
  if (segments.some((s) => Buffer.byteLength(s) > 255)) return undefined;
  return path.join(bucket, ...segments);
}

function encodeSegment(segment: string): string {
  if (segment === '') return '%';
  if (segment === '.') return '%2E';
  if (segment === '..') return '%2E%2E';
  // eslint-disable-next-line no-control-regex
  return segment.replace(/[%\u0000-\u001f\u007f\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
