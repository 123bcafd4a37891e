// API keys (`x-api-key`), the one lookup every service uses: the collector's portal clients and the
// metrics API's merchants. Keys are compared as SHA-256 digests in constant time, against every
// entry, so response timing says nothing about which key matched or how much of it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './errors';

export const API_KEY_HEADER = 'x-api-key';

export interface KeyRing {
  /** The owner (client or merchant id) of `key`, or undefined. */
  ownerOf(key: string | undefined): string | undefined;
}

/**
 * Any lookup of a key's owner: the in-memory ring below, or one that asks a store (the metrics API's
 * key ring in the serving store, `functions/metrics-api/serving/key-ring.ts`).
 */
export interface KeyLookup {
  ownerOf(key: string | undefined): string | undefined | Promise<string | undefined>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The SHA-256 of a key in hex: what a store keeps in place of the key. */
export const keyDigest = (key: string): string => digest(key).toString('hex');

/**
 * `keysByOwner` maps owner id → key. Two owners with one key would make the owner depend on the
 * lookup's order, so that is a configuration error (`variable` names where the keys came from;
 * neither key is ever put in the message).
 */
export function createKeyRing(keysByOwner: Readonly<Record<string, string>>, variable = 'api keys'): KeyRing {
  const entries = Object.entries(keysByOwner).map(([owner, key]) => ({ owner, digest: digest(key) }));
  const seen = new Map<string, string>();
  for (const e of entries) {
    const hex = e.digest.toString('hex');
    const other = seen.get(hex);
    if (other !== undefined) throw new ConfigError(variable, `${other} and ${e.owner} share one key; every owner needs its own`);
    seen.set(hex, e.owner);
  }
  return {
    ownerOf(key) {
      if (!key) return undefined;
      const presented = digest(key);
      let found: string | undefined;
      for (const e of entries) if (timingSafeEqual(e.digest, presented)) found = e.owner;
      return found;
    },
  };
}
