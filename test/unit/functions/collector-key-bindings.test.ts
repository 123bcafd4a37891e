// Every collector API key names the merchants it may publish for: a key without a binding stops the
// collector at start (ConfigError naming the client, never the key), and the handler stays closed.
import { collectorKeyBindings } from '../../../functions/collector/key-bindings';
import { createCollectorHandler, piiPseudonymiser, type OutboundMessage } from '../../../functions/collector/handler';
import { ReplayCache } from '../../../functions/collector/signature';
import { createKeyRing } from '../../../functions/runtime/api-keys';
import { loadConfig } from '../../../functions/runtime/config';
import { ConfigError } from '../../../functions/runtime/errors';
import { orderPlaced } from '../../../contracts/examples';

function refusal(apiKeys: string): ConfigError {
  let error: unknown;
  try {
    collectorKeyBindings(loadConfig({ PIZZAFLOW_API_KEYS: apiKeys }));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('collectorKeyBindings', () => {
  it('returns every client with its merchants when every key is bound', () => {
    expect(collectorKeyBindings(loadConfig({ PIZZAFLOW_API_KEYS: 'shop[m0001|m0002]=secret-shop, hq[*]=secret-hq' }))).toEqual({ shop: ['m0001', 'm0002'], hq: '*' });
    expect(collectorKeyBindings(loadConfig({}))).toEqual({});
  });

  it('refuses a list that binds no key (the older format would leave every key unrestricted)', () => {
    const error = refusal('portal=secret-portal-key,app=secret-app-key');
    expect(error.variable).toBe('PIZZAFLOW_API_KEYS');
    expect(error.message).toBe('PIZZAFLOW_API_KEYS: clients portal, app have no merchant binding; bind every key to the merchants it may publish for: portal[m0001|m0002]=<key>, or portal[*]=<key> for a head office');
  });

  it('refuses one unbound key among bound ones, naming its client and never a key', () => {
    const error = refusal('shop[m0001]=secret-shop-key, web=secret-web-key, hq[*]=secret-hq-key');
    expect(error.message).toMatch(/^PIZZAFLOW_API_KEYS: client web has no merchant binding/);
    for (const key of ['secret-shop-key', 'secret-web-key', 'secret-hq-key']) expect(error.message).not.toContain(key);
  });

  it('refuses a hand-built configuration whose client has no entry or an empty list', () => {
    expect(() => collectorKeyBindings({ apiKeys: { a: 'k1', b: 'k2' }, apiKeyMerchants: { a: ['m1'] }, apiKeysUnbound: false })).toThrow(/client b has no merchant binding/);
    expect(() => collectorKeyBindings({ apiKeys: { a: 'k1' }, apiKeyMerchants: { a: [] }, apiKeysUnbound: false })).toThrow(/client a has no merchant binding/);
  });
});

describe('collector handler: a key bound to no merchant', () => {
  it('answers 403 before reading the body, naming the missing binding, and publishes nothing', async () => {
    const published: OutboundMessage[][] = [];
    const handle = createCollectorHandler({
      apiKeys: createKeyRing({ shop: 'shop-key', stray: 'stray-key' }),
      pseudonymise: piiPseudonymiser('key-bindings-test-pii-key-0123'),
      merchantScopes: { shop: ['m0001'], stray: [] },
      webhookSecrets: {},
      publisher: {
        async publish(_topic, messages) {
          published.push(messages);
          return messages.map((_, i) => String(i));
        },
      },
      replayCache: new ReplayCache(),
    });
    let reads = 0;
    const body = JSON.stringify({ events: [orderPlaced()] });
    const read = async () => {
      reads++;
      return { ok: true as const, body: Buffer.from(body) };
    };
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'stray-key', 'content-type': 'application/json' }, body: read });
    expect(res).toMatchObject({ status: 403, unread: true, body: { error: 'forbidden', field: 'merchant_id', message: 'this API key is bound to no merchant, so it may publish for none' } });
    expect(reads).toBe(0);
    expect((await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'shop-key', 'content-type': 'application/json' }, body: read })).status).toBe(202);
    expect(published).toHaveLength(1);
  });
});
