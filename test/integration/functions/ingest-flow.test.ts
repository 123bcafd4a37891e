// collector → Pub/Sub (official client, emulator) → push → ingest → raw tables and rejected_events,
// all through the functions framework and the emulators.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { loadCatalog } from '../../../contracts/catalog';
import { deliveryEvent, orderPlaced, orderUpdated } from '../../../contracts/examples';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { isPseudonym, pseudonymise, pseudonymiseRecord } from '../../../contracts/pii';
import { signWebhook } from '../../../functions/collector/signature';
import { routerFor } from '../../../functions/ingest/decision';
import { createIngestHttpHandler } from '../../../functions/ingest/http';
import { createRawWriter } from '../../../functions/ingest/raw-writer';
import { createLogger } from '../../../functions/runtime/logger';
import { collectReconcileInput } from '../../../ops/reconcile/collect';
import { reconcile } from '../../../ops/reconcile/reconcile';
import { compileProject, runGraph } from '../../../tools/dataform';
import { API_KEY, eventually, PII_KEY, PROJECT, query, startPlatform, WEBHOOK_SECRET, type Platform } from '../../../tools/testing/functions-platform';

// BigQuery requires a partition filter on raw tables. The emulator refuses `ingested_at >= TIMESTAMP '…'`
// when its statistics prove it always true (reported); a DATE() filter passes in both.
const ALL = "DATE(ingested_at) >= '2020-01-01'";

/** An order as the collector publishes it (every PII field its token): what a direct publisher must send too. */
const publishedOrder = () => pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), PII_KEY);

describe('ingest flow: collector → Pub/Sub → push → ingest → BigQuery', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${p.host.url}/collector${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('lands valid online orders in raw with PII pseudonymised', async () => {
    const placed = { ...orderPlaced(), event_id: 'it-evt-1' };
    const updated = { ...orderUpdated(), event_id: 'it-evt-2' };
    const res = await post('/v1/orders/events', JSON.stringify({ events: [placed, updated] }), { 'x-api-key': API_KEY });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: ['it-evt-1', 'it-evt-2'] });
    const rows = await eventually(async () => {
      const r = await query<{ event_id: string; email: string | null; message_id: string }>(p.bigquery, `SELECT event_id, customer.email AS email, message_id FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE 'it-evt-%' ORDER BY event_id`);
      return r.length === 2 ? r : undefined;
    }, 20_000, 'two raw rows');
    expect(rows[0]!.event_id).toBe('it-evt-1');
    expect(isPseudonym(rows[0]!.email)).toBe(true);
    // The collector's token under the one PII key: the same token ingest made before, so joins hold.
    expect(rows[0]!.email).toBe(pseudonymise('ada@example.com', PII_KEY, 'email'));
    expect(rows[0]!.message_id).toBeTruthy();
  });

  it('refuses a bad batch at the collector with the field named, and a missing API key', async () => {
    const res = await post('/v1/orders/events', JSON.stringify({ events: [{ ...orderPlaced(), channel: 'fax' }] }), { 'x-api-key': API_KEY });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field_path: string }[] }).errors[0]!.field_path).toBe('channel');
    expect((await post('/v1/orders/events', '{"events":[]}', {})).status).toBe(401);
  });

  it('lands a signed delivery webhook in raw.delivery_events', async () => {
    const body = JSON.stringify({ ...deliveryEvent(), event_id: 'it-dlv-1' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await post('/v1/providers/dashdrop/webhooks', body, { 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': signWebhook(WEBHOOK_SECRET, ts, body) });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const r = await query(p.bigquery, `SELECT event_id FROM raw.delivery_events WHERE ${ALL} AND event_id = 'it-dlv-1'`);
      return r.length === 1 ? r : undefined;
    }, 20_000, 'the delivery row');
  });

  it('records bad events published straight to Pub/Sub in rejected_events with the field, and acks them', async () => {
    const topic = p.pubsub.topic('online-orders', { messageOrdering: true });
    const placed = publishedOrder();
    if (placed.event_type !== 'order.placed') throw new Error('example');
    await topic.publishMessage({ data: Buffer.from(JSON.stringify({ ...placed, event_id: 'it-bad-1', lines: [{ ...placed.lines[0], quantity: -1 }] })), orderingKey: 'o-bad-1', attributes: { event_type: 'order.placed' } });
    await topic.publishMessage({ data: Buffer.from('{"event_id": "it-bad-2", "email": "ada@example.com", '), orderingKey: 'o-bad-2' });
    // Valid, but around the collector: its e-mail in plain text.
    await topic.publishMessage({ data: Buffer.from(JSON.stringify({ ...placed, event_id: 'it-bad-3', customer: { ...placed.customer, email: 'ada@example.com' } })), orderingKey: 'o-bad-3', attributes: { event_type: 'order.placed' } });
    const rows = await eventually(async () => {
      const r = await query<{ event_id: string | null; reason_code: string; field_path: string | null; reason: string; payload: string }>(
        p.bigquery,
        `SELECT event_id, reason_code, field_path, reason, payload FROM raw.rejected_events WHERE source = 'online_orders' ORDER BY reason_code`,
      );
      return r.length >= 3 ? r : undefined;
    }, 20_000, 'three rejected rows');
    // Text that is not JSON is kept with its e-mail- and phone-shaped parts masked.
    expect(rows[0]).toMatchObject({ reason_code: 'invalid_json', event_id: null, payload: '{"event_id": "it-bad-2", "email": "[email]", ' });
    expect(rows[1]).toMatchObject({ reason_code: 'pii_not_pseudonymised', event_id: 'it-bad-3', field_path: 'customer.email' });
    expect(rows[1]!.reason).not.toContain('ada@example.com');
    expect(rows[1]!.payload).toContain(pseudonymise('ada@example.com', PII_KEY, 'email'));
    expect(rows[2]).toMatchObject({ reason_code: 'schema_violation', event_id: 'it-bad-1', field_path: 'lines[0].quantity' });
    expect(rows[2]!.reason).toContain('lines[0].quantity');
    for (const row of rows) expect(row.payload).not.toContain('ada@example.com');
    // Acked: nothing waits for redelivery on the ingest subscription.
    await new Promise((r) => setTimeout(r, 500));
    const again = await query(p.bigquery, `SELECT COUNT(*) AS n FROM raw.rejected_events WHERE source = 'online_orders'`);
    expect(again[0]).toEqual({ n: 3 });
  });

  it('records messages arriving through the dead-letter subscription as dead_lettered', async () => {
    // What Pub/Sub forwards after max delivery attempts: same data, plus the CloudPubSubDeadLetter* attributes.
    const attributes = { event_type: 'order.placed', CloudPubSubDeadLetterSourceSubscription: 'online-orders-ingest', CloudPubSubDeadLetterSourceDeliveryCount: '10' };
    await p.pubsub.topic('dead-letter').publishMessage({ data: Buffer.from(JSON.stringify({ ...publishedOrder(), event_id: 'it-dl-1' })), attributes });
    const rows = await eventually(async () => {
      const r = await query<{ reason: string; payload: string }>(p.bigquery, `SELECT reason, payload FROM raw.rejected_events WHERE source = 'dead_letter' AND reason_code = 'dead_lettered' AND event_id = 'it-dl-1'`);
      return r.length === 1 ? r : undefined;
    }, 20_000, 'the dead-lettered row');
    expect(rows[0]!.reason).toBe('dead-lettered after 10 delivery attempts from online-orders-ingest');
    expect(rows[0]!.payload).not.toContain('ada@example.com');
    expect(rows[0]!.payload).toContain(pseudonymise('ada@example.com', PII_KEY, 'email'));
  });

  it('takes a duplicate delivery: raw keeps both copies, the staging model keeps one row per event_id (the first ingested)', async () => {
    const dup = JSON.stringify({ events: [{ ...orderUpdated(), event_id: 'it-dup-1' }] });
    expect((await post('/v1/orders/events', dup, { 'x-api-key': API_KEY })).status).toBe(202);
    expect((await post('/v1/orders/events', dup, { 'x-api-key': API_KEY })).status).toBe(202);
    const copies = await eventually(async () => {
      const r = await query<{ message_id: string }>(p.bigquery, `SELECT message_id FROM raw.online_order_events WHERE ${ALL} AND event_id = 'it-dup-1'`);
      return r.length === 2 ? r : undefined;
    }, 20_000, 'both copies');
    // Two publishes of the same event: two messages, not one message redelivered.
    expect(new Set(copies.map((c) => c.message_id)).size).toBe(2);

    // The real Dataform staging model (dataform/definitions/staging/stg_online_order_events.sqlx),
    // rebuilt from raw as a full refresh does.
    const graph = compileProject('dataform', { defaultDatabase: PROJECT });
    const report = await runGraph({ bigquery: p.bigquery, graph, fullRefresh: true, selection: { actions: ['stg_online_order_events'], includeAssertions: false }, runsTable: null, concurrency: 2 });
    expect(report.ok).toBe(true);
    // Every online order event of this file in raw (the duplicate among them) is in staging, each once.
    const rawIds = (await query<{ event_id: string }>(p.bigquery, `SELECT DISTINCT event_id FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE 'it-%' ORDER BY event_id`)).map((r) => r.event_id);
    expect(rawIds).toContain('it-dup-1');
    const staged = await query<{ event_id: string; n: number }>(
      p.bigquery,
      `SELECT event_id, COUNT(*) AS n FROM \`${PROJECT}.staging.stg_online_order_events\` WHERE event_id LIKE 'it-%' GROUP BY event_id ORDER BY event_id`,
    );
    expect(staged).toEqual(rawIds.map((id) => ({ event_id: id, n: 1 })));
    // The first ingested copy is the one kept.
    const [kept] = await query<{ kept: unknown; first: unknown; event_type: string }>(
      p.bigquery,
      `SELECT s.ingested_at AS kept, s.event_type, (SELECT MIN(ingested_at) FROM raw.online_order_events WHERE ${ALL} AND event_id = 'it-dup-1') AS first
       FROM \`${PROJECT}.staging.stg_online_order_events\` s WHERE s.event_id = 'it-dup-1'`,
    );
    expect(kept!.event_type).toBe('order.updated');
    expect(kept!.kept).toEqual(kept!.first);
  }, 60_000);

  it('reconciles: every message the tests published is in raw or rejected_events', async () => {
    // Published above: 2 + 2 (duplicate) online orders through the collector, 3 bad ones straight to
    // Pub/Sub, 1 webhook delivery, 1 dead-lettered online order.
    const input = await collectReconcileInput(p.bigquery, PROJECT, '2020-01-01');
    const report = reconcile({ ...input, published: { online_orders: 8, delivery_events: 1 } }, loadCatalog());
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('answers 5xx when BigQuery is unreachable, so Pub/Sub retries', async () => {
    // A Storage Write endpoint where nothing listens: every append fails retryably.
    const dead: Server = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const client = new managedwriter.WriterClient({ projectId: 'x', servicePath: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() });
    const catalog = loadCatalog();
    const writer = createRawWriter({ client, table: 'projects/x/datasets/raw/tables/online_order_events', connectTimeoutMs: 500 });
    const schema = (n: string) => catalog.tables.find((t) => t.name === n)!.schema;
    const handler = createIngestHttpHandler({
      sinks: { raw: { online_order_events: writer, delivery_events: writer }, rejected: writer, schemas: { online_order_events: schema('online_order_events'), delivery_events: schema('delivery_events'), rejected_events: schema('rejected_events') } },
      piiKey: PII_KEY,
      route: routerFor(catalog),
      log: createLogger('test', { level: 'silent' }),
    });
    try {
      const push = { message: { data: Buffer.from(JSON.stringify(publishedOrder())).toString('base64'), messageId: '1', publishTime: new Date().toISOString() }, subscription: 'projects/x/subscriptions/online-orders-ingest' };
      const out = await handler({ headers: {}, body: push });
      expect(out.status).toBe(503);
    } finally {
      await writer.close();
      client.close();
    }
  });
});
