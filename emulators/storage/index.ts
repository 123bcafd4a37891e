// The Cloud Storage emulator as a library: `start()` serves the JSON API over HTTP so the official
// client works unchanged through `apiEndpoint` or STORAGE_EMULATOR_HOST, and publishes bucket
// notifications to the Pub/Sub emulator.
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { createLogger } from '../lib/logger';
import { type Backend } from './backend';
import { DiskBackend } from './disk-backend';
import { MemoryBackend } from './memory-backend';
import { Notifier } from './notifications';
import { type LifecycleSummary, ObjectStore } from './object-store';
import { ResumableSessions } from './resumable';
import { createStorageServer } from './server';
import { allowedHostsFromEnv, hostCheck } from '../lib/host-check';

export interface StorageEmulatorOptions {
  /** Interface to listen on; default localhost. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where objects live (default `./.pizzaflow/storage`); ignored with inMemory. */
  dataDir?: string;
  /** Keep everything in memory (tests). */
  inMemory?: boolean;
  /** host:port of the Pub/Sub emulator for notifications; default PUBSUB_EMULATOR_HOST. */
  pubsubHost?: string;
  logLevel?: string;
  /** Host header names served besides loopback and `host` (default PIZZAFLOW_EMULATOR_ALLOWED_HOSTS); others get 403. */
  allowedHosts?: string[];
  /**
   * The emulator's clock, milliseconds since the epoch (default Date.now): timestamps, generations
   * and lifecycle ages follow it, so a test can move time forward and call runLifecycle().
   */
  clock?: () => number;
  /** How often lifecycle rules run by themselves, in ms (default 60 000; 0 turns the sweep off). */
  lifecycleIntervalMs?: number;
}

export interface StorageEmulator {
  /** `http://host:port`: the value for STORAGE_EMULATOR_HOST or the client's `apiEndpoint`. */
  url: string;
  host: string;
  port: number;
  /** Applies every bucket's lifecycle rules now, at the emulator's clock (GCS runs them asynchronously). */
  runLifecycle(): Promise<LifecycleSummary>;
  close(): Promise<void>;
}

export type { LifecycleSummary };

export const DEFAULT_DATA_DIR = path.join('.pizzaflow', 'storage');

export async function start(options: StorageEmulatorOptions = {}): Promise<StorageEmulator> {
  const host = options.host ?? 'localhost';
  const log = createLogger('storage-emulator', { level: options.logLevel ?? 'warn' });
  const backend: Backend = options.inMemory ? new MemoryBackend() : new DiskBackend(path.resolve(options.dataDir ?? DEFAULT_DATA_DIR), log);
  const store = await ObjectStore.open(backend, log, options.clock ?? Date.now);
  const sessions = new ResumableSessions(store, log);
  let url = '';
  const pubsubHost = options.pubsubHost;
  const notifier = new Notifier({ store, log, pubsubHost, base: () => url });
  store.onEvent((event) => notifier.handle(event));
  const server = createStorageServer({ store, sessions, notifier, log }, () => url, hostCheck(host, options.allowedHosts ?? allowedHostsFromEnv()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  url = `http://${hostPart}:${port}`;
  log.info({ url, backend: backend.kind, dataDir: backend instanceof DiskBackend ? backend.dataDir : undefined, pubsubHost }, 'storage emulator ready');

  // One lifecycle run at a time: the periodic sweep and runLifecycle() share it.
  let running: Promise<LifecycleSummary> | undefined;
  const runLifecycle = (): Promise<LifecycleSummary> => {
    const run = (running ?? Promise.resolve()).catch(() => undefined).then(() => store.applyLifecycle());
    running = run;
    return run;
  };
  const intervalMs = options.lifecycleIntervalMs ?? 60_000;
  const sweeper = intervalMs > 0 ? setInterval(() => void runLifecycle().catch((err: unknown) => log.error({ err }, 'lifecycle run failed')), intervalMs) : undefined;
  sweeper?.unref();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    if (sweeper) clearInterval(sweeper);
    await running?.catch(() => undefined);
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await sessions.close();
    await notifier.close();
    // Connections still busy after the flush are cut: close() must not hang on a stuck client.
    server.closeAllConnections();
    await stopped;
  };
  return { url, host, port, runLifecycle, close: () => (closing ??= close()) };
}
