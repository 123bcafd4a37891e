// `pizzaflow keys add|rotate|revoke <merchant>`: the merchants' metrics API keys in the serving store
// (functions/metrics-api/serving/key-ring.ts keeps SHA-256 digests only). A new key is generated
// here, printed once on stdout (alone on its line, so it can be piped to a file) and never again:
// the store cannot give it back.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createServingStore, createStoreKeyRing, type ServingStore, type StoreKeyRing } from '../../functions/metrics-api';
import { keyRingKeys } from '../../functions/metrics-api/serving/key-ring';
import { servingKeys } from '../../functions/metrics-api/serving/layout';
import { loadConfig, type Config } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';
import { createLogger } from '../../functions/runtime/logger';

/** What the commands need of the store: the key ring, and whether a merchant is known there. */
export interface KeysStore {
  ring: Pick<StoreKeyRing, 'add' | 'rotate' | 'revoke'>;
  /** A merchant the store knows: it has keys, or the publisher has written its series. */
  knownMerchant(merchantId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface KeysOutput {
  /** The key itself, or the result line: stdout. */
  out(line: string): void;
  /** Guidance for the operator: stderr. */
  note(line: string): void;
}

const DEFAULT_GRACE = '24h';
const CONNECT_TIMEOUT_MS = 5_000;
const MERCHANT_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `24h`, `7d`, `1h30m`, or `0` → milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) throw new UsageError(`${flag} must be a duration such as 30m, 24h, 7d or 1h30m, not "${text}"`);
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0));
}

export function formatDuration(ms: number): string {
  if (ms === 0) return 'no grace period';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** A new merchant key: 256 random bits, URL-safe, no commas (it fits PIZZAFLOW_MERCHANT_API_KEYS too). */
export function generateKey(): string {
  return `pfk_${randomBytes(32).toString('base64url')}`;
}

/** The store's address without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

function checkMerchant(merchantId: string): void {
  if (!MERCHANT_ID.test(merchantId)) throw new UsageError(`"${merchantId}" is not a merchant id (letters, digits, _ . -)`);
}

async function requireKnown(store: KeysStore, merchantId: string, hint: string): Promise<void> {
  if (await store.knownMerchant(merchantId)) return;
  throw new UsageError(`unknown merchant ${merchantId}: the serving store has no keys and no published series for it; check the id${hint}`);
}

/** The key a `--key-file` holds: its content without surrounding whitespace. */
export function readKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--key-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const key = text.trim();
  if (key === '' || /\s/.test(key)) throw new UsageError(`--key-file ${file} must hold one key on one line`);
  return key;
}

export async function addKey(store: KeysStore, merchantId: string, o: { new?: boolean }, io: KeysOutput, key = generateKey()): Promise<void> {
  checkMerchant(merchantId);
  if (!o.new) await requireKnown(store, merchantId, ', or pass --new for a merchant with no data published yet');
  await store.ring.add(merchantId, key);
  io.out(key);
  io.note(`added a key for ${merchantId}, valid now. It is printed once, above: the store keeps only its SHA-256 digest.`);
}

export async function rotateKeys(store: KeysStore, merchantId: string, graceMs: number, io: KeysOutput, key = generateKey()): Promise<void> {
  checkMerchant(merchantId);
  await requireKnown(store, merchantId, '');
  const retired = await store.ring.rotate(merchantId, key, graceMs);
  io.out(key);
  const until = new Date(Date.now() + graceMs).toISOString();
  io.note(
    `rotated ${merchantId}: the new key above is valid now (printed once; the store keeps only its digest); ` +
      (retired === 0 ? 'no other key was active.' : `${retired} older key${retired === 1 ? '' : 's'} ${graceMs === 0 ? 'refused from now on' : `still valid for ${formatDuration(graceMs)}, until ${until}, then refused`}.`),
  );
}

export async function revokeKeys(store: KeysStore, merchantId: string, o: { keyFile?: string }, io: KeysOutput): Promise<number> {
  checkMerchant(merchantId);
  const key = o.keyFile !== undefined ? readKeyFile(o.keyFile) : undefined;
  await requireKnown(store, merchantId, '');
  const revoked = await store.ring.revoke(merchantId, key);
  if (key !== undefined && revoked === 0) {
    io.out(`nothing revoked: the key in ${o.keyFile} is not an active key of ${merchantId}`);
    return 0;
  }
  io.out(revoked === 0 ? `nothing revoked: ${merchantId} has no active key` : `revoked ${revoked} key${revoked === 1 ? '' : 's'} of ${merchantId}: refused from the next request on`);
  return revoked;
}

/** The serving store named by the configuration (PIZZAFLOW_REDIS_URL, _PASSWORD, _CA). */
export function openKeysStore(config: Pick<Config, 'servingStore' | 'logLevel'>): KeysStore {
  if (!config.servingStore) {
    throw new UsageError('no serving store configured: set PIZZAFLOW_REDIS_URL (redis://host:port, or rediss://host:6378 for Memorystore with PIZZAFLOW_REDIS_PASSWORD and PIZZAFLOW_REDIS_CA)');
  }
  const log = createLogger('keys', { level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const url = redactedUrl(config.servingStore.url);
  const serving: ServingStore = createServingStore({ ...config.servingStore, log, timeoutMs: CONNECT_TIMEOUT_MS });
  // The client reconnects forever while the store is down; a command gives up after a few seconds
  // and says where the store was looked for (never with its password).
  const client = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([serving.client(), late]);
    } catch (err) {
      throw new Error(`the serving store at ${url} did not answer: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    ring: createStoreKeyRing({ client, log }),
    async knownMerchant(merchantId) {
      const c = await client();
      const [published, keys] = await Promise.all([c.sIsMember(servingKeys.merchants, merchantId), c.sCard(keyRingKeys.merchant(merchantId))]);
      return Boolean(Number(published)) || Number(keys) > 0;
    },
    close: () => serving.close(),
  };
}

const stdio: KeysOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

async function withStore(work: (store: KeysStore) => Promise<void>): Promise<void> {
  const store = openKeysStore(loadConfig());
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description("the merchants' metrics API keys in the serving store (PIZZAFLOW_REDIS_URL): add, rotate with a grace period, revoke");
  keys
    .command('add <merchant>')
    .description('generate a key for the merchant, valid at once; it is printed once, on stdout')
    .option('--new', 'allow a merchant the store does not know yet (no keys, nothing published)')
    .action((merchant: string, o: { new?: boolean }) => withStore((store) => addKey(store, merchant, o, stdio)));
  keys
    .command('rotate <merchant>')
    .description("generate a new key for the merchant (printed once, on stdout); its other keys stay valid for the grace period, then are refused")
    .option('--grace <duration>', 'how long the old keys stay valid: 0, 30m, 24h, 7d…', DEFAULT_GRACE)
    .action((merchant: string, o: { grace: string }) => {
      const graceMs = parseDuration('--grace', o.grace);
      return withStore((store) => rotateKeys(store, merchant, graceMs, stdio));
    });
  keys
    .command('revoke <merchant>')
    .description('refuse the key in --key-file (or, without it, every key of the merchant) from the next request on')
    .option('--key-file <file>', 'a file holding the one key to revoke')
    .action((merchant: string, o: { keyFile?: string }) =>
      withStore(async (store) => {
        const revoked = await revokeKeys(store, merchant, o, stdio);
        if (revoked === 0) process.exitCode = 1;
      }),
    );
}
