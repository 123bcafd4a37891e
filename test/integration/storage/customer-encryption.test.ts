// Customer-supplied encryption keys through the official client: the key travels in
// x-goog-encryption-* headers, the object keeps its SHA-256 (customerEncryption), reads of the data
// need the same key, metadata without the key has no hashes, rewrite rotates the key. Behaviour from
// https://cloud.google.com/storage/docs/encryption/customer-supplied-keys and /docs/encryption/using-customer-supplied-keys;
// the official client's system tests ("customer-supplied encryption keys") check the same.
import { createHash, randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';
import { failureWithMessage as failure } from './failures';

const PROJECT = 'pizzaflow-test';


const sha256 = (key: Buffer): string => createHash('sha256').update(key).digest('base64');

describe('Cloud Storage emulator: customer-supplied encryption keys', () => {
  let emu: StorageEmulator;
  let storage: Storage;

  beforeAll(async () => {
    emu = await start({ port: 0, inMemory: true, logLevel: 'error', pubsubHost: 'localhost:1', lifecycleIntervalMs: 0 });
    storage = new Storage({ apiEndpoint: emu.url, projectId: PROJECT });
  });

  afterAll(async () => {
    await emu?.close();
  });

  it('records the key hash; the data needs the key, metadata without it has no hashes, a wrong key is refused', async () => {
    const [bucket] = await storage.createBucket('csek-bucket');
    const key = randomBytes(32);
    const encrypted = bucket.file('secret.txt', { encryptionKey: key });
    await encrypted.save('secret data', { resumable: false });

    const [withKey] = await encrypted.getMetadata();
    expect(withKey.customerEncryption).toEqual({ encryptionAlgorithm: 'AES256', keySha256: sha256(key) });
    expect(withKey.crc32c).toEqual(expect.any(String));
    const [contents] = await encrypted.download();
    expect(contents.toString()).toBe('secret data');

    const plain = bucket.file('secret.txt');
    const [withoutKey] = await plain.getMetadata();
    expect(withoutKey.crc32c).toBeUndefined();
    expect(withoutKey.md5Hash).toBeUndefined();
    const noKey = await failure(plain.download());
    expect(noKey.code).toBe(400);
    expect(noKey.message).toContain('The target object is encrypted by a customer-supplied encryption key.');
    const wrongKey = await failure(bucket.file('secret.txt', { encryptionKey: randomBytes(32) }).download());
    expect(wrongKey.code).toBe(400);
    const [listed] = await bucket.getFiles();
    expect(listed[0]!.metadata.crc32c).toBeUndefined();
  });

  it('resumable uploads take the key too, and rotateEncryptionKey rewrites the object under a new key', async () => {
    const [bucket] = await storage.createBucket('csek-rotate');
    const oldKey = randomBytes(32);
    const file = bucket.file('rotated.bin', { encryptionKey: oldKey });
    const data = randomBytes(300 * 1024);
    await file.save(data, { resumable: true });
    expect((await file.getMetadata())[0].customerEncryption?.keySha256).toBe(sha256(oldKey));

    const newKey = randomBytes(32);
    await file.rotateEncryptionKey(newKey);
    const rotated = bucket.file('rotated.bin', { encryptionKey: newKey });
    expect((await rotated.getMetadata())[0].customerEncryption?.keySha256).toBe(sha256(newKey));
    expect(Buffer.compare((await rotated.download())[0], data)).toBe(0);
    expect((await failure(bucket.file('rotated.bin', { encryptionKey: oldKey }).download())).code).toBe(400);
  });
});
