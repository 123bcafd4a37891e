import { createKeyRing } from '../../../functions/runtime/api-keys';
import { createCollectorHandler, piiPseudonymiser, type CollectorRequest, type OutboundMessage, type Publisher } from '../../../functions/collector/handler';
import { ReplayCache, signWebhook, verifyWebhookSignature } from '../../../functions/collector/signature';
import { deliveryEvent, orderPlaced, orderPlacedV2, orderUpdated } from '../../../contracts/examples';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { isPseudonym, PiiKeyError, pseudonymise, pseudonymiseRecord } from '../../../contracts/pii';
import { decideIngest } from '../../../functions/ingest/decision';

const NOW = Date.parse('2026-11-23T18:31:00Z');
const SECRET = 'dashdrop-secret-0123456789';
const PII_KEY = 'collector-test-pii-key-0123';
const pseudonymiseEvents = piiPseudonymiser(PII_KEY);

function fakePublisher(fail = false): Publisher & { calls: { topic: string; messages: OutboundMessage[] }[] } {
  const calls: { topic: string; messages: OutboundMessage[] }[] = [];
  return {
    calls,
    async publish(topic, messages) {
      if (fail) throw new Error('UNAVAILABLE: pubsub down');
      calls.push({ topic, messages });
      return messages.map((_, i) => String(i + 1));
    },
  };
}

function setup(fail = false) {
  const publisher = fakePublisher(fail);
  const errors: unknown[] = [];
  const handle = createCollectorHandler({
    apiKeys: createKeyRing({ portal: 'portal-key-1', app: 'app-key-2' }),
    pseudonymise: pseudonymiseEvents,
    webhookSecrets: { dashdrop: SECRET },
    publisher,
    replayCache: new ReplayCache(),
    now: () => NOW,
    onError: (err) => errors.push(err),
  });
  return { handle, publisher, errors };
}

const orderReq = (body: unknown, key: string | null = 'portal-key-1'): CollectorRequest => ({
  method: 'POST',
  path: '/v1/orders/events',
  headers: key ? { 'x-api-key': key } : {},
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

function webhookReq(body: unknown, ts = Math.floor(NOW / 1000), secret = SECRET, provider = 'dashdrop'): CollectorRequest {
  const raw = Buffer.from(JSON.stringify(body));
  return { method: 'POST', path: `/v1/providers/${provider}/webhooks`, headers: { 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': signWebhook(secret, ts, raw) }, body: raw };
}

describe('collector: online order events', () => {
  it('publishes a valid batch with order id as ordering key and answers 202 with the accepted ids', async () => {
    const { handle, publisher } = setup();
    const res = await handle(orderReq({ events: [orderPlaced(), orderUpdated()] }));
    expect(res).toEqual({ status: 202, body: { accepted: ['evt-0001', 'evt-0002'] } });
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.calls[0]!.topic).toBe('online-orders');
    const m = publisher.calls[0]!.messages[0]!;
    expect(m.orderingKey).toBe('o-s0001-000001');
    expect(m.attributes).toEqual({ event_type: 'order.placed', schema_version: '1', source: 'client:portal' });
    expect(JSON.parse(m.data.toString())).toEqual(pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), PII_KEY));
    expect(JSON.parse(publisher.calls[0]!.messages[1]!.data.toString())).toEqual(orderUpdated());
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const { handle, publisher } = setup();
    expect((await handle(orderReq({ events: [orderPlaced()] }, null))).status).toBe(401);
    expect((await handle(orderReq({ events: [orderPlaced()] }, 'nope'))).status).toBe(401);
    expect(publisher.calls).toHaveLength(0);
  });

  it('answers 400 with per-event errors naming the field, and publishes nothing of the batch', async () => {
    const { handle, publisher } = setup();
    const bad = { ...orderPlaced(), event_id: 'evt-bad', channel: 'fax' };
    const res = await handle(orderReq({ events: [orderPlaced(), bad] }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ index: 1, event_id: 'evt-bad', field_path: 'channel', reason: expect.stringContaining('channel') }]);
    expect(publisher.calls).toHaveLength(0);
  });

  it('publishes schema_version 2 events with the delivery note pseudonymised, and refuses version 3 naming the versions accepted', async () => {
    const { handle, publisher } = setup();
    const res = await handle(orderReq({ events: [orderPlacedV2(), orderPlaced()] }));
    expect(res).toEqual({ status: 202, body: { accepted: ['evt-0001-v2', 'evt-0001'] } });
    const m = publisher.calls[0]!.messages[0]!;
    expect(m.attributes.schema_version).toBe('2');
    const published = JSON.parse(m.data.toString()) as Record<string, unknown>;
    expect(published.service_fee_cents).toBe(116);
    expect(published.delivery_note).toBe(pseudonymise('Ring the bell twice, Ada', PII_KEY));
    expect(m.data.toString()).not.toContain('Ring the bell');

    const refused = await handle(orderReq({ events: [orderPlaced(), { ...orderUpdated(), event_id: 'evt-v3', schema_version: 3 }] }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ index: 1, event_id: 'evt-v3', field_path: 'schema_version', reason: 'schema_version 3 is not supported; accepted: 1, 2', code: 'unsupported_schema_version' }]);
    const delivery = await handle(webhookReq({ ...deliveryEvent(), schema_version: 2 }));
    expect(delivery.body.errors).toEqual([expect.objectContaining({ reason: 'schema_version 2 is not supported; accepted: 1', code: 'unsupported_schema_version' })]);
    expect(publisher.calls).toHaveLength(1);
  });

  it('answers 400 for invalid JSON or an empty batch', async () => {
    const { handle } = setup();
    expect((await handle(orderReq('{nope'))).status).toBe(400);
    expect((await handle(orderReq({ events: [] }))).status).toBe(400);
  });

  it('answers 413 over 1,000 events or over the body limit', async () => {
    const { handle } = setup();
    const many = Array.from({ length: 1001 }, () => orderUpdated());
    expect((await handle(orderReq({ events: many }))).status).toBe(413);
    const small = createCollectorHandler({ apiKeys: createKeyRing({ a: 'k' }), pseudonymise: pseudonymiseEvents, webhookSecrets: {}, publisher: fakePublisher(), replayCache: new ReplayCache(), maxBodyBytes: 100 });
    expect((await small(orderReq({ events: [orderPlaced()] }, 'k'))).status).toBe(413);
  });

  it('answers 503 without internal detail when publishing fails', async () => {
    const { handle, errors } = setup(true);
    const res = await handle(orderReq({ events: [orderPlaced()] }));
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).not.toContain('pubsub down');
    expect(errors).toHaveLength(1);
  });

  it('answers 404 and 405 for other routes and methods', async () => {
    const { handle } = setup();
    expect((await handle({ ...orderReq({}), path: '/v1/other' })).status).toBe(404);
    expect((await handle({ ...orderReq({}), method: 'GET' })).status).toBe(405);
  });
});

describe('collector: no plain PII leaves it', () => {
  const plain = orderPlaced();
  if (plain.event_type !== 'order.placed') throw new Error('fixture changed');
  const values = [plain.customer.name, plain.customer.email, plain.customer.phone, plain.delivery_address!.line1];

  it('publishes every PII field of an order as its pii1_ token, and no plain e-mail, phone, name or street', async () => {
    const { handle, publisher } = setup();
    expect((await handle(orderReq({ events: [plain] }))).status).toBe(202);
    const data = publisher.calls[0]!.messages[0]!.data.toString();
    for (const value of values) expect(data).not.toContain(value);
    expect(data).not.toMatch(/@example\.com|555-0100/);
    const published = JSON.parse(data) as { customer: Record<string, string>; delivery_address: Record<string, string> };
    expect([published.customer.name, published.customer.email, published.customer.phone, published.delivery_address.line1].every(isPseudonym)).toBe(true);
    // The tokens ingest made before the collector did, so joins across time still work.
    expect(published.customer.email).toBe(pseudonymise('ada@example.com', PII_KEY, 'email'));
    expect(published.customer.phone).toBe(pseudonymise('+1 (312) 555-0100', PII_KEY, 'phone'));
    // Everything else is published as sent.
    expect(published.delivery_address.city).toBe('Chicago');
    expect(published.customer.customer_id).toBe('c-42');
  });

  it('publishes messages that ingest accepts into raw with the same tokens', async () => {
    const { handle, publisher } = setup();
    await handle(orderReq({ events: [plain] }));
    const m = publisher.calls[0]!.messages[0]!;
    const msg = { messageId: 'm-1', publishTime: '2026-11-23T18:31:00Z', data: m.data, attributes: m.attributes, orderingKey: m.orderingKey, subscription: 'projects/p/subscriptions/online-orders-ingest', deliveryAttempt: 1 };
    const decision = decideIngest(msg, 'online_orders', { piiKey: PII_KEY, nowMs: NOW });
    expect(decision).toMatchObject({ kind: 'raw', row: { customer: { email: pseudonymise('ada@example.com', PII_KEY, 'email') } } });
  });

  it('keeps a token a client already sent (a resent, already pseudonymised event)', async () => {
    const { handle, publisher } = setup();
    const tokenised = pseudonymiseRecord(plain, piiPaths(onlineOrderEvent), PII_KEY);
    expect((await handle(orderReq({ events: [tokenised] }))).status).toBe(202);
    expect(JSON.parse(publisher.calls[0]!.messages[0]!.data.toString())).toEqual(tokenised);
  });

  it('refuses a key too short to pseudonymise with when it is wired, not on the first event', () => {
    expect(() => piiPseudonymiser('short')).toThrow(PiiKeyError);
  });

  it('publishes a delivery webhook, which has no PII field, byte for byte as parsed', async () => {
    const { handle, publisher } = setup();
    await handle(webhookReq(deliveryEvent()));
    expect(JSON.parse(publisher.calls[0]!.messages[0]!.data.toString())).toEqual(deliveryEvent());
  });
});

describe('collector: provider webhooks (HMAC-SHA256 over timestamp.body)', () => {
  it('accepts a signed event and publishes it to delivery-events', async () => {
    const { handle, publisher } = setup();
    const res = await handle(webhookReq(deliveryEvent()));
    expect(res).toEqual({ status: 202, body: { accepted: ['dlv-0001'] } });
    expect(publisher.calls[0]!.topic).toBe('delivery-events');
    expect(publisher.calls[0]!.messages[0]!.attributes).toEqual({ event_type: 'delivery.delivered', schema_version: '1', source: 'provider:dashdrop' });
    expect(publisher.calls[0]!.messages[0]!.orderingKey).toBe('o-s0001-000001');
  });

  it('refuses a replayed signature, a stale timestamp, a wrong secret and an unknown provider', async () => {
    const { handle } = setup();
    const req = webhookReq(deliveryEvent());
    expect((await handle(req)).status).toBe(202);
    expect(await handle(req)).toMatchObject({ status: 401, body: { message: 'signature already used' } });
    expect((await handle(webhookReq(deliveryEvent(), Math.floor(NOW / 1000) - 301))).status).toBe(401);
    expect((await handle(webhookReq(deliveryEvent(), undefined, 'wrong-secret-0123456789'))).status).toBe(401);
    expect((await handle(webhookReq(deliveryEvent(), undefined, SECRET, 'roadrunner'))).status).toBe(401);
  });

  it('lets the provider retry the same signed delivery after a 503', async () => {
    const publisher = fakePublisher(true);
    const cache = new ReplayCache();
    const deps = { apiKeys: createKeyRing({}), pseudonymise: pseudonymiseEvents, webhookSecrets: { dashdrop: SECRET }, replayCache: cache, now: () => NOW };
    const req = webhookReq(deliveryEvent());
    expect((await createCollectorHandler({ ...deps, publisher })(req)).status).toBe(503);
    expect((await createCollectorHandler({ ...deps, publisher: fakePublisher() })(req)).status).toBe(202);
  });

  it('answers 400 when the event names another provider than the URL', async () => {
    const { handle } = setup();
    const res = await handle(webhookReq({ ...deliveryEvent(), provider: 'roadrunner' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field_path: 'provider' })]);
  });

  it('verifyWebhookSignature accepts any of several signatures (secret rotation)', () => {
    const body = Buffer.from('{}');
    const ts = Math.floor(NOW / 1000);
    const signature = `${signWebhook('old-secret-xxxxxxxxxxxx', ts, body)}, ${signWebhook(SECRET, ts, body)}`;
    expect(verifyWebhookSignature({ secret: SECRET, timestamp: String(ts), signature, body, nowMs: NOW }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: SECRET, timestamp: 'abc', signature, body, nowMs: NOW })).toEqual({ ok: false, reason: 'missing or malformed timestamp' });
  });
});

describe('ReplayCache', () => {
  it('forgets entries after their TTL', () => {
    const c = new ReplayCache(1000);
    expect(c.reserve('a', 0)).toBe(true);
    expect(c.reserve('a', 500)).toBe(false);
    expect(c.reserve('a', 1500)).toBe(true);
    expect(c.reserve('b', 3000)).toBe(true);
    expect(c.size).toBe(1);
  });
});
