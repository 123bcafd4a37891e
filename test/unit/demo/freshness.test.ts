import { freshness, percentile } from '../../../tools/demo/freshness';

const MIN = 60_000;

describe('freshness', () => {
  it('measures each event to the end of the first successful run that started after it reached raw', () => {
    const runs = [
      { realStartedAt: 1_000, endedAt: 20 * MIN, ok: true },
      { realStartedAt: 2_000, endedAt: 35 * MIN, ok: false },
      { realStartedAt: 3_000, endedAt: 50 * MIN, ok: true },
    ];
    const events = [
      { eventMs: 10 * MIN, ingestedRealMs: 900 }, // first run: 10 min
      { eventMs: 15 * MIN, ingestedRealMs: 1_500 }, // second run failed, third: 35 min
      { eventMs: 45 * MIN, ingestedRealMs: 5_000 }, // after every run: not in the marts
    ];
    const f = freshness(events, runs);
    expect(f).toEqual({ events: 3, notInMarts: 1, p50Minutes: 10, p99Minutes: 35, maxMinutes: 35 });
  });

  it('reports nothing, not zero, without events', () => {
    expect(freshness([], [])).toEqual({ events: 0, notInMarts: 0, p50Minutes: null, p99Minutes: null, maxMinutes: null });
  });

  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});
