// Freshness, event to mart: an event is in the marts once a transform run that started after the
// event reached raw has finished. Its lag is that run's end minus the event's time, both on the
// demo's simulated clock (the run's own duration counts at real speed).
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
