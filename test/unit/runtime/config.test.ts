import { loadConfig } from '../../../functions/runtime/config';
import { ConfigError } from '../../../functions/runtime/errors';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.project).toBe('pizzaflow-local');
    expect(c.location).toBe('US');
    expect(c.emulators).toEqual({ pubsub: undefined, storage: undefined, bigquery: undefined });
  });

  it('reads the standard emulator variables', () => {
    const c = loadConfig({ PUBSUB_EMULATOR_HOST: 'localhost:8085', STORAGE_EMULATOR_HOST: 'http://localhost:4443', GOOGLE_CLOUD_PROJECT: 'pizza-dev-1' });
    expect(c.emulators.pubsub).toBe('localhost:8085');
    expect(c.emulators.storage).toBe('http://localhost:4443');
    expect(c.project).toBe('pizza-dev-1');
  });

  it('requires the scheme in BIGQUERY_EMULATOR_HOST, which the client uses verbatim', () => {
    expect(loadConfig({ BIGQUERY_EMULATOR_HOST: 'http://localhost:9050' }).emulators.bigquery).toBe('http://localhost:9050');
    expect(() => loadConfig({ BIGQUERY_EMULATOR_HOST: 'localhost:9050' })).toThrow(/BIGQUERY_EMULATOR_HOST: expected http:\/\/host:port/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ GOOGLE_CLOUD_PROJECT: 'Bad_Project' })).toThrow(ConfigError);
    try {
      loadConfig({ PUBSUB_EMULATOR_HOST: 'not a host' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('PUBSUB_EMULATOR_HOST');
    }
  });
});

describe('loadConfig: functions settings', () => {
  it('parses API keys and webhook secrets as name=value lists', () => {
    const c = loadConfig({ PIZZAFLOW_API_KEYS: 'portal=k1, app=k=2', PIZZAFLOW_WEBHOOK_SECRETS: 'dashdrop=s3cr3t' });
    expect(c.apiKeys).toEqual({ portal: 'k1', app: 'k=2' });
    expect(c.webhookSecrets).toEqual({ dashdrop: 's3cr3t' });
    expect(c.webhookToleranceSeconds).toBe(300);
    expect(loadConfig({}).apiKeys).toEqual({});
  });

  it('binds collector API keys to merchants: client[m1|m2]=key, hq[*]=key; unbound clients may publish for none', () => {
    const c = loadConfig({ PIZZAFLOW_API_KEYS: 'shop[m0001|m0002]=k1, hq[*]=k[2], web=k3' });
    expect(c.apiKeys).toEqual({ shop: 'k1', hq: 'k[2]', web: 'k3' });
    expect(c.apiKeyMerchants).toEqual({ shop: ['m0001', 'm0002'], hq: '*', web: [] });
    expect(c.apiKeysUnbound).toBe(false);
    expect(loadConfig({ PIZZAFLOW_API_KEYS: 'one[ m0001 ]=k' }).apiKeyMerchants).toEqual({ one: ['m0001'] });
  });

  it('keeps a list without any binding (the older format) unrestricted, and says so', () => {
    const c = loadConfig({ PIZZAFLOW_API_KEYS: 'portal=k1,app=k2' });
    expect(c.apiKeyMerchants).toEqual({ portal: '*', app: '*' });
    expect(c.apiKeysUnbound).toBe(true);
    expect(loadConfig({}).apiKeysUnbound).toBe(false);
  });

  it('names a malformed merchant binding without echoing the keys', () => {
    for (const bad of ['shop[]=k1', 'shop[m1|]=k1', 'shop[m 1]=k1', 'shop[*|m1]=k1', 'shop[m1=k1']) {
      let err: unknown;
      try {
        loadConfig({ PIZZAFLOW_API_KEYS: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/^PIZZAFLOW_API_KEYS: expected client=key or client\[m0001\|m0002\]=key/);
      expect((err as Error).message).not.toContain('k1');
    }
  });

  it('names a malformed list, tolerance or Storage Write endpoint', () => {
    expect(() => loadConfig({ PIZZAFLOW_API_KEYS: 'no-equals-sign' })).toThrow(/PIZZAFLOW_API_KEYS: expected client=key/);
    expect(() => loadConfig({ PIZZAFLOW_WEBHOOK_TOLERANCE_SECONDS: '0' })).toThrow(/PIZZAFLOW_WEBHOOK_TOLERANCE_SECONDS/);
    expect(() => loadConfig({ BIGQUERY_STORAGE_EMULATOR_HOST: 'nope' })).toThrow(/BIGQUERY_STORAGE_EMULATOR_HOST/);
    expect(loadConfig({ BIGQUERY_STORAGE_EMULATOR_HOST: 'localhost:9060' }).emulators.bigqueryStorage).toBe('localhost:9060');
  });

  it('reads the append deadline of ingest in whole seconds (default 60)', () => {
    expect(loadConfig({}).appendTimeoutSeconds).toBe(60);
    expect(loadConfig({ PIZZAFLOW_APPEND_TIMEOUT_SECONDS: '2' }).appendTimeoutSeconds).toBe(2);
    expect(() => loadConfig({ PIZZAFLOW_APPEND_TIMEOUT_SECONDS: '0' })).toThrow(/PIZZAFLOW_APPEND_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ PIZZAFLOW_APPEND_TIMEOUT_SECONDS: '1.5' })).toThrow(/PIZZAFLOW_APPEND_TIMEOUT_SECONDS/);
  });

  it('reads the functions base URL', () => {
    expect(loadConfig({ PIZZAFLOW_FUNCTIONS_URL: 'http://localhost:8080' }).functionsUrl).toBe('http://localhost:8080');
    expect(() => loadConfig({ PIZZAFLOW_FUNCTIONS_URL: 'ftp://x' })).toThrow(/PIZZAFLOW_FUNCTIONS_URL/);
  });
});

describe('loadConfig: merchant metrics API', () => {
  it('reads one API key per merchant', () => {
    expect(loadConfig({ PIZZAFLOW_MERCHANT_API_KEYS: 'm0001=k-one, m0002=k-two' }).merchantApiKeys).toEqual({ m0001: 'k-one', m0002: 'k-two' });
    expect(loadConfig({}).merchantApiKeys).toEqual({});
    expect(() => loadConfig({ PIZZAFLOW_MERCHANT_API_KEYS: 'm0001' })).toThrow(/PIZZAFLOW_MERCHANT_API_KEYS: expected merchant=key/);
  });
});
