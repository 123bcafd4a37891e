// The BigQuery emulator: REST v2 on DuckDB. A library first: start({port: 0}) in tests.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../lib/logger';
import { allowedHostsFromEnv, hostCheck } from '../lib/host-check';
import { type Context } from './context';
import { registerDatasets } from './datasets';
import { createHttpServer } from './http';
import { JobRegistry, registerJobs } from './jobs';
import { Router } from './routes';
import { Store } from './store';
import { PlanCache } from './plan-cache';
import { Lru } from './lru';
import { registerTabledata } from './tabledata';
import { registerTables } from './tables';
import { initTranslator } from './sql/translate';
import { startGoogleSqlChecker } from './googlesql/start';
import type { AppendFaults } from './storage-write/faults';
import { startStorageWrite } from './storage-write/server';

export interface StartOptions {
  host?: string;
  /** 0 picks a free port. Default 9050. */
  port?: number;
  /** Directory for the DuckDB databases (one per project); in memory when absent. */
  dataDir?: string;
  /** Storage emulator endpoint for load jobs; defaults to STORAGE_EMULATOR_HOST. */
  storageHost?: string;
  /** Default project, attached at start-up. */
  project?: string;
  logLevel?: string;
  /** Analyse every statement with ZetaSQL first and reject what BigQuery would (invalidQuery). */
  strictGoogleSql?: boolean;
  /** Storage Write API (gRPC) port; 0 picks a free port. Default 9060 (0 when `port` is 0). */
  grpcPort?: number;
  /** DuckDB worker threads (default 1: many small statements; see Store). */
  threads?: number;
  /**
   * Translate script statements through templates of their variables' values (default true; false
   * translates each statement as it is, for comparison).
   */
  translationTemplates?: boolean;
  /** Host header names served besides loopback and `host` (default PIZZAFLOW_EMULATOR_ALLOWED_HOSTS); others get 403. */
  allowedHosts?: string[];
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  /** The Storage Write API's gRPC address (managed writer: servicePath/port, insecure). */
  grpcHost: string;
  grpcPort: number;
  /** Test-only fault injection for the Storage Write API's appends (`failNext`, `hangNext`); none unless armed. */
  writeFaults: AppendFaults;
  close(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<RunningEmulator> {
  const log = createLogger('bigquery-emulator', { level: options.logLevel ?? 'warn' });
  await initTranslator();
  const tmpDir = realpathSync(mkdtempSync(join(tmpdir(), 'pizzaflow-bq-')));
  // DuckDB may read and write only its tmp dir (load and insertAll staging) and the data directory.
  const store = await Store.open(options.dataDir, { threads: options.threads, sandbox: [tmpDir] });
  const ctx: Context = { store, log, storageHost: options.storageHost, tmpDir, plans: new PlanCache(), scanBytes: new Lru<bigint>(10_000), translationTemplates: options.translationTemplates };
  if (options.strictGoogleSql) ctx.googleSql = await startGoogleSqlChecker();
  if (options.project) await store.exclusive(() => store.project(options.project as string));
  const router = new Router();
  registerDatasets(router, ctx);
  registerTables(router, ctx);
  registerTabledata(router, ctx);
  registerJobs(router, ctx, new JobRegistry());
  router.add('GET', '/projects', async () => ({
    body: { kind: 'bigquery#projectList', totalItems: store.attachedProjects().length, projects: store.attachedProjects().map((id) => ({ kind: 'bigquery#project', id, projectReference: { projectId: id } })) },
  }));
  const host = options.host ?? '127.0.0.1';
  const server = createHttpServer(router, log, hostCheck(host, options.allowedHosts ?? allowedHostsFromEnv()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9050, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  log.info({ url, dataDir: options.dataDir ?? ':memory:' }, 'bigquery emulator listening');
  // A caller asking for a free REST port (tests) gets a free gRPC port too, never a fixed one.
  const grpc = await startStorageWrite(ctx, { host, port: options.grpcPort ?? (options.port === 0 ? 0 : 9060) });
  return {
    url,
    host,
    port,
    grpcHost: grpc.host,
    grpcPort: grpc.port,
    writeFaults: grpc.faults,
    close: async () => {
      await grpc.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await store.exclusive(async () => store.close());
      await ctx.googleSql?.release();
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
