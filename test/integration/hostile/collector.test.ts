// Hostile requests against the collector as deployed: the functions framework's CLI serving the
// bundled entry point in a child process (collector-process.ts), a Pub/Sub emulator behind it.
// Asserts status, JSON body, bounded memory and that nothing secret or personal reaches the logs.
import { PubSub } from '@google-cloud/pubsub';
import { createGzip } from 'node:zlib';
import { startPubsub, type PubsubEmulator } from '@pizzaflow/emulators';
import { deliveryEvent, orderPlaced } from '../../../contracts/examples';
import { signWebhook } from '../../../functions/collector/signature';
import { bundleCollector, rssOf, send, startCollectorProcess, type CollectorProcess } from '../../../tools/testing/collector-process';

jest.setTimeout(120_000);

const PROJECT = 'pizzaflow-hostile';
const PORTAL_KEY = 'hostile-portal-key-0001';
const SHOP_KEY = 'hostile-shop-key-0002';
const HQ_KEY = 'hostile-hq-key-0003';
const SECRET = 'hostile-dashdrop-secret-0123';
const PII_MARKER = 'pii-marker-jane.doe@example.com';
const PII_KEY = 'hostile-pii-key-0123456789';

/** A gzip body inflating to `inflatedBytes` of zeros (about 1/1000 of that on the wire). */
async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => gzip.on('end', () => resolve()));
  const zeros = Buffer.alloc(1 << 20);
  for (let written = 0; written < inflatedBytes; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

let pubsubEmu: PubsubEmulator;
let pubsub: PubSub;
let collector: CollectorProcess;

/** Every message the tap subscription receives within `ms` (acknowledged). */
async function pullAll(subscription: string, ms = 1_500): Promise<unknown[]> {
  const sub = pubsub.subscription(subscription);
  const got: unknown[] = [];
  sub.on('message', (m: { data: Buffer; ack(): void }) => {
    got.push(JSON.parse(m.data.toString('utf8')));
    m.ack();
  });
  await new Promise((r) => setTimeout(r, ms));
  await sub.close();
  return got;
}

beforeAll(async () => {
  pubsubEmu = await startPubsub({ port: 0, project: PROJECT, logLevel: 'silent' });
  pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: pubsubEmu.url });
  for (const name of ['online-orders', 'delivery-events']) {
    const [topic] = await pubsub.createTopic(name);
    await topic.createSubscription(`${name}-tap`);
  }
  collector = await startCollectorProcess(await bundleCollector(), {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    PUBSUB_EMULATOR_HOST: pubsubEmu.url.replace(/^https?:\/\//, ''),
    PIZZAFLOW_API_KEYS: `portal[m0001]=${PORTAL_KEY},shop[m0002|m0003]=${SHOP_KEY},hq[*]=${HQ_KEY}`,
    PIZZAFLOW_WEBHOOK_SECRETS: `dashdrop=${SECRET}`,
    PIZZAFLOW_PII_KEY: PII_KEY,
    LOG_LEVEL: 'debug',
  });
});

afterAll(async () => {
  await collector?.close();
  await pubsub?.close();
  await pubsubEmu?.close();
});

afterEach(() => {
  // Nothing secret or personal is ever logged, whatever the request.
  const logged = collector.output();
  for (const secret of [PORTAL_KEY, SHOP_KEY, HQ_KEY, SECRET, PII_KEY, PII_MARKER]) expect(logged).not.toContain(secret);
});

const ORDERS = '/v1/orders/events';
const json = { 'content-type': 'application/json' };

function expectJsonError(res: { status: number; headers: Record<string, unknown>; text: string }, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.text).not.toMatch(/<html|<pre|at .*\.js:\d+/i);
  expect(JSON.parse(res.text)).toMatchObject({ error });
}

describe('collector under hostile requests (functions framework CLI, child process)', () => {
  it('refuses a gzip bomb without an API key with 401, before inflating or buffering it', async () => {
    const bomb = await gzipBomb(256 * 1024 * 1024);
    const before = rssOf(collector.pid);
    const started = performance.now();
    const res = await send(collector.url, { path: ORDERS, headers: { ...json, 'content-encoding': 'gzip', 'content-length': String(bomb.length) }, body: bomb });
    const elapsed = performance.now() - started;
    expectJsonError(res, 401, 'unauthenticated');
    expect(elapsed).toBeLessThan(2_000);
    expect(rssOf(collector.pid) - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a compressed body from a valid key with 415 and never inflates it', async () => {
    const bomb = await gzipBomb(64 * 1024 * 1024);
    const before = rssOf(collector.pid);
    const res = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': PORTAL_KEY, 'content-encoding': 'gzip' }, body: bomb });
    expectJsonError(res, 415, 'unsupported_encoding');
    expect(rssOf(collector.pid) - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a 32 MiB body with 413, from its Content-Length or, chunked, once 10 MB were read', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024, 0x20);
    const declared = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': PORTAL_KEY, 'content-length': String(big.length) }, body: big });
    expectJsonError(declared, 413, 'too_large');
    const before = rssOf(collector.pid);
    const chunked = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': PORTAL_KEY, 'transfer-encoding': 'chunked' }, body: big });
    expectJsonError(chunked, 413, 'too_large');
    expect(rssOf(collector.pid) - before).toBeLessThan(48 * 1024 * 1024);
  });

  it('answers malformed JSON with its own JSON 400, never the framework HTML page (NODE_ENV unset)', async () => {
    const res = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': PORTAL_KEY }, body: Buffer.from(`{"events": [{"email": "${PII_MARKER}"`) });
    expectJsonError(res, 400, 'bad_request');
    const form = await send(collector.url, { path: ORDERS, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': PORTAL_KEY }, body: Buffer.from('a[b]=1&a[c]=2') });
    expectJsonError(form, 400, 'bad_request');
  });

  it('refuses a webhook without plausible timestamp and signature headers before reading its body', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 0x20);
    const noHeaders = await send(collector.url, { path: '/v1/providers/dashdrop/webhooks', headers: json, body: big });
    expectJsonError(noHeaders, 401, 'unauthenticated');
    const stale = await send(collector.url, { path: '/v1/providers/dashdrop/webhooks', headers: { ...json, 'x-pizzaflow-timestamp': '1000', 'x-pizzaflow-signature': `v1=${'0'.repeat(64)}` }, body: big });
    expectJsonError(stale, 401, 'unauthenticated');
    const unknown = await send(collector.url, { path: '/v1/providers/nobody/webhooks', headers: json, body: big });
    expectJsonError(unknown, 401, 'unauthenticated');
  });

  it('accepts a signed webhook, reading its body to check the HMAC', async () => {
    const raw = Buffer.from(JSON.stringify(deliveryEvent()));
    const ts = Math.floor(Date.now() / 1000);
    const res = await send(collector.url, { path: '/v1/providers/dashdrop/webhooks', headers: { ...json, 'x-pizzaflow-timestamp': String(ts), 'x-pizzaflow-signature': signWebhook(SECRET, ts, raw) }, body: raw });
    expect(res.status).toBe(202);
  });
});

describe('collector tenancy: API keys bound to merchants (PIZZAFLOW_API_KEYS client[m1|m2]=key)', () => {
  it('accepts events for the merchants a key is bound to, and any merchant for a [*] key', async () => {
    const own = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': PORTAL_KEY }, body: Buffer.from(JSON.stringify({ events: [({ ...orderPlaced(), event_id: 'evt-own', merchant_id: 'm0001' })] })) });
    expect(own.status).toBe(202);
    expect(own.json()).toEqual({ accepted: ['evt-own'] });
    const hq = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': HQ_KEY }, body: Buffer.from(JSON.stringify({ events: [({ ...orderPlaced(), event_id: 'evt-hq', merchant_id: 'm0042' })] })) });
    expect(hq.status).toBe(202);
    const published = await pullAll('online-orders-tap');
    expect(published.map((e) => (e as { event_id: string }).event_id).sort()).toEqual(['evt-hq', 'evt-own']);
    // Published pseudonymised: no plain e-mail or phone in Pub/Sub.
    expect(JSON.stringify(published)).not.toMatch(/ada@example\.com|555-0100/);
    expect(published.map((e) => (e as { customer: { email: string } }).customer.email)).toEqual([expect.stringMatching(/^pii1_[0-9a-f]{64}$/), expect.stringMatching(/^pii1_[0-9a-f]{64}$/)]);
  });

  it("answers 403 naming merchant_id for another merchant's event, and publishes nothing of the batch", async () => {
    const events = [({ ...orderPlaced(), event_id: 'evt-mine', merchant_id: 'm0002' }), ({ ...orderPlaced(), event_id: 'evt-theirs', merchant_id: 'm0001' })];
    const res = await send(collector.url, { path: ORDERS, headers: { ...json, 'x-api-key': SHOP_KEY }, body: Buffer.from(JSON.stringify({ events })) });
    expectJsonError(res, 403, 'forbidden');
    const body = res.json();
    expect(body.field).toBe('merchant_id');
    expect(body.errors).toEqual([{ index: 1, event_id: 'evt-theirs', field_path: 'merchant_id', reason: expect.stringContaining('merchant_id') }]);
    expect(await pullAll('online-orders-tap')).toEqual([]);
  });
});
