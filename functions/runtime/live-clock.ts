// The clock the live counters judge an hour by: Date.now unless set. Only the local demo sets it, to
// its simulated clock, so the day it plays counts live as a real day would (ingest's events and the
// POS loader's transactions alike); nothing in a deployed function calls setLiveClock.
let clock: () => number = Date.now;

export function setLiveClock(now: (() => number) | undefined): void {
  clock = now ?? Date.now;
}

export const liveNow = (): number => clock();
