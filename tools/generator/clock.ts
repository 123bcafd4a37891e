// Time helpers in integer milliseconds: store-local calendar fields (via Intl, cached per zone and
// UTC hour, since every US zone is a whole number of hours from UTC) and ISO formatting.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const WINDOW_MS = 15 * MINUTE_MS;

export interface LocalTime {
  /** Store-local calendar date, YYYY-MM-DD. */
  date: string;
  /** Store-local hour of day, 0-23. */
  hour: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const cache = new Map<string, LocalTime>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local date, hour and weekday of the UTC hour starting at `hourMs` in `timeZone`. */
export function localTime(timeZone: string, hourMs: number): LocalTime {
  const key = `${timeZone}|${hourMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(hourMs))) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const result = { date, hour: Number(parts.hour) % 24, weekday: weekdayOf(date) };
  if (cache.size > 200_000) cache.clear();
  cache.set(key, result);
  return result;
}

export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function addDays(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-01-05T13` for file names keyed by UTC hour. */
export function hourKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** `1315` for the POS file of the window starting at `ms` (UTC). */
export function hhmm(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.slice(11, 13) + s.slice(14, 16);
}

/** Days from `from` to `to` inclusive, as dates. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
