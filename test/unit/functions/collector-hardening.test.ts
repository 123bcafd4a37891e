// The collector's checks that need no body: credentials, encoding and length come first, and the
// body reader is called only after them, with the cap; merchant bindings of API keys.
import { Readable } from 'node:stream';
import { createKeyRing } from '../../../functions/runtime/api-keys';
import { createCollectorHandler, piiPseudonymiser, type CollectorRequest, type OutboundMessage, type Publisher } from '../../../functions/collector/handler';
import { readCappedBody, type BodyRead } from '../../../functions/collector/body';
import { ReplayCache, signWebhook } from '../../../functions/collector/signature';
import { deliveryEvent, orderPlaced } from '../../../contracts/examples';

const NOW = Date.parse('2026-11-23T18:31:00Z');
const SECRET = 'dashdrop-secret-0123456789';

function setup(merchantScopes?: Record<string, '*' | string[]>) {
  const calls: OutboundMessage[][] = [];
  const publisher: Publisher = {
    async publish(_topic, messages) {
      calls.push(messages);
      return messages.map((_, i) => String(i));
    },
  };
  const handle = createCollectorHandler({
    apiKeys: createKeyRing({ shop: 'shop-key', hq: 'hq-key', stray: 'stray-key' }),
    pseudonymise: piiPseudonymiser('hardening-test-pii-key-0123'),
    merchantScopes,
    webhookSecrets: { dashdrop: SECRET },
    publisher,
    replayCache: new ReplayCache(),
    now: () => NOW,
    maxBodyBytes: 4000,
  });
  return { handle, calls };
}

/** A body reader that records whether (and with which cap) the handler called it. */
function spyBody(body: Buffer | string): { read: (max: number) => Promise<BodyRead>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    read: async (max) => {
      calls.push(max);
      return readCappedBody(Readable.from([Buffer.from(body)]), max);
    },
  };
}

const events = (...merchants: string[]) => JSON.stringify({ events: merchants.map((m, i) => ({ ...orderPlaced(), event_id: `evt-${i}`, merchant_id: m })) });

describe('collector: nothing is read before the headers pass', () => {
  it('answers 401 for a missing key without calling the body reader', async () => {
    const { handle } = setup();
    const spy = spyBody(events('m0001'));
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'content-encoding': 'gzip' }, body: spy.read });
    expect(res.status).toBe(401);
    expect(res.unread).toBe(true);
    expect(spy.calls).toEqual([]);
  });

  it('answers 415 for any Content-Encoding but identity, and 413 for a declared length over the cap, unread', async () => {
    const { handle } = setup();
    for (const encoding of ['gzip', 'deflate', 'br', 'zstd', 'gzip, identity']) {
      const spy = spyBody(events('m0001'));
      const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'shop-key', 'content-encoding': encoding }, body: spy.read });
      expect(res).toMatchObject({ status: 415, body: { error: 'unsupported_encoding' }, unread: true });
      expect(spy.calls).toEqual([]);
    }
    const spy = spyBody('x');
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'shop-key', 'content-length': '4001' }, body: spy.read });
    expect(res).toMatchObject({ status: 413, body: { error: 'too_large' } });
    expect(spy.calls).toEqual([]);
  });

  it('reads with the cap once authenticated and answers 413 past it', async () => {
    const { handle } = setup();
    const spy = spyBody('x'.repeat(4001));
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'shop-key', 'content-encoding': 'identity' }, body: spy.read });
    expect(res.status).toBe(413);
    expect(spy.calls).toEqual([4000]);
  });

  it('checks a webhook timestamp and signature format before reading, the HMAC after', async () => {
    const { handle, calls } = setup();
    const raw = JSON.stringify(deliveryEvent());
    const ts = Math.floor(NOW / 1000);
    const webhook = (headers: Record<string, string>, spy = spyBody(raw)): Promise<Record<string, unknown>> =>
      handle({ method: 'POST', path: '/v1/providers/dashdrop/webhooks', headers, body: spy.read }).then((r) => ({ ...r, reads: spy.calls.length }));
    expect(await webhook({})).toMatchObject({ status: 401, reads: 0 });
    expect(await webhook({ 'x-pizzaflow-timestamp': String(ts - 3600), 'x-pizzaflow-signature': signWebhook(SECRET, ts - 3600, raw) })).toMatchObject({ status: 401, reads: 0 });
    expect(await webhook({ 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': 'v1=short' })).toMatchObject({ status: 401, reads: 0 });
    expect(await webhook({ 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': signWebhook('wrong-secret', ts, raw) })).toMatchObject({ status: 401, reads: 1 });
    expect(await webhook({ 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': signWebhook(SECRET, ts, raw) })).toMatchObject({ status: 202, reads: 1 });
    expect(calls).toHaveLength(1);
  });
});

describe('collector: API keys bound to merchants', () => {
  const post = (key: string, body: string): CollectorRequest => ({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': key }, body: Buffer.from(body) });

  it('accepts events for bound merchants and any merchant for *', async () => {
    const { handle, calls } = setup({ shop: ['m0001', 'm0002'], hq: '*' });
    expect((await handle(post('shop-key', events('m0001', 'm0002')))).status).toBe(202);
    expect((await handle(post('hq-key', events('m0099')))).status).toBe(202);
    expect(calls).toHaveLength(2);
  });

  it('answers 403 naming merchant_id for any event outside the binding, and publishes nothing', async () => {
    const { handle, calls } = setup({ shop: ['m0001'], hq: '*' });
    const res = await handle(post('shop-key', events('m0001', 'm0002')));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', field: 'merchant_id' });
    expect(res.body.errors).toEqual([{ index: 1, event_id: 'evt-1', field_path: 'merchant_id', reason: expect.stringContaining('m0002') }]);
    expect(calls).toHaveLength(0);
  });

  it('denies a client without a binding once bindings are configured', async () => {
    const { handle, calls } = setup({ shop: ['m0001'] });
    expect((await handle(post('stray-key', events('m0001')))).status).toBe(403);
    expect(calls).toHaveLength(0);
  });
});

describe('readCappedBody', () => {
  it('stops at the cap without keeping what it read', async () => {
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(1024));
    expect(await readCappedBody(Readable.from(chunks), 10 * 1024)).toEqual({ ok: false, reason: 'too_large' });
    const ok = await readCappedBody(Readable.from(chunks), 100 * 1024);
    expect(ok.ok && ok.body.length).toBe(100 * 1024);
  });
});
