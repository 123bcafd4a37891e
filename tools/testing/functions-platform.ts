// The whole local platform in-process for integration tests: the three emulators on port 0, a local
// redis-server as the serving store, the functions host, the environment that points the functions'
// clients at them, and the Pulumi program's local stack applied to the emulators. Tests set
// process.env because the entry points read configuration through loadConfig().
import { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { startBigquery, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import { startPubsub, type PubsubEmulator } from '@pizzaflow/emulators';
import { startStorage, type StorageEmulator } from '@pizzaflow/emulators';
import { pushPublicKeyPem, signPushToken } from '@pizzaflow/emulators';
import { accessCheck, schedulerAuthorization } from '../local/cloud-run-front';
import { packageInfo } from '../../functions/runtime/package-info';
import { type Change } from '../local/apply-program';
import { deployLocalStack, type LocalStackOptions } from '../local/local-stack';
import { declaredEnvironment, environmentsByFunction } from '../local/platform';
import { startFunctionsHost, type FunctionsHost } from '../local/functions-host';
import { startLocalRedis, type LocalRedis } from '../local/redis';

export const PROJECT = 'pizzaflow-itest';
export const PII_KEY = 'integration-test-pii-key-0123';
export const API_KEY = 'portal-key-integration';
export const WEBHOOK_SECRET = 'dashdrop-webhook-secret-0123';

export interface Platform {
  pubsubEmu: PubsubEmulator;
  storageEmu: StorageEmulator;
  bigqueryEmu: RunningEmulator;
  /** The serving store (the program's Memorystore instance, answered locally). */
  redis: LocalRedis;
  host: FunctionsHost;
  pubsub: PubSub;
  storage: Storage;
  bigquery: BigQuery;
  bootstrapChanges: Change[];
  /** What the program declares for each function's environment, by function name (as the host gives it). */
  declaredEnvironments: Record<string, Record<string, string>>;
  /** POSTs to a function path (`/pos-loader/run`) as Cloud Scheduler would: with the schedule's OIDC token. */
  callAsScheduler(path: string, schedule?: string): Promise<Response>;
  close(): Promise<void>;
}

/** `editStackConfig` changes the local stack's configuration before it is applied (tests break the program this way). */
export async function startPlatform(options: { editStackConfig?: LocalStackOptions['editConfig'] } = {}): Promise<Platform> {
  const pubsubEmu = await startPubsub({ port: 0, project: PROJECT, logLevel: 'silent' });
  const storageEmu = await startStorage({ port: 0, inMemory: true, pubsubHost: pubsubEmu.url, logLevel: 'silent' });
  const bigqueryEmu = await startBigquery({ port: 0, grpcPort: 0, storageHost: storageEmu.url, project: PROJECT, logLevel: 'silent' });
  const redis = await startLocalRedis();
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    PUBSUB_EMULATOR_HOST: pubsubEmu.url,
    STORAGE_EMULATOR_HOST: storageEmu.url,
    BIGQUERY_EMULATOR_HOST: bigqueryEmu.url,
    BIGQUERY_STORAGE_EMULATOR_HOST: `${bigqueryEmu.grpcHost}:${bigqueryEmu.grpcPort}`,
    PIZZAFLOW_PII_KEY: PII_KEY,
    PIZZAFLOW_API_KEYS: `portal[*]=${API_KEY}`,
    PIZZAFLOW_WEBHOOK_SECRETS: `dashdrop=${WEBHOOK_SECRET}`,
    PIZZAFLOW_MERCHANT_API_KEYS: 'm0001=integration-merchant-key',
    METADATA_SERVER_DETECTION: 'none',
  });
  const host = await startFunctionsHost();
  const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: pubsubEmu.url });
  const storage = new Storage({ projectId: PROJECT, apiEndpoint: storageEmu.url });
  const bigquery = new BigQuery({ projectId: PROJECT, apiEndpoint: bigqueryEmu.url });
  const deployed = await deployLocalStack({ repoRoot: packageInfo().root, env: process.env, project: PROJECT, functionsUrl: host.url, editConfig: options.editStackConfig, servingStore: redis }, { pubsub, storage, bigquery });
  // The functions get the environment the program declares for them (LOG_LEVEL, project, secrets).
  Object.assign(process.env, declaredEnvironment(deployed.functions), { LOG_LEVEL: 'error' });
  // Each function reads only what the program declares for it (the tests' quiet LOG_LEVEL over it).
  const declared = Object.fromEntries(Object.entries(environmentsByFunction(deployed.functions)).map(([name, env]) => [name, { ...env, LOG_LEVEL: 'error' }]));
  host.setEnvironments(declared);
  // A function whose declared environment lacks what it needs fails the test's set-up, naming both.
  host.checkFunctions();
  const bootstrapChanges = deployed.changes;
  // Cloud Run's invoker check, as the local platform applies it (the emulator runs in this process: one key).
  host.setAccess(accessCheck(deployed.program, deployed.functions, [pushPublicKeyPem()]));
  const callAsScheduler = (path: string, schedule = 'pos-loader'): Promise<Response> => {
    const authorization = schedulerAuthorization(deployed.program, schedule, signPushToken);
    return fetch(`${host.url}${path}`, { method: 'POST', headers: authorization ? { authorization } : {} });
  };
  return {
    pubsubEmu,
    storageEmu,
    bigqueryEmu,
    redis,
    host,
    pubsub,
    storage,
    bigquery,
    bootstrapChanges,
    declaredEnvironments: declared,
    callAsScheduler,
    close: async () => {
      await pubsub.close();
      await host.close();
      await Promise.allSettled([pubsubEmu.close(), storageEmu.close(), bigqueryEmu.close(), redis.close()]);
    },
  };
}

export async function query<T = Record<string, unknown>>(bq: BigQuery, sql: string): Promise<T[]> {
  const [rows] = await bq.query({ query: sql });
  return rows as T[];
}

/** Polls until `check` returns a value (not undefined) or the deadline passes; the last failure is rethrown. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    let failure: unknown;
    try {
      v = await check();
    } catch (err) {
      failure = err;
    }
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw failure ?? new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
