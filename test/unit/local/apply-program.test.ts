// The local stack's resource handler without sockets: secrets resolve from the program's secret
// versions, a reference without a version stops the function naming both, and functions sharing
// the local host must agree on every variable they both declare.
import { DEFAULT_LOCAL_SERVING_STORE, localComputeState, localFunctions, MissingSecretError, SecretAccessError, secretStore, TYPES } from '../../../tools/local/apply-program';
import { RedisNotInstalledError, startLocalRedis } from '../../../tools/local/redis';
import { storeAddress } from '../../../infra/components/serving';
import { declaredEnvironment } from '../../../tools/local/platform';
import type { Recorded, RenderedProgram } from '../../../tools/local/render-program';

const SECRET = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'portal=k1' };

function program(resources: Recorded[]): RenderedProgram {
  return { resources, outputs: {}, ofType: (t) => resources.filter((r) => r.type === t), named: (n) => resources.find((r) => r.name === n)! };
}
const rec = (type: string, name: string, id: string, inputs: Record<string, unknown>, state: Record<string, unknown> = inputs): Recorded => ({ type, name, id, inputs, state });

const secret = rec(TYPES.secret, 'svc-collector-api-keys', 'projects/p/secrets/pizzaflow-collector-api-keys', { secretId: 'pizzaflow-collector-api-keys' });
const version = rec(TYPES.secretVersion, 'svc-collector-api-keys-version', 'v1', { secret: 'projects/p/secrets/pizzaflow-collector-api-keys', secretData: SECRET });
const accessor = rec(TYPES.secretIamMember, 'svc-collector-api-keys-accessor', 'g1', {
  secretId: 'projects/p/secrets/pizzaflow-collector-api-keys',
  role: 'roles/secretmanager.secretAccessor',
  member: 'serviceAccount:pf-collector@p.iam.gserviceaccount.com',
});
const collector = (secretName: string) =>
  rec(TYPES.function, 'svc-collector', 'f1', { name: 'collector' }, {
    name: 'collector',
    serviceConfig: {
      uri: 'http://127.0.0.1:1/collector',
      serviceAccountEmail: 'pf-collector@p.iam.gserviceaccount.com',
      environmentVariables: { GOOGLE_CLOUD_PROJECT: 'p', LOG_LEVEL: 'warn' },
      secretEnvironmentVariables: [{ key: 'PIZZAFLOW_API_KEYS', secret: secretName, version: '1' }],
    },
  });

test('a secret version is the value its secret holds (unwrapped from Pulumi secret)', () => {
  expect([...secretStore(program([secret, version]))]).toEqual([['pizzaflow-collector-api-keys', 'portal=k1']]);
});

test('a function gets its declared variables and resolved secrets, nothing else', () => {
  expect(localFunctions(program([secret, version, accessor, collector('pizzaflow-collector-api-keys')]))).toEqual({
    collector: { name: 'collector', url: 'http://127.0.0.1:1/collector', serviceAccount: 'pf-collector@p.iam.gserviceaccount.com', env: { GOOGLE_CLOUD_PROJECT: 'p', LOG_LEVEL: 'warn', PIZZAFLOW_API_KEYS: 'portal=k1' } },
  });
});

test('a reference to a secret with no version stops the function, naming the secret, the variable and the function', () => {
  let error: unknown;
  try {
    localFunctions(program([secret, version, accessor, collector('pizzaflow-collector-api-key')]));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MissingSecretError);
  expect((error as Error).message).toBe('function collector: secret "pizzaflow-collector-api-key" (PIZZAFLOW_API_KEYS) has no version in the program; the function cannot start');
});

test('functions on the one local host must agree on shared variables', () => {
  expect(declaredEnvironment({ a: { name: 'a', env: { X: '1', Y: '2' } }, b: { name: 'b', env: { X: '1', Z: '3' } } })).toEqual({ X: '1', Y: '2', Z: '3' });
  expect(() => declaredEnvironment({ a: { name: 'a', env: { LOG_LEVEL: 'info' } }, b: { name: 'b', env: { LOG_LEVEL: 'warn' } } })).toThrow('functions a and b declare LOG_LEVEL differently');
});

test("Memorystore is answered by the local redis-server: its address and password, no server CA, so a redis:// URL", () => {
  const answer = localComputeState({ project: 'p', functionUrl: (n) => `http://127.0.0.1:1/${n}`, servingStore: { host: '127.0.0.1', port: 40123, password: 'pw' } });
  const state = answer(TYPES.redisInstance, 'svc-redis', { name: 'pizzaflow-serving', region: 'us-central1', authEnabled: true, transitEncryptionMode: 'SERVER_AUTHENTICATION' });
  expect(state).toMatchObject({ host: '127.0.0.1', port: 40123, authString: 'pw', serverCaCerts: [] });
  const s = state as { host: string; port: number; serverCaCerts: { cert?: string }[] };
  expect(storeAddress(s.host, s.port, s.serverCaCerts)).toEqual({ url: 'redis://127.0.0.1:40123', ca: '' });
  // In Google Cloud: TLS against the instance's CA (two while it rotates).
  expect(storeAddress('10.0.0.3', 6378, [{ cert: 'A' }, { cert: 'B' }])).toEqual({ url: 'rediss://10.0.0.3:6378', ca: 'A\nB' });
  // Without a local store (`pizzaflow bootstrap`): your own redis-server on the default port.
  expect(localComputeState({ project: 'p', functionUrl: () => '' })(TYPES.redisInstance, 'r', {})).toMatchObject({ host: DEFAULT_LOCAL_SERVING_STORE.host, port: 6379 });
});

test('without redis-server the local store fails saying to run npm run setup', async () => {
  const failed = startLocalRedis({ command: '/nonexistent/redis-server' });
  await expect(failed).rejects.toBeInstanceOf(RedisNotInstalledError);
  await expect(failed).rejects.toThrow('npm run setup');
});

test("a reference to a secret the function's service account may not read stops the function, naming the account and the secret; a project-wide grant suffices", () => {
  const otherAccount = { ...accessor, inputs: { ...accessor.inputs, member: 'serviceAccount:pf-ingest@p.iam.gserviceaccount.com' } };
  const viewer = { ...accessor, inputs: { ...accessor.inputs, role: 'roles/secretmanager.viewer' } };
  for (const grants of [[], [otherAccount], [viewer]]) {
    expect(() => localFunctions(program([secret, version, ...grants, collector('pizzaflow-collector-api-keys')]))).toThrow(
      new SecretAccessError('collector', 'pizzaflow-collector-api-keys', 'pf-collector@p.iam.gserviceaccount.com'),
    );
  }
  expect(() => localFunctions(program([secret, version, collector('pizzaflow-collector-api-keys')]))).toThrow(
    'function collector: its service account pf-collector@p.iam.gserviceaccount.com holds no roles/secretmanager.secretAccessor on secret "pizzaflow-collector-api-keys" in the program; the function cannot start',
  );
  const projectWide = rec(TYPES.projectIamMember, 'collector-secrets', 'g2', { project: 'p', role: 'roles/secretmanager.secretAccessor', member: 'serviceAccount:pf-collector@p.iam.gserviceaccount.com' });
  expect(localFunctions(program([secret, version, projectWide, collector('pizzaflow-collector-api-keys')])).collector!.env.PIZZAFLOW_API_KEYS).toBe('portal=k1');
});
