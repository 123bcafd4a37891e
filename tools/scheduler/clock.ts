// The scheduler's clock: real time, or simulated time running `rate` times faster than real time.
// An accelerated clock can be held: while any job holds it, simulated time runs at real speed, so a
// scheduled run takes as long in simulated time as it takes here (its duration is not multiplied).
export interface Clock {
  /** Current (simulated) time, ms since the epoch. */
  now(): number;
  /** Real ms from now until simulated time reaches `simMs` (0 when already past). */
  realDelayUntil(simMs: number): number;
  /** Simulated time runs at real speed until the returned release is called. */
  hold(): () => void;
  /**
   * Simulated time stops at `simMs` until the returned release is called: a scheduler registers
   * its next firing so that a busy event loop cannot carry the clock past it (at a high rate, 100
   * ms of lag would otherwise be half an hour of schedule gone by).
   */
  barrier(simMs: number): () => void;
  readonly rate: number;
}

export function realClock(now: () => number = Date.now): Clock {
  return {
    rate: 1,
    now,
    realDelayUntil: (simMs) => Math.max(0, simMs - now()),
    hold: () => () => undefined,
    barrier: () => () => undefined,
  };
}

/**
 * Simulated time from `startMs`, `rate` times real time while no job holds it. Piecewise linear:
 * each hold or release starts a new segment at the current simulated time.
 */
export function acceleratedClock(options: { startMs: number; rate: number; realNow?: () => number }): Clock {
  const realNow = options.realNow ?? (() => performance.now());
  if (!(options.rate >= 1)) throw new RangeError(`clock rate must be >= 1, not ${options.rate}`);
  let segmentReal = realNow();
  let segmentSim = options.startMs;
  let holds = 0;
  const barriers: number[] = [];
  const speed = (): number => (holds > 0 ? 1 : options.rate);
  const free = (): number => segmentSim + (realNow() - segmentReal) * speed();
  const now = (): number => (barriers.length ? Math.min(free(), Math.min(...barriers)) : free());
  /** Starts a new linear segment at the current (possibly stopped) simulated time. */
  const newSegment = (): void => {
    segmentSim = now();
    segmentReal = realNow();
  };
  return {
    rate: options.rate,
    now,
    realDelayUntil: (simMs) => Math.max(0, (simMs - now()) / speed()),
    hold() {
      newSegment();
      holds++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        newSegment();
        holds--;
      };
    },
    barrier(simMs) {
      barriers.push(simMs);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        newSegment();
        barriers.splice(barriers.indexOf(simMs), 1);
      };
    },
  };
}
