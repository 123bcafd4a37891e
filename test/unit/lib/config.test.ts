import { loadConfig } from '../../../lib/config';
import { ConfigError } from '../../../lib/errors';

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
