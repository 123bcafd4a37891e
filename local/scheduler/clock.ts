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
  readonly rate: number;
}

export function realClock(now: () => number = Date.now): Clock {
  return {
    rate: 1,
    now,
    realDelayUntil: (simMs) => Math.max(0, simMs - now()),
    hold: () => () => undefined,
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
  const speed = (): number => (holds > 0 ? 1 : options.rate);
  const now = (): number => segmentSim + (realNow() - segmentReal) * speed();
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
  };
}
