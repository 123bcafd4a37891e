// The serving store's live counters over node-redis (Memorystore for Redis in Google Cloud, a local
// redis-server in local mode): a thin adapter over the pure rules of live-counters.ts. One Lua
// script applies an event's effect atomically and idempotently (SET <seen key> NX EX, and only if it
// was set, HINCRBY the hour hash), so a redelivered message never counts twice. Every call is
// bounded by a deadline and the offline queue is off: a store outage costs a failed call, never a
// stalled request.
import { createHash } from 'node:crypto';
import { redisClient } from './redis-client';
import type { Logger } from './logger';
import { countersOf, liveKeys, type LiveEffect, type LiveStoreCounters } from './live-counters';

/**
 * KEYS: seen, voided, order[, hour, stores]; ARGV: mode, ttl seconds[, store, orders, units, net sales
 * cents]. Every key lives `ttl` seconds from now, as the caller's clock counts them (relative
 * expiries, so a simulated clock, the local demo's, works as the real one does). Returns 1 when
 * counted (or taken back), 0 for an event already seen (or an order already voided), 2 when there
 * was nothing to add or take back. A cancellation
 * reads the hour hash it takes back from the order's record: that key was declared when the order
 * was placed and carries the same merchant hash tag, so the script stays in one hash slot.
 */
export const LIVE_SCRIPT = `
local ttl = tonumber(ARGV[2])
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ttl) then return 0 end
if ARGV[1] == 'place' then
  if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
  redis.call('HINCRBY', KEYS[4], 'orders', ARGV[4])
  redis.call('HINCRBY', KEYS[4], 'units', ARGV[5])
  redis.call('HINCRBY', KEYS[4], 'net_sales_cents', ARGV[6])
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('SADD', KEYS[5], ARGV[3])
  redis.call('EXPIRE', KEYS[5], ttl)
  redis.call('HSET', KEYS[3], 'hour', KEYS[4], 'orders', ARGV[4], 'units', ARGV[5], 'net_sales_cents', ARGV[6])
  redis.call('EXPIRE', KEYS[3], ttl)
  return 1
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ttl) then return 0 end
local placed = redis.call('HMGET', KEYS[3], 'hour', 'orders', 'units', 'net_sales_cents')
if not placed[1] then return 2 end
redis.call('HINCRBY', placed[1], 'orders', -tonumber(placed[2]))
redis.call('HINCRBY', placed[1], 'units', -tonumber(placed[3]))
redis.call('HINCRBY', placed[1], 'net_sales_cents', -tonumber(placed[4]))
return 1
`;
const SCRIPT_SHA = createHash('sha1').update(LIVE_SCRIPT).digest('hex');

/** How long calls fail at once after a failed one. */
export const PAUSE_AFTER_FAILURE_MS = 5_000;

export type ApplyResult = 'counted' | 'duplicate' | 'nothing';

/** The port ingest and the metrics API use. */
export interface LiveCounterStore {
  apply(effect: LiveEffect, nowMs?: number): Promise<ApplyResult>;
  /** A merchant's stores' counters for the hour starting at `hourStartMs`, by store id. */
  read(merchantId: string, hourStartMs: number): Promise<LiveStoreCounters[]>;
  close(): Promise<void>;
}

export interface LiveStoreOptions {
  /** `redis://host:port` or `rediss://host:port` (TLS); may carry the password. */
  url: string;
  /** AUTH string (Memorystore's), when not in the URL. */
  password?: string;
  /** PEM of the server's CA (Memorystore's server CA); with `rediss://`, the server is verified against it. */
  ca?: string;
  log: Logger;
  /** Deadline of one call, connection included (default 1,000 ms). */
  timeoutMs?: number;
}

/** What EVALSHA/EVAL need for one effect. */
export function scriptCall(effect: LiveEffect, nowMs: number): { keys: string[]; arguments: string[] } {
  const ttl = String(Math.max(1, effect.expireAtSeconds - Math.floor(nowMs / 1000)));
  const { merchantId, orderId } = effect;
  const common = [liveKeys.seen(merchantId, effect.eventId), liveKeys.voided(merchantId, orderId), liveKeys.order(merchantId, orderId)];
  if (effect.kind === 'void') return { keys: common, arguments: ['void', ttl] };
  return {
    keys: [...common, liveKeys.hour(merchantId, effect.storeId, effect.hourStartMs), liveKeys.stores(merchantId, effect.hourStartMs)],
    arguments: ['place', ttl, effect.storeId, String(effect.delta.orders), String(effect.delta.units), String(effect.delta.netSalesCents)],
  };
}

function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`serving store: ${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function createLiveStore(options: LiveStoreOptions): LiveCounterStore {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const client = redisClient(options, timeoutMs);
  let lastErrorLog = 0;
  client.on('error', (err: Error) => {
    // Reconnection errors repeat every few seconds while the store is down: one line per 30 s.
    if (Date.now() - lastErrorLog < 30_000) return;
    lastErrorLog = Date.now();
    options.log.warn({ err: err.message }, 'serving store connection error');
  });
  let connecting: Promise<unknown> | undefined;
  let connected = false;
  const ready = async (): Promise<void> => {
    if (client.isReady) return;
    // Connected once, now reconnecting in the background: fail at once rather than wait.
    if (connected) throw new Error('serving store: not connected (reconnecting)');
    connecting ??= client.connect().then(
      () => {
        connected = true;
      },
      (err: unknown) => {
        connecting = undefined;
        throw err;
      },
    );
    await connecting;
  };

  // After a failed call, calls fail at once for a few seconds: an outage costs ingest one deadline
  // per pause, not one per event.
  let pausedUntil = 0;
  const guarded = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    if (Date.now() < pausedUntil) throw new Error('serving store: paused after a failure');
    try {
      return await deadline(work(), timeoutMs, what);
    } catch (err) {
      pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      throw err;
    }
  };

  async function evalScript(call: { keys: string[]; arguments: string[] }): Promise<number> {
    try {
      return Number(await client.evalSha(SCRIPT_SHA, call));
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return Number(await client.eval(LIVE_SCRIPT, call));
    }
  }

  return {
    apply: (effect, nowMs = Date.now()) =>
      guarded('counting an event', async () => {
        await ready();
        const result = await evalScript(scriptCall(effect, nowMs));
        return result === 1 ? 'counted' : result === 0 ? 'duplicate' : 'nothing';
      }),
    read: (merchantId, hourStartMs) =>
      guarded('reading live counters', async () => {
        await ready();
        const stores = (await client.sMembers(liveKeys.stores(merchantId, hourStartMs))).map(String).sort();
        const hashes = await Promise.all(stores.map((s) => client.hGetAll(liveKeys.hour(merchantId, s, hourStartMs))));
        return stores.map((s, i) => countersOf(s, hourStartMs, Object.fromEntries(Object.entries(hashes[i] ?? {}).map(([k, v]) => [k, String(v)]))));
      }),
    close: async () => {
      if (client.isReady) await client.close().catch(() => undefined);
      else if (client.isOpen) client.destroy(); // still (re)connecting: nothing to wait for
    },
  };
}
