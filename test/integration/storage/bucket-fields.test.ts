// Bucket fields as GCS returns them, through the official client: the default iamConfiguration,
// dual-region placement, Autoclass's toggleTime, CORS removal, lifecycle storage classes in any case,
// and the multipart upload's metadata limit message. Cases the official client's system tests
// (googleapis/nodejs-storage system-test/storage.ts) check; see emulators/storage/README.md,
// "Official client system tests". Sources: https://cloud.google.com/storage/docs/json_api/v1/buckets,
// /docs/locations#configurable, /docs/autoclass, /docs/using-cors, /docs/lifecycle.
import { Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failureWithMessage as failure } from './failures';

const PROJECT = 'pizzaflow-test';


describe('Cloud Storage emulator: bucket fields', () => {
  let emu: StorageEmulator;
  let storage: Storage;
  let t = Date.parse('2026-04-01T09:00:00Z');

  beforeAll(async () => {
    emu = await start({ port: 0, inMemory: true, logLevel: 'error', pubsubHost: 'localhost:1', clock: () => t, lifecycleIntervalMs: 0 });
    storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
  });

  afterAll(async () => {
    await emu?.close();
  });

  it('returns iamConfiguration with its defaults on a new bucket (UBLA off, PAP inherited), and changing UBLA keeps PAP', async () => {
    const [bucket] = await storage.createBucket('fresh-bucket');
    const [meta] = await bucket.getMetadata();
    expect(meta.iamConfiguration).toEqual({
      bucketPolicyOnly: { enabled: false },
      uniformBucketLevelAccess: { enabled: false },
      publicAccessPrevention: 'inherited',
    });
    await bucket.setMetadata({ iamConfiguration: { uniformBucketLevelAccess: { enabled: true } } });
    const [after] = await bucket.getMetadata();
    expect(after.iamConfiguration?.publicAccessPrevention).toBe('inherited');
    expect(after.iamConfiguration?.uniformBucketLevelAccess?.enabled).toBe(true);
  });

  it('keeps a configurable dual-region placement and reports locationType dual-region', async () => {
    const [bucket] = await storage.createBucket('dual-region-bucket', { location: 'US', customPlacementConfig: { dataLocations: ['US-EAST1', 'US-WEST1'] } });
    const [meta] = await bucket.getMetadata();
    expect(meta.location).toBe('US');
    expect(meta.customPlacementConfig).toEqual({ dataLocations: ['US-EAST1', 'US-WEST1'] });
    expect(meta.locationType).toBe('dual-region');
    const [regional] = await storage.createBucket('regional-bucket', { location: 'europe-west1' });
    expect(regional.metadata.locationType).toBe('region');
    expect((await failure(storage.createBucket('bad-placement', { location: 'US', customPlacementConfig: { dataLocations: ['US-EAST1'] } }))).code).toBe(400);
  });

  it('Autoclass: toggleTime is set on creation and moves when enabled changes; the terminal class defaults to NEARLINE', async () => {
    const [bucket] = await storage.createBucket('autoclass-bucket', { autoclass: { enabled: true, terminalStorageClass: 'ARCHIVE' } });
    const [meta] = await bucket.getMetadata();
    expect(meta.autoclass).toEqual({ enabled: true, terminalStorageClass: 'ARCHIVE', toggleTime: new Date(t).toISOString() });
    t += 60_000;
    const [off] = await bucket.setMetadata({ autoclass: { enabled: false } });
    expect(off.autoclass).toEqual({ enabled: false, toggleTime: new Date(t).toISOString() });
    t += 60_000;
    await bucket.setMetadata({ labels: { team: 'data' } });
    expect((await bucket.getMetadata())[0].autoclass?.toggleTime).toBe(new Date(t - 60_000).toISOString());
    const [on] = await bucket.setMetadata({ autoclass: { enabled: true } });
    expect(on.autoclass).toEqual({ enabled: true, terminalStorageClass: 'NEARLINE', toggleTime: new Date(t).toISOString() });
  });

  it('setCorsConfiguration([]) removes the CORS configuration', async () => {
    const [bucket] = await storage.createBucket('cors-bucket');
    const cors = [{ maxAgeSeconds: 1600, method: ['GET'], origin: ['https://pizzaflow.example'], responseHeader: ['Content-Type'] }];
    await bucket.setCorsConfiguration(cors);
    expect((await bucket.getMetadata())[0].cors).toEqual(cors);
    await bucket.setCorsConfiguration([]);
    expect(bucket.metadata.cors).toBeUndefined();
    expect((await bucket.getMetadata())[0].cors).toBeUndefined();
  });

  it('takes a lifecycle SetStorageClass and a bucket storage class in lower case and returns them upper case', async () => {
    const [bucket] = await storage.createBucket('class-case', { storageClass: 'nearline' } as never);
    expect(bucket.metadata.storageClass).toBe('NEARLINE');
    await bucket.addLifecycleRule({ action: { type: 'SetStorageClass', storageClass: 'coldline' }, condition: { age: 60 } });
    const [meta] = await bucket.getMetadata();
    expect(meta.lifecycle?.rule).toEqual([{ action: { type: 'SetStorageClass', storageClass: 'COLDLINE' }, condition: { age: 60 } }]);
    expect((await failure(bucket.addLifecycleRule({ action: { type: 'SetStorageClass', storageClass: 'glacier' }, condition: { age: 1 } }))).code).toBe(400);
  });

  it('refuses a multipart upload whose metadata part is over the limit with "Metadata part is too large."', async () => {
    const [bucket] = await storage.createBucket('big-metadata');
    const err = await failure(bucket.file('x').save('test', { resumable: false, metadata: { metadata: { custom: 'a'.repeat(2_100_000) } } }));
    expect(err.message).toMatch(/Metadata part is too large/);
  });
});
