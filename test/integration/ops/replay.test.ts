// `pizzaflow replay` on the emulators: an event dead-lettered during an outage goes back through
// Pub/Sub, push and ingest into raw; replaying it twice still leaves one row for it in the real
// staging model; a dry run publishes nothing; every replay is recorded in ops.replays.
import { orderUpdated } from '../../../contracts/examples';
import { loadCatalog } from '../../../contracts/catalog';
import { replayPorts } from '../../../ops/replay/gcp-ports';
import { replay, type ReplayFilter } from '../../../ops/replay/replay';
import { compileProject, runGraph } from '../../../tools/dataform';
import { eventually, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

const ALL = "DATE(ingested_at) >= '2020-01-01'";

describe('replay of dead-lettered events', () => {
  let p: Platform;
  let filter: ReplayFilter;
  beforeAll(async () => {
    p = await startPlatform();
    const from = new Date(Date.now() - 60_000).toISOString();
    // What Pub/Sub forwards after the last delivery attempt failed (BigQuery down for hours). An update
    // carries no PII: a replayed order.placed would fail its e-mail and phone format checks with the
    // pseudonyms rejected_events keeps (a known gap, see docs/operations.md).
    const attributes = { CloudPubSubDeadLetterSourceSubscription: `projects/${PROJECT}/subscriptions/online-orders-ingest`, CloudPubSubDeadLetterSourceDeliveryCount: '60', event_type: 'order.updated' };
    await p.pubsub.topic('dead-letter').publishMessage({ data: Buffer.from(JSON.stringify({ ...orderUpdated(), event_id: 'rp-evt-1' })), attributes });
    await eventually(async () => ((await query(p.bigquery, `SELECT event_id FROM raw.rejected_events WHERE reason_code = 'dead_lettered' AND event_id = 'rp-evt-1'`)).length === 1 ? true : undefined), 20_000, 'the dead-lettered row');
    filter = { reasons: ['dead_lettered'], sources: [], from, to: new Date(Date.now() + 60_000).toISOString() };
  }, 90_000);
  afterAll(async () => {
    await p?.close();
  });

  const rawCopies = () => query<{ message_id: string }>(p.bigquery, `SELECT message_id FROM raw.online_order_events WHERE ${ALL} AND event_id = 'rp-evt-1'`);

  it('a dry run says where each row would go and publishes nothing', async () => {
    const report = await replay(replayPorts(p, PROJECT), loadCatalog(), filter, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, selected: 1, published: 0, byRoute: { 'dead_letter/dead_lettered → online-orders': 1 } });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await rawCopies()).toEqual([]);
  });

  it('replaying twice lands the event in raw each time and once in staging; both replays are recorded', async () => {
    const first = await replay(replayPorts(p, PROJECT), loadCatalog(), filter, { dryRun: false });
    expect(first.published).toBe(1);
    await eventually(async () => ((await rawCopies()).length === 1 ? true : undefined), 20_000, 'the replayed row in raw');
    const second = await replay(replayPorts(p, PROJECT), loadCatalog(), filter, { dryRun: false });
    expect(second.published).toBe(1);
    await eventually(async () => ((await rawCopies()).length === 2 ? true : undefined), 20_000, 'the second replayed row in raw');

    const graph = compileProject('dataform', { defaultDatabase: PROJECT });
    const run = await runGraph({ bigquery: p.bigquery, graph, fullRefresh: true, selection: { actions: ['stg_online_order_events'], includeAssertions: false }, runsTable: null, concurrency: 2 });
    expect(run.ok).toBe(true);
    const staged = await query<{ n: number }>(p.bigquery, `SELECT COUNT(*) AS n FROM \`${PROJECT}.staging.stg_online_order_events\` WHERE event_id = 'rp-evt-1'`);
    expect(Number(staged[0]!.n)).toBe(1);

    const recorded = await query<{ replay_id: string; dry_run: boolean; published: number }>(p.bigquery, `SELECT replay_id, dry_run, published FROM ops.replays ORDER BY replayed_at`);
    expect(recorded.map((r) => [r.dry_run, Number(r.published)])).toEqual([[true, 0], [false, 1], [false, 1]]);
    expect(recorded.map((r) => r.replay_id)).toContain(second.replayId);
  }, 90_000);
});
