// Bucket retention policies (and their lock), object holds and Object Retention Lock through the
// official client, on the emulator's clock. Behaviour from https://cloud.google.com/storage/docs/bucket-lock,
// /docs/object-holding, /docs/object-lock and the JSON API's buckets.lockRetentionPolicy; the
// official client's system tests ("bucket retention policies", "object retention lock") exercise the same.
import { Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failure } from './failures';

const PROJECT = 'pizzaflow-test';
const DAY = 24 * 60 * 60 * 1000;


describe('Cloud Storage emulator: retention policies, holds and object retention', () => {
  let emu: StorageEmulator;
  let storage: Storage;
  let t = Date.parse('2026-04-01T09:00:00Z');
  const advance = (ms: number): void => void (t += ms);

  beforeAll(async () => {
    emu = await start({ port: 0, inMemory: true, logLevel: 'error', pubsubHost: 'localhost:1', clock: () => t, lifecycleIntervalMs: 0 });
    storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
  });

  afterAll(async () => {
    await emu?.close();
  });

  it('keeps an object until its retention period ends: delete and overwrite answer 403 before, succeed after; retentionExpirationTime says when', async () => {
    const [bucket] = await storage.createBucket('retained-exports', { retentionPolicy: { retentionPeriod: 3600 } });
    const [meta] = await bucket.getMetadata();
    expect(meta.retentionPolicy).toEqual({ retentionPeriod: '3600', effectiveTime: new Date(t).toISOString() });

    const file = bucket.file('daily/2026-04-01.csv');
    await file.save('a,b\n', { resumable: false });
    const [fileMeta] = await file.getMetadata();
    expect(fileMeta.retentionExpirationTime).toBe(new Date(Date.parse(fileMeta.timeCreated!) + 3600_000).toISOString());
    const [expiry] = await file.getExpirationDate();
    expect(expiry.toISOString()).toBe(fileMeta.retentionExpirationTime);

    expect(await failure(file.delete())).toBe(403);
    expect(await failure(file.save('replaced', { resumable: false }))).toBe(403);
    expect(await failure(file.move('daily/moved.csv'))).toBe(403);
    advance(3600_000);
    await file.delete();
    expect((await file.exists())[0]).toBe(false);
  });

  it('a locked retention policy cannot be removed or shortened (403), only lengthened; an unlocked one can be removed', async () => {
    const [open] = await storage.createBucket('retention-unlocked');
    await open.setRetentionPeriod(60);
    await open.removeRetentionPeriod();
    expect((await open.getMetadata())[0].retentionPolicy).toBeUndefined();

    const [bucket] = await storage.createBucket('retention-locked');
    await bucket.setRetentionPeriod(120);
    const [before] = await bucket.getMetadata();
    // lockRetentionPolicy needs the metageneration the caller saw: a stale one fails the precondition.
    expect(await failure(bucket.lock(String(Number(before.metageneration) - 1)))).toBe(412);
    await bucket.lock(String(before.metageneration));
    expect((await bucket.getMetadata())[0].retentionPolicy).toMatchObject({ retentionPeriod: '120', isLocked: true });
    expect(await failure(bucket.setRetentionPeriod(60))).toBe(403);
    expect(await failure(bucket.removeRetentionPeriod())).toBe(403);
    await bucket.setRetentionPeriod(240);
    expect((await bucket.getMetadata())[0].retentionPolicy).toMatchObject({ retentionPeriod: '240', isLocked: true });
  });

  it('temporary and event-based holds block deletion until released; releasing an event-based hold restarts the retention period', async () => {
    const [bucket] = await storage.createBucket('held-objects', { retentionPolicy: { retentionPeriod: 60 } });
    const file = bucket.file('evidence.json');
    await file.save('{}', { resumable: false, metadata: { temporaryHold: true } });
    advance(120_000); // past retention: only the hold protects it now
    expect((await file.getMetadata())[0].temporaryHold).toBe(true);
    expect(await failure(file.delete())).toBe(403);
    await file.setMetadata({ temporaryHold: false });
    expect((await file.getMetadata())[0].temporaryHold).toBe(false);

    await file.setMetadata({ eventBasedHold: true });
    expect(await failure(file.delete())).toBe(403);
    advance(10_000);
    const [released] = await file.setMetadata({ eventBasedHold: false });
    expect(released.eventBasedHold).toBe(false);
    // The 60 s period now runs from the release, not from timeCreated.
    expect(released.retentionExpirationTime).toBe(new Date(t + 60_000).toISOString());
    expect(await failure(file.delete())).toBe(403);
    advance(60_000);
    await file.delete();
  });

  it('defaultEventBasedHold puts new objects under an event-based hold, and lifecycle does not delete held objects', async () => {
    const [bucket] = await storage.createBucket('default-held', { defaultEventBasedHold: true });
    await bucket.setMetadata({ lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: 1 } }] } });
    const file = bucket.file('landing/batch-1.jsonl');
    await file.save('{}\n', { resumable: false });
    expect((await file.getMetadata())[0].eventBasedHold).toBe(true);
    advance(2 * DAY);
    expect((await emu.runLifecycle()).deleted).toBe(0);
    await file.setMetadata({ eventBasedHold: false });
    expect((await emu.runLifecycle()).deleted).toBe(1);
    expect((await file.exists())[0]).toBe(false);
  });

  it('Object Retention Lock: only in a bucket created with enableObjectRetention; Unlocked retention shortens with overrideUnlockedRetention, Locked never', async () => {
    const [plain] = await storage.createBucket('no-object-retention');
    const until = new Date(t + 3600_000).toISOString();
    expect(await failure(plain.file('x').save('x', { resumable: false, metadata: { retention: { mode: 'Unlocked', retainUntilTime: until } } }))).toBe(400);

    const [bucket] = await storage.createBucket('object-retention', { enableObjectRetention: true });
    expect(bucket.metadata.objectRetention).toEqual({ mode: 'Enabled' });
    const file = bucket.file('contract.pdf');
    await file.save('%PDF', { resumable: false, metadata: { retention: { mode: 'Unlocked', retainUntilTime: until } } });
    expect((await file.getMetadata())[0].retention).toEqual({ mode: 'Unlocked', retainUntilTime: until });
    expect(await failure(file.delete())).toBe(403);
    expect(await failure(file.setMetadata({ retention: null }))).toBe(403);
    const [cleared] = await file.setMetadata({ retention: null }, { overrideUnlockedRetention: true });
    expect(cleared.retention).toBeUndefined();
    await file.delete();

    const locked = bucket.file('locked.pdf');
    await locked.save('%PDF', { resumable: false, metadata: { retention: { mode: 'Locked', retainUntilTime: until } } });
    expect(await failure(locked.setMetadata({ retention: null }, { overrideUnlockedRetention: true }))).toBe(403);
    const later = new Date(t + 7200_000).toISOString();
    await locked.setMetadata({ retention: { mode: 'Locked', retainUntilTime: later } });
    advance(3 * 3600_000);
    await locked.delete();
  });
});

describe('Cloud Storage emulator: buckets.update and retention settings', () => {
  let emu: StorageEmulator;

  beforeAll(async () => {
    emu = await start({ port: 0, inMemory: true, logLevel: 'error', pubsubHost: 'localhost:1', lifecycleIntervalMs: 0 });
  });

  afterAll(async () => {
    await emu?.close();
  });

  async function update(bucket: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${emu.url}/storage/v1/b/${bucket}`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('an update (PUT) that leaves out a locked retention policy is refused (403); Object Retention Lock survives an update', async () => {
    const storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
    const [locked] = await storage.createBucket('update-locked');
    await locked.setRetentionPeriod(30);
    await locked.lock(String((await locked.getMetadata())[0].metageneration));
    expect((await update('update-locked', { labels: { a: 'b' } })).status).toBe(403);
    expect((await update('update-locked', { retentionPolicy: { retentionPeriod: '30' } })).status).toBe(200);

    await storage.createBucket('update-object-retention', { enableObjectRetention: true });
    const after = await update('update-object-retention', { labels: { a: 'b' } });
    expect(after.status).toBe(200);
    expect(after.json.objectRetention).toEqual({ mode: 'Enabled' });
  });
});
