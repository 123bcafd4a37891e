// `pizzaflow emulators`: runs the local stand-ins for Pub/Sub, Cloud Storage and BigQuery in one
// process, prints one `ready` line per emulator and the `export VAR=…` lines that point the
// official clients at them (stdout), and stops cleanly on SIGINT/SIGTERM. Logs go to stderr.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EmulatorUsageError, integerOption, portOption, untilSignal } from './lib/cli-options';
import { createLogger } from './lib/logger';
import { start as startBigquery } from './bigquery';
import { start as startPubsub } from './pubsub';
import { start as startStorage } from './storage';

export const EMULATOR_NAMES = ['pubsub', 'storage', 'bigquery'] as const;
export type EmulatorName = (typeof EMULATOR_NAMES)[number];

export interface EmulatorsOptions {
  only: EmulatorName[];
  host: string;
  pubsubPort: number;
  storagePort: number;
  bigqueryPort: number;
  /** Storage Write API (gRPC) port of the BigQuery emulator. */
  bigqueryGrpcPort: number;
  /** Reject SQL that BigQuery's analyzer (ZetaSQL) rejects. */
  strictGoogleSql: boolean;
  /** DuckDB worker threads of the BigQuery emulator. */
  bigqueryThreads?: number;
  dataDir: string;
  /** Keep nothing on disk (the state is gone when the emulators stop). */
  inMemory?: boolean;
  project: string;
  logLevel: string;
  /** Pub/Sub that storage notifications publish to when `pubsub` is not among `only` (host:port). */
  pubsubHost?: string;
  /** Cloud Storage that load jobs read from when `storage` is not among `only` (http://host:port). */
  storageHost?: string;
}

interface RunningEmulator {
  name: EmulatorName;
  url: string;
  env: Record<string, string>;
  close(): Promise<void>;
}



export function parseOnly(text: string | undefined): EmulatorName[] {
  if (text === undefined) return [...EMULATOR_NAMES];
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new EmulatorUsageError('--only needs at least one of pubsub, storage, bigquery');
  for (const n of names) {
    if (!(EMULATOR_NAMES as readonly string[]).includes(n)) {
      throw new EmulatorUsageError(`--only: unknown emulator "${n}" (choose from ${EMULATOR_NAMES.join(', ')})`);
    }
  }
  return [...new Set(names)] as EmulatorName[];
}

async function startOne(name: EmulatorName, o: EmulatorsOptions, pubsubUrl: string | undefined, storageUrl: string | undefined): Promise<RunningEmulator> {
  switch (name) {
    case 'pubsub': {
      const e = await startPubsub({
        host: o.host,
        port: o.pubsubPort,
        project: o.project,
        logLevel: o.logLevel,
        dataDir: o.inMemory ? undefined : path.join(o.dataDir, 'pubsub'),
      });
      const keyFile = path.join(o.dataDir, 'pubsub-push-oidc.pem');
      fs.mkdirSync(o.dataDir, { recursive: true });
      fs.writeFileSync(keyFile, e.oidcPublicKeyPem());
      return { name, url: e.url, env: { PUBSUB_EMULATOR_HOST: e.url, PUBSUB_PROJECT_ID: o.project }, close: () => e.close() };
    }
    case 'storage': {
      const e = await startStorage({
        host: o.host,
        port: o.storagePort,
        dataDir: path.join(o.dataDir, 'storage'),
        inMemory: o.inMemory,
        pubsubHost: pubsubUrl ?? o.pubsubHost,
      });
      return { name, url: e.url, env: { STORAGE_EMULATOR_HOST: e.url }, close: () => e.close() };
    }
    case 'bigquery': {
      const e = await startBigquery({
        host: o.host,
        port: o.bigqueryPort,
        grpcPort: o.bigqueryGrpcPort,
        strictGoogleSql: o.strictGoogleSql,
        threads: o.bigqueryThreads,
        dataDir: o.inMemory ? undefined : path.join(o.dataDir, 'bigquery'),
        storageHost: storageUrl ?? o.storageHost,
        project: o.project,
        logLevel: o.logLevel,
      });
      // The managed writer has no standard emulator variable; pizzaflow's config reads this one.
      return {
        name,
        url: e.url,
        env: { BIGQUERY_EMULATOR_HOST: e.url, BIGQUERY_STORAGE_EMULATOR_HOST: `${e.grpcHost}:${e.grpcPort}` },
        close: () => e.close(),
      };
    }
  }
}

/** Starts the selected emulators in order: storage notifications publish to Pub/Sub, BigQuery load jobs read from storage. */
export async function startEmulators(o: EmulatorsOptions): Promise<RunningEmulator[]> {
  const order = EMULATOR_NAMES.filter((n) => o.only.includes(n));
  const running: RunningEmulator[] = [];
  try {
    for (const name of order) {
      const urlOf = (n: EmulatorName) => running.find((r) => r.name === n)?.url;
      running.push(await startOne(name, o, urlOf('pubsub'), urlOf('storage')));
    }
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.close()));
    throw err;
  }
  return running;
}

export function readyLines(running: RunningEmulator[]): string[] {
  const lines = running.map((r) => `ready ${r.name} ${r.url}`);
  for (const r of running) for (const [k, v] of Object.entries(r.env)) lines.push(`export ${k}=${v}`);
  return lines;
}

export function registerEmulatorsCommand(program: Command): void {
  program
    .command('emulators')
    .description('run the local Pub/Sub, Cloud Storage and BigQuery emulators and print the variables that point the official clients at them')
    .option('--only <names>', 'comma-separated emulators to start: pubsub, storage, bigquery (default: all three)')
    .option('--host <host>', 'interface to listen on', 'localhost')
    .option('--pubsub-port <port>', 'Pub/Sub gRPC port (0 = any free port)', '8085')
    .option('--storage-port <port>', 'Cloud Storage JSON API port (0 = any free port)', '4443')
    .option('--bigquery-port <port>', 'BigQuery REST port (0 = any free port)', '9050')
    .option('--bigquery-grpc-port <port>', 'BigQuery Storage Write API gRPC port (0 = any free port)', '9060')
    .option('--strict-googlesql', 'reject SQL that BigQuery would refuse (ZetaSQL analysis of every statement)')
    .option('--bigquery-threads <n>', 'DuckDB worker threads of the BigQuery emulator (many small statements: one thread is faster on small machines)', '1')
    .option('--data-dir <dir>', 'where emulators keep their files', '.pizzaflow')
    .option('--in-memory', 'keep no state on disk (faster; everything is gone when they stop)')
    .option('--project <id>', 'project id printed in PUBSUB_PROJECT_ID', 'pizzaflow-local')
    .option('--log-level <level>', 'emulator log level (stderr)', 'info')
    .option('--pubsub-host <host:port>', 'Pub/Sub for storage notifications when --only leaves pubsub out (default: $PUBSUB_EMULATOR_HOST)')
    .option('--storage-host <url>', 'Cloud Storage for BigQuery load jobs when --only leaves storage out (default: $STORAGE_EMULATOR_HOST)')
    .action(async (raw: Record<string, string | undefined> & { strictGooglesql?: boolean; inMemory?: boolean }) => {
      const options: EmulatorsOptions = {
        only: parseOnly(raw.only),
        host: raw.host ?? 'localhost',
        pubsubPort: portOption('--pubsub-port', raw.pubsubPort ?? '8085'),
        storagePort: portOption('--storage-port', raw.storagePort ?? '4443'),
        bigqueryPort: portOption('--bigquery-port', raw.bigqueryPort ?? '9050'),
        bigqueryGrpcPort: portOption('--bigquery-grpc-port', raw.bigqueryGrpcPort ?? '9060'),
        strictGoogleSql: raw.strictGooglesql === true,
        bigqueryThreads: integerOption('--bigquery-threads', raw.bigqueryThreads ?? '1', 1, 64),
        dataDir: path.resolve(raw.dataDir ?? '.pizzaflow'),
        inMemory: raw.inMemory === true,
        project: raw.project ?? 'pizzaflow-local',
        logLevel: raw.logLevel ?? 'info',
        pubsubHost: raw.pubsubHost ?? nonEmpty(process.env.PUBSUB_EMULATOR_HOST),
        storageHost: raw.storageHost ?? nonEmpty(process.env.STORAGE_EMULATOR_HOST),
      };
      await runUntilSignal(options);
    });
}

const nonEmpty = (value: string | undefined): string | undefined => (value ? value : undefined);

async function runUntilSignal(options: EmulatorsOptions): Promise<void> {
  const log = createLogger('emulators', { level: options.logLevel });
  const running = await startEmulators(options);
  process.stdout.write(`${readyLines(running).join('\n')}\n`);
  await untilSignal(async (signal) => {
    log.info({ signal }, 'stopping emulators');
    await Promise.allSettled(running.map((r) => r.close()));
  });
}
