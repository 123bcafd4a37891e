// Conformance of the Cloud Storage emulator, driven only through the official @google-cloud/storage
// client, in every way the client can find it: `apiEndpoint`, and STORAGE_EMULATOR_HOST (which the
// client reads when it is constructed and uses verbatim as the JSON base URL). Protocol facts come
// from https://cloud.google.com/storage/docs/json_api/v1 and /docs/performing-resumable-uploads.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bucket, CRC32C, type File, Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failure } from './failures';

const PROJECT = 'pizzaflow-test';
const MiB = 1024 * 1024;

interface Mode {
  name: string;
  inMemory: boolean;
  client(emu: StorageEmulator): Storage;
}

function withEmulatorHost(value: string): Storage {
  const saved = process.env.STORAGE_EMULATOR_HOST;
  process.env.STORAGE_EMULATOR_HOST = value;
  try {
    return new Storage({ projectId: PROJECT });
  } finally {
    if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = saved;
  }
}

const modes: Mode[] = [
  { name: 'apiEndpoint, disk', inMemory: false, client: (emu) => new Storage({ apiEndpoint: emu.url, projectId: PROJECT }) },
  { name: 'STORAGE_EMULATOR_HOST, memory', inMemory: true, client: (emu) => withEmulatorHost(emu.url) },
  { name: 'STORAGE_EMULATOR_HOST ending in /storage/v1, memory', inMemory: true, client: (emu) => withEmulatorHost(`${emu.url}/storage/v1`) },
];

/**
 * The HTTP status of a failed call. The client reports it as `code` (ApiError), except for the
 * resumable session POST, which fails with a GaxiosError carrying `response.status`.
 */

function md5(buf: Buffer): string {
  return createHash('md5').update(buf).digest('base64');
}

function crc32c(buf: Buffer): string {
  const c = new CRC32C();
  c.update(buf);
  return c.toString();
}

describe.each(modes)('Cloud Storage emulator via $name', (mode) => {
  let emu: StorageEmulator;
  let dataDir: string | undefined;
  let storage: Storage;
  let bucket: Bucket;
  let counter = 0;
  const bucketName = (): string => `conf-${process.pid}-${++counter}`;

  beforeAll(async () => {
    dataDir = mode.inMemory ? undefined : mkdtempSync(path.join(tmpdir(), 'gcs-emu-'));
    emu = await start({ port: 0, inMemory: mode.inMemory, dataDir, logLevel: 'error', pubsubHost: 'localhost:1' });
    storage = mode.client(emu);
    [bucket] = await storage.createBucket(bucketName());
  });

  afterAll(async () => {
    await emu?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('buckets', () => {
    it('creates, gets, lists with paging and refuses duplicates (409)', async () => {
      const names = [bucketName(), bucketName(), bucketName()];
      for (const n of names) await storage.createBucket(n, { location: 'EU' });
      expect(await failure(storage.createBucket(names[0]))).toBe(409);
      const [meta] = await storage.bucket(names[1]).getMetadata();
      expect(meta).toMatchObject({ kind: 'storage#bucket', name: names[1], location: 'EU', storageClass: 'STANDARD', metageneration: '1' });

      const seen: string[] = [];
      type Query = { autoPaginate: false; maxResults: number; pageToken?: string };
      let query: Query | null = { autoPaginate: false, maxResults: 2 };
      while (query) {
        const [page, next] = (await storage.getBuckets(query)) as unknown as [Bucket[], Query | null];
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page.map((b) => b.name));
        query = next;
      }
      expect(seen).toEqual(expect.arrayContaining(names));
      expect(new Set(seen).size).toBe(seen.length);
      expect((await storage.bucket('no-such-bucket-here').exists())[0]).toBe(false);
    });

    it('patches labels, lifecycle and versioning, bumping metageneration', async () => {
      const b = storage.bucket(bucketName());
      await b.create();
      await b.setMetadata({ labels: { team: 'pos' }, versioning: { enabled: true } });
      await b.addLifecycleRule({ action: { type: 'Delete' }, condition: { age: 30 } });
      const [meta] = await b.getMetadata();
      expect(meta.labels).toEqual({ team: 'pos' });
      expect(meta.versioning).toEqual({ enabled: true });
      expect(meta.lifecycle).toEqual({ rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }] });
      expect(meta.metageneration).toBe('3');
    });

    it('refuses to delete a bucket that still holds objects (409), then deletes it empty', async () => {
      const b = storage.bucket(bucketName());
      await b.create();
      await b.file('x').save('x', { resumable: false });
      expect(await failure(b.delete())).toBe(409);
      await b.file('x').delete();
      await b.delete();
      expect((await b.exists())[0]).toBe(false);
      expect(await failure(b.getMetadata())).toBe(404);
    });
  });

  describe('uploads and downloads', () => {
    it('uploads more than 10 MB resumably in chunks (308 + Range between chunks)', async () => {
      const data = randomBytes(10 * MiB + 12345);
      const file = bucket.file('big/resumable.bin');
      await file.save(data, { chunkSize: 4 * MiB, contentType: 'application/x-test' });
      const [meta] = await file.getMetadata();
      expect(meta).toMatchObject({ size: String(data.length), md5Hash: md5(data), crc32c: crc32c(data), contentType: 'application/x-test' });
      expect(typeof meta.generation).toBe('string');
      const [back] = await file.download();
      expect(back.equals(data)).toBe(true);
    });

    it('uploads more than 10 MB in one multipart request (resumable: false)', async () => {
      const data = randomBytes(10 * MiB + 777);
      const file = bucket.file('big/multipart.bin');
      await file.save(data, { resumable: false, metadata: { metadata: { source: 'test' } } });
      const [meta] = await file.getMetadata();
      expect(meta).toMatchObject({ size: String(data.length), md5Hash: md5(data), crc32c: crc32c(data), metadata: { source: 'test' } });
      const [back] = await file.download({ validation: 'md5' });
      expect(back.equals(data)).toBe(true);
    });

    it('streams an upload of unknown length (single resumable PUT) and uploads empty objects', async () => {
      const data = randomBytes(300_000);
      const file = bucket.file('streamed.bin');
      await new Promise<void>((resolve, reject) => {
        const ws = file.createWriteStream();
        ws.on('error', reject).on('finish', resolve);
        ws.write(data.subarray(0, 100_000));
        ws.end(data.subarray(100_000));
      });
      expect((await file.download())[0].equals(data)).toBe(true);
      for (const [name, opts] of [
        ['empty-chunked', { chunkSize: 256 * 1024 }],
        ['empty-multipart', { resumable: false }],
        ['empty-resumable', {}],
      ] as const) {
        await bucket.file(name).save(Buffer.alloc(0), opts);
        const [meta] = await bucket.file(name).getMetadata();
        expect(meta.size).toBe('0');
        expect((await bucket.file(name).download())[0].length).toBe(0);
      }
    });

    it('downloads byte ranges (206) with download({start,end}) and createReadStream', async () => {
      const data = randomBytes(1000);
      const file = bucket.file('ranges.bin');
      await file.save(data, { resumable: false });
      expect((await file.download({ start: 10, end: 19 }))[0].equals(data.subarray(10, 20))).toBe(true);
      const tail: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        file
          .createReadStream({ start: 900 })
          .on('data', (c: Buffer) => tail.push(c))
          .on('error', reject)
          .on('end', resolve);
      });
      expect(Buffer.concat(tail).equals(data.subarray(900))).toBe(true);
      expect(await failure(file.download({ start: 5000, end: 6000 }))).toBe(416);
    });
  });

  describe('listing', () => {
    let lb: Bucket;
    const names = ['a.csv', 'pos/s1/w1.csv', 'pos/s1/w2.csv', 'pos/s2/w1.csv', 'pos/top.csv', 'quarantine/x.csv', 'z.csv'];

    beforeAll(async () => {
      [lb] = await storage.createBucket(bucketName());
      for (const n of names) await lb.file(n).save(n, { resumable: false });
    });

    it('pages with maxResults, prefix and delimiter (prefixes reported once)', async () => {
      const items: string[] = [];
      const prefixes: string[] = [];
      let query: Record<string, unknown> | null = { autoPaginate: false, maxResults: 2, delimiter: '/' };
      let pages = 0;
      while (query) {
        const [files, next, resp] = (await lb.getFiles(query)) as unknown as [File[], Record<string, unknown> | null, { prefixes?: string[] }];
        items.push(...files.map((f) => f.name));
        prefixes.push(...(resp.prefixes ?? []));
        query = next;
        pages++;
      }
      expect(items).toEqual(['a.csv', 'z.csv']);
      expect(prefixes).toEqual(['pos/', 'quarantine/']);
      expect(pages).toBe(2);

      const [under, , resp] = (await lb.getFiles({ autoPaginate: false, prefix: 'pos/', delimiter: '/' })) as unknown as [File[], unknown, { prefixes?: string[] }];
      expect(under.map((f) => f.name)).toEqual(['pos/top.csv']);
      expect(resp.prefixes).toEqual(['pos/s1/', 'pos/s2/']);
    });

    it('lists everything with autoPaginate, and honours startOffset/endOffset', async () => {
      const [all] = await lb.getFiles();
      expect(all.map((f) => f.name)).toEqual(names);
      const [range] = await lb.getFiles({ startOffset: 'pos/s1/w2.csv', endOffset: 'quarantine/' });
      expect(range.map((f) => f.name)).toEqual(['pos/s1/w2.csv', 'pos/s2/w1.csv', 'pos/top.csv']);
      expect((await lb.getFiles({ prefix: 'nothing/' }))[0]).toEqual([]);
    });
  });

  describe('copy, move, compose', () => {
    it('copies within and across buckets (rewriteTo), keeping bytes and metadata', async () => {
      const [other] = await storage.createBucket(bucketName());
      const src = bucket.file('copy/src.txt');
      await src.save('copy me', { resumable: false, contentType: 'text/plain', metadata: { metadata: { k: 'v' } } });
      const [dst] = await src.copy(other.file('copied.txt'));
      const [meta] = await dst.getMetadata();
      expect(meta).toMatchObject({ bucket: other.name, name: 'copied.txt', contentType: 'text/plain', metadata: { k: 'v' }, md5Hash: md5(Buffer.from('copy me')) });
      expect((await dst.download())[0].toString()).toBe('copy me');
      await src.copy('copy/again.txt');
      expect((await bucket.file('copy/again.txt').download())[0].toString()).toBe('copy me');
    });

    it('moves with file.move (copy + delete) and moveFileAtomic (moveTo)', async () => {
      const a = bucket.file('move/a.txt');
      await a.save('A', { resumable: false });
      await a.move('move/b.txt');
      expect((await a.exists())[0]).toBe(false);
      expect((await bucket.file('move/b.txt').download())[0].toString()).toBe('A');

      const [moved] = (await bucket.file('move/b.txt').moveFileAtomic('move/c.txt')) as unknown as [File];
      expect((await bucket.file('move/b.txt').exists())[0]).toBe(false);
      expect((await moved.download())[0].toString()).toBe('A');
      await bucket.file('move/d.txt').save('D', { resumable: false });
      expect(await failure(bucket.file('move/c.txt').moveFileAtomic('move/d.txt', { preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);
    });

    it('composes objects (bucket.combine)', async () => {
      const parts = ['p1', 'p2', 'p3'].map((n) => bucket.file(`compose/${n}`));
      for (const [i, p] of parts.entries()) await p.save(`part${i};`, { resumable: false });
      const [combined] = await bucket.combine(parts, 'compose/all.txt');
      const [meta] = await combined.getMetadata();
      expect(meta.componentCount).toBe(3);
      expect(meta.crc32c).toBe(crc32c(Buffer.from('part0;part1;part2;')));
      expect((await combined.download())[0].toString()).toBe('part0;part1;part2;');
    });
  });

  describe('metadata, generations, preconditions, delete', () => {
    it('patches metadata and contentType; metageneration bumps, generation stays', async () => {
      const f = bucket.file('meta.txt');
      await f.save('m', { resumable: false, metadata: { metadata: { a: '1', b: '2' } } });
      const [before] = await f.getMetadata();
      await f.setMetadata({ contentType: 'text/csv', metadata: { a: null, c: '3' } });
      const [after] = await f.getMetadata();
      expect(after.metadata).toEqual({ b: '2', c: '3' });
      expect(after.contentType).toBe('text/csv');
      expect(after.generation).toBe(before.generation);
      expect(after.metageneration).toBe('2');
      expect(await failure(f.setMetadata({ metadata: { x: '1' } }, { ifMetagenerationMatch: 1 }))).toBe(412);
    });

    it('overwrites with a larger generation; ifGenerationMatch 0 on an existing object answers 412', async () => {
      const f = bucket.file('gen.txt');
      await f.save('one', { resumable: false });
      const [g1] = await f.getMetadata();
      await f.save('two', { resumable: false });
      const [g2] = await f.getMetadata();
      expect(BigInt(g2.generation!)).toBeGreaterThan(BigInt(g1.generation!));

      expect(await failure(f.save('three', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);
      expect(await failure(f.save('three', { preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);
      await bucket.file('gen-new.txt').save('new', { preconditionOpts: { ifGenerationMatch: 0 } });
      await f.save('four', { resumable: false, preconditionOpts: { ifGenerationMatch: Number(g2.generation) } });
      expect((await f.download())[0].toString()).toBe('four');
      expect(await failure(f.delete({ ifGenerationMatch: Number(g1.generation) }))).toBe(412);
    });

    it('lets exactly one of several concurrent create-if-absent uploads win', async () => {
      const attempts = Array.from({ length: 8 }, (_, i) =>
        bucket
          .file('race.txt')
          .save(`writer ${i}`, { resumable: i % 2 === 0, preconditionOpts: { ifGenerationMatch: 0 } })
          .then(
            () => 'ok',
            (err: { code?: number; response?: { status?: number } }) => (typeof err.code === 'number' ? err.code : err.response?.status),
          ),
      );
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 412)).toHaveLength(7);
      expect((await bucket.file('race.txt').download())[0].toString()).toMatch(/^writer \d$/);
    });

    it('deletes objects; a missing one answers 404', async () => {
      const f = bucket.file('gone.txt');
      await f.save('bye', { resumable: false });
      await f.delete();
      expect((await f.exists())[0]).toBe(false);
      expect(await failure(f.download())).toBe(404);
      expect(await failure(f.delete())).toBe(404);
      await f.delete({ ignoreNotFound: true });
    });
  });
});
