// The stack configuration loader: defaults, checks that name the key, and the committed stack files.
import { CONFIG_KEYS, loadInfraConfig } from '../../../infra/config';
import { ConfigError } from '../../../functions/runtime/errors';
import { stackConfig } from './mock-stack';

const minimal: Record<string, string> = {
  'gcp:project': 'pizzaflow-test',
  'gcp:region': 'europe-west1',
  'pizzaflow:alertEmail': 'oncall@example.com',
  'pizzaflow:minInstances': '1',
  'pizzaflow:deletionProtection': 'true',
  'pizzaflow:teamGroups': JSON.stringify({ analytics: 'a@example.com', logistics: 'l@example.com', sales: 's@example.com' }),
};
const reader = (values: Record<string, string>) => (key: string) => values[key];

function errorOf(values: Record<string, string>): ConfigError {
  try {
    loadInfraConfig(reader(values));
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('required keys with defaults for the rest', () => {
  const config = loadInfraConfig(reader(minimal));
  expect(config).toEqual(
    expect.objectContaining({ project: 'pizzaflow-test', region: 'europe-west1', bigqueryLocation: 'US', rawRetentionDays: 730, minInstances: 1, deletionProtection: true, merchantPrincipals: {}, metricMartsBuilt: false }),
  );
  expect(config.kmsKeyName).toBeUndefined();
  expect(config.dataform).toEqual({ branch: 'dataform-release', vars: {}, workspaceSchemaSuffix: 'workspace' });
  expect([config.protect, config.noncurrentVersionDays]).toEqual([false, 7]);
});

test.each([
  ['gcp:project', 'Not_A_Project', 'gcp:project'],
  ['pizzaflow:alertEmail', 'nobody', 'pizzaflow:alertEmail'],
  ['pizzaflow:minInstances', '-1', 'pizzaflow:minInstances'],
  ['pizzaflow:deletionProtection', 'yes', 'pizzaflow:deletionProtection'],
  ['pizzaflow:kmsKeyName', 'my-key', 'pizzaflow:kmsKeyName'],
  ['pizzaflow:teamGroups', JSON.stringify({ analytics: 'a@example.com', logistics: 'nope', sales: 's@example.com' }), 'pizzaflow:teamGroups.logistics'],
  ['pizzaflow:teamGroups', '{not json', 'pizzaflow:teamGroups'],
  ['pizzaflow:merchantPrincipals', JSON.stringify({ m1: ['alice@example.com'] }), 'pizzaflow:merchantPrincipals.m1.0'],
])('%s = %s is rejected, naming %s', (key, value, variable) => {
  expect(errorOf({ ...minimal, [key]: value }).variable).toBe(variable);
});

test('a missing required key is named', () => {
  const { ['pizzaflow:alertEmail']: _omitted, ...rest } = minimal;
  expect(errorOf(rest).variable).toBe('pizzaflow:alertEmail');
});

test('a git token secret needs a git URL', () => {
  expect(errorOf({ ...minimal, 'pizzaflow:dataformGitTokenSecret': 'token' }).variable).toBe('pizzaflow:dataformGitTokenSecret');
});

test.each([['dev'], ['prod']] as const)('Pulumi.%s.yaml loads and uses only known keys', (stack) => {
  const values = stackConfig(stack);
  for (const key of Object.keys(values)) expect(CONFIG_KEYS).toContain(key);
  expect(() => loadInfraConfig(reader(values))).not.toThrow();
});

test('prod keeps what dev relaxes: deletion protection, warm instances, longer retention, CMEK', () => {
  const dev = loadInfraConfig(reader(stackConfig('dev')));
  const prod = loadInfraConfig(reader(stackConfig('prod')));
  expect([dev.deletionProtection, prod.deletionProtection]).toEqual([false, true]);
  expect(prod.minInstances).toBeGreaterThan(dev.minInstances);
  expect(prod.rawRetentionDays).toBeGreaterThan(dev.rawRetentionDays);
  expect([dev.kmsKeyName, typeof prod.kmsKeyName]).toEqual([undefined, 'string']);
});
