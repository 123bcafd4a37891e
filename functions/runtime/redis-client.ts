// The serving store's client (Memorystore for Redis in Google Cloud, a local redis-server in local
// mode), as every service opens it: TLS verified against the store's CA for `rediss://`, a deadline
// on connecting, reconnection backing off to 5 s, and no offline queue, so a store that is down
// fails calls at once instead of queueing them behind it.
import { createClient } from 'redis';

export interface RedisConnection {
  /** `redis://host:port` or `rediss://host:port` (TLS); may carry the password. */
  url: string;
  /** AUTH string (Memorystore's), when not in the URL. */
  password?: string;
  /** PEM of the server's CA; with `rediss://`, the server is verified against it. */
  ca?: string;
}

export function redisClient(connection: RedisConnection, connectTimeoutMs: number) {
  const tls = connection.url.startsWith('rediss:');
  return createClient({
    url: connection.url,
    ...(connection.password ? { password: connection.password } : {}),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
      ...(tls ? { tls: true as const, ...(connection.ca ? { ca: connection.ca } : {}) } : {}),
    },
  });
}
