import { loadCatalog } from '../../../../contracts/catalog';
import { reconcile, type ReconcileInput } from '../../../../ops/reconcile/reconcile';
import { accountReplays, replaySelected, type LostEvent, type LostTotal, type RawLanding, type ReplayRun } from '../../../../ops/reconcile/replayed';

const catalog = loadCatalog();
const DL_FROM = 'projects/p/subscriptions/online-orders-ingest';

const lost = (eventId: string, over: Partial<LostEvent> = {}): LostEvent => ({ flow: 'online_orders', source: 'dead_letter', reasonCode: 'dead_lettered', rejectedAt: '2026-12-05T10:00:00.000Z', eventId, ...over });
const landing = (eventId: string, messageId: string, ingestedAt = '2026-12-06T09:00:00.000Z'): RawLanding => ({ flow: 'online_orders', eventId, messageId, ingestedAt });
const run = (over: Partial<ReplayRun> = {}): ReplayRun => ({
  replayId: 'replay-1',
  replayedAt: '2026-12-06T09:00:05.000Z',
  reasonCodes: ['dead_lettered'],
  sources: [],
  rejectedFrom: '2026-12-05T00:00:00.000Z',
  rejectedTo: '2026-12-06T00:00:00.000Z',
  ...over,
});
const dead = (rows: number, day = '2026-12-05'): LostTotal => ({ flow: 'online_orders', day, deadLettered: true, rows });

describe('replaySelected: the rows a replay put back', () => {
  it.each([
    ['inside its window, reason and sources', run(), true],
    ['another reason', run({ reasonCodes: ['schema_violation'] }), false],
    ['another source', run({ sources: ['online_orders'] }), false],
    ['its source named', run({ sources: ['dead_letter'] }), true],
    ['rejected before the window', run({ rejectedFrom: '2026-12-05T10:00:00.001Z' }), false],
    ['rejected at the window end (exclusive)', run({ rejectedTo: '2026-12-05T10:00:00.000Z' }), false],
    ['a replay that ran before the rejection', run({ replayedAt: '2026-12-05T09:59:59.000Z', rejectedTo: '2026-12-07T00:00:00.000Z' }), false],
  ])('%s', (_what, r, expected) => {
    expect(replaySelected(r, lost('e1'))).toBe(expected);
  });
});

describe('accountReplays', () => {
  it('before any replay: every dead letter is still dead-lettered', () => {
    const a = accountReplays([dead(3)], [], [], []);
    expect(a.days).toEqual([{ flow: 'online_orders', day: '2026-12-05', rejected: 0, deadLettered: 3, replayed: 0, stillRejected: 0, stillDeadLettered: 3 }]);
    expect(a.replayCopies).toEqual({ online_orders: 0, delivery_events: 0 });
  });

  it('counts a replayed event once, however many replays landed copies of it', () => {
    const a = accountReplays([dead(3)], [lost('e1'), lost('e2')], [landing('e1', 'm1'), landing('e1', 'm2'), landing('e2', 'm3'), landing('e1', 'm1')], [run(), run({ replayId: 'replay-2' })]);
    expect(a.days[0]).toMatchObject({ deadLettered: 3, replayed: 2, stillDeadLettered: 1, stillRejected: 0 });
    // Three distinct messages in raw are replays' copies (m1 twice is a redelivery, counted elsewhere).
    expect(a.replayCopies.online_orders).toBe(3);
  });

  it('does not count as replayed an event in raw that no replay selected, nor one a replay selected that never landed', () => {
    const a = accountReplays([dead(2)], [lost('e1'), lost('e2')], [landing('e1', 'm1')], [run({ reasonCodes: ['schema_violation'] })]);
    expect(a.days[0]).toMatchObject({ replayed: 0, stillDeadLettered: 2 });
    const b = accountReplays([dead(2)], [lost('e1'), lost('e2')], [landing('e1', 'm1', '2026-12-05T09:00:00.000Z')], [run()]);
    expect(b.days[0]).toMatchObject({ replayed: 0, stillDeadLettered: 2 });
    expect(b.replayCopies.online_orders).toBe(0);
  });

  it('keeps rejected and dead-lettered apart, per flow and day of rejection', () => {
    const totals: LostTotal[] = [dead(1), { flow: 'online_orders', day: '2026-12-05', deadLettered: false, rows: 2 }, { flow: 'delivery_events', day: '2026-12-06', deadLettered: false, rows: 1 }];
    const schema = lost('e2', { source: 'online_orders', reasonCode: 'schema_violation' });
    const a = accountReplays(totals, [lost('e1'), schema], [landing('e1', 'm1'), landing('e2', 'm2')], [run({ reasonCodes: ['dead_lettered', 'schema_violation'] })]);
    expect(a.days).toEqual([
      { flow: 'delivery_events', day: '2026-12-06', rejected: 1, deadLettered: 0, replayed: 0, stillRejected: 1, stillDeadLettered: 0 },
      { flow: 'online_orders', day: '2026-12-05', rejected: 2, deadLettered: 1, replayed: 2, stillRejected: 1, stillDeadLettered: 0 },
    ]);
  });
});

describe('reconcile after a replay', () => {
  // 6 published: 2 landed at once, 1 refused (schema), 3 dead-lettered; two replays of the 3 landed 6 copies.
  const input = (replayed: boolean): ReconcileInput => ({
    raw: [{ source: 'online_orders', hour: '2026-12-05T10:00Z', rows: replayed ? 8 : 2, distinctIds: replayed ? 5 : 2 }],
    rejected: [
      { source: 'online_orders', hour: '2026-12-05T10:00Z', reasonCode: 'schema_violation', rows: 1, deadLetterFrom: null },
      { source: 'dead_letter', hour: '2026-12-05T10:00Z', reasonCode: 'dead_lettered', rows: 3, deadLetterFrom: DL_FROM },
    ],
    pos: [],
    published: { online_orders: 6, delivery_events: 0 },
    replays: replayed
      ? {
          lost: ['e1', 'e2', 'e3'].map((id) => ({ source: 'dead_letter' as const, reasonCode: 'dead_lettered' as const, rejectedAt: '2026-12-05T10:00:00.000Z', eventId: id, deadLetterFrom: DL_FROM })),
          landings: ['e1', 'e2', 'e3'].flatMap((id) => [landing(id, `${id}-a`), landing(id, `${id}-b`)]),
          runs: [run(), run({ replayId: 'replay-2' })],
        }
      : undefined,
  });

  it('shows every dead letter as still dead-lettered before the replay', () => {
    const r = reconcile(input(false), catalog);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('online_orders: 2 raw + 0 replayed + 1 still rejected + 3 still dead-lettered = 6 of 6 published');
    expect(r.lost).toEqual([{ flow: 'online_orders', day: '2026-12-05', rejected: 1, deadLettered: 3, replayed: 0, stillRejected: 1, stillDeadLettered: 3 }]);
  });

  it('shows them replayed afterwards, the copies in raw not counted twice', () => {
    const r = reconcile(input(true), catalog);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('online_orders: 2 raw + 3 replayed + 1 still rejected + 0 still dead-lettered = 6 of 6 published');
    expect(r.lines).toContain('  not counted again: 6 replayed copies in raw, 0 replayed messages refused again');
    expect(r.lines).toContain('  online_orders    2026-12-05         1              3         3               1                    0');
    expect(r.sources.find((s) => s.source === 'online_orders')).toMatchObject({ raw: 2, replayed: 3, stillDeadLettered: 0, replayCopies: 6, accounted: 6, published: 6 });
  });

  it('does not count a replayed message refused again as a published one', () => {
    const again = input(false);
    again.rejected.push({ source: 'dead_letter', hour: '2026-12-06T09:00Z', reasonCode: 'dead_lettered', rows: 3, deadLetterFrom: DL_FROM, fromReplay: true });
    const r = reconcile(again, catalog);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('online_orders: 2 raw + 0 replayed + 1 still rejected + 3 still dead-lettered = 6 of 6 published');
    expect(r.lines).toContain('  not counted again: 0 replayed copies in raw, 3 replayed messages refused again');
  });
});
