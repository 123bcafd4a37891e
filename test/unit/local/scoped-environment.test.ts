// The local functions host runs every function in one process; each request still sees only the
// environment its function declares, over the platform's own variables (the emulators' hosts).
import { loadConfig } from '../../../functions/runtime/config';
import { functionEnvironment, withEnvironment } from '../../../functions/runtime/environment';
import { scopedEnvironment } from '../../../tools/local/functions-host';

const declared = {
  collector: { PIZZAFLOW_API_KEYS: 'portal[*]=k', PIZZAFLOW_PII_KEY: 'pii-key-0123456789' },
  ingest: { PIZZAFLOW_PII_KEY: 'pii-key-0123456789', PIZZAFLOW_REDIS_URL: 'redis://127.0.0.1:6390' },
};
const base = { PUBSUB_EMULATOR_HOST: 'localhost:8085', PIZZAFLOW_API_KEYS: 'portal[*]=k', PIZZAFLOW_REDIS_URL: 'redis://127.0.0.1:6390', PIZZAFLOW_POS_MAX_FILES_PER_RUN: '10' };

test("a function gets its own declared variables and the platform's, never a variable only another function declares", () => {
  expect(scopedEnvironment('collector', declared, base)).toEqual({ PUBSUB_EMULATOR_HOST: 'localhost:8085', PIZZAFLOW_POS_MAX_FILES_PER_RUN: '10', ...declared.collector });
  expect(scopedEnvironment('ingest', declared, base)).toEqual({ PUBSUB_EMULATOR_HOST: 'localhost:8085', PIZZAFLOW_POS_MAX_FILES_PER_RUN: '10', ...declared.ingest });
  expect(scopedEnvironment('pos-loader', declared, base)).toEqual({ PUBSUB_EMULATOR_HOST: 'localhost:8085', PIZZAFLOW_POS_MAX_FILES_PER_RUN: '10' });
});

test('loadConfig reads the scoped environment through every await, and process.env outside any scope', async () => {
  const inScope = await withEnvironment(scopedEnvironment('collector', declared, base), async () => {
    await new Promise((r) => setTimeout(r, 1));
    return loadConfig();
  });
  expect(inScope.servingStore).toBeUndefined();
  expect(Object.keys(inScope.apiKeys)).toEqual(['portal']);
  const ingest = withEnvironment(scopedEnvironment('ingest', declared, base), () => loadConfig());
  expect(ingest.servingStore?.url).toBe('redis://127.0.0.1:6390');
  expect(functionEnvironment()).toBe(process.env);
});
