// Online-portal clients authenticate with an API key each (`x-api-key`); the key names the client.
import { createHash, timingSafeEqual } from 'node:crypto';

export const API_KEY_HEADER = 'x-api-key';

export interface ApiKeyTable {
  /** Returns the client id owning `key`, or undefined. */
  clientFor(key: string | undefined): string | undefined;
}

/** `clients` maps client id → key. Comparison is constant-time over sha256 digests. */
export function apiKeyTable(clients: Readonly<Record<string, string>>): ApiKeyTable {
  const entries = Object.entries(clients).map(([client, key]) => ({ client, digest: sha256(key) }));
  return {
    clientFor(key) {
      if (!key) return undefined;
      const digest = sha256(key);
      let found: string | undefined;
      // Compare against every entry so timing does not reveal which client matched.
      for (const e of entries) if (timingSafeEqual(e.digest, digest)) found = e.client;
      return found;
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
