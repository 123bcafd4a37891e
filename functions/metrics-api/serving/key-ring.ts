// The merchants' API keys in the serving store: SHA-256 digests → merchant (a key itself is never
// stored, logged or put in an error), with the operator's rotation: a new key is valid at once, the
// old ones until a grace period ends, then refused; a revoked key is refused at once. A digest once
// retired stays retired, so re-seeding the environment's keys never brings a rotated key back.
import { keyDigest, type KeyLookup } from '../../runtime/api-keys';
import type { Logger } from '../../runtime/logger';
import type { RedisClient } from './store';

export const keyRingKeys = {
  /** Hash per key digest: merchant, and not_after (ms since the epoch) once rotated out or revoked. */
  digest: (hex: string): string => `serve:key:${hex}`,
  /** Set of a merchant's key digests. */
  merchant: (merchantId: string): string => `serve:{${merchantId}}:keys`,
};

export interface StoreKeyRing extends KeyLookup {
  ownerOf(key: string | undefined): Promise<string | undefined>;
  /** Adds a key for a merchant (valid at once). Refuses a key owned by another merchant, or retired. */
  add(merchantId: string, key: string): Promise<void>;
  /** Adds `newKey` and retires the merchant's other keys `graceMs` from now; returns how many were retired. */
  rotate(merchantId: string, newKey: string, graceMs: number): Promise<number>;
  /** Refuses `key` (or, without it, every key of the merchant) from now on; returns how many. */
  revoke(merchantId: string, key?: string): Promise<number>;
  /** Adds the environment's keys (merchant → key) that the store does not know yet. */
  seed(keysByMerchant: Readonly<Record<string, string>>): Promise<void>;
}

export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

export interface StoreKeyRingOptions {
  client: () => Promise<RedisClient>;
  log: Logger;
  /** The environment's keys, seeded before the first lookup. */
  seed?: Readonly<Record<string, string>>;
  now?: () => number;
}

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

export function createStoreKeyRing(options: StoreKeyRingOptions): StoreKeyRing {
  const now = options.now ?? Date.now;
  const log = options.log;

  async function entry(hex: string): Promise<{ merchant?: string; notAfter?: number }> {
    const c = await options.client();
    const [merchant, notAfter] = (await c.hmGet(keyRingKeys.digest(hex), ['merchant', 'not_after'])) as unknown[];
    return { merchant: text(merchant), ...(text(notAfter) !== undefined ? { notAfter: Number(text(notAfter)) } : {}) };
  }

  async function retire(merchantId: string, hexes: readonly string[], at: number): Promise<number> {
    const c = await options.client();
    let retired = 0;
    for (const hex of hexes) {
      const e = await entry(hex);
      if (e.merchant !== merchantId) continue;
      // Never extend a grace period already running or over.
      if (e.notAfter !== undefined && e.notAfter <= at) continue;
      await c.hSet(keyRingKeys.digest(hex), { not_after: String(at) });
      retired++;
    }
    return retired;
  }

  // The first lookup seeds the environment's keys; a failed seed fails that lookup and is tried again.
  let seedDone = !options.seed || Object.keys(options.seed).length === 0;
  let seeding: Promise<void> | undefined;
  const ensureSeeded = async (): Promise<void> => {
    if (seedDone) return;
    seeding ??= ring
      .seed(options.seed ?? {})
      .then(() => {
        seedDone = true;
      })
      .finally(() => {
        seeding = undefined;
      });
    await seeding;
  };

  const ring: StoreKeyRing = {
    async ownerOf(key) {
      if (!key) return undefined;
      await ensureSeeded();
      const e = await entry(keyDigest(key));
      if (e.merchant === undefined) return undefined;
      return e.notAfter === undefined || now() < e.notAfter ? e.merchant : undefined;
    },
    async add(merchantId, key) {
      const c = await options.client();
      const hex = keyDigest(key);
      const created = await c.hSetNX(keyRingKeys.digest(hex), 'merchant', merchantId);
      if (!Number(created)) {
        const e = await entry(hex);
        if (e.merchant !== merchantId) throw new KeyRingError(`that key already belongs to another merchant; ${merchantId} needs its own`);
        if (e.notAfter !== undefined) throw new KeyRingError(`that key was rotated out or revoked for ${merchantId}; a retired key is never valid again`);
      }
      await c.sAdd(keyRingKeys.merchant(merchantId), hex);
      log.info({ merchantId, digest: hex.slice(0, 8) }, 'merchant key added');
    },
    async rotate(merchantId, newKey, graceMs) {
      if (!(graceMs >= 0)) throw new KeyRingError('the grace period must be zero or more milliseconds');
      await ring.add(merchantId, newKey);
      const c = await options.client();
      const newHex = keyDigest(newKey);
      const others = (await c.sMembers(keyRingKeys.merchant(merchantId))).map(String).filter((h) => h !== newHex);
      const retired = await retire(merchantId, others, now() + graceMs);
      log.info({ merchantId, retired, graceMs }, 'merchant keys rotated');
      return retired;
    },
    async revoke(merchantId, key) {
      const c = await options.client();
      const hexes = key !== undefined ? [keyDigest(key)] : (await c.sMembers(keyRingKeys.merchant(merchantId))).map(String);
      const revoked = await retire(merchantId, hexes, now());
      log.info({ merchantId, revoked }, 'merchant keys revoked');
      return revoked;
    },
    async seed(keysByMerchant) {
      const c = await options.client();
      for (const [merchantId, key] of Object.entries(keysByMerchant)) {
        const hex = keyDigest(key);
        if (Number(await c.hSetNX(keyRingKeys.digest(hex), 'merchant', merchantId))) {
          await c.sAdd(keyRingKeys.merchant(merchantId), hex);
          continue;
        }
        const e = await entry(hex);
        if (e.merchant !== merchantId) log.warn({ merchantId, owner: e.merchant }, 'an environment key belongs to another merchant in the serving store; not seeded');
      }
    },
  };
  return ring;
}
