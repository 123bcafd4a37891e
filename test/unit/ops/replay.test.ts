// Where a rejected row goes back to, what its replayed message carries, and what a run records —
// without sockets.
import { loadCatalog } from '../../../contracts/catalog';
import { orderPlaced } from '../../../contracts/examples';
import type { ReplayRecord } from '../../../contracts/ops';
import { pseudonymise } from '../../../contracts/pii';
import { decideIngest } from '../../../functions/ingest/decision';
import type { PushedMessage } from '../../../functions/ingest/push-message';
import { replay, replayAttributes, routeOf, type ReplayableRow, type ReplayPorts } from '../../../ops/replay/replay';

const catalog = loadCatalog();
const row = (over: Partial<ReplayableRow>): ReplayableRow => ({ rejected_at: '2026-12-06T10:00:00Z', source: 'online_orders', reason_code: 'schema_violation', event_id: 'e1', message_id: 'm1', subscription: null, attributes: null, payload: '{"event_id":"e1"}', ...over });
const deadLetter = (subscription: string) =>
  row({ source: 'dead_letter', reason_code: 'dead_lettered', attributes: { CloudPubSubDeadLetterSourceSubscription: `projects/p/subscriptions/${subscription}`, CloudPubSubDeadLetterSourceDeliveryCount: '60', event_type: 'order.placed' } });

test('rows go back to the topic of their flow; dead letters to the topic of the subscription that gave up; POS rows are not replayed through Pub/Sub', () => {
  expect(routeOf(row({}), catalog).topic).toBe('online-orders');
  expect(routeOf(row({ source: 'delivery_events' }), catalog).topic).toBe('delivery-events');
  expect(routeOf(deadLetter('online-orders-ingest'), catalog).topic).toBe('online-orders');
  expect(routeOf(deadLetter('nope'), catalog).skip).toMatch(/unknown subscription/);
  expect(routeOf(row({ source: 'pos' }), catalog).skip).toMatch(/land the corrected file again/);
});

test('a replayed message keeps its attributes without the dead-letter bookkeeping, and carries the replay id', () => {
  expect(replayAttributes(deadLetter('online-orders-ingest'), 'replay-1')).toEqual({ event_type: 'order.placed', pizzaflow_replay_id: 'replay-1' });
});

function fakePorts(rows: ReplayableRow[]): ReplayPorts & { published: [string, string][]; records: ReplayRecord[] } {
  const published: [string, string][] = [];
  const records: ReplayRecord[] = [];
  return {
    published,
    records,
    selectRejected: async () => rows,
    publish: async (topic, data) => {
      published.push([topic, data.toString('utf8')]);
      return String(published.length);
    },
    record: async (r) => void records.push(r),
  };
}

const filter = { reasons: ['dead_lettered', 'schema_violation'] as ReplayableRow['reason_code'][], sources: [], from: '2026-12-06T00:00:00Z', to: '2026-12-07T00:00:00Z' };

test('a dry run publishes nothing and is recorded as dry', async () => {
  const ports = fakePorts([row({}), deadLetter('online-orders-ingest'), row({ source: 'pos' })]);
  const report = await replay(ports, catalog, filter, { dryRun: true, replayId: 'r1', now: () => new Date('2026-12-06T12:00:00Z') });
  expect(ports.published).toEqual([]);
  expect(report).toMatchObject({ selected: 3, published: 0, byRoute: { 'online_orders/schema_violation → online-orders': 1, 'dead_letter/dead_lettered → online-orders': 1 } });
  expect(report.skipped).toHaveLength(1);
  expect(ports.records).toEqual([{ replayed_at: '2026-12-06T12:00:00.000Z', replay_id: 'r1', dry_run: true, reason_codes: filter.reasons, sources: [], rejected_from: '2026-12-06T00:00:00.000Z', rejected_to: '2026-12-07T00:00:00.000Z', selected: 3, published: 0, skipped: 1 }]);
});

test('a replay publishes each replayable payload unchanged to its topic', async () => {
  const ports = fakePorts([row({ payload: '{"a":1}' }), deadLetter('delivery-events-ingest')]);
  const report = await replay(ports, catalog, filter, { dryRun: false });
  expect(ports.published).toEqual([['online-orders', '{"a":1}'], ['delivery-events', '{"event_id":"e1"}']]);
  expect(report.published).toBe(2);
});

test('a bad filter is refused before anything is read', async () => {
  const ports = fakePorts([row({})]);
  await expect(replay(ports, catalog, { ...filter, reasons: [] }, { dryRun: true })).rejects.toThrow(/--reason/);
  await expect(replay(ports, catalog, { ...filter, from: filter.to }, { dryRun: true })).rejects.toThrow(/before/);
  expect(ports.records).toEqual([]);
});

test('an event refused for plain PII is replayed with the tokens its stored copy holds, and ingest then lands it in raw', async () => {
  const piiKey = 'replay-test-pii-key-0123';
  const ctx = { piiKey, nowMs: Date.parse('2026-12-06T10:00:00Z') };
  const message = (data: string): PushedMessage => ({ messageId: 'm1', publishTime: '2026-12-06T09:59:59Z', data: Buffer.from(data), attributes: { event_type: 'order.placed' }, orderingKey: null, subscription: 'projects/p/subscriptions/online-orders-ingest', deliveryAttempt: 1 });
  // Published around the collector, with the customer's e-mail in plain text.
  const refused = decideIngest(message(JSON.stringify(orderPlaced())), 'online_orders', ctx);
  if (refused.kind !== 'rejected') throw new Error('expected a rejection');
  expect(refused.row.reason_code).toBe('pii_not_pseudonymised');
  const ports = fakePorts([{ ...refused.row }]);
  const report = await replay(ports, catalog, { ...filter, reasons: ['pii_not_pseudonymised'] }, { dryRun: false, replayId: 'r-pii' });
  expect(report.byRoute).toEqual({ 'online_orders/pii_not_pseudonymised → online-orders': 1 });
  const [[, replayed]] = ports.published as [[string, string]];
  expect(replayed).not.toContain('ada@example.com');
  const landed = decideIngest(message(replayed), 'online_orders', ctx);
  expect(landed).toMatchObject({ kind: 'raw', table: 'online_order_events', row: { event_id: 'evt-0001', customer: { email: pseudonymise('ada@example.com', piiKey, 'email') } } });
});
