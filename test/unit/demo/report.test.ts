import { loadCatalog } from '../../../contracts/catalog';
import { reasonKind, type DemoReadback } from '../../../tools/demo/collect';
import { buildReport, type ReportInput, type Truth } from '../../../tools/demo/report';
import { newTally } from '../../../tools/demo/traffic';

const MIN = 60_000;
const truth: Truth = { orders: 3, units: 7, netSalesCents: 4_500, grossMarginCents: 3_000, deliveries: 2, lateDeliveries: 1 };

function input(overrides: { readback?: Partial<DemoReadback>; truth?: Partial<Truth> } = {}): ReportInput {
  const tally = newTally();
  tally.accepted = { orders: 10, webhooks: 4 };
  tally.refused = { 'orders: invalid_json': 1, 'orders: store_id': 1, 'webhooks: status': 1 };
  tally.posUploaded = 3;
  const readback: DemoReadback = {
    reconcile: {
      raw: [
        { source: 'online_orders', hour: '2026-11-23T18:00Z', rows: 10, distinctIds: 9 },
        { source: 'delivery_events', hour: '2026-11-23T18:00Z', rows: 4, distinctIds: 4 },
      ],
      rejected: [],
      pos: [{ sourceObject: 'gs://b/pos/a', manifestTransactions: 2, manifestInventory: 5, rawTransactions: 2, rawInventory: 5 }],
    },
    manifest: { byStatus: { loaded: 1, quarantined: 1, archived: 1 }, quarantineReasons: { 'file is truncated': 1 } },
    landed: { orders: [{ eventMs: 0, ingestedRealMs: 10 }], pos: [{ eventMs: 0, ingestedRealMs: 10 }] },
    orderEventsIngestedAtMs: new Map(),
    settled: [],
    posTransactions: [],
    marts: { orders: 3, units: 7, netSalesCents: 4_500, grossMarginCents: 3_000, deliveries: 2, lateDeliveries: 1, topProducts: [{ sku: 'PZ-PEPP', units: 4 }], busiestHour: { hourAt: '2026-11-23 18:00', orders: 3 }, promotionsWithLift: 0 },
    ...overrides.readback,
  };
  return {
    title: 'demo',
    sent: { orderEvents: 12, webhooks: 5, posFiles: 3 },
    tally,
    readback,
    truth: { ...truth, ...overrides.truth },
    runs: [{ job: 'dataform-incremental', scheduledAt: 0, startedAt: 0, endedAt: 20 * MIN, realStartedAt: 100, durationMs: 2_000, ok: true, summary: 'ok' }],
    skipped: {},
    transformJob: 'dataform-incremental',
    catalog: loadCatalog(),
  };
}

describe('demo report', () => {
  it('is ok when every line, event and file is accounted for and the marts match the truth', () => {
    const report = buildReport(input());
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const text = report.lines.join('\n');
    expect(text).toMatch(/12 sent +10 accepted +2 refused \(400\): invalid_json 1, store_id 1/);
    expect(text).toMatch(/1 duplicates \(absorbed by staging\)/);
    expect(text).toMatch(/online orders +p50 +20\.0 min/);
    expect(text).toMatch(/net sales \$45\.00 ✓/);
    expect(text).toMatch(/RESULT: everything is accounted for/);
  });

  it('fails when a sent line is neither accepted nor refused', () => {
    const i = input();
    i.sent.orderEvents = 13;
    expect(buildReport(i).problems).toContain('order events: 13 sent, 10 accepted + 2 refused');
  });

  it('fails when an accepted event is missing from raw', () => {
    const i = input();
    i.tally.accepted.webhooks = 5;
    i.sent.webhooks = 6;
    const report = buildReport(i);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/delivery_events: 5 published but 4 accounted for/);
  });

  it('fails when an uploaded POS file has no manifest row', () => {
    const i = input();
    i.tally.posUploaded = 4;
    expect(buildReport(i).problems).toContain('POS: 4 files uploaded but 3 manifest rows');
  });

  it('fails when the marts disagree with the truth, or an event never reached them', () => {
    const report = buildReport(input({ truth: { netSalesCents: 4_600 }, readback: { landed: { orders: [{ eventMs: 0, ingestedRealMs: 500 }], pos: [] } } }));
    expect(report.problems).toEqual(['online orders: 1 events in raw but no transform run picked them up', 'marts: net sales is $45.00, the truth is $46.00']);
    expect(report.lines.join('\n')).toMatch(/net sales \$45\.00 ✗ \(truth \$46\.00\)/);
  });
});

describe('reasonKind', () => {
  it('groups quarantine reasons by kind, without line numbers and counts', () => {
    expect(reasonKind('line 16: sha256: trailer sha256 does not match the body (computed abc)')).toBe('sha256: trailer sha256 does not match the body');
    expect(reasonKind('line 20: row_count: trailer row_count 19 does not match the 18 body lines')).toBe('row_count: trailer row_count N does not match the N body lines');
    expect(reasonKind('file is truncated or corrupt: unexpected end of file')).toBe('file is truncated or corrupt: unexpected end of file');
  });
});

describe('the live counters in the report', () => {
  const hour = { merchantId: 'm1', storeId: 's1', hourMs: Date.UTC(2026, 10, 23, 18), orders: 3, units: 7, netSalesCents: 4_500 };

  it('prints the accepted → counted lag and the store-hours where live equals the marts', () => {
    const report = buildReport({
      ...input(),
      live: { lag: { events: 3, notCounted: 0, p50Seconds: 0.4, p99Seconds: 1.2, maxSeconds: 1.3 }, versus: { storeHours: 3, matching: 1, explainedByLateEvents: 1, differing: [{ key: 'm1/s1/2026-11-23T19', settled: hour, live: null }], differingCount: 1 } },
    });
    expect(report.lines.join('\n')).toMatch(/live counters +p50 +0\.40 s +p99 +1\.20 s/);
    expect(report.lines).toContain('  live = settled: 1 of 3 store-hours (orders, units, net sales of every channel, POS included); 1 differ because an order event arrived, or a POS file was loaded, after its hour stopped being live');
    expect(report.lines).toContain('    m1/s1/2026-11-23T19: marts 3 orders, 7 units, $45.00, live nothing');
    expect(report.problems).toContain('live counters: 1 store-hours differ from the marts with no late event to explain it');
  });

  it('is a problem when an accepted order never reached raw (so was never counted)', () => {
    const report = buildReport({ ...input(), live: { lag: { events: 3, notCounted: 1, p50Seconds: 0.4, p99Seconds: 1.2, maxSeconds: 1.3 }, versus: { storeHours: 0, matching: 0, explainedByLateEvents: 0, differing: [], differingCount: 0 } } });
    expect(report.ok).toBe(false);
    expect(report.problems).toContain('live counters: 1 accepted order events never reached raw, so were never counted');
  });
});

