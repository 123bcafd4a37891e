// What became of the events pizzaflow refused or dead-lettered, without I/O: replayed by `pizzaflow
// replay` and now in raw, or still lost. Each lost event counts once, however many copies replays left.
import type { RejectedEvent } from '../../contracts/ops';

export type StreamSource = 'online_orders' | 'delivery_events';
export const STREAM_SOURCES: readonly StreamSource[] = ['online_orders', 'delivery_events'];

/** A rejected_events row (not POS, not itself a replayed copy) whose event id also occurs in raw. */
export interface LostEvent {
  /** The flow the row came from, dead letters resolved through their subscription. */
  flow: StreamSource;
  /** rejected_events.source as stored (`dead_letter` for dead letters): what a replay's `sources` select on. */
  source: RejectedEvent['source'];
  reasonCode: RejectedEvent['reason_code'];
  rejectedAt: string;
  eventId: string;
}

/** One Pub/Sub message in raw carrying the event id of a rejected row. */
export interface RawLanding {
  flow: StreamSource;
  eventId: string;
  messageId: string;
  ingestedAt: string;
}

/** A `pizzaflow replay` that published (ops.replays, dry runs left out). */
export interface ReplayRun {
  replayId: string;
  replayedAt: string;
  reasonCodes: readonly RejectedEvent['reason_code'][];
  /** Empty: every source. */
  sources: readonly RejectedEvent['source'][];
  rejectedFrom: string;
  rejectedTo: string;
}

/** Rejected originals per flow, day and kind (from the hourly counts). */
export interface LostTotal {
  flow: StreamSource;
  /** YYYY-MM-DD of rejected_at. */
  day: string;
  deadLettered: boolean;
  rows: number;
}

export interface LostDay {
  flow: StreamSource;
  day: string;
  rejected: number;
  deadLettered: number;
  /** Rejected or dead-lettered, then replayed, and now in raw. */
  replayed: number;
  stillRejected: number;
  stillDeadLettered: number;
}

export interface ReplayAccount {
  days: LostDay[];
  /** Messages in raw that are replays of an event counted as `replayed`: not counted again as raw. */
  replayCopies: Record<StreamSource, number>;
}

const ms = (iso: string): number => Date.parse(iso);

/** Whether `run` selected `lost`: its reasons, sources and rejected_at window, and it ran after the rejection. */
export function replaySelected(run: ReplayRun, lost: LostEvent): boolean {
  const at = ms(lost.rejectedAt);
  return (
    run.reasonCodes.includes(lost.reasonCode) &&
    (run.sources.length === 0 || run.sources.includes(lost.source)) &&
    ms(run.rejectedFrom) <= at &&
    at < ms(run.rejectedTo) &&
    ms(run.replayedAt) >= at
  );
}

/**
 * A lost event is `replayed` when a replay selected it and its event id reached raw (same flow) after it
 * was rejected. Every raw message of that event from then on is a replay's copy, counted once with it.
 */
export function accountReplays(totals: readonly LostTotal[], candidates: readonly LostEvent[], landings: readonly RawLanding[], runs: readonly ReplayRun[]): ReplayAccount {
  const landingsOf = new Map<string, RawLanding[]>();
  for (const l of landings) {
    const key = `${l.flow}|${l.eventId}`;
    landingsOf.set(key, [...(landingsOf.get(key) ?? []), l]);
  }
  const days = new Map<string, LostDay>();
  const day = (flow: StreamSource, d: string): LostDay => {
    const key = `${flow}|${d}`;
    let out = days.get(key);
    if (!out) days.set(key, (out = { flow, day: d, rejected: 0, deadLettered: 0, replayed: 0, stillRejected: 0, stillDeadLettered: 0 }));
    return out;
  };
  for (const t of totals) {
    if (t.deadLettered) day(t.flow, t.day).deadLettered += t.rows;
    else day(t.flow, t.day).rejected += t.rows;
  }
  /** flow|event id → the earliest rejection of it that was replayed. */
  const replayedSince = new Map<string, number>();
  const replayedDead = new Map<string, number>();
  for (const c of candidates) {
    const key = `${c.flow}|${c.eventId}`;
    const landed = (landingsOf.get(key) ?? []).some((l) => ms(l.ingestedAt) >= ms(c.rejectedAt));
    if (!landed || !runs.some((r) => replaySelected(r, c))) continue;
    const d = day(c.flow, c.rejectedAt.slice(0, 10));
    d.replayed += 1;
    if (c.reasonCode === 'dead_lettered') replayedDead.set(`${c.flow}|${d.day}`, (replayedDead.get(`${c.flow}|${d.day}`) ?? 0) + 1);
    replayedSince.set(key, Math.min(replayedSince.get(key) ?? Infinity, ms(c.rejectedAt)));
  }
  for (const d of days.values()) {
    const dead = replayedDead.get(`${d.flow}|${d.day}`) ?? 0;
    d.stillDeadLettered = Math.max(0, d.deadLettered - dead);
    d.stillRejected = Math.max(0, d.rejected - (d.replayed - dead));
  }
  const replayCopies: Record<StreamSource, number> = { online_orders: 0, delivery_events: 0 };
  for (const [key, since] of replayedSince) {
    const copies = new Set((landingsOf.get(key) ?? []).filter((l) => ms(l.ingestedAt) >= since).map((l) => l.messageId));
    replayCopies[key.split('|')[0] as StreamSource] += copies.size;
  }
  return { days: [...days.values()].sort((a, b) => a.flow.localeCompare(b.flow) || a.day.localeCompare(b.day)), replayCopies };
}
