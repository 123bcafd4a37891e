// Object versioning, lifecycle rules on the emulator's clock, matchGlob, partial responses, public
// access prevention, resumable preconditions and refused bodies, through the official client where
// it exposes them and raw HTTP where it does not. Sources:
// https://cloud.google.com/storage/docs/object-versioning, /docs/lifecycle,
// /docs/json_api/v1/objects/list, /docs/json_api#partial-response, /docs/public-access-prevention,
// /docs/request-preconditions#resumable-uploads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { type BucketMetadata, type File, Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failure } from './failures';

const PROJECT = 'pizzaflow-test';
const DAY = 24 * 60 * 60 * 1000;


/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-03-01T08:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('Cloud Storage emulator: versions and lifecycle', () => {
  let emu: StorageEmulator;
  let storage: Storage;
  let dataDir: string;
  const clock = manualClock();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gcs-versions-'));
    emu = await start({ port: 0, dataDir, logLevel: 'error', pubsubHost: 'localhost:1', clock: clock.now, lifecycleIntervalMs: 0 });
    storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
  });

  afterAll(async () => {
    await emu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('object versioning', () => {
    it('keeps a replaced or deleted live object as a noncurrent version (timeDeleted), lists it with versions: true, reads and deletes it by generation', async () => {
      const [bucket] = await storage.createBucket('versioned-landing', { versioning: { enabled: true } });
      const file = bucket.file('pos/store-1/day.csv');
      await file.save('v1', { resumable: false });
      const [m1] = await file.getMetadata();
      clock.advance(1000);
      await file.save('v2', { resumable: false });
      const [m2] = await file.getMetadata();

      const [old] = await file.get({ generation: Number(m1.generation) });
      expect(old.metadata).toMatchObject({ generation: m1.generation, timeDeleted: new Date(clock.now()).toISOString() });
      expect((await bucket.file(file.name, { generation: Number(m1.generation) }).download())[0].toString()).toBe('v1');
      expect((await file.download())[0].toString()).toBe('v2');
      expect(m2.timeDeleted).toBeUndefined();

      const [live] = await bucket.getFiles();
      expect(live.map((f) => [f.name, f.metadata.generation])).toEqual([[file.name, m2.generation]]);
      const [all] = await bucket.getFiles({ versions: true });
      expect(all.map((f) => f.metadata.generation)).toEqual([m1.generation, m2.generation]);

      // Deleting the live object without a generation archives it: nothing is live, both versions stay.
      await file.delete();
      expect((await file.exists())[0]).toBe(false);
      const [afterDelete] = await bucket.getFiles({ versions: true });
      expect(afterDelete.map((f) => [f.metadata.generation, typeof f.metadata.timeDeleted])).toEqual([
        [m1.generation, 'string'],
        [m2.generation, 'string'],
      ]);
      expect(await failure(bucket.delete())).toBe(409);

      // Versions survive a restart of a disk-backed emulator.
      await emu.close();
      emu = await start({ port: 0, dataDir, logLevel: 'error', pubsubHost: 'localhost:1', clock: clock.now, lifecycleIntervalMs: 0 });
      storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
      const b = storage.bucket('versioned-landing');
      expect((await b.file(file.name, { generation: Number(m2.generation) }).download())[0].toString()).toBe('v2');

      // Naming a generation removes that version for good.
      await b.file(file.name).delete({ generation: Number(m1.generation) } as object);
      await b.file(file.name, { generation: Number(m2.generation) }).delete();
      expect((await b.getFiles({ versions: true }))[0]).toEqual([]);
      expect(await failure(b.file(file.name).get({ generation: Number(m1.generation) }))).toBe(404);
      await b.delete();
    });

    it('pages through every version with maxResults', async () => {
      const [bucket] = await storage.createBucket('versioned-pages', { versioning: { enabled: true } });
      for (const n of ['a', 'b']) for (let i = 0; i < 3; i++) await bucket.file(n).save(`${n}${i}`, { resumable: false });
      const seen: string[] = [];
      let query: Record<string, unknown> | null = { autoPaginate: false, maxResults: 2, versions: true };
      while (query) {
        const [files, next] = (await bucket.getFiles(query)) as unknown as [File[], Record<string, unknown> | null];
        seen.push(...files.map((f) => f.name));
        query = next;
      }
      expect(seen).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    });

    it('without versioning replaces the object for good: generation=<old> is 404 and versions: true lists the live object only', async () => {
      const [bucket] = await storage.createBucket('unversioned');
      const file = bucket.file('x.csv');
      await file.save('one', { resumable: false });
      const [m1] = await file.getMetadata();
      await file.save('two', { resumable: false });
      expect(await failure(file.get({ generation: Number(m1.generation) }))).toBe(404);
      expect((await bucket.getFiles({ versions: true }))[0].map((f) => f.name)).toEqual(['x.csv']);
    });
  });

  describe('lifecycle on the emulator clock', () => {
    it('deletes a raw-archive-like object once it reaches its age, not before', async () => {
      const [bucket] = await storage.createBucket('raw-archive-like');
      await bucket.setMetadata({ lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }] } });
      await bucket.file('raw/2026-03-01/events.jsonl').save('{}\n', { resumable: false });
      clock.advance(29 * DAY);
      await bucket.file('raw/2026-03-30/events.jsonl').save('{}\n', { resumable: false });
      expect(await emu.runLifecycle()).toEqual({ deleted: 0, archived: 0, storageClassChanged: 0, hardDeleted: 0 });
      clock.advance(DAY);
      expect((await emu.runLifecycle()).deleted).toBe(1);
      expect((await bucket.getFiles())[0].map((f) => f.name)).toEqual(['raw/2026-03-30/events.jsonl']);
    });

    it('deletes noncurrent landing versions after daysSinceNoncurrentTime and when enough newer versions exist; the live one stays', async () => {
      const [bucket] = await storage.createBucket('landing-like', { versioning: { enabled: true } });
      await bucket.setMetadata({
        lifecycle: {
          rule: [
            { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: 7 } },
            { action: { type: 'Delete' }, condition: { numNewerVersions: 2, isLive: false } },
          ],
        },
      });
      const kept = bucket.file('pos/kept.csv');
      for (let i = 0; i < 4; i++) {
        await kept.save(`v${i}`, { resumable: false });
        clock.advance(1000);
      }
      // Four versions: the two oldest have at least two newer ones.
      expect((await emu.runLifecycle()).deleted).toBe(2);
      const gens = (await bucket.getFiles({ versions: true }))[0];
      expect(gens).toHaveLength(2);
      clock.advance(7 * DAY);
      expect((await emu.runLifecycle()).deleted).toBe(1);
      const [left] = await bucket.getFiles({ versions: true });
      expect(left.map((f) => [f.name, f.metadata.timeDeleted])).toEqual([['pos/kept.csv', undefined]]);
      expect((await kept.download())[0].toString()).toBe('v3');
    });

    it('archives a live object in a versioned bucket on Delete, and moves objects to a colder class with SetStorageClass (matchesPrefix, matchesSuffix)', async () => {
      const [bucket] = await storage.createBucket('classes', { versioning: { enabled: true } });
      await bucket.setMetadata({
        lifecycle: {
          rule: [
            { action: { type: 'SetStorageClass', storageClass: 'NEARLINE' }, condition: { age: 1, matchesPrefix: ['cold/'] } },
            { action: { type: 'SetStorageClass', storageClass: 'COLDLINE' }, condition: { age: 1, matchesSuffix: ['.bak'] } },
            { action: { type: 'Delete' }, condition: { age: 1, isLive: true, matchesPrefix: ['tmp/'] } },
          ],
        },
      });
      for (const n of ['cold/a.csv', 'cold/b.bak', 'tmp/x', 'warm/y']) await bucket.file(n).save('x', { resumable: false });
      clock.advance(DAY);
      expect(await emu.runLifecycle()).toEqual({ deleted: 0, archived: 1, storageClassChanged: 2, hardDeleted: 0 });
      const [files] = await bucket.getFiles({ versions: true });
      expect(Object.fromEntries(files.map((f) => [f.name, [f.metadata.storageClass, Boolean(f.metadata.timeDeleted)]]))).toEqual({
        'cold/a.csv': ['NEARLINE', false],
        'cold/b.bak': ['COLDLINE', false],
        'tmp/x': ['STANDARD', true],
        'warm/y': ['STANDARD', false],
      });
    });

    it('refuses malformed lifecycle rules (400)', async () => {
      const [bucket] = await storage.createBucket('bad-rules');
      for (const rule of [
        { action: { type: 'Explode' }, condition: { age: 1 } },
        { action: { type: 'Delete' }, condition: {} },
        { action: { type: 'Delete' }, condition: { age: -1 } },
        { action: { type: 'Delete' }, condition: { createdBefore: '1 March' } },
        { action: { type: 'SetStorageClass', storageClass: 'FROZEN' }, condition: { age: 1 } },
        { action: { type: 'Delete' }, condition: { sizeOver: 3 } },
      ]) {
        expect([rule, await failure(bucket.setMetadata({ lifecycle: { rule: [rule] } } as unknown as BucketMetadata))]).toEqual([rule, 400]);
      }
    });
  });

  describe('listing and partial responses', () => {
    const names = ['a.csv', 'pos/s1/w1.csv', 'pos/s1/w2.json', 'pos/s2/w1.csv', 'pos/top.csv', 'quarantine/x.csv', 'z.txt'];

    beforeAll(async () => {
      const [bucket] = await storage.createBucket('globs');
      for (const n of names) await bucket.file(n).save(n, { resumable: false });
    });

    it('lists with matchGlob: *, **, ?, [...] and {a,b}', async () => {
      const bucket = storage.bucket('globs');
      const list = async (matchGlob: string, extra: Record<string, unknown> = {}): Promise<string[]> =>
        (await bucket.getFiles({ matchGlob, ...extra }))[0].map((f) => f.name);
      expect(await list('*.csv')).toEqual(['a.csv']);
      expect(await list('**.csv')).toEqual(['a.csv', 'pos/s1/w1.csv', 'pos/s2/w1.csv', 'pos/top.csv', 'quarantine/x.csv']);
      expect(await list('pos/**/w1.csv')).toEqual(['pos/s1/w1.csv', 'pos/s2/w1.csv']);
      expect(await list('pos/s?/w[12].*')).toEqual(['pos/s1/w1.csv', 'pos/s1/w2.json', 'pos/s2/w1.csv']);
      expect(await list('{a.csv,z.*}')).toEqual(['a.csv', 'z.txt']);
      expect(await list('pos/s[!1]/*')).toEqual(['pos/s2/w1.csv']);
      const paged: string[] = [];
      let query: Record<string, unknown> | null = { autoPaginate: false, prefix: 'pos/', matchGlob: '**.csv', maxResults: 2 };
      while (query) {
        const [files, next] = (await bucket.getFiles(query)) as unknown as [File[], Record<string, unknown> | null];
        paged.push(...files.map((f) => f.name));
        query = next;
      }
      expect(paged).toEqual(['pos/s1/w1.csv', 'pos/s2/w1.csv', 'pos/top.csv']);
      expect(await failure(bucket.getFiles({ matchGlob: 'pos/[abc' }))).toBe(400);
    });

    it('honours fields= on objects.get, objects.list (items(name,size)) and buckets.get', async () => {
      const base = `${emu.url}/storage/v1/b/globs`;
      const get = async (url: string): Promise<unknown> => {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        return res.json();
      };
      expect(await get(`${base}/o/a.csv?fields=name,size`)).toEqual({ name: 'a.csv', size: '5' });
      expect(await get(`${base}/o?prefix=pos/s1/&fields=items(name,size),nextPageToken`)).toEqual({
        items: [
          { name: 'pos/s1/w1.csv', size: '13' },
          { name: 'pos/s1/w2.json', size: '14' },
        ],
      });
      expect(await get(`${base}/o?maxResults=1&fields=items/name,kind`)).toEqual({ kind: 'storage#objects', items: [{ name: 'a.csv' }] });
      expect(await get(`${base}?fields=name,versioning`)).toEqual({ name: 'globs' });
      const [meta] = await storage.bucket('globs').file('a.csv').getMetadata({ fields: 'md5Hash' } as object);
      expect(Object.keys(meta)).toEqual(['md5Hash']);
      expect((await fetch(`${base}?fields=name(`)).status).toBe(400);
    });
  });

  describe('public access prevention', () => {
    it('accepts enforced and inherited, refuses anything else (400), and a patch of it keeps uniform bucket-level access', async () => {
      const [bucket] = await storage.createBucket('pap', { iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'inherited' } });
      expect(await failure(bucket.setMetadata({ iamConfiguration: { publicAccessPrevention: 'unspecifiedish' } }))).toBe(400);
      expect(await failure(storage.createBucket('pap-bad', { iamConfiguration: { publicAccessPrevention: 'on' } }))).toBe(400);
      await bucket.setMetadata({ iamConfiguration: { publicAccessPrevention: 'enforced' } });
      const [meta] = await bucket.getMetadata();
      // bucketPolicyOnly is the older name of uniformBucketLevelAccess; GCS returns both.
      expect(meta.iamConfiguration).toEqual({ bucketPolicyOnly: { enabled: true }, uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'enforced' });
    });
  });

  describe('wire protocol', () => {
    it('opens a resumable session despite ifGenerationMatch=0 and answers 412 when the upload completes', async () => {
      const [bucket] = await storage.createBucket('resumable-preconditions');
      await bucket.file('taken.csv').save('first', { resumable: false });
      const init = await fetch(`${emu.url}/upload/storage/v1/b/${bucket.name}/o?uploadType=resumable&name=taken.csv&ifGenerationMatch=0`, { method: 'POST' });
      expect(init.status).toBe(200);
      const final = await fetch(init.headers.get('location')!, { method: 'PUT', body: 'second', headers: { 'content-range': 'bytes 0-5/6' } });
      expect(final.status).toBe(412);
      expect(((await final.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe('conditionNotMet');
      expect(await failure(bucket.file('taken.csv').save('third', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);
      expect((await bucket.file('taken.csv').download())[0].toString()).toBe('first');
    });

    it('after refusing an oversized body, answers the next request on the same kept-alive connection at once; a huge one is answered with Connection: close', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string, urlPath: string, body?: Buffer): Promise<{ status: number; reused: boolean; connection?: string; ms: number }> =>
        new Promise((resolve, reject) => {
          const started = Date.now();
          const req = request(`${emu.url}${urlPath}`, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, connection: res.headers.connection, ms: Date.now() - started }));
          });
          req.on('error', reject);
          req.end(body);
        });
      try {
        const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
        expect(await send('POST', '/storage/v1/b?project=p', big)).toMatchObject({ status: 400 });
        const next = await send('GET', '/storage/v1/b/globs');
        expect(next).toMatchObject({ status: 200, reused: true });
        expect(next.ms).toBeLessThan(1000);

        const huge = Buffer.alloc(20 * 1024 * 1024, 0x20);
        expect(await send('POST', '/storage/v1/b?project=p', huge)).toMatchObject({ status: 400, connection: 'close' });
        const after = await send('GET', '/storage/v1/b/globs');
        expect(after).toMatchObject({ status: 200, reused: false });
        expect(after.ms).toBeLessThan(1000);
      } finally {
        agent.destroy();
      }
    });
  });
});
