// Soft delete of objects and buckets, and the hierarchical-namespace flag, through the official
// client on the emulator's clock (disk backend, so a restart is part of the test). Behaviour from
// https://cloud.google.com/storage/docs/soft-delete, /docs/use-soft-deleted-objects,
// /docs/use-soft-deleted-buckets and the JSON API's objects.restore, buckets.restore, objects.list,
// objects.get and buckets.list/get `softDeleted`; the official client's system tests
// (describe 'soft-delete') exercise the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FileMetadata, Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failure } from './failures';

const PROJECT = 'pizzaflow-test';
const DAY = 24 * 60 * 60 * 1000;
const WEEK_SECONDS = 7 * 24 * 60 * 60;

describe('Cloud Storage emulator: soft delete and hierarchical namespace', () => {
  let emu: StorageEmulator;
  let storage: Storage;
  let dataDir: string;
  let t = Date.parse('2026-06-01T10:00:00Z');
  const advance = (ms: number): void => void (t += ms);
  const iso = (ms = t): string => new Date(ms).toISOString();

  const boot = async (): Promise<void> => {
    emu = await start({ port: 0, dataDir, logLevel: 'error', pubsubHost: 'localhost:1', clock: () => t, lifecycleIntervalMs: 0 });
    storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
  };

  const softBucket = async (name: string, extra: Record<string, unknown> = {}) => {
    const [bucket] = await storage.createBucket(name, { softDeletePolicy: { retentionDurationSeconds: WEEK_SECONDS }, ...extra });
    return bucket;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gcs-soft-delete-'));
    await boot();
  });

  afterAll(async () => {
    await emu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('the bucket policy', () => {
    it('stores softDeletePolicy with the seconds as a string and effectiveTime, gives the bucket a generation, and refuses durations outside 0 or 7–90 days', async () => {
      const [bucket] = await storage.createBucket('policy-settings');
      const [created] = await bucket.getMetadata();
      expect(created.softDeletePolicy).toBeUndefined();
      expect(created.generation).toMatch(/^\d+$/);

      await bucket.setMetadata({ softDeletePolicy: { retentionDurationSeconds: WEEK_SECONDS } });
      const [meta] = await bucket.getMetadata();
      expect(meta.softDeletePolicy).toEqual({ retentionDurationSeconds: String(WEEK_SECONDS), effectiveTime: iso() });
      expect(meta.generation).toBe(created.generation);

      expect(await failure(bucket.setMetadata({ softDeletePolicy: { retentionDurationSeconds: 3 * 24 * 3600 } }))).toBe(400);
      expect(await failure(bucket.setMetadata({ softDeletePolicy: { retentionDurationSeconds: 91 * 24 * 3600 } }))).toBe(400);
      expect(await failure(storage.createBucket('policy-too-long', { softDeletePolicy: { retentionDurationSeconds: 100 * 24 * 3600 } }))).toBe(400);

      await bucket.setMetadata({ softDeletePolicy: { retentionDurationSeconds: 0 } });
      expect((await bucket.getMetadata())[0].softDeletePolicy?.retentionDurationSeconds).toBe('0');
    });

    it('deletes for good in a bucket without a policy or with a 0 one: nothing is listed as soft-deleted', async () => {
      const [plain] = await storage.createBucket('no-policy');
      const [off] = await storage.createBucket('policy-off', { softDeletePolicy: { retentionDurationSeconds: 0 } });
      for (const bucket of [plain, off]) {
        const file = bucket.file('gone.txt');
        await file.save('x', { resumable: false });
        await file.delete();
        expect((await bucket.getFiles({ softDeleted: true }))[0]).toHaveLength(0);
      }
    });
  });

  describe('objects', () => {
    it('keeps a deleted object soft-deleted: not listed nor readable, listed with softDeleted: true with softDeleteTime and hardDeleteTime, read by generation', async () => {
      const bucket = await softBucket('soft-objects');
      const file = bucket.file('pos/day.csv');
      await file.save('a,b\n', { resumable: false, contentType: 'text/csv', metadata: { metadata: { store: '7' } } });
      const [meta] = await file.getMetadata();
      advance(1000);
      await file.delete();

      expect((await bucket.getFiles())[0]).toHaveLength(0);
      expect(await failure(file.download())).toBe(404);
      expect(await failure(file.getMetadata())).toBe(404);
      // A soft-deleted version cannot be deleted through the API (404).
      expect(await failure(bucket.file(file.name, { generation: Number(meta.generation) }).delete())).toBe(404);

      const [soft] = await bucket.getFiles({ softDeleted: true });
      expect(soft.map((f) => [f.name, f.metadata.generation])).toEqual([[file.name, meta.generation]]);
      expect(soft[0].metadata).toMatchObject({ softDeleteTime: iso(), hardDeleteTime: iso(t + 7 * DAY), contentType: 'text/csv' });

      const [got] = await file.get({ softDeleted: true, generation: Number(meta.generation) });
      expect(got.metadata).toMatchObject({ generation: meta.generation, softDeleteTime: iso(), metadata: { store: '7' } });
      expect(got.metadata.restoreToken).toBeUndefined();
      expect(await failure(file.get({ softDeleted: true, generation: Number(meta.generation) + 1 }))).toBe(404);
    });

    it('soft-deletes the version an upload replaces (no versioning) and a noncurrent version deleted by generation (versioning)', async () => {
      const plain = await softBucket('soft-overwrite');
      const file = plain.file('report.txt');
      await file.save('v1', { resumable: false });
      const [v1] = await file.getMetadata();
      await file.save('v2', { resumable: false });
      const [soft] = await plain.getFiles({ softDeleted: true });
      expect(soft.map((f) => f.metadata.generation)).toEqual([v1.generation]);
      expect((await file.download())[0].toString()).toBe('v2');

      const versioned = await softBucket('soft-versioned', { versioning: { enabled: true } });
      const doc = versioned.file('doc.txt');
      await doc.save('one', { resumable: false });
      const [d1] = await doc.getMetadata();
      await doc.save('two', { resumable: false });
      // Replaced in a versioned bucket: noncurrent, not soft-deleted.
      expect((await versioned.getFiles({ softDeleted: true }))[0]).toHaveLength(0);
      await versioned.file('doc.txt', { generation: Number(d1.generation) }).delete();
      const [softVersions] = await versioned.getFiles({ softDeleted: true });
      expect(softVersions.map((f) => f.metadata.generation)).toEqual([d1.generation]);
      expect((await versioned.getFiles({ versions: true }))[0]).toHaveLength(1);
    });

    it('restores a copy as the live object with a new generation and metageneration 1; a live object it replaces becomes soft-deleted; preconditions apply to the live one', async () => {
      const bucket = await softBucket('soft-restore');
      const file = bucket.file('menu.json');
      await file.save('{"v":1}', { resumable: false, contentType: 'application/json' });
      const [old] = await file.getMetadata();
      await file.setMetadata({ metadata: { reviewed: 'yes' } });
      await file.delete();
      advance(1000);

      // The client resolves restore() with the object resource the API answers, typed as a File.
      const restored = { metadata: (await file.restore({ generation: Number(old.generation) })) as unknown as FileMetadata };
      expect(restored.metadata).toMatchObject({ name: 'menu.json', metageneration: '1', timeCreated: iso(), contentType: 'application/json', metadata: { reviewed: 'yes' } });
      expect(restored.metadata.generation).not.toBe(old.generation);
      expect(restored.metadata.softDeleteTime).toBeUndefined();
      expect((await file.download())[0].toString()).toBe('{"v":1}');

      // A live object exists: ifGenerationMatch=0 refuses; without it the live one is soft-deleted.
      expect(await failure(file.restore({ generation: Number(old.generation), ifGenerationMatch: 0 }))).toBe(412);
      const again = { metadata: (await file.restore({ generation: Number(old.generation) })) as unknown as FileMetadata };
      const [soft] = await bucket.getFiles({ softDeleted: true });
      expect(soft.map((f) => f.metadata.generation)).toEqual([old.generation, restored.metadata.generation]);
      expect((await bucket.getFiles())[0].map((f) => f.metadata.generation)).toEqual([again.metadata.generation]);
    });

    it('forgets a soft-deleted version at its hardDeleteTime on the emulator clock', async () => {
      const bucket = await softBucket('soft-expiry');
      const file = bucket.file('old.txt');
      await file.save('old', { resumable: false });
      const [meta] = await file.getMetadata();
      await file.delete();
      advance(7 * DAY - 1);
      expect((await bucket.getFiles({ softDeleted: true }))[0]).toHaveLength(1);
      advance(1);
      expect((await bucket.getFiles({ softDeleted: true }))[0]).toHaveLength(0);
      expect(await failure(file.get({ softDeleted: true, generation: Number(meta.generation) }))).toBe(404);
      expect(await failure(file.restore({ generation: Number(meta.generation) }))).toBe(404);
      expect((await emu.runLifecycle()).hardDeleted).toBeGreaterThanOrEqual(1);
    });
  });

  describe('hierarchical namespace', () => {
    it('requires uniform bucket-level access, stores the flag, gives soft-deleted objects a restoreToken that restore checks', async () => {
      expect(await failure(storage.createBucket('hns-no-ubla', { hierarchicalNamespace: { enabled: true } }))).toBe(400);
      const bucket = await softBucket('hns-landing', { hierarchicalNamespace: { enabled: true }, iamConfiguration: { uniformBucketLevelAccess: { enabled: true } } });
      expect((await bucket.getMetadata())[0].hierarchicalNamespace).toEqual({ enabled: true });
      expect(await failure(bucket.setMetadata({ hierarchicalNamespace: { enabled: false } }))).toBe(400);

      const file = bucket.file('dir/file.txt');
      await file.save('hns', { resumable: false });
      const [meta] = await file.getMetadata();
      await file.delete();
      const [[listed]] = await bucket.getFiles({ softDeleted: true });
      const token = listed.metadata.restoreToken;
      expect(token).toEqual(expect.any(String));
      const [got] = await file.get({ softDeleted: true, generation: Number(meta.generation) });
      expect(got.metadata.restoreToken).toBe(token);

      expect(await failure(file.restore({ generation: Number(meta.generation), restoreToken: 'not-the-token' }))).toBe(404);
      await file.restore({ generation: Number(meta.generation), restoreToken: token });
      expect((await file.download())[0].toString()).toBe('hns');
    });
  });

  describe('buckets', () => {
    it('keeps a deleted bucket soft-deleted: listed and read by generation, its name free for a new bucket, restorable once that one is gone, with its soft-deleted objects', async () => {
      const bucket = await softBucket('soft-bucket');
      await bucket.file('kept.txt').save('kept', { resumable: false });
      const [kept] = await bucket.file('kept.txt').getMetadata();
      await bucket.file('kept.txt').delete();
      const [meta] = await bucket.getMetadata();
      advance(1000);
      await bucket.delete();

      expect(await failure(bucket.getMetadata())).toBe(404);
      expect((await storage.getBuckets())[0].map((b) => b.name)).not.toContain('soft-bucket');
      const [deleted] = await storage.getBuckets({ softDeleted: true });
      const listed = deleted.find((b) => b.name === 'soft-bucket');
      expect(listed?.metadata).toMatchObject({ generation: meta.generation, softDeleteTime: iso(), hardDeleteTime: iso(t + 7 * DAY) });
      const [got] = await storage.bucket('soft-bucket').getMetadata({ softDeleted: true, generation: meta.generation });
      expect(got).toMatchObject({ generation: meta.generation, softDeleteTime: iso() });

      // The name can be reused; the soft-deleted bucket cannot be restored over a live one (409).
      const [reused] = await storage.createBucket('soft-bucket');
      expect((await reused.getMetadata())[0].generation).not.toBe(meta.generation);
      expect(await failure(storage.bucket('soft-bucket').restore({ generation: meta.generation! }))).toBe(409);
      await reused.delete();
      expect((await storage.getBuckets({ softDeleted: true }))[0].filter((b) => b.name === 'soft-bucket')).toHaveLength(1);

      await storage.bucket('soft-bucket').restore({ generation: meta.generation! });
      const [back] = await storage.bucket('soft-bucket').getMetadata();
      expect(back).toMatchObject({ generation: meta.generation, softDeletePolicy: meta.softDeletePolicy });
      expect(back.softDeleteTime).toBeUndefined();
      expect((await storage.getBuckets({ softDeleted: true }))[0].map((b) => b.name)).not.toContain('soft-bucket');
      const [objects] = await storage.bucket('soft-bucket').getFiles({ softDeleted: true });
      expect(objects.map((f) => f.metadata.generation)).toEqual([kept.generation]);
      await storage.bucket('soft-bucket').file('kept.txt').restore({ generation: Number(kept.generation) });
      expect((await storage.bucket('soft-bucket').file('kept.txt').download())[0].toString()).toBe('kept');
    });

    it('deletes a bucket without a policy for good, and forgets a soft-deleted bucket at its hardDeleteTime', async () => {
      const [plain] = await storage.createBucket('plain-bucket');
      const [plainMeta] = await plain.getMetadata();
      await plain.delete();
      expect(await failure(storage.bucket('plain-bucket').getMetadata({ softDeleted: true, generation: plainMeta.generation }))).toBe(404);

      const bucket = await softBucket('expiring-bucket');
      const [meta] = await bucket.getMetadata();
      await bucket.delete();
      advance(7 * DAY);
      expect((await storage.getBuckets({ softDeleted: true }))[0].map((b) => b.name)).not.toContain('expiring-bucket');
      expect(await failure(storage.bucket('expiring-bucket').restore({ generation: meta.generation! }))).toBe(404);
    });
  });

  it('keeps soft-deleted objects and buckets across a restart of the disk backend', async () => {
    const bucket = await softBucket('survives-restart');
    const file = bucket.file('a/b.txt');
    await file.save('durable', { resumable: false });
    const [meta] = await file.getMetadata();
    await file.delete();
    const gone = await softBucket('gone-bucket');
    const [goneMeta] = await gone.getMetadata();
    await gone.delete();

    await emu.close();
    await boot();

    const [soft] = await storage.bucket('survives-restart').getFiles({ softDeleted: true });
    expect(soft.map((f) => [f.name, f.metadata.generation])).toEqual([[file.name, meta.generation]]);
    expect((await storage.bucket('survives-restart').getFiles())[0]).toHaveLength(0);
    await storage.bucket('survives-restart').file(file.name).restore({ generation: Number(meta.generation) });
    expect((await storage.bucket('survives-restart').file(file.name).download())[0].toString()).toBe('durable');

    expect((await storage.getBuckets({ softDeleted: true }))[0].map((b) => b.name)).toContain('gone-bucket');
    await storage.bucket('gone-bucket').restore({ generation: goneMeta.generation! });
    expect((await storage.bucket('gone-bucket').getMetadata())[0].generation).toBe(goneMeta.generation);
  });
});
