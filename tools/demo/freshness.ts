// Freshness, event to mart: an event is in the marts once a transform run that started after the
// event reached raw has finished. Its lag is that run's end minus the event's time, both on the
// demo's simulated clock (the run's own duration counts at real speed).
import { posOrderId } from '../../functions/runtime/live-counters';

export interface LandedEvent {
  /** Event time (simulated, ms). */
  eventMs: number;
  /** When it reached raw (wall clock, ms). */
  ingestedRealMs: number;
}

export interface TransformRun {
  realStartedAt: number;
  /** Simulated end (ms). */
  endedAt: number;
  ok: boolean;
}

export interface FreshnessSummary {
  events: number;
  /** Events no successful run has picked up yet. */
  notInMarts: number;
  p50Minutes: number | null;
  p99Minutes: number | null;
  maxMinutes: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function freshness(events: readonly LandedEvent[], runs: readonly TransformRun[]): FreshnessSummary {
  const ok = runs.filter((r) => r.ok).sort((a, b) => a.realStartedAt - b.realStartedAt);
  const lags: number[] = [];
  let notInMarts = 0;
  for (const e of events) {
    // First successful run that started after the event was ingested (binary search).
    let lo = 0;
    let hi = ok.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ok[mid]!.realStartedAt > e.ingestedRealMs) hi = mid;
      else lo = mid + 1;
    }
    const run = ok[lo];
    if (!run) notInMarts++;
    else lags.push(Math.max(0, run.endedAt - e.eventMs) / 60_000);
  }
  lags.sort((a, b) => a - b);
  return { events: events.length, notInMarts, p50Minutes: percentile(lags, 50), p99Minutes: percentile(lags, 99), maxMinutes: lags.length ? lags[lags.length - 1]! : null };
}

/**
 * Live freshness, order to the serving store: from the request the collector accepted being sent
 * (wall clock; collector, Pub/Sub push and ingest all inside) to its row reaching raw (`ingested_at`, wall clock). Ingest counts the event in the live counters in
 * the same request, right after that write (functions/ingest `counting`), so the API can show it
 * from then on. Real seconds: the path runs at real speed whatever the demo's clock does.
 */
export interface LiveLagSummary {
  events: number;
  /** Accepted events without a row in raw. */
  notCounted: number;
  p50Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
}

export function liveLag(acceptedAtMs: ReadonlyMap<string, number>, ingestedAtMs: ReadonlyMap<string, number>): LiveLagSummary {
  const lags: number[] = [];
  let notCounted = 0;
  for (const [eventId, accepted] of acceptedAtMs) {
    const ingested = ingestedAtMs.get(eventId);
    if (ingested === undefined) notCounted++;
    else lags.push(Math.max(0, ingested - accepted) / 1000);
  }
  lags.sort((a, b) => a - b);
  return { events: acceptedAtMs.size, notCounted, p50Seconds: percentile(lags, 50), p99Seconds: percentile(lags, 99), maxSeconds: lags.length ? lags[lags.length - 1]! : null };
}

/** One store's figures for one UTC hour: the marts' online channels, or the live counters. */
export interface StoreHour {
  merchantId: string;
  storeId: string;
  hourMs: number;
  orders: number;
  units: number;
  netSalesCents: number;
}

export interface LiveVersusSettled {
  storeHours: number;
  matching: number;
  /** Differing store-hours with an order event that reached the collector after its hour stopped being live. */
  explainedByLateEvents: number;
  /** The first few store-hours that differ with no late event to explain it, settled against live. */
  differing: { key: string; settled: StoreHour | null; live: StoreHour | null }[];
  differingCount: number;
}

const storeHourKey = (merchantId: string, storeId: string, hourMs: number): string => `${merchantId}/${storeId}/${new Date(hourMs).toISOString().slice(0, 13)}`;

/** What late-event accounting needs of an accepted order event (tools/demo/traffic.ts records it). */
export interface SentEvent {
  eventType: string;
  orderId: string;
  merchantId: string;
  storeId: string;
  eventMs: number;
  /**
   * When ingest counted it, on the demo's clock, or the latest it can have been: the simulated time
   * it was sent plus its real time to raw at the clock's full rate.
   */
  arrivedSimMs: number;
}

/** A POS transaction as raw holds it, with when its first copy was loaded (wall clock, ms). */
export interface LoadedPosTransaction {
  merchantId: string;
  storeId: string;
  transactionId: string;
  transactionType: string;
  originalTransactionId: string | null;
  eventMs: number;
  ingestedRealMs: number;
}

/** A POS loader run as the scheduler recorded it: its wall-clock start and the simulated time it ended. */
export interface LoaderRun {
  realStartedAt: number;
  endedAt: number;
}

/**
 * The POS transactions as live-counting events: a sale places its order (`pos/<store>/<transaction>`,
 * as the loader counts it), a void or refund cancels the sale it names. Each arrived, at the latest,
 * when the loader run that loaded it ended on the demo's clock: the run whose wall-clock start is the
 * latest at or before the row's ingestion time (the loader stamps its rows with its start). Not
 * seen here: a plan whose job reached raw in one run but that a later run finished (the first run
 * failed after the load job), so counted live later than its stamp says; the demo injects no loader
 * faults, and such a store-hour would be reported as differing, not hidden.
 */
export function posArrivals(transactions: readonly LoadedPosTransaction[], runs: readonly LoaderRun[]): SentEvent[] {
  const byStart = [...runs].sort((a, b) => a.realStartedAt - b.realStartedAt);
  const loadedBy = (realMs: number): LoaderRun | undefined => {
    let found: LoaderRun | undefined;
    for (const r of byStart) {
      if (r.realStartedAt > realMs) break;
      found = r;
    }
    return found;
  };
  const out: SentEvent[] = [];
  for (const t of transactions) {
    const sale = t.transactionType === 'sale';
    const of = sale ? t.transactionId : t.originalTransactionId;
    if (of === null) continue;
    const run = loadedBy(t.ingestedRealMs);
    out.push({
      eventType: sale ? 'order.placed' : 'order.cancelled',
      orderId: posOrderId(t.storeId, of),
      merchantId: t.merchantId,
      storeId: t.storeId,
      eventMs: t.eventMs,
      // No run started before it: loaded outside the schedule, so not known to have been live.
      arrivedSimMs: run ? run.endedAt : Number.POSITIVE_INFINITY,
    });
  }
  return out;
}

/**
 * The store-hours the live counters cannot match: an order event of theirs (a placement, or a
 * cancellation or refund of an order placed there) may have reached ingest once the order's hour
 * was no longer live (`liveHours` after its start: 1 + LIVE_RETENTION_HOURS), so it changed the settled
 * marts and not the live counters.
 */
export function storeHoursWithLateEvents(events: readonly SentEvent[], liveHours: number): Set<string> {
  const placedAt = new Map<string, { merchantId: string; storeId: string; hourMs: number }>();
  for (const e of events) {
    if (e.eventType === 'order.placed' && Number.isFinite(e.eventMs)) placedAt.set(`${e.merchantId}/${e.orderId}`, { merchantId: e.merchantId, storeId: e.storeId, hourMs: Math.floor(e.eventMs / 3_600_000) * 3_600_000 });
  }
  const late = new Set<string>();
  for (const e of events) {
    const placed = placedAt.get(`${e.merchantId}/${e.orderId}`);
    if (!placed) continue;
    if (e.arrivedSimMs >= placed.hourMs + liveHours * 3_600_000) late.add(storeHourKey(placed.merchantId, placed.storeId, placed.hourMs));
  }
  return late;
}

/**
 * Store-hour by store-hour, the live counters against the settled marts (every store-hour either
 * has); `late` (storeHoursWithLateEvents) marks the differences late events explain.
 */
export function liveVersusSettled(settled: readonly StoreHour[], live: readonly StoreHour[], keep = 5, late: ReadonlySet<string> = new Set()): LiveVersusSettled {
  const key = (h: StoreHour): string => storeHourKey(h.merchantId, h.storeId, h.hourMs);
  const s = new Map(settled.map((h) => [key(h), h]));
  const l = new Map(live.filter((h) => h.orders !== 0 || h.units !== 0 || h.netSalesCents !== 0).map((h) => [key(h), h]));
  const keys = [...new Set([...s.keys(), ...l.keys()])].sort();
  const out: LiveVersusSettled = { storeHours: keys.length, matching: 0, explainedByLateEvents: 0, differing: [], differingCount: 0 };
  for (const k of keys) {
    const a = s.get(k) ?? null;
    const b = l.get(k) ?? null;
    if (a && b && a.orders === b.orders && a.units === b.units && a.netSalesCents === b.netSalesCents) out.matching++;
    else if (late.has(k)) out.explainedByLateEvents++;
    else {
      out.differingCount++;
      if (out.differing.length < keep) out.differing.push({ key: k, settled: a, live: b });
    }
  }
  return out;
}
