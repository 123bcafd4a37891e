import { acceleratedClock, realClock } from '../../../tools/scheduler';

describe('acceleratedClock', () => {
  it('runs rate times faster than real time, and at real speed while held', () => {
    let real = 1_000;
    const clock = acceleratedClock({ startMs: 0, rate: 600, realNow: () => real });
    real += 1_000;
    expect(clock.now()).toBe(600_000);
    const release = clock.hold();
    real += 2_000;
    expect(clock.now()).toBe(602_000);
    release();
    release(); // a second release is a no-op
    real += 500;
    expect(clock.now()).toBe(602_000 + 300_000);
  });

  it('says how long to wait for a simulated time at the current speed', () => {
    let real = 0;
    const clock = acceleratedClock({ startMs: 0, rate: 100, realNow: () => real });
    expect(clock.realDelayUntil(60_000)).toBe(600);
    const release = clock.hold();
    expect(clock.realDelayUntil(60_000)).toBe(60_000);
    release();
    real += 1_000;
    expect(clock.realDelayUntil(60_000)).toBe(0);
  });

  it('keeps nested holds until the last is released', () => {
    let real = 0;
    const clock = acceleratedClock({ startMs: 0, rate: 10, realNow: () => real });
    const a = clock.hold();
    const b = clock.hold();
    a();
    real += 100;
    expect(clock.now()).toBe(100);
    b();
    real += 100;
    expect(clock.now()).toBe(1_100);
  });

  it('stops at a barrier however late the caller looks, and goes on from there once released', () => {
    let real = 0;
    const clock = acceleratedClock({ startMs: 0, rate: 1_000, realNow: () => real });
    const release = clock.barrier(60_000);
    real += 500; // an event loop busy for half a second: 500 simulated seconds
    expect(clock.now()).toBe(60_000);
    release();
    expect(clock.now()).toBe(60_000);
    real += 1;
    expect(clock.now()).toBe(61_000);
  });

  it('refuses a rate below 1', () => {
    expect(() => acceleratedClock({ startMs: 0, rate: 0.5 })).toThrow(RangeError);
  });

  it('the real clock is the wall clock', () => {
    const clock = realClock(() => 42);
    expect(clock.now()).toBe(42);
    expect(clock.realDelayUntil(100)).toBe(58);
  });
});
