// `pizzaflow keys` against a real redis-server (the local serving store): a key added is printed
// once and accepted by the store-backed key ring the metrics API uses, a rotation keeps the old key
// for its grace period only, a revocation refuses at once; unknown merchants, a missing store and a
// bad duration fail with a message that says what to do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createServingStore, createStoreKeyRing, type ServingStore, type StoreKeyRing } from '../../../functions/metrics-api';
import { servingKeys } from '../../../functions/metrics-api/serving/layout';
import { keyDigest } from '../../../functions/runtime/api-keys';
import { UsageError } from '../../../functions/runtime/errors';
import { createLogger } from '../../../functions/runtime/logger';
import { main } from '../../../tools/cli/main';
import { parseDuration, redactedUrl } from '../../../tools/cli/keys-command';
import { startLocalRedis, type LocalRedis } from '../../../tools/local/redis';
import { useCliHarness } from '../../unit/cli/cli-harness';

const cli = useCliHarness('pf-keys-');
const log = createLogger('test', { level: 'fatal' });
const saved = { url: process.env.PIZZAFLOW_REDIS_URL, level: process.env.LOG_LEVEL };
let redis: LocalRedis;
let store: ServingStore;
/** The key ring as the metrics API reads it. */
let ring: StoreKeyRing;

beforeAll(async () => {
  redis = await startLocalRedis();
  process.env.PIZZAFLOW_REDIS_URL = redis.url;
  process.env.LOG_LEVEL = 'error';
  store = createServingStore({ url: redis.url, log, timeoutMs: 5_000 });
  ring = createStoreKeyRing({ client: store.client, log });
  // m-pub has series published (the publisher's merchant set), no key yet.
  await (await store.client()).sAdd(servingKeys.merchants, 'm-pub');
}, 30_000);

afterAll(async () => {
  await store?.close();
  await redis?.close();
  for (const [name, value] of [['PIZZAFLOW_REDIS_URL', saved.url], ['LOG_LEVEL', saved.level]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const keys = (...args: string[]) => main(['node', 'pizzaflow', 'keys', ...args]);

/** Runs `keys …` and returns the one line it printed on stdout. */
async function printed(...args: string[]): Promise<string> {
  cli.clear();
  await keys(...args);
  const lines = cli.stdout().trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('pizzaflow keys', () => {
  it('adds a key for a published merchant, printed once, and the API accepts it', async () => {
    const key = await printed('add', 'm-pub');
    expect(key).toMatch(/^pfk_[A-Za-z0-9_-]{43}$/);
    expect(await ring.ownerOf(key)).toBe('m-pub');
    // Only the digest is stored.
    const all = (await (await store.client()).keys('*')).map(String);
    expect(all.some((k) => k.includes(key))).toBe(false);
    expect(await (await store.client()).dbSize()).toBeGreaterThan(0);
  });

  it('refuses an unknown merchant unless --new, then knows it by its key', async () => {
    await expect(keys('add', 'm-typo')).rejects.toThrow(UsageError);
    await expect(keys('add', 'm-typo')).rejects.toThrow(/unknown merchant m-typo: .*--new/);
    const key = await printed('add', 'm-new', '--new');
    expect(await ring.ownerOf(key)).toBe('m-new');
    await expect(keys('rotate', 'm-nobody')).rejects.toThrow(/unknown merchant m-nobody/);
    await expect(keys('revoke', 'm-nobody')).rejects.toThrow(/unknown merchant m-nobody/);
  });

  it('rotates: the new key at once, the old one until the grace period ends', async () => {
    const old = await printed('add', 'm-rot', '--new');
    const fresh = await printed('rotate', 'm-rot', '--grace', '1s');
    expect(fresh).not.toBe(old);
    expect(await ring.ownerOf(fresh)).toBe('m-rot');
    expect(await ring.ownerOf(old)).toBe('m-rot');
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await ring.ownerOf(old)).toBeUndefined();
    expect(await ring.ownerOf(fresh)).toBe('m-rot');
  });

  it('rotates with the default grace period of 24 hours', async () => {
    const old = await printed('add', 'm-day', '--new');
    await printed('rotate', 'm-day');
    const notAfter = Number(await (await store.client()).hGet(`serve:key:${keyDigest(old)}`, 'not_after'));
    expect(notAfter - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(notAfter - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('revokes the key in --key-file at once, leaving the others; then every key', async () => {
    const a = await printed('add', 'm-rev', '--new');
    const b = await printed('add', 'm-rev');
    const file = path.join(cli.dir(), 'key.txt');
    fs.writeFileSync(file, `${a}\n`);
    expect(await printed('revoke', 'm-rev', '--key-file', file)).toBe('revoked 1 key of m-rev: refused from the next request on');
    expect(await ring.ownerOf(a)).toBeUndefined();
    expect(await ring.ownerOf(b)).toBe('m-rev');
    // The same key again: nothing left to revoke, exit 1.
    expect(await printed('revoke', 'm-rev', '--key-file', file)).toMatch(/^nothing revoked: the key in .* is not an active key of m-rev$/);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(await printed('revoke', 'm-rev')).toBe('revoked 1 key of m-rev: refused from the next request on');
    expect(await ring.ownerOf(b)).toBeUndefined();
    // A revoked key is never valid again, even added back.
    await expect(ring.add('m-rev', b)).rejects.toThrow(/retired/);
  });

  it('refuses a key owned by another merchant, naming neither key', async () => {
    const key = await printed('add', 'm-own', '--new');
    const file = path.join(cli.dir(), 'theirs.txt');
    fs.writeFileSync(file, key);
    expect(await printed('revoke', 'm-pub', '--key-file', file)).toMatch(/nothing revoked/);
    expect(await ring.ownerOf(key)).toBe('m-own');
    process.exitCode = undefined;
  });

  it('says what is wrong: a bad duration, a missing key file, no store configured, a store that does not answer', async () => {
    await expect(keys('rotate', 'm-pub', '--grace', 'tomorrow')).rejects.toThrow(/--grace must be a duration such as 30m, 24h/);
    await expect(keys('revoke', 'm-pub', '--key-file', path.join(cli.dir(), 'missing.txt'))).rejects.toThrow(/--key-file .*missing\.txt: no such file/);
    await expect(keys('add', 'bad id!')).rejects.toThrow(/is not a merchant id/);
    delete process.env.PIZZAFLOW_REDIS_URL;
    try {
      await expect(keys('add', 'm-pub')).rejects.toThrow(/no serving store configured: set PIZZAFLOW_REDIS_URL/);
      process.env.PIZZAFLOW_REDIS_URL = 'redis://:secret-pass@127.0.0.1:9';
      const message = await keys('add', 'm-pub').then(
        () => 'no error',
        (err: unknown) => (err as Error).message,
      );
      expect(message).toMatch(/^the serving store at redis:\/\/127\.0\.0\.1:9 did not answer/);
      expect(message).not.toContain('secret-pass');
    } finally {
      process.env.PIZZAFLOW_REDIS_URL = redis.url;
    }
  });
});

describe('keys helpers', () => {
  it.each([
    ['0', 0],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration('--grace', text)).toBe(ms));

  it.each(['', '24', 'h', '-1h', '1 h', '1x'])('refuses "%s"', (text) => expect(() => parseDuration('--grace', text)).toThrow(UsageError));

  it('never prints the password of the store', () => {
    expect(redactedUrl('redis://:p%40ss@10.0.0.3:6379')).toBe('redis://10.0.0.3:6379');
    expect(redactedUrl('rediss://10.0.0.3:6378')).toBe('rediss://10.0.0.3:6378');
  });
});
