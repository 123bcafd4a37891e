// The whole platform on one machine: the three emulators; the Pulumi program's `local` stack applied
// to them (topics, push subscriptions to the local host, buckets, datasets, tables, secrets); the
// three ingestion functions and the serving store publisher on one local host with the environment
// and secrets the program declares; the metrics API with the dashboard; the serving store (a local redis-server standing for
// Memorystore); and the catalog's schedules on a real or accelerated clock.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProject } from '../dataform';
import { loadCatalog, type PlatformCatalog } from '../../contracts/catalog';
import { EMULATOR_NAMES, pushPublicKeyPem, readyLines, signPushToken, startEmulators } from '@pizzaflow/emulators';
import { bigqueryClient, pubsubClient, storageClient } from '../../functions/runtime/clients';
import { loadConfig, type Config } from '../../functions/runtime/config';
import type { Logger } from '../../functions/runtime/logger';
import { type Change } from './apply-program';
import { accessCheck, schedulerAuthorization } from './cloud-run-front';
import { deployLocalStack, type LocalStackOptions } from './local-stack';
import { packageInfo } from '../../functions/runtime/package-info';
import { HOSTED_FUNCTIONS, startFunctionsHost, type FunctionsHost } from './functions-host';
import { startScheduler, type Clock, type Scheduler, type SchedulerEvent } from '../scheduler';
import { startMetricsService, type KeyRing, type MetricsService } from '../../functions/metrics-api';
import { startEmulatorsProcess } from './emulators-process';
import { localDefaults } from './environment';
import type { RenderedProgram } from './render-program';
import { programJobs } from './jobs';
import { startLocalRedis } from './redis';

export interface LocalPorts {
  pubsub: number;
  storage: number;
  bigquery: number;
  bigqueryGrpc: number;
  functions: number;
  serve: number;
}

/** The ports `pizzaflow emulators`, `functions` and `serve` use; 0 everywhere picks free ports. */
export const DEFAULT_PORTS: LocalPorts = { pubsub: 8085, storage: 4443, bigquery: 9050, bigqueryGrpc: 9060, functions: 8080, serve: 8081 };

export interface LocalPlatformOptions {
  dataDir: string;
  ports: LocalPorts;
  host?: string;
  project?: string;
  clock: Clock;
  log: Logger;
  /** Reject SQL BigQuery would refuse (ZetaSQL on every statement; slower). */
  strictGoogleSql?: boolean;
  onSchedulerEvent?: (event: SchedulerEvent) => void;
  /** Dataform project folder (default `dataform`). */
  dataformDir?: string;
  /** Vars for every scheduled Dataform run. */
  dataformVars?: Record<string, string>;
  /** Overrides the metrics API's keys (PIZZAFLOW_MERCHANT_API_KEYS otherwise). */
  merchantKeys?: KeyRing;
  emulatorLogLevel?: string;
  /** Keep the emulators' state in memory only (the demo on a temporary folder). */
  inMemory?: boolean;
  /** Run the emulators in this process (tests) instead of a child process on another core (default). */
  emulatorsInProcess?: boolean;
  /** Environment to complete with local defaults and the emulator variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Edits the local stack's configuration before it is rendered (tests break the program this way). */
  editStackConfig?: LocalStackOptions['editConfig'];
}

export interface LocalPlatform {
  config: Config;
  catalog: PlatformCatalog;
  functions: FunctionsHost;
  metrics: MetricsService;
  scheduler: Scheduler;
  bootstrapChanges: Change[];
  /** `ready …` and `export …` lines. */
  banner: string[];
  /** Local defaults applied, one note each. */
  notes: string[];
  close(): Promise<void>;
}

export async function startLocalPlatform(o: LocalPlatformOptions): Promise<LocalPlatform> {
  const env = o.env ?? process.env;
  const project = o.project ?? env.GOOGLE_CLOUD_PROJECT ?? 'pizzaflow-local';
  const defaults = localDefaults(env, project);
  Object.assign(env, defaults.set);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => o.log.warn({ err: String(err) }, 'error while stopping'));
    closers.length = 0;
  };
  try {
    const emulatorOptions = {
      host: o.host ?? 'localhost',
      dataDir: path.resolve(o.dataDir),
      inMemory: o.inMemory ?? false,
      project,
      strictGoogleSql: o.strictGoogleSql ?? false,
      logLevel: o.emulatorLogLevel ?? 'warn',
    };
    let emulatorLines: string[];
    if (o.emulatorsInProcess) {
      const emulators = await startEmulators({
        ...emulatorOptions,
        only: [...EMULATOR_NAMES],
        pubsubPort: o.ports.pubsub,
        storagePort: o.ports.storage,
        bigqueryPort: o.ports.bigquery,
        bigqueryGrpcPort: o.ports.bigqueryGrpc,
      });
      closers.push(async () => {
        await Promise.allSettled(emulators.map((e) => e.close()));
      });
      for (const e of emulators) Object.assign(env, e.env);
      emulatorLines = readyLines(emulators);
    } else {
      const child = await startEmulatorsProcess({ ...emulatorOptions, ports: o.ports });
      closers.push(() => child.close());
      Object.assign(env, child.env);
      emulatorLines = child.lines;
    }

    // The serving store (Memorystore in Google Cloud): a redis-server on a free loopback port.
    const redis = await startLocalRedis();
    closers.push(() => redis.close());

    const functions = await startFunctionsHost({ host: '127.0.0.1', port: o.ports.functions });
    closers.push(() => functions.close());
    env.PIZZAFLOW_FUNCTIONS_URL = functions.url;
    const emulatorConfig = loadConfig(env);
    const catalog = loadCatalog();

    const clients = { pubsub: pubsubClient(emulatorConfig), storage: storageClient(emulatorConfig), bigquery: bigqueryClient(emulatorConfig) };
    closers.push(() => clients.pubsub.close());
    const deployed = await deployLocalStack({ repoRoot: packageInfo().root, env, project, functionsUrl: functions.url, editConfig: o.editStackConfig, servingStore: redis }, clients);
    const bootstrapChanges = deployed.changes;
    // Cloud Run's invoker check: tokens signed by the Pub/Sub emulator (push) or by this process (the scheduler).
    const trustedKeys = [pushPublicKeyPem(), ...readPem(path.join(emulatorOptions.dataDir, 'pubsub-push-oidc.pem'))];
    functions.setAccess(accessCheck(deployed.program, deployed.functions, trustedKeys));
    // The functions share this process: each request runs with the environment the program declares
    // for its function (and none of the others'). The union goes into this process's environment for
    // the platform's own readers (the metrics API server, the scheduler's jobs).
    functions.setEnvironments(environmentsByFunction(deployed.functions), env);
    // A function whose declared environment lacks what it needs stops the platform now, naming both.
    functions.checkFunctions();
    Object.assign(env, declaredEnvironment(deployed.functions));
    const config = loadConfig(env);

    // The serving store is published by the catalog's `serving-publisher` schedule (the function on
    // the local host, as in Google Cloud), not by the API. The local store starts empty, and until
    // its first publish the API answers from BigQuery, as a new Memorystore instance does.
    const metrics = await startMetricsService({ config, log: o.log, port: o.ports.serve, host: '127.0.0.1', keys: o.merchantKeys, runCheckMs: 1_000, publishEveryMs: 0 });
    closers.push(() => metrics.close());

    // Compiled as the program's release config compiles it (its project and vars), with the
    // caller's vars over them (the demo's, a test's).
    const release = releaseCompilation(deployed.program);
    const graph = compileProject(o.dataformDir ?? 'dataform', { vars: { ...release.vars, ...(o.dataformVars ?? {}) }, defaultDatabase: release.defaultDatabase ?? config.project });
    // The program's Cloud Scheduler jobs (the POS loader, the serving store publisher) and scheduled
    // Dataform workflow configs, run locally.
    const jobs = programJobs({ program: deployed.program, bigquery: clients.bigquery, graph, config, authorization: (job) => schedulerAuthorization(deployed.program, job, signPushToken) });
    const scheduler = startScheduler({ jobs, clock: o.clock, onEvent: o.onSchedulerEvent });
    closers.push(() => scheduler.stop());

    const banner = [
      ...emulatorLines,
      `ready redis ${redis.host}:${redis.port} (serving store: live counters, settled series, merchant keys)`,
      `export PIZZAFLOW_REDIS_URL=${redis.url}`,
      `ready functions ${functions.url} (${HOSTED_FUNCTIONS.join(', ')})`,
      `export PIZZAFLOW_FUNCTIONS_URL=${functions.url}`,
      `ready serve ${metrics.url} (dashboard ${metrics.url}/, API ${metrics.url}/v1/merchants/{merchant_id}/metrics/{metric})`,
    ];
    return {
      config,
      catalog,
      functions,
      metrics,
      scheduler,
      bootstrapChanges,
      banner,
      notes: defaults.notes,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The union of the functions' declared environments; two functions declaring one variable differently is an error. */
/**
 * The compilation overrides of the program's Dataform release config (what managed Dataform compiles
 * the scheduled runs with): its default project and vars. None without a release config.
 */
export function releaseCompilation(program: Pick<RenderedProgram, 'ofType'>): { defaultDatabase?: string; vars: Record<string, string> } {
  const [release] = program.ofType('gcp:dataform/repositoryReleaseConfig:RepositoryReleaseConfig');
  const c = (release?.inputs.codeCompilationConfig ?? {}) as { defaultDatabase?: unknown; vars?: Record<string, unknown> };
  const vars = Object.fromEntries(Object.entries(c.vars ?? {}).map(([k, v]) => [k, String(v)]));
  return { ...(typeof c.defaultDatabase === 'string' ? { defaultDatabase: c.defaultDatabase } : {}), vars };
}

/** Each deployed function's declared environment, by function name (the host's `setEnvironments`). */
export function environmentsByFunction(functions: Record<string, { name: string; env: Record<string, string> }>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.values(functions).map((f) => [f.name, f.env]));
}

export function declaredEnvironment(functions: Record<string, { name: string; env: Record<string, string> }>): Record<string, string> {
  const out: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const f of Object.values(functions)) {
    for (const [key, value] of Object.entries(f.env)) {
      if (key in out && out[key] !== value) throw new Error(`functions ${owner[key]} and ${f.name} declare ${key} differently; the local host runs them in one process`);
      out[key] = value;
      owner[key] ??= f.name;
    }
  }
  return out;
}

/** The emulators' push-token public key when they run in a child process (written to their data folder). */
function readPem(file: string): string[] {
  return existsSync(file) ? [readFileSync(file, 'utf8')] : [];
}
