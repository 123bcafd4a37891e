// API keys per merchant: a presented key resolves to at most one merchant. Keys are compared as
// SHA-256 digests in constant time, so response timing says nothing about how much of a key matched.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface KeyRing {
  /** The merchant the key belongs to, or undefined. */
  merchantFor(key: string | undefined): string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function createKeyRing(keysByMerchant: Readonly<Record<string, string>>): KeyRing {
  const entries = Object.entries(keysByMerchant).map(([merchantId, key]) => ({ merchantId, digest: digest(key) }));
  return {
    merchantFor(key) {
      if (!key) return undefined;
      const presented = digest(key);
      let found: string | undefined;
      // Compare against every entry (no early exit) so the time taken does not depend on the match.
      for (const entry of entries) if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry.merchantId;
      return found;
    },
  };
}
