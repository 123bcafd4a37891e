// Secrets under the mock runtime: every secret the catalog declares becomes a Secret Manager secret
// with a version made from the stack's secret configuration; every function reads exactly its
// secrets, each reference resolving to a secret with a version, after its accessor grant; no
// resource input carries a secret value outside Pulumi's secret wrapper.
import { loadCatalog } from '../../../contracts/catalog';
import { SERVING_STORE_CLIENTS } from '../../../infra/components/serving';
import { MOCK_REDIS_AUTH, renderStack, stackConfig, TEST_SECRETS, type Recorded, type RenderedStack } from './mock-stack';

// Pulumi's wire marker of a secret value (`@pulumi/pulumi` runtime/rpc: specialSigKey / specialSecretSig).
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

const catalog = loadCatalog();
let dev: RenderedStack;

beforeAll(async () => {
  dev = await renderStack(stackConfig('dev'), 'dev');
}, 180_000);

/** Strings reachable in `value` that are not inside a secret wrapper. */
function plainStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (value && typeof value === 'object') {
    if ((value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return [];
    return Object.values(value).flatMap(plainStrings);
  }
  return [];
}

// The configured secrets, and the serving store's AUTH string (an output of the Memorystore instance).
const secretValues = [...Object.values(TEST_SECRETS), MOCK_REDIS_AUTH];

test('no resource input holds a secret value in plain text', () => {
  const leaks = dev.resources.flatMap((r: Recorded) => plainStrings(r.inputs).filter((s) => secretValues.some((v) => s.includes(v))).map(() => `${r.type} ${r.name}`));
  expect(leaks).toEqual([]);
});

test('each declared secret has a secret and a version whose data is the secret configuration value, kept secret', () => {
  const secrets = dev.ofType('gcp:secretmanager/secret:Secret');
  const versions = dev.ofType('gcp:secretmanager/secretVersion:SecretVersion');
  for (const s of catalog.secrets) {
    const secret = secrets.find((r) => r.inputs.secretId === `pizzaflow-${s.name}`);
    expect(secret).toBeDefined();
    const version = versions.find((v) => v.inputs.secret === `${secret!.name}-id`);
    expect(version?.inputs.secretData).toEqual({ [SIG_KEY]: SECRET_SIG, value: TEST_SECRETS[`pizzaflow:${s.configKey}`] });
  }
});

test('every secret reference of every function resolves to a declared secret with a version, granted to that function', () => {
  const functions = dev.ofType('gcp:cloudfunctionsv2/function:Function');
  const versions = dev.ofType('gcp:secretmanager/secretVersion:SecretVersion');
  const secrets = dev.ofType('gcp:secretmanager/secret:Secret');
  const grants = dev.ofType('gcp:secretmanager/secretIamMember:SecretIamMember').map((g) => `${String(g.inputs.secretId)} ${String(g.inputs.member)}`);
  for (const f of catalog.functions) {
    const rendered = functions.find((r) => r.inputs.name === f.name)!;
    const refs = (rendered.inputs.serviceConfig as { secretEnvironmentVariables?: { key: string; secret: string; version: string }[] }).secretEnvironmentVariables ?? [];
    // Exactly the catalog's secrets, under the variables the runtime config reads, plus the serving
    // store's AUTH string for the functions that use the store (a resource output, not configuration).
    const serving = SERVING_STORE_CLIENTS.includes(f.name) ? ['PIZZAFLOW_REDIS_PASSWORD'] : [];
    expect(refs.map((r) => r.key).sort()).toEqual([...f.secrets.map((name) => catalog.secrets.find((s) => s.name === name)!.env), ...serving].sort());
    for (const ref of refs) {
      const secret = secrets.find((r) => r.inputs.secretId === ref.secret);
      expect(secret).toBeDefined();
      expect(versions.some((v) => v.inputs.secret === `${secret!.name}-id`)).toBe(true);
      expect(ref.version).toBe('1');
      expect(grants).toContain(`${ref.secret} serviceAccount:pf-${f.name}@pizzaflow-dev.iam.gserviceaccount.com`);
    }
  }
});

test('the collector has its API keys, webhook secrets and the PII key; ingest has the PII key; the metrics API its merchant keys; the POS loader and the publisher only the store\'s AUTH string', () => {
  const envOf = (name: string) =>
    ((dev.ofType('gcp:cloudfunctionsv2/function:Function').find((r) => r.inputs.name === name)!.inputs.serviceConfig as { secretEnvironmentVariables?: { key: string }[] }).secretEnvironmentVariables ?? [])
      .map((r) => r.key)
      .sort();
  expect(envOf('collector')).toEqual(['PIZZAFLOW_API_KEYS', 'PIZZAFLOW_PII_KEY', 'PIZZAFLOW_WEBHOOK_SECRETS']);
  expect(envOf('ingest')).toEqual(['PIZZAFLOW_PII_KEY', 'PIZZAFLOW_REDIS_PASSWORD']);
  expect(envOf('metrics-api')).toEqual(['PIZZAFLOW_MERCHANT_API_KEYS', 'PIZZAFLOW_REDIS_PASSWORD']);
  // The POS loader counts loaded sales in the live counters: the store's AUTH string only.
  expect(envOf('pos-loader')).toEqual(['PIZZAFLOW_REDIS_PASSWORD']);
  // The publisher reads no catalog secret, only the serving store's AUTH string.
  expect(envOf('serving-publisher')).toEqual(['PIZZAFLOW_REDIS_PASSWORD']);
});

test('a stack without a secret value fails naming the key to set', async () => {
  const { 'pizzaflow:webhookSecrets': _omitted, ...rest } = TEST_SECRETS;
  await expect(renderStack(stackConfig('dev'), 'dev', rest)).rejects.toThrow(/webhookSecrets/);
});
