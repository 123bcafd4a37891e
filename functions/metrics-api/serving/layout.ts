// The serving store's layout of the settled metrics, and the pure rules that turn mart rows into
// writes (no I/O). A merchant's month-sliced series live in one hash per metric, granularity and
// month, one field per date holding that date's rows as JSON, so republishing a day is one HSET of
// one field. Overlap metrics are one JSON string per merchant. Every key of a merchant carries the
// merchant as a hash tag, so one MULTI rewrites a merchant atomically (and one shard holds it).
import type { Granularity } from '../metrics/catalog';
import type { MetricRow } from '../metrics/source';

const tag = (merchantId: string): string => `serve:{${merchantId}}`;

/** A series: a month-sliced metric at one granularity, e.g. `sales:hour`. */
export interface SeriesId {
  metric: string;
  granularity: Granularity;
}

export const servingKeys = {
  /** Hash: run_id, run_at, published_at of the run that last wrote this merchant. */
  meta: (merchantId: string): string => `${tag(merchantId)}:meta`,
  /** Hash of one series month: field `YYYY-MM-DD` → JSON array of that date's rows, in query order. */
  month: (merchantId: string, s: SeriesId, month: string): string => `${tag(merchantId)}:series:${s.metric}:${s.granularity}:${month}`,
  /** Set of the merchant's month hashes (`metric:granularity:YYYY-MM`): what a full refresh may have to remove. */
  months: (merchantId: string): string => `${tag(merchantId)}:months`,
  /** String: JSON array of an overlap metric's rows, whole. */
  whole: (merchantId: string, metric: string): string => `${tag(merchantId)}:whole:${metric}`,
  /** Global hash: run_id, run_at, published_at of the newest run published (the publisher's marker). */
  published: 'serve:published',
  /** Global set: every merchant ever published. */
  merchants: 'serve:merchants',
  /** Global set per overlap metric: the merchants with rows in it. */
  wholeIndex: (metric: string): string => `serve:whole:${metric}`,
  /** Global set per date: the merchants with at least one series field on that date. */
  date: (date: string): string => `serve:date:${date}`,
};

export const monthMember = (s: SeriesId, month: string): string => `${s.metric}:${s.granularity}:${month}`;

export function parseMonthMember(member: string): { series: SeriesId; month: string } | undefined {
  const m = /^([a-z_]+):(hour|day):(\d{4}-\d{2})$/.exec(member);
  return m ? { series: { metric: m[1]!, granularity: m[2] as Granularity }, month: m[3]! } : undefined;
}

/** The stamp of a publish: the run whose data the store holds. */
export interface DataStamp {
  run_id: string;
  run_at: string;
  published_at: string;
}

/** The date (YYYY-MM-DD) a row value starts with: a DATE, or a UTC TIMESTAMP in ISO form. */
export function dateOf(value: MetricRow[string] | undefined): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/**
 * Rows with a merchant_id column, grouped by merchant and then by the date in `dateColumn`, the
 * merchant_id column taken out and the order kept (so each date's rows stay in query order).
 */
export function groupByMerchantAndDate(rows: readonly MetricRow[], dateColumn: string): Map<string, Map<string, MetricRow[]>> {
  const out = new Map<string, Map<string, MetricRow[]>>();
  for (const row of rows) {
    const { merchant_id: merchant, ...rest } = row;
    const date = dateOf(row[dateColumn]);
    if (typeof merchant !== 'string' || date === undefined) continue;
    let dates = out.get(merchant);
    if (!dates) out.set(merchant, (dates = new Map()));
    const list = dates.get(date);
    if (list) list.push(rest);
    else dates.set(date, [rest]);
  }
  return out;
}

/** Rows with a merchant_id column grouped by merchant, that column taken out, the order kept. */
export function groupByMerchant(rows: readonly MetricRow[]): Map<string, MetricRow[]> {
  const out = new Map<string, MetricRow[]>();
  for (const row of rows) {
    const { merchant_id: merchant, ...rest } = row;
    if (typeof merchant !== 'string') continue;
    const list = out.get(merchant);
    if (list) list.push(rest);
    else out.set(merchant, [rest]);
  }
  return out;
}

/** Sorted dates (YYYY-MM-DD) as inclusive runs of consecutive days, so a query filters on few ranges. */
export function dateRanges(dates: Iterable<string>): { from: string; to: string }[] {
  const sorted = [...new Set(dates)].sort();
  const ranges: { from: string; to: string }[] = [];
  for (const d of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && Date.parse(`${d}T00:00:00Z`) - Date.parse(`${last.to}T00:00:00Z`) === 86_400_000) last.to = d;
    else ranges.push({ from: d, to: d });
  }
  return ranges;
}

/** The dates of `[from, to]` grouped by month, in order: the fields one read asks each month hash for. */
export function datesByMonth(from: string, to: string): { month: string; dates: string[] }[] {
  const out: { month: string; dates: string[] }[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); ms <= end; ms += 86_400_000) {
    const date = new Date(ms).toISOString().slice(0, 10);
    const month = date.slice(0, 7);
    const last = out[out.length - 1];
    if (last?.month === month) last.dates.push(date);
    else out.push({ month, dates: [date] });
  }
  return out;
}

/** One hash's change: fields to set (overwritten in place) and fields to delete. */
export interface HashWrite {
  key: string;
  set: Record<string, string>;
  del: string[];
}

/** Everything one publish changes for one merchant, applied in one MULTI. */
export interface MerchantWrite {
  merchantId: string;
  hashes: HashWrite[];
  /** Overlap metrics' new values (JSON arrays; `[]` when the merchant has none now). */
  wholes: { metric: string; value: string }[];
  /** Month hashes left without a field: removed after the rest is written. */
  dropKeys: string[];
  monthsAdd: string[];
  monthsRemove: string[];
  /** Dates the merchant now has / no longer has a series field on (the date index). */
  datesAdd: string[];
  datesRemove: string[];
}

export const emptyWrite = (merchantId: string): MerchantWrite => ({ merchantId, hashes: [], wholes: [], dropKeys: [], monthsAdd: [], monthsRemove: [], datesAdd: [], datesRemove: [] });

export const isEmptyWrite = (w: MerchantWrite): boolean =>
  w.hashes.every((h) => Object.keys(h.set).length === 0 && h.del.length === 0) && w.wholes.length === 0 && w.dropKeys.length === 0 && w.monthsAdd.length === 0 && w.monthsRemove.length === 0;

/**
 * The writes of an incremental publish of `dates` for one series: for each merchant that has rows
 * on a touched date, or had a field there before (`previous`: merchants per touched date), set the
 * date's field to its new rows, or delete it when it has none now. Only the touched dates' fields
 * change: bytes written follow the change, not the history.
 */
export function planDates(series: SeriesId, dates: readonly string[], fresh: ReadonlyMap<string, ReadonlyMap<string, MetricRow[]>>, previous: ReadonlyMap<string, ReadonlySet<string>>, writes: Map<string, MerchantWrite>): void {
  for (const date of dates) {
    const month = date.slice(0, 7);
    const merchants = new Set([...(previous.get(date) ?? []), ...[...fresh.entries()].filter(([, byDate]) => byDate.has(date)).map(([m]) => m)]);
    for (const merchantId of merchants) {
      const rows = fresh.get(merchantId)?.get(date);
      const w = writes.get(merchantId) ?? emptyWrite(merchantId);
      writes.set(merchantId, w);
      const key = servingKeys.month(merchantId, series, month);
      let hash = w.hashes.find((h) => h.key === key);
      if (!hash) w.hashes.push((hash = { key, set: {}, del: [] }));
      if (rows && rows.length > 0) {
        hash.set[date] = JSON.stringify(rows);
        const member = monthMember(series, month);
        if (!w.monthsAdd.includes(member)) w.monthsAdd.push(member);
      } else {
        hash.del.push(date);
      }
    }
  }
}

/** A merchant's fields as the store holds them: month member → field names. */
export type StoredFields = ReadonlyMap<string, readonly string[]>;

/**
 * The writes of a full republish of one merchant: every field of its new series is set (overwriting
 * what is there, never deleting first, so a reader sees the old or the new series, never none), then
 * fields and month hashes that are not in the new series are removed. `series` lists every series
 * with the merchant's rows by date (an empty map for a series it has none of).
 */
export function planRefresh(merchantId: string, series: readonly { id: SeriesId; byDate: ReadonlyMap<string, MetricRow[]> }[], stored: StoredFields): MerchantWrite {
  const w = emptyWrite(merchantId);
  const fresh = new Map<string, Record<string, string>>();
  for (const { id, byDate } of series) {
    for (const [date, rows] of byDate) {
      if (rows.length === 0) continue;
      const member = monthMember(id, date.slice(0, 7));
      const fields = fresh.get(member) ?? {};
      fields[date] = JSON.stringify(rows);
      fresh.set(member, fields);
    }
  }
  for (const [member, fields] of fresh) {
    const { series: id, month } = parseMonthMember(member)!;
    const old = stored.get(member) ?? [];
    w.hashes.push({ key: servingKeys.month(merchantId, id, month), set: fields, del: old.filter((f) => !(f in fields)) });
    w.monthsAdd.push(member);
  }
  for (const [member] of stored) {
    if (fresh.has(member)) continue;
    const parsed = parseMonthMember(member);
    if (!parsed) continue;
    w.dropKeys.push(servingKeys.month(merchantId, parsed.series, parsed.month));
    w.monthsRemove.push(member);
  }
  const datesNow = new Set([...fresh.values()].flatMap((fields) => Object.keys(fields)));
  const datesBefore = new Set([...stored.values()].flat());
  w.datesAdd = [...datesNow].filter((d) => !datesBefore.has(d)).sort();
  w.datesRemove = [...datesBefore].filter((d) => !datesNow.has(d)).sort();
  return w;
}

/** The newer of two stamps (by run time, then run id); undefined when both are. */
export function newerStamp(a: DataStamp | undefined, b: DataStamp | undefined): DataStamp | undefined {
  if (!a || !b) return a ?? b;
  if (a.run_at !== b.run_at) return a.run_at > b.run_at ? a : b;
  return a.run_id >= b.run_id ? a : b;
}

const MINUTE_MS = 60_000;

/**
 * The freshness metric out of the hourly sales series of the range: per store, its newest hour with
 * sales and the whole minutes from it to `now` (BigQuery's TIMESTAMP_DIFF(now, max, MINUTE)), by
 * store id; as the catalog's freshness query answers.
 */
export function freshnessOf(hourly: readonly MetricRow[], now: Date): MetricRow[] {
  const newest = new Map<string, string>();
  for (const row of hourly) {
    const store = row.store_id;
    const hour = row.hour_at;
    if (typeof store !== 'string' || typeof hour !== 'string') continue;
    const known = newest.get(store);
    if (known === undefined || Date.parse(hour) > Date.parse(known)) newest.set(store, hour);
  }
  return [...newest.keys()].sort().map((store) => {
    const latest = newest.get(store)!;
    return { store_id: store, latest_hour_at: latest, minutes_behind: Math.trunc((now.getTime() - Date.parse(latest)) / MINUTE_MS) };
  });
}
