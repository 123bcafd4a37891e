// The in-memory backend (`inMemory: true`): bytes in Buffers, records nowhere but the index.
import { Readable } from 'node:stream';
import { type Backend, type BlobWriter, type DeletedBucket } from './backend';
import { Hasher } from './hashing';
import { type BucketRecord, type ObjectRecord } from './records';

class MemoryWriter implements BlobWriter {
  readonly chunks: Buffer[] = [];
  private readonly hasher = new Hasher();
  get size(): number {
    return this.hasher.size;
  }
  async write(chunk: Buffer): Promise<void> {
    // Copy: the caller may reuse its buffer.
    this.chunks.push(Buffer.from(chunk));
    this.hasher.update(chunk);
  }
  digests() {
    return this.hasher.digests();
  }
  async abort(): Promise<void> {
    this.chunks.length = 0;
  }
}

export class MemoryBackend implements Backend {
  readonly kind = 'memory';
  private readonly blobs = new Map<string, Buffer>();
  private nextKey = 1;

  async load() {
    return { buckets: [] as BucketRecord[], objects: [] as ObjectRecord[], deletedBuckets: [] as DeletedBucket[] };
  }
  async saveBucket(): Promise<void> {}
  async removeBucket(): Promise<void> {}
  async saveDeletedBucket(_bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]> {
    return objects;
  }
  async restoreDeletedBucket(_bucket: BucketRecord, objects: ObjectRecord[]): Promise<ObjectRecord[]> {
    return objects;
  }
  async removeDeletedBucket(_bucket: BucketRecord, objects: ObjectRecord[]): Promise<void> {
    for (const o of objects) this.blobs.delete(o.blob);
  }
  async newWriter(): Promise<BlobWriter> {
    return new MemoryWriter();
  }
  async commitBlob(writer: BlobWriter): Promise<string> {
    if (!(writer instanceof MemoryWriter)) throw new TypeError('writer from another backend');
    const key = `mem-${this.nextKey++}`;
    this.blobs.set(key, Buffer.concat(writer.chunks));
    return key;
  }
  async relocateBlob(blob: string): Promise<string> {
    return blob;
  }
  async archiveBlob(blob: string): Promise<string> {
    return blob;
  }
  async releaseBlob(blob: string): Promise<void> {
    this.blobs.delete(blob);
  }
  async saveObject(): Promise<void> {}
  async removeObject(): Promise<void> {}
  read(blob: string, start = 0, end?: number): Readable {
    const bytes = this.blobs.get(blob) ?? Buffer.alloc(0);
    const slice = bytes.subarray(start, end === undefined ? undefined : end + 1);
    // Yield in 64 KiB pieces so a large object does not go out as one write.
    return Readable.from(pieces(slice), { objectMode: false });
  }
}

function* pieces(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536);
}
