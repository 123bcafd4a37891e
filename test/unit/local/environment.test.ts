import { loadConfig } from '../../../functions/runtime/config';
import { localDefaults } from '../../../tools/local/environment';
import { localMerchantKeyRing } from '../../../tools/local/merchant-keys';

describe('local defaults', () => {
  it('fills in what is missing with values loadConfig accepts, and says so', () => {
    const { set, notes } = localDefaults({}, 'pizzaflow-local');
    const config = loadConfig(set);
    expect(config.piiKey).toBeDefined();
    expect(Object.keys(config.apiKeys)).toEqual(['portal']);
    expect(Object.keys(config.webhookSecrets).sort()).toEqual(['dashdrop', 'pedalpost', 'roadrunner']);
    expect(notes.join('\n')).toMatch(/PIZZAFLOW_PII_KEY/);
  });

  it('never replaces what the developer set', () => {
    const { set } = localDefaults({ PIZZAFLOW_PII_KEY: 'my-own-key-0123456789', PIZZAFLOW_API_KEYS: 'web=k1', GOOGLE_CLOUD_PROJECT: 'my-proj-1' }, 'pizzaflow-local');
    expect(set.PIZZAFLOW_PII_KEY).toBeUndefined();
    expect(set.PIZZAFLOW_API_KEYS).toBeUndefined();
    expect(set.GOOGLE_CLOUD_PROJECT).toBeUndefined();
  });

  it('local merchant keys name their merchant and nothing else', () => {
    const ring = localMerchantKeyRing();
    expect(ring.ownerOf('local-m0001')).toBe('m0001');
    expect(ring.ownerOf('m0001')).toBeUndefined();
    expect(ring.ownerOf('local-')).toBeUndefined();
    expect(ring.ownerOf(undefined)).toBeUndefined();
  });
});
