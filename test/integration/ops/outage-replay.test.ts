// A BigQuery outage longer than the retry budget, then recovery and `pizzaflow replay`, on the real
// emulators and functions host: the ingest function's raw writes fail (its in-process fault hook,
// `setRawWriteFault`; the official clients are untouched) while Pub/Sub redelivers. Events that
// exhaust their delivery attempts are dead-lettered into raw.rejected_events; events published
// later ride the outage out. Once writes are restored, a dry run, a replay and a second replay end
// with every valid event in staging exactly once; reconcile shows the dead letters as still lost
// before the replay and as replayed (each once, whatever the copies in raw) after it.
//
// The schedule is scaled down (backoff 100-200 ms, 5 attempts instead of 10-600 s and 60): the
// catalog's real numbers against a 6-hour outage are checked on a simulated clock in
// test/unit/emulators/pubsub/outage-budget.test.ts.
import { piiPaths } from '../../../contracts/bigquery-schema';
import { loadCatalog } from '../../../contracts/catalog';
import { orderPlaced, orderUpdated } from '../../../contracts/examples';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { pseudonymiseRecord } from '../../../contracts/pii';
import { setRawWriteFault } from '../../../functions/ingest';
import { RetryableError } from '../../../functions/runtime/errors';
import { collectReconcileInput } from '../../../ops/reconcile/collect';
import { reconcile } from '../../../ops/reconcile/reconcile';
import { replayPorts } from '../../../ops/replay/gcp-ports';
import { replay, type ReplayFilter } from '../../../ops/replay/replay';
import { compileProject, runGraph } from '../../../tools/dataform';
import { API_KEY, eventually, PII_KEY, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

// BigQuery requires a partition filter on raw tables.
const ALL = "DATE(ingested_at) >= '2020-01-01'";
const SUBSCRIPTION = 'online-orders-ingest';
/** Dead-lettered during the outage (published first, out of attempts before it ends). */
const LOST = ['out-lost-0', 'out-lost-1', 'out-lost-2'];
/** Published late in the outage with a budget that outlasts it: delivered by Pub/Sub alone. */
const RODE_OUT = ['out-rode-0', 'out-rode-1'];
const VALID = [...LOST, ...RODE_OUT];

describe('a raw-write outage past the retry budget, then recovery and replay', () => {
  let p: Platform;
  const failures = new Map<string, number>();
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    p = await startPlatform();
    // The collector refuses to start on a key without a merchant binding (functions/collector/key-bindings.ts).
    process.env.PIZZAFLOW_API_KEYS = `portal[*]=${API_KEY}`;
  }, 60_000);

  afterAll(async () => {
    setRawWriteFault(undefined);
    await p?.close();
  });

  const setBudget = (maxDeliveryAttempts: number) =>
    p.pubsub.subscription(SUBSCRIPTION).setMetadata({
      retryPolicy: { minimumBackoff: { seconds: 0, nanos: 100_000_000 }, maximumBackoff: { seconds: 0, nanos: 200_000_000 } },
      deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/dead-letter`, maxDeliveryAttempts },
    });

  /** Valid events through the collector (PII pseudonymised there), one order each. */
  const publishThroughCollector = async (ids: string[]): Promise<void> => {
    const events = ids.map((id, i) => (i % 2 === 0 ? { ...orderPlaced(), event_id: id, order_id: `o-${id}` } : { ...orderUpdated(), event_id: id, order_id: `o-${id}` }));
    const res = await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body: JSON.stringify({ events }), headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } });
    expect(res.status).toBe(202);
  };

  const rawCopies = async (): Promise<Map<string, number>> => {
    const rows = await query<{ event_id: string; n: number }>(p.bigquery, `SELECT event_id, COUNT(*) AS n FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE 'out-%' GROUP BY event_id`);
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  };
  const deadLettered = () =>
    query<{ event_id: string; n: number }>(p.bigquery, `SELECT event_id, COUNT(*) AS n FROM raw.rejected_events WHERE reason_code = 'dead_lettered' AND event_id LIKE 'out-%' GROUP BY event_id ORDER BY event_id`);
  const copiesOf = (copies: Map<string, number>, ids: string[]) => ids.map((id) => copies.get(id) ?? 0);

  it('dead-letters what outlasts its attempts, delivers what rides the outage out, and replays the rest exactly once into staging', async () => {
    // The outage: every write to raw.online_order_events fails as an append to an unavailable BigQuery.
    setRawWriteFault((table, rows) => {
      if (table !== 'online_order_events') return undefined;
      for (const row of rows) failures.set(String(row.event_id), (failures.get(String(row.event_id)) ?? 0) + 1);
      return new RetryableError('simulated outage: BigQuery Storage Write API unavailable');
    });
    await setBudget(5);
    await publishThroughCollector(LOST);
    // An invalid event during the outage: rejected at once (rejected_events is not down), never replayed.
    const placed = pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), PII_KEY);
    if (placed.event_type !== 'order.placed') throw new Error('example');
    await p.pubsub.topic('online-orders', { messageOrdering: true }).publishMessage({ data: Buffer.from(JSON.stringify({ ...placed, event_id: 'out-bad-0', lines: [{ ...placed.lines[0], quantity: -1 }] })), orderingKey: 'o-out-bad-0' });
    await eventually(async () => ((await deadLettered()).length === LOST.length ? true : undefined), 15_000, 'the first events dead-lettered');
    expect(LOST.map((id) => failures.get(id))).toEqual([5, 5, 5]);

    // Later in the outage, with a budget that outlasts it: these keep being redelivered.
    await setBudget(100);
    await publishThroughCollector(RODE_OUT);
    await eventually(async () => (RODE_OUT.every((id) => (failures.get(id) ?? 0) >= 3) ? true : undefined), 15_000, 'redeliveries during the outage');

    // Recovery: Pub/Sub delivers the events still retrying; the dead-lettered ones wait for replay.
    setRawWriteFault(undefined);
    await eventually(async () => (copiesOf(await rawCopies(), RODE_OUT).every((n) => n === 1) ? true : undefined), 15_000, 'the ridden-out events in raw');
    expect(copiesOf(await rawCopies(), LOST)).toEqual([0, 0, 0]);
    expect((await deadLettered()).map((r) => [r.event_id, Number(r.n)])).toEqual(LOST.map((id) => [id, 1]));

    // Before the replay, reconcile shows the dead letters as still lost.
    const before = reconcile({ ...(await collectReconcileInput(p.bigquery, PROJECT, startedAt.slice(0, 10))), published: { online_orders: VALID.length + 1 } }, loadCatalog());
    expect(before.problems).toEqual([]);
    expect(before.lines).toContain(`online_orders: ${RODE_OUT.length} raw + 0 replayed + 1 still rejected + ${LOST.length} still dead-lettered = ${VALID.length + 1} of ${VALID.length + 1} published`);
    expect(before.lost.filter((d) => d.flow === 'online_orders').map((d) => [d.deadLettered, d.replayed, d.stillDeadLettered])).toEqual([[LOST.length, 0, LOST.length]]);

    const filter: ReplayFilter = { reasons: ['dead_lettered'], sources: [], from: startedAt, to: new Date(Date.now() + 60_000).toISOString() };
    const ports = replayPorts(p, PROJECT);
    const dry = await replay(ports, loadCatalog(), filter, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, selected: LOST.length, published: 0, skipped: [], byRoute: { 'dead_letter/dead_lettered → online-orders': LOST.length } });
    await new Promise((r) => setTimeout(r, 500));
    expect(copiesOf(await rawCopies(), LOST)).toEqual([0, 0, 0]);

    const first = await replay(ports, loadCatalog(), filter, { dryRun: false });
    expect(first).toMatchObject({ selected: LOST.length, published: LOST.length });
    await eventually(async () => (copiesOf(await rawCopies(), LOST).every((n) => n === 1) ? true : undefined), 15_000, 'the replayed events in raw');
    // Replaying the same window again publishes them again: raw gets a second copy, staging does not.
    const second = await replay(ports, loadCatalog(), filter, { dryRun: false });
    expect(second).toMatchObject({ selected: LOST.length, published: LOST.length });
    await eventually(async () => (copiesOf(await rawCopies(), LOST).every((n) => n === 2) ? true : undefined), 15_000, 'the second replay in raw');
    expect(copiesOf(await rawCopies(), RODE_OUT)).toEqual([1, 1]);

    // Every valid event in staging exactly once; the invalid one nowhere but rejected_events.
    const graph = compileProject('dataform', { defaultDatabase: PROJECT });
    const run = await runGraph({ bigquery: p.bigquery, graph, fullRefresh: true, selection: { actions: ['stg_online_order_events'], includeAssertions: false }, runsTable: null, concurrency: 2 });
    expect(run.ok).toBe(true);
    const staged = await query<{ event_id: string; n: number }>(p.bigquery, `SELECT event_id, COUNT(*) AS n FROM \`${PROJECT}.staging.stg_online_order_events\` WHERE event_id LIKE 'out-%' GROUP BY event_id ORDER BY event_id`);
    expect(staged.map((r) => [r.event_id, Number(r.n)])).toEqual([...VALID].sort().map((id) => [id, 1]));
    const invalid = await query<{ reason_code: string }>(p.bigquery, `SELECT reason_code FROM raw.rejected_events WHERE source = 'online_orders' AND payload LIKE '%out-bad-0%'`);
    expect(invalid.map((r) => r.reason_code)).toEqual(['schema_violation']);

    // The runs are recorded. Reconcile counts each lost event once as replayed (the two copies each in
    // raw are not counted again), none still dead-lettered, and the invalid one still rejected.
    const recorded = await query<{ dry_run: boolean; selected: number; published: number }>(p.bigquery, `SELECT dry_run, selected, published FROM ops.replays ORDER BY replayed_at`);
    expect(recorded.map((r) => [r.dry_run, Number(r.selected), Number(r.published)])).toEqual([[true, 3, 0], [false, 3, 3], [false, 3, 3]]);
    const replayedCopies = recorded.reduce((sum, r) => sum + Number(r.published), 0);
    const input = await collectReconcileInput(p.bigquery, PROJECT, startedAt.slice(0, 10));
    const rawRows = input.raw.filter((r) => r.source === 'online_orders').reduce((sum, r) => sum + r.rows, 0);
    expect(rawRows).toBe(RODE_OUT.length + replayedCopies);
    const report = reconcile({ ...input, published: { online_orders: VALID.length + 1 } }, loadCatalog());
    expect(report.problems).toEqual([]);
    expect(report.lines).toContain(`online_orders: ${RODE_OUT.length} raw + ${LOST.length} replayed + 1 still rejected + 0 still dead-lettered = ${VALID.length + 1} of ${VALID.length + 1} published`);
    expect(report.lines).toContain(`  not counted again: ${replayedCopies} replayed copies in raw, 0 replayed messages refused again`);
    expect(report.lost.filter((d) => d.flow === 'online_orders').map((d) => [d.rejected, d.deadLettered, d.replayed, d.stillRejected, d.stillDeadLettered])).toEqual([[1, LOST.length, LOST.length, 1, 0]]);
  }, 60_000);
});
