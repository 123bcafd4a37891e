import { acceleratedClock, startScheduler, type JobOutcome } from '../../../tools/scheduler';

const START = Date.parse('2026-11-23T10:00:00Z');
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

describe('startScheduler', () => {
  it('fires each job at its cron times in simulated time, in order, and records the runs', async () => {
    // 15 simulated minutes per 15 real ms.
    const clock = acceleratedClock({ startMs: START, rate: 60_000 });
    const fired: string[] = [];
    const job = (name: string) => ({
      name,
      cron: name === 'load' ? '*/15 * * * *' : '5-59/15 * * * *',
      run: async (scheduledAt: number): Promise<JobOutcome> => {
        fired.push(`${hhmm(scheduledAt)} ${name}`);
        return { ok: true, summary: 'done' };
      },
    });
    // Held (real speed) until the scheduler has placed its first barriers, as the demo holds it during
    // set-up: at 60,000× a loaded machine's 5 ms pause would otherwise carry the clock past 10:05
    // before the scheduler starts, and both first firings would be due at once.
    const setup = clock.hold();
    const scheduler = startScheduler({ jobs: [job('load'), job('transform')], clock, maxSleepMs: 2 });
    setup();
    while (clock.now() < START + 46 * 60_000) await new Promise((r) => setTimeout(r, 2));
    await scheduler.stop();
    expect(fired.slice(0, 6)).toEqual(['10:05 transform', '10:15 load', '10:20 transform', '10:30 load', '10:35 transform', '10:45 load']);
    expect(scheduler.runs.every((r) => r.ok && r.endedAt >= r.startedAt && r.realStartedAt > 0)).toBe(true);
  });

  it('counts a firing that finds the job still running as skipped', async () => {
    let real = 0;
    let running = 0;
    let maxRunning = 0;
    // A clock that moves a minute per real millisecond: every check finds a new firing due.
    const clock = { rate: 1, now: () => START + real, realDelayUntil: () => 1, hold: () => () => undefined, barrier: () => () => undefined };
    const tick = setInterval(() => (real += 60_000), 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const scheduler = startScheduler({
      clock,
      maxSleepMs: 1,
      jobs: [
        {
          name: 'stuck',
          cron: '* * * * *',
          run: async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await gate;
            running--;
            return { ok: true, summary: 'finally' };
          },
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 60));
    // runNow waits for the current run instead of overlapping it.
    const manual = scheduler.runNow('stuck');
    release();
    await manual;
    clearInterval(tick);
    await scheduler.stop();
    expect(maxRunning).toBe(1);
    expect(scheduler.runs.length).toBeGreaterThanOrEqual(2);
    expect(scheduler.skipped.stuck).toBeGreaterThan(0);
  });

  it('records a failing job as failed with its message and keeps going', async () => {
    const clock = acceleratedClock({ startMs: START, rate: 60_000 });
    let calls = 0;
    const scheduler = startScheduler({
      clock,
      maxSleepMs: 2,
      jobs: [
        {
          name: 'flaky',
          cron: '*/15 * * * *',
          run: async () => {
            calls++;
            if (calls === 1) throw new Error('BigQuery unavailable');
            return { ok: true, summary: 'ok' };
          },
        },
      ],
    });
    while (calls < 2) await new Promise((r) => setTimeout(r, 2));
    await scheduler.stop();
    expect(scheduler.runs[0]).toMatchObject({ job: 'flaky', ok: false, summary: 'failed: BigQuery unavailable' });
    expect(scheduler.runs[1]).toMatchObject({ ok: true });
  });

  it('runNow refuses an unknown job', async () => {
    const scheduler = startScheduler({ jobs: [], clock: acceleratedClock({ startMs: START, rate: 10 }) });
    await expect(scheduler.runNow('nope')).rejects.toThrow(/no scheduled job named nope/);
    await scheduler.stop();
  });
});
