// The serving store's settled metrics over node-redis (Memorystore for Redis in Google Cloud, a
// local redis-server in local mode): a thin adapter over the layout of layout.ts. A merchant's
// writes go in one MULTI (its keys share a hash slot), so a reader sees a merchant's series before
// or after a publish, never half of it; a reader's fields of one merchant come back from one MULTI too.
import type { Logger } from '../../runtime/logger';
import { redisClient } from '../../runtime/redis-client';
import type { Granularity } from '../metrics/catalog';
import type { MetricRow } from '../metrics/source';
import { datesByMonth, servingKeys, type DataStamp, type MerchantWrite, type SeriesId, type StoredFields } from './layout';

export interface RedisOptions {
  /** `redis://host:port` or `rediss://host:port` (TLS); may carry the password. */
  url: string;
  password?: string;
  /** PEM of the server's CA; with `rediss://`, the server is verified against it. */
  ca?: string;
  log: Logger;
  /** Deadline of one reader call, connection included (default 1,000 ms); the publisher has none. */
  timeoutMs?: number;
}

/** What a reader gets: the rows, and the stamp of the run that last wrote this merchant. */
export interface StoredAnswer {
  rows: MetricRow[];
  stamp: DataStamp | undefined;
}

export interface ServingStore {
  /** The newest run published, or undefined before the first publish. */
  marker(): Promise<DataStamp | undefined>;
  setMarker(stamp: DataStamp): Promise<void>;
  /** Per date, the merchants with a series field on it. */
  merchantsOn(dates: readonly string[]): Promise<Map<string, Set<string>>>;
  allMerchants(): Promise<string[]>;
  /** Per merchant, its month hashes and their fields. */
  storedFields(merchantIds: readonly string[]): Promise<Map<string, StoredFields>>;
  /** Per merchant, an overlap metric's stored JSON (null when none). */
  wholes(merchantIds: readonly string[], metric: string): Promise<Map<string, string | null>>;
  /** The merchants with rows in an overlap metric. */
  wholeMerchants(metric: string): Promise<string[]>;
  /** Applies each merchant's writes in one MULTI each, stamped; then the date index and the merchant set. */
  apply(writes: readonly MerchantWrite[], stamp: DataStamp): Promise<{ fieldsSet: number; fieldsDeleted: number; bytesWritten: number }>;
  updateDateIndex(date: string, add: readonly string[], remove: readonly string[]): Promise<void>;
  /** A merchant's series rows of `[from, to]`, in date order. */
  readSeries(merchantId: string, series: SeriesId, from: string, to: string): Promise<StoredAnswer>;
  readWhole(merchantId: string, metric: string): Promise<StoredAnswer>;
  /** The underlying client (the key ring shares it). */
  client(): Promise<RedisClient>;
  close(): Promise<void>;
}

const openClient = (options: RedisOptions, timeoutMs: number) => redisClient(options, timeoutMs);

export type RedisClient = ReturnType<typeof openClient>;

function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`serving store: ${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function stampOf(hash: unknown): DataStamp | undefined {
  const h = (hash ?? {}) as Record<string, unknown>;
  const runId = text(h.run_id);
  const runAt = text(h.run_at);
  if (runId === null || runAt === null) return undefined;
  return { run_id: runId, run_at: runAt, published_at: text(h.published_at) ?? '' };
}

const parseRows = (json: string | null): MetricRow[] => (json === null ? [] : (JSON.parse(json) as MetricRow[]));

/** Redis refuses commands with no arguments past the key: batches keep each call within this many. */
const CHUNK = 1_000;
const chunks = <T>(items: readonly T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export function createServingStore(options: RedisOptions): ServingStore {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const redis = openClient(options, timeoutMs);
  let lastErrorLog = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastErrorLog < 30_000) return;
    lastErrorLog = Date.now();
    options.log.warn({ err: err.message }, 'serving store connection error');
  });
  let connecting: Promise<unknown> | undefined;
  const ready = async (): Promise<RedisClient> => {
    if (redis.isReady) return redis;
    connecting ??= redis.connect().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    });
    await connecting;
    if (!redis.isReady) throw new Error('serving store: not connected (reconnecting)');
    return redis;
  };
  const read = <T>(what: string, work: (c: RedisClient) => Promise<T>): Promise<T> => deadline(ready().then(work), timeoutMs, what);

  async function updateDateIndex(date: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    const c = await ready();
    for (const batch of chunks(add)) if (batch.length > 0) await c.sAdd(servingKeys.date(date), batch);
    for (const batch of chunks(remove)) if (batch.length > 0) await c.sRem(servingKeys.date(date), batch);
  }

  async function merchantRead(merchantId: string, keysFields: { key: string; fields: string[] }[]): Promise<{ values: (string | null)[][]; stamp: DataStamp | undefined }> {
    const c = await ready();
    const multi = c.multi();
    for (const { key, fields } of keysFields) multi.hmGet(key, fields);
    multi.hGetAll(servingKeys.meta(merchantId));
    const replies = (await multi.exec()) as unknown[];
    const values = keysFields.map((_, i) => ((replies[i] ?? []) as unknown[]).map(text));
    return { values, stamp: stampOf(replies[keysFields.length]) };
  }

  return {
    marker: () => read('reading the published marker', async (c) => stampOf(await c.hGetAll(servingKeys.published))),
    async setMarker(stamp) {
      const c = await ready();
      await c.hSet(servingKeys.published, { ...stamp });
    },
    async merchantsOn(dates) {
      const c = await ready();
      const sets = await Promise.all(dates.map((d) => c.sMembers(servingKeys.date(d))));
      return new Map(dates.map((d, i) => [d, new Set((sets[i] ?? []).map(String))]));
    },
    async allMerchants() {
      const c = await ready();
      return (await c.sMembers(servingKeys.merchants)).map(String).sort();
    },
    async storedFields(merchantIds) {
      const c = await ready();
      const members = await Promise.all(merchantIds.map((m) => c.sMembers(servingKeys.months(m))));
      const out = new Map<string, StoredFields>();
      await Promise.all(
        merchantIds.map(async (m, i) => {
          const list = (members[i] ?? []).map(String).sort();
          const fields = await Promise.all(
            list.map((member) => {
              const [metric, granularity, month] = member.split(':') as [string, Granularity, string];
              return c.hKeys(servingKeys.month(m, { metric, granularity }, month));
            }),
          );
          out.set(m, new Map(list.map((member, j) => [member, (fields[j] ?? []).map(String)])));
        }),
      );
      return out;
    },
    async wholeMerchants(metric) {
      const c = await ready();
      return (await c.sMembers(servingKeys.wholeIndex(metric))).map(String);
    },
    async wholes(merchantIds, metric) {
      const c = await ready();
      const values = await Promise.all(merchantIds.map((m) => c.get(servingKeys.whole(m, metric))));
      return new Map(merchantIds.map((m, i) => [m, text(values[i])]));
    },
    async apply(writes, stamp) {
      const c = await ready();
      let fieldsSet = 0;
      let fieldsDeleted = 0;
      let bytesWritten = 0;
      // Pipelined a few hundred MULTIs at a time: an incremental publish may touch every merchant.
      for (const group of chunks(writes, 500)) {
        await Promise.all(
          group.map(async (w) => {
            const multi = c.multi();
            for (const h of w.hashes) {
              const set = Object.entries(h.set);
              if (set.length > 0) multi.hSet(h.key, h.set);
              if (h.del.length > 0) multi.hDel(h.key, h.del);
              fieldsSet += set.length;
              fieldsDeleted += h.del.length;
              for (const [f, v] of set) bytesWritten += Buffer.byteLength(f) + Buffer.byteLength(v);
            }
            for (const whole of w.wholes) {
              multi.set(servingKeys.whole(w.merchantId, whole.metric), whole.value);
              bytesWritten += Buffer.byteLength(whole.value);
            }
            if (w.monthsAdd.length > 0) multi.sAdd(servingKeys.months(w.merchantId), w.monthsAdd);
            if (w.monthsRemove.length > 0) multi.sRem(servingKeys.months(w.merchantId), w.monthsRemove);
            if (w.dropKeys.length > 0) multi.del(w.dropKeys);
            multi.hSet(servingKeys.meta(w.merchantId), { ...stamp });
            await multi.exec();
          }),
        );
      }
      const merchants = writes.map((w) => w.merchantId);
      for (const batch of chunks(merchants)) if (batch.length > 0) await c.sAdd(servingKeys.merchants, batch);
      for (const w of writes) {
        for (const whole of w.wholes) {
          if (whole.value === '[]') await c.sRem(servingKeys.wholeIndex(whole.metric), w.merchantId);
          else await c.sAdd(servingKeys.wholeIndex(whole.metric), w.merchantId);
        }
      }
      const byDate = new Map<string, { add: string[]; remove: string[] }>();
      for (const w of writes) {
        for (const d of w.datesAdd) (byDate.get(d) ?? byDate.set(d, { add: [], remove: [] }).get(d)!).add.push(w.merchantId);
        for (const d of w.datesRemove) (byDate.get(d) ?? byDate.set(d, { add: [], remove: [] }).get(d)!).remove.push(w.merchantId);
      }
      for (const [date, change] of byDate) await updateDateIndex(date, change.add, change.remove);
      return { fieldsSet, fieldsDeleted, bytesWritten };
    },
    updateDateIndex,
    readSeries: (merchantId, series, from, to) =>
      read('reading a series', async () => {
        const months = datesByMonth(from, to);
        const { values, stamp } = await merchantRead(
          merchantId,
          months.map((m) => ({ key: servingKeys.month(merchantId, series, m.month), fields: m.dates })),
        );
        return { rows: values.flatMap((fields) => fields.flatMap(parseRows)), stamp };
      }),
    readWhole: (merchantId, metric) =>
      read('reading a metric', async () => {
        const c = await ready();
        const multi = c.multi();
        multi.get(servingKeys.whole(merchantId, metric));
        multi.hGetAll(servingKeys.meta(merchantId));
        const [value, meta] = (await multi.exec()) as unknown[];
        return { rows: parseRows(text(value)), stamp: stampOf(meta) };
      }),
    client: ready,
    close: async () => {
      if (redis.isReady) await redis.close().catch(() => undefined);
      else if (redis.isOpen) redis.destroy();
    },
  };
}
