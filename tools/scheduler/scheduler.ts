// Runs the catalog's schedules on a clock, as Cloud Scheduler would: each job fires at its cron
// times; a firing that comes while the job's previous run is still going is skipped (counted), so a
// job never overlaps itself. Failures are recorded and the schedule goes on.
import type { Clock } from './clock';
import { parseCron } from '../../contracts/catalog/cron';

export interface JobOutcome {
  ok: boolean;
  /** One line for the console. */
  summary: string;
  detail?: unknown;
}

export interface ScheduledJob {
  name: string;
  cron: string;
  timeZone?: string;
  /** `scheduledAt`: the simulated time the run was due. */
  run(scheduledAt: number): Promise<JobOutcome>;
}

export interface JobRun {
  job: string;
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  /** Wall-clock start (ms since the epoch): what rows' ingestion times compare with. */
  realStartedAt: number;
  /** Real duration (ms). */
  durationMs: number;
  ok: boolean;
  summary: string;
  detail?: unknown;
}

export type SchedulerEvent =
  | { type: 'run-start'; job: string; scheduledAt: number }
  | { type: 'run-end'; run: JobRun }
  | { type: 'skipped'; job: string; scheduledAt: number };

export interface SchedulerOptions {
  jobs: readonly ScheduledJob[];
  clock: Clock;
  onEvent?: (event: SchedulerEvent) => void;
  /** Longest real sleep between clock checks (ms); the clock's speed can change while asleep. */
  maxSleepMs?: number;
}

export interface Scheduler {
  readonly runs: readonly JobRun[];
  readonly skipped: Readonly<Record<string, number>>;
  /** Runs `name` now, outside its schedule (waits for a current run to end first). */
  runNow(name: string): Promise<JobRun>;
  /** Waits until no job is running. */
  idle(): Promise<void>;
  /** Stops firing and waits for running jobs to finish. */
  stop(): Promise<void>;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { clock } = options;
  const maxSleepMs = options.maxSleepMs ?? 100;
  const runs: JobRun[] = [];
  const skipped: Record<string, number> = {};
  const current = new Map<string, Promise<JobRun>>();
  let stopped = false;
  const sleepers = new Set<() => void>();

  const execute = (job: ScheduledJob, scheduledAt: number): Promise<JobRun> => {
    const release = clock.hold();
    const startedAt = clock.now();
    const realStartedAt = Date.now();
    const t0 = performance.now();
    options.onEvent?.({ type: 'run-start', job: job.name, scheduledAt });
    const promise = job
      .run(scheduledAt)
      .catch((err: unknown): JobOutcome => ({ ok: false, summary: `failed: ${err instanceof Error ? err.message : String(err)}` }))
      .then((outcome) => {
        const run: JobRun = { job: job.name, scheduledAt, startedAt, endedAt: clock.now(), realStartedAt, durationMs: performance.now() - t0, ...outcome };
        release();
        runs.push(run);
        current.delete(job.name);
        options.onEvent?.({ type: 'run-end', run });
        return run;
      });
    current.set(job.name, promise);
    return promise;
  };

  const sleepUntil = async (simMs: number): Promise<void> => {
    while (!stopped && clock.now() < simMs) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(maxSleepMs, Math.max(1, clock.realDelayUntil(simMs))));
        sleepers.add(done);
      });
    }
  };

  // Every job counts its firings from the moment the scheduler started, not from when its loop got
  // going: on a fast simulated clock a busy process would otherwise skip the first firings.
  const startedAt = clock.now();
  const loops = options.jobs.map(async (job) => {
    const cron = parseCron(job.cron, job.timeZone);
    let after = startedAt;
    for (;;) {
      const due = cron.nextAfter(after);
      const release = clock.barrier(due);
      try {
        await sleepUntil(due);
        if (stopped) return;
        after = due;
        if (current.has(job.name)) {
          skipped[job.name] = (skipped[job.name] ?? 0) + 1;
          options.onEvent?.({ type: 'skipped', job: job.name, scheduledAt: due });
          continue;
        }
        // The run holds the clock before the barrier goes, so simulated time cannot jump past it.
        void execute(job, due);
      } finally {
        release();
      }
    }
  });

  const idle = async (): Promise<void> => {
    while (current.size > 0) await Promise.allSettled([...current.values()]);
  };

  return {
    runs,
    skipped,
    async runNow(name) {
      const job = options.jobs.find((j) => j.name === name);
      if (!job) throw new RangeError(`no scheduled job named ${name}`);
      for (let running = current.get(name); running; running = current.get(name)) await running;
      return execute(job, clock.now());
    },
    idle,
    async stop() {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled(loops);
      await idle();
    },
  };
}
