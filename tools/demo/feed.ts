// The demo's traffic: a generated data set (`pizzaflow generate` output) turned into what arrives
// when. Online-order and webhook lines keep the generator's arrival order within each arrival-hour
// file; a line's arrival is its event time clamped into that hour and never before the previous
// line's. A POS file lands two minutes after its 15-minute window closes, a resend or re-upload ten.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type FeedItem =
  | { kind: 'order-event'; atMs: number; line: string }
  | { kind: 'webhook'; atMs: number; line: string }
  | { kind: 'pos-file'; atMs: number; path: string; objectName: string };

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** `2026-11-23T18.ndjson` → the hour's start (ms), or undefined for other names. */
export function arrivalHourOf(fileName: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})\.ndjson$/.exec(fileName);
  return m ? Date.parse(`${m[1]}T${m[2]}:00:00Z`) : undefined;
}

/** Arrival times for the lines of one arrival-hour file, in file order. */
export function lineArrivals(lines: readonly string[], hourMs: number): number[] {
  const out: number[] = [];
  let previous = hourMs;
  for (const line of lines) {
    const m = /"event_time":"([^"]+)"/.exec(line);
    const eventMs = m ? Date.parse(m[1]!) : Number.NaN;
    const clamped = Number.isNaN(eventMs) ? previous : Math.min(hourMs + HOUR_MS - 1, Math.max(hourMs, eventMs));
    previous = Math.max(previous, clamped);
    out.push(previous);
  }
  return out;
}

/** `pos/store=s1/date=2026-11-23/1415-resend1.ndjson.gz` → when it lands, or undefined for other names. */
export function posArrival(objectName: string): number | undefined {
  const m = /date=(\d{4}-\d{2}-\d{2})\/(\d{2})(\d{2})(-[a-z0-9]+)?\.ndjson\.gz$/.exec(objectName);
  if (!m) return undefined;
  const windowEnd = Date.parse(`${m[1]}T${m[2]}:${m[3]}:00Z`) + 15 * MINUTE_MS;
  return windowEnd + (m[4] ? 10 : 2) * MINUTE_MS;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface Feed {
  /** Arrival hours (ms) with any traffic, ascending. */
  hours: number[];
  /** The items arriving in one hour, in arrival order. */
  itemsOf(hourMs: number): FeedItem[];
  totals: { orderEvents: number; webhooks: number; posFiles: number };
}

/** Indexes the data set; lines are read hour by hour, so memory holds one hour of traffic. */
export function openFeed(outDir: string): Feed {
  const hourFiles = new Map<number, { online?: string; deliveries?: string }>();
  const countLines = (path: string): number => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  const totals = { orderEvents: 0, webhooks: 0, posFiles: 0 };
  for (const flow of ['online', 'deliveries'] as const) {
    for (const path of walk(join(outDir, flow))) {
      const hour = arrivalHourOf(path.slice(path.lastIndexOf('/') + 1));
      if (hour === undefined) continue;
      hourFiles.set(hour, { ...hourFiles.get(hour), [flow]: path });
      if (flow === 'online') totals.orderEvents += countLines(path);
      else totals.webhooks += countLines(path);
    }
  }
  const posByHour = new Map<number, { atMs: number; path: string; objectName: string }[]>();
  for (const path of walk(join(outDir, 'pos'))) {
    const objectName = relative(outDir, path).split('\\').join('/');
    const atMs = posArrival(objectName);
    if (atMs === undefined) continue;
    const hour = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    posByHour.set(hour, [...(posByHour.get(hour) ?? []), { atMs, path, objectName }]);
    totals.posFiles++;
  }
  const hours = [...new Set([...hourFiles.keys(), ...posByHour.keys()])].sort((a, b) => a - b);
  return {
    hours,
    totals,
    itemsOf(hourMs) {
      const items: FeedItem[] = [];
      const files = hourFiles.get(hourMs) ?? {};
      for (const [flow, kind] of [['online', 'order-event'], ['deliveries', 'webhook']] as const) {
        const path = files[flow];
        if (!path) continue;
        const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
        const arrivals = lineArrivals(lines, hourMs);
        lines.forEach((line, i) => items.push({ kind, atMs: arrivals[i]!, line }));
      }
      for (const f of posByHour.get(hourMs) ?? []) items.push({ kind: 'pos-file', ...f });
      // Stable: equal times keep file order (and so the generator's arrival order).
      return items.sort((a, b) => a.atMs - b.atMs);
    },
  };
}
