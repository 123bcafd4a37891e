import { freshness, liveLag, liveVersusSettled, percentile, posArrivals, storeHoursWithLateEvents, type LoadedPosTransaction, type StoreHour } from '../../../tools/demo/freshness';

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

describe('liveLag', () => {
  it('measures each accepted event to its row in raw, in seconds, and counts the ones never written', () => {
    const accepted = new Map([['e1', 1_000], ['e2', 2_000], ['e3', 3_000], ['e4', 4_000]]);
    const ingested = new Map([['e1', 1_250], ['e2', 4_000], ['e3', 3_100]]);
    expect(liveLag(accepted, ingested)).toEqual({ events: 4, notCounted: 1, p50Seconds: 0.25, p99Seconds: 2, maxSeconds: 2 });
  });
});

describe('liveVersusSettled', () => {
  const hour = (storeId: string, h: number, orders: number, units = orders * 2, netSalesCents = orders * 1_000): StoreHour => ({ merchantId: 'm1', storeId, hourMs: Date.UTC(2026, 11, 1, h), orders, units, netSalesCents });

  it('counts store-hours whose live counters equal the marts and names the ones that differ or exist on one side only', () => {
    const settled = [hour('s1', 15, 3), hour('s1', 16, 2), hour('s2', 15, 4)];
    const live = [hour('s1', 15, 3), hour('s1', 16, 1), hour('s3', 17, 1), hour('s2', 16, 0, 0, 0)];
    const out = liveVersusSettled(settled, live);
    expect(out.storeHours).toBe(4);
    expect(out.matching).toBe(1);
    expect(out.differingCount).toBe(3);
    expect(out.differing.map((d) => d.key)).toEqual(['m1/s1/2026-12-01T16', 'm1/s2/2026-12-01T15', 'm1/s3/2026-12-01T17']);
    expect(out.differing[1]).toEqual({ key: 'm1/s2/2026-12-01T15', settled: hour('s2', 15, 4), live: null });
  });

  it('counts a difference that a late event explains apart from the unexplained ones', () => {
    const out = liveVersusSettled([hour('s1', 15, 3), hour('s1', 16, 2)], [hour('s1', 15, 2), hour('s1', 16, 1)], 5, new Set(['m1/s1/2026-12-01T15']));
    expect(out).toMatchObject({ storeHours: 2, matching: 0, explainedByLateEvents: 1, differingCount: 1 });
    expect(out.differing.map((d) => d.key)).toEqual(['m1/s1/2026-12-01T16']);
  });

  it('a units or net sales difference alone makes a store-hour differ', () => {
    expect(liveVersusSettled([hour('s1', 15, 3)], [hour('s1', 15, 3, 6, 2_999)]).matching).toBe(0);
  });
});

describe('storeHoursWithLateEvents', () => {
  const H = (h: number, m = 0): number => Date.UTC(2026, 11, 1, h, m);
  const e = (eventType: string, orderId: string, eventMs: number, arrivedSimMs: number, storeId = 's1') => ({ eventType, orderId, merchantId: 'm1', storeId, eventMs, arrivedSimMs });

  it("names the placed order's store-hour when its placement or its cancellation reached ingest after the hour stopped being live", () => {
    const late = storeHoursWithLateEvents(
      [
        e('order.placed', 'o1', H(15, 10), H(15, 11)),
        e('order.cancelled', 'o1', H(18, 30), H(18, 30)), // 3 h 20 min after 15:00: past a 3-hour live window
        e('order.placed', 'o2', H(16, 5), H(18, 59)), // placed at 16:05, counted 18:59: still live (until 19:00)
        e('order.placed', 'o3', H(16, 40), H(19, 0), 's2'), // arrived exactly as 16:00's window closed
      ],
      3,
    );
    expect([...late].sort()).toEqual(['m1/s1/2026-12-01T15', 'm1/s2/2026-12-01T16']);
  });
});

describe('posArrivals', () => {
  const H = (h: number, m = 0): number => Date.UTC(2026, 11, 1, h, m);
  const REAL = 1_000_000; // wall-clock ms of the demo's first loader run
  // Loader runs on the demo's clock at 15:15, 16:15 and 19:15; the real clock ran 1 s per run apart.
  const runs = [
    { realStartedAt: REAL, endedAt: H(15, 15) },
    { realStartedAt: REAL + 1_000, endedAt: H(16, 15) },
    { realStartedAt: REAL + 2_000, endedAt: H(19, 15) },
  ];
  const txn = (over: Partial<LoadedPosTransaction>): LoadedPosTransaction => ({
    merchantId: 'm1', storeId: 's1', transactionId: 't1', transactionType: 'sale', originalTransactionId: null, eventMs: H(15, 5), ingestedRealMs: REAL, ...over,
  });

  it('a sale arrives when the run that loaded it ended; a refund cancels the sale it names under the loader\'s order id', () => {
    expect(posArrivals([txn({}), txn({ transactionId: 't2', transactionType: 'refund', originalTransactionId: 't1', ingestedRealMs: REAL + 2_000 })], runs)).toEqual([
      { eventType: 'order.placed', orderId: 'pos/s1/t1', merchantId: 'm1', storeId: 's1', eventMs: H(15, 5), arrivedSimMs: H(15, 15) },
      { eventType: 'order.cancelled', orderId: 'pos/s1/t1', merchantId: 'm1', storeId: 's1', eventMs: H(15, 5), arrivedSimMs: H(19, 15) },
    ]);
  });

  it('with the online events, marks the store-hour of a sale refunded in a file loaded after the hour stopped being live, and no other', () => {
    const events = posArrivals(
      [
        txn({}), // sold 15:05, loaded 15:15
        txn({ transactionId: 't2', transactionType: 'refund', originalTransactionId: 't1', ingestedRealMs: REAL + 2_000 }), // loaded 19:15: past 18:00
        txn({ storeId: 's2', transactionId: 't3', eventMs: H(16, 1), ingestedRealMs: REAL + 1_000 }), // sold 16:01, loaded 16:15
      ],
      runs,
    );
    expect([...storeHoursWithLateEvents(events, 3)]).toEqual(['m1/s1/2026-12-01T15']);
  });

  it('a row no loader run can have loaded counts as late, and a reversal without the sale it names is left out', () => {
    const [early] = posArrivals([txn({ ingestedRealMs: REAL - 1 })], runs);
    expect(early!.arrivedSimMs).toBe(Number.POSITIVE_INFINITY);
    expect(posArrivals([txn({ transactionType: 'void', originalTransactionId: null })], runs)).toEqual([]);
  });
});
