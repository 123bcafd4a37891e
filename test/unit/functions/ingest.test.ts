import { piiPaths } from '../../../contracts/bigquery-schema';
import { loadCatalog } from '../../../contracts/catalog';
import { deliveryEvent, orderPlaced, orderPlacedV2 } from '../../../contracts/examples';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { isPseudonym, pseudonymise, pseudonymiseRecord } from '../../../contracts/pii';
import { rejectedEvent } from '../../../contracts/ops';
import { RetryableError } from '../../../functions/runtime/errors';
import { createLogger } from '../../../functions/runtime/logger';
import { decideIngest, routerFor } from '../../../functions/ingest/decision';
import { createIngestHttpHandler, unwrapDelivery } from '../../../functions/ingest/http';
import { ingestMessage, type IngestSinks } from '../../../functions/ingest/ingest';
import { decodePushBody, PushFormatError, topicFromCloudEventSource, type PushedMessage } from '../../../functions/ingest/push-message';
import { RowErrorsError, type RawRow } from '../../../functions/ingest/raw-writer';

const KEY = 'test-pii-key-0123456789';
const NOW = Date.parse('2026-11-23T18:40:00Z');
const ctx = { piiKey: KEY, nowMs: NOW };
const catalog = loadCatalog();
const route = routerFor(catalog);
/** An order as the collector publishes it: every PII field already a token under the same key. */
const publishedOrder = () => pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), KEY);

// Push format: https://cloud.google.com/pubsub/docs/push#receive_push
function pushBody(payload: string | object, extra: { subscription?: string; attributes?: Record<string, string>; deliveryAttempt?: number } = {}) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    message: { data: Buffer.from(text).toString('base64'), attributes: extra.attributes ?? {}, messageId: 'm-1', message_id: 'm-1', publishTime: '2026-11-23T18:39:59.5Z', publish_time: '2026-11-23T18:39:59.5Z' },
    subscription: extra.subscription ?? 'projects/pizzaflow-local/subscriptions/online-orders-ingest',
    ...(extra.deliveryAttempt !== undefined ? { deliveryAttempt: extra.deliveryAttempt } : {}),
  };
}

const decode = (payload: string | object, extra = {}): PushedMessage => decodePushBody(pushBody(payload, extra));

describe('decodePushBody', () => {
  it('decodes the push format', () => {
    const m = decode({ a: 1 }, { attributes: { event_type: 'order.placed' }, deliveryAttempt: 3 });
    expect(m).toEqual({ messageId: 'm-1', publishTime: '2026-11-23T18:39:59.5Z', data: Buffer.from('{"a":1}'), attributes: { event_type: 'order.placed' }, orderingKey: null, subscription: 'projects/pizzaflow-local/subscriptions/online-orders-ingest', deliveryAttempt: 3 });
  });

  it('refuses what is not a push body', () => {
    expect(() => decodePushBody({})).toThrow(PushFormatError);
    expect(() => decodePushBody({ message: { data: 'eA==' } })).toThrow(/messageId/);
    expect(() => decodePushBody('x')).toThrow(PushFormatError);
  });

  it('reads the topic from a CloudEvent source', () => {
    expect(topicFromCloudEventSource('//pubsub.googleapis.com/projects/p/topics/delivery-events')).toBe('delivery-events');
  });
});

describe('routerFor', () => {
  it('routes by subscription, then CloudEvent topic, then attributes', () => {
    expect(route(decode({}))).toBe('online_orders');
    expect(route(decode({}, { subscription: 'projects/p/subscriptions/delivery-events-ingest' }))).toBe('delivery_events');
    expect(route(decode({}, { subscription: 'projects/p/subscriptions/dead-letter-ingest' }))).toBe('dead_letter');
    expect(route(decode({}, { subscription: 'projects/p/subscriptions/other' }), 'delivery-events')).toBe('delivery_events');
    expect(route(decode({}, { subscription: 'projects/p/subscriptions/other', attributes: { event_type: 'order.updated' } }))).toBe('online_orders');
    expect(route(decode({}, { subscription: 'projects/p/subscriptions/other' }))).toBeUndefined();
  });
});

describe('decideIngest', () => {
  it('turns a valid order published by the collector (PII as tokens) into a raw row with ingest metadata', () => {
    const d = decideIngest(decode(publishedOrder(), { deliveryAttempt: 2 }), 'online_orders', ctx);
    if (d.kind !== 'raw') throw new Error(`expected raw, got ${JSON.stringify(d)}`);
    expect(d.table).toBe('online_order_events');
    const row = d.row as ReturnType<typeof orderPlaced> & Record<string, unknown>;
    expect(row.event_id).toBe('evt-0001');
    if (row.event_type !== 'order.placed') throw new Error('type');
    expect(isPseudonym(row.customer.email)).toBe(true);
    expect(isPseudonym(row.customer.name)).toBe(true);
    expect(isPseudonym(row.delivery_address?.line1)).toBe(true);
    expect(row.customer.email).toBe(pseudonymise('ada@example.com', KEY, 'email'));
    expect(row.delivery_address?.city).toBe('Chicago');
    expect(row).toMatchObject({ ingested_at: '2026-11-23T18:40:00.000Z', message_id: 'm-1', published_at: '2026-11-23T18:39:59.5Z', delivery_attempt: 2 });
  });

  it('rejects a schema violation naming the field, keeping the payload with PII pseudonymised', () => {
    const bad = { ...orderPlaced(), channel: 'fax' };
    const d = decideIngest(decode(bad), 'online_orders', ctx);
    if (d.kind !== 'rejected') throw new Error('expected rejected');
    expect(rejectedEvent.safeParse(d.row).success).toBe(true);
    expect(d.row).toMatchObject({ source: 'online_orders', reason_code: 'schema_violation', field_path: 'channel', event_id: 'evt-0001', message_id: 'm-1' });
    expect(d.row.reason).toContain('channel');
    expect(d.row.payload).not.toContain('ada@example.com');
    expect(d.row.payload).toContain('"channel":"fax"');
    expect(d.row.payload_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects an order whose PII arrived in plain text with pii_not_pseudonymised, naming the field and never the value', () => {
    const plain = publishedOrder();
    if (plain.event_type !== 'order.placed') throw new Error('fixture changed');
    plain.customer.email = 'ada@example.com';
    const d = decideIngest(decode(plain), 'online_orders', ctx);
    if (d.kind !== 'rejected') throw new Error('expected rejected');
    expect(rejectedEvent.safeParse(d.row).success).toBe(true);
    expect(d.row).toMatchObject({ source: 'online_orders', reason_code: 'pii_not_pseudonymised', field_path: 'customer.email', event_id: 'evt-0001' });
    expect(d.row.reason).toContain('customer.email');
    expect(d.row.reason).not.toContain('ada@example.com');
    // The stored copy holds the token the collector would have made: a replay lands it.
    expect(d.row.payload).not.toContain('ada@example.com');
    expect(JSON.parse(d.row.payload)).toEqual(publishedOrder());
  });

  it('names every plain PII field of an order sent around the collector, the first as field_path', () => {
    const d = decideIngest(decode(orderPlaced()), 'online_orders', ctx);
    if (d.kind !== 'rejected') throw new Error('expected rejected');
    expect(d.row).toMatchObject({ reason_code: 'pii_not_pseudonymised', field_path: 'customer.email' });
    expect(d.row.reason).toMatch(/^customer\.email, customer\.name, customer\.phone, delivery_address\.line1: /);
    for (const value of ['Ada Lovelace', 'ada@example.com', '555-0100', 'Analytical']) {
      expect(d.row.reason).not.toContain(value);
      expect(d.row.payload).not.toContain(value);
    }
  });

  it('prefers schema_violation over pii_not_pseudonymised when both apply', () => {
    const d = decideIngest(decode({ ...orderPlaced(), channel: 'fax' }), 'online_orders', ctx);
    expect(d).toMatchObject({ kind: 'rejected', row: { reason_code: 'schema_violation', field_path: 'channel' } });
  });

  it('stores a payload that is not JSON, or not a JSON object, with e-mails and phones masked', () => {
    const text = '{"customer": {"email": "ada@example.com", "phone": "+44 20 7946 0958"}, "order_id": "o-s0001-000123", "total_cents": 3212,';
    const d = decideIngest(decode(text), 'online_orders', ctx);
    expect(d).toMatchObject({ kind: 'rejected', row: { reason_code: 'invalid_json' } });
    if (d.kind !== 'rejected') throw new Error('expected rejected');
    expect(d.row.payload).toBe('{"customer": {"email": "[email]", "phone": "[phone]"}, "order_id": "o-s0001-000123", "total_cents": 3212,');
    expect(d.row.reason).not.toContain('ada@example.com');
    const array = decideIngest(decode([orderPlaced()]), 'online_orders', ctx);
    if (array.kind !== 'rejected') throw new Error('expected rejected');
    expect(array.row.reason_code).toBe('schema_violation');
    expect(array.row.payload).not.toContain('ada@example.com');
    expect(array.row.payload).not.toContain('555-0100');
    expect(array.row.payload).toContain('[email]');
  });

  it('rejects invalid JSON with the original text and an unsupported schema version', () => {
    const d = decideIngest(decode('{"event_id": "x",'), 'online_orders', ctx);
    expect(d).toMatchObject({ kind: 'rejected', row: { reason_code: 'invalid_json', payload: '{"event_id": "x",', field_path: null } });
    const v2 = decideIngest(decode({ ...deliveryEvent(), schema_version: 2 }), 'delivery_events', ctx);
    expect(v2).toMatchObject({ kind: 'rejected', row: { reason_code: 'unsupported_schema_version', reason: 'schema_version 2 is not supported; accepted: 1', field_path: 'schema_version', source: 'delivery_events' } });
  });

  it('lands online orders of schema_version 1 and 2 side by side and refuses 3 naming the versions accepted', () => {
    const v2 = pseudonymiseRecord(orderPlacedV2(), piiPaths(onlineOrderEvent), KEY);
    const landed = decideIngest(decode(v2), 'online_orders', ctx);
    expect(landed).toMatchObject({ kind: 'raw', table: 'online_order_events', row: { schema_version: 2, service_fee_cents: 116, delivery_note: pseudonymise('Ring the bell twice, Ada', KEY) } });
    expect(decideIngest(decode(publishedOrder()), 'online_orders', ctx).kind).toBe('raw');
    const v3 = decideIngest(decode({ ...v2, schema_version: 3 }), 'online_orders', ctx);
    expect(v3).toMatchObject({ kind: 'rejected', row: { reason_code: 'unsupported_schema_version', reason: 'schema_version 3 is not supported; accepted: 1, 2', field_path: 'schema_version' } });
  });

  it('with acceptedVersions pinned to [1] (a deployment of the version 1 contract) refuses version 2, which the default accepts', () => {
    const v2 = pseudonymiseRecord(orderPlacedV2(), piiPaths(onlineOrderEvent), KEY);
    const pinned = decideIngest(decode(v2), 'online_orders', { ...ctx, acceptedVersions: { online_orders: [1] } });
    expect(pinned).toMatchObject({ kind: 'rejected', row: { reason_code: 'unsupported_schema_version', reason: 'schema_version 2 is not supported; accepted: 1' } });
    expect(JSON.stringify(pinned)).not.toContain('Ring the bell');
    expect(decideIngest(decode(v2), 'online_orders', ctx).kind).toBe('raw');
  });

  it('refuses plain text in the version 2 delivery note as unpseudonymised PII', () => {
    const v2 = pseudonymiseRecord(orderPlacedV2(), piiPaths(onlineOrderEvent), KEY);
    const d = decideIngest(decode({ ...v2, delivery_note: 'Ring the bell twice, Ada' }), 'online_orders', ctx);
    expect(d).toMatchObject({ kind: 'rejected', row: { reason_code: 'pii_not_pseudonymised', field_path: 'delivery_note' } });
    expect(JSON.stringify(d)).not.toContain('Ring the bell');
  });

  it('records a dead-lettered message as rejected with dead_lettered', () => {
    const attributes = { CloudPubSubDeadLetterSourceSubscription: 'online-orders-ingest', CloudPubSubDeadLetterSourceDeliveryCount: '10', event_type: 'order.placed' };
    const d = decideIngest(decode(orderPlaced(), { subscription: 'projects/p/subscriptions/dead-letter-ingest', attributes }), 'dead_letter', ctx);
    if (d.kind !== 'rejected') throw new Error('expected rejected');
    expect(d.row).toMatchObject({ source: 'dead_letter', reason_code: 'dead_lettered', event_id: 'evt-0001', attributes });
    expect(d.row.reason).toBe('dead-lettered after 10 delivery attempts from online-orders-ingest');
    expect(d.row.payload).not.toContain('Ada Lovelace');
  });
});

describe('ingestMessage', () => {
  const schemaOf = (name: string) => catalog.tables.find((t) => t.name === name)!.schema;
  function sinks(rawWrite: (rows: RawRow[]) => Promise<void> = async () => undefined) {
    const written: { table: string; rows: RawRow[] }[] = [];
    const sink = (table: string, write?: (rows: RawRow[]) => Promise<void>) => ({
      write: async (rows: RawRow[]) => {
        if (write) await write(rows);
        written.push({ table, rows });
      },
    });
    const s: IngestSinks = {
      raw: { online_order_events: sink('online_order_events', rawWrite), delivery_events: sink('delivery_events', rawWrite) },
      rejected: sink('rejected_events'),
      schemas: { online_order_events: schemaOf('online_order_events'), delivery_events: schemaOf('delivery_events'), rejected_events: schemaOf('rejected_events') },
    };
    return { s, written };
  }

  it('writes a raw row with Date timestamps', async () => {
    const { s, written } = sinks();
    const out = await ingestMessage(decode(deliveryEvent(), { subscription: 'projects/p/subscriptions/delivery-events-ingest' }), 'delivery_events', ctx, s);
    expect(out).toEqual({ status: 'accepted', table: 'delivery_events', eventId: 'dlv-0001' });
    expect(written[0]!.table).toBe('delivery_events');
    expect(written[0]!.rows[0]!.event_time).toEqual(new Date('2026-11-23T18:30:00Z'));
    expect(written[0]!.rows[0]!.ingested_at).toEqual(new Date(NOW));
  });

  it('writes a rejected row with attributes as JSON text', async () => {
    const { s, written } = sinks();
    const out = await ingestMessage(decode('nope', { attributes: { event_type: 'order.placed' } }), 'online_orders', ctx, s);
    expect(out).toMatchObject({ status: 'rejected', reasonCode: 'invalid_json' });
    expect(written[0]!.table).toBe('rejected_events');
    expect(written[0]!.rows[0]!.attributes).toBe('{"event_type":"order.placed"}');
  });

  it('records rows BigQuery refuses as row_error', async () => {
    const { s, written } = sinks(async () => {
      throw new RowErrorsError([{ index: 0, message: 'bad value' }]);
    });
    const out = await ingestMessage(decode(publishedOrder()), 'online_orders', ctx, s);
    expect(out).toMatchObject({ status: 'rejected', reasonCode: 'row_error' });
    expect(written.map((w) => w.table)).toEqual(['rejected_events']);
  });

  it('lets a retryable failure through so the caller answers 5xx', async () => {
    const { s } = sinks(async () => {
      throw new RetryableError('append failed');
    });
    await expect(ingestMessage(decode(publishedOrder()), 'online_orders', ctx, s)).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('unwrapDelivery and the HTTP answers', () => {
  // CloudEvents for Pub/Sub: https://cloud.google.com/eventarc/docs/cloudevents (messagePublished)
  const source = '//pubsub.googleapis.com/projects/p/topics/delivery-events';

  it('reads binary-mode and structured CloudEvents and plain push bodies', () => {
    const body = pushBody(deliveryEvent());
    expect(unwrapDelivery({ headers: { 'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished', 'ce-source': source }, body })).toEqual({ body, topic: 'delivery-events' });
    expect(unwrapDelivery({ headers: {}, body: { specversion: '1.0', type: 'google.cloud.pubsub.topic.v1.messagePublished', source, data: body } })).toEqual({ body, topic: 'delivery-events' });
    expect(unwrapDelivery({ headers: {}, body })).toEqual({ body });
    expect(() => unwrapDelivery({ headers: { 'ce-type': 'google.cloud.storage.object.v1.finalized' }, body })).toThrow(PushFormatError);
  });

  it('answers 204 for recorded events and 400 for what is not a Pub/Sub delivery', async () => {
    const written: RawRow[] = [];
    const sink = { write: async (rows: RawRow[]) => void written.push(...rows) };
    const schemaOf = (name: string) => catalog.tables.find((t) => t.name === name)!.schema;
    const handler = createIngestHttpHandler({
      sinks: { raw: { online_order_events: sink, delivery_events: sink }, rejected: sink, schemas: { online_order_events: schemaOf('online_order_events'), delivery_events: schemaOf('delivery_events'), rejected_events: schemaOf('rejected_events') } },
      piiKey: KEY,
      route,
      log: createLogger('test', { level: 'silent' }),
      now: () => NOW,
    });
    expect(await handler({ headers: {}, body: pushBody(publishedOrder()) })).toEqual({ status: 204 });
    expect(await handler({ headers: {}, body: pushBody('garbage') })).toEqual({ status: 204 });
    expect(written).toHaveLength(2);
    expect((await handler({ headers: {}, body: { hello: 1 } })).status).toBe(400);
    expect((await handler({ headers: {}, body: pushBody({}, { subscription: 'projects/p/subscriptions/unknown' }) })).status).toBe(400);
  });

  it("logs a rejected event under the request's Cloud Trace (X-Cloud-Trace-Context) and never its payload", async () => {
    const lines: string[] = [];
    const sink = { write: async () => undefined };
    const schemaOf = (name: string) => catalog.tables.find((t) => t.name === name)!.schema;
    const handler = createIngestHttpHandler({
      sinks: { raw: { online_order_events: sink, delivery_events: sink }, rejected: sink, schemas: { online_order_events: schemaOf('online_order_events'), delivery_events: schemaOf('delivery_events'), rejected_events: schemaOf('rejected_events') } },
      piiKey: KEY,
      route,
      log: createLogger('test', { level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
      project: 'pizzaflow-prod',
      now: () => NOW,
    });
    const secret = 'not-json-but-private@example.com';
    expect(await handler({ headers: { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' }, body: pushBody(secret) })).toEqual({ status: 204 });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ message: 'event rejected', 'logging.googleapis.com/trace': 'projects/pizzaflow-prod/traces/105445aa7843bc8bf206b12000100000' });
    expect(lines.join('')).not.toContain(secret);
  });
});
