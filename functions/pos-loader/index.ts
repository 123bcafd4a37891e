// Entry point of the POS loader (private HTTP, called by Cloud Scheduler every 15 minutes): one
// run over the landing bucket with the official Storage and BigQuery clients.
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { loadConfig, type Config } from '../runtime/config';
import { RetryableError } from '../runtime/errors';
import { liveNow } from '../runtime/live-clock';
import { createLiveStore, PAUSE_AFTER_FAILURE_MS } from '../runtime/live-store';
import { createLogger, type Logger } from '../runtime/logger';
import { posLoaderPorts } from './wire';
import { runPosLoader, type LiveCounting, type PosLoaderLimits, type PosLoaderPorts } from './run';

/** The configuration, checked. */
const configure = (): Config => loadConfig();

function wire(): { ports: PosLoaderPorts; log: Logger; limits: PosLoaderLimits; live?: LiveCounting; close(): Promise<void> } {
  const config = configure();
  const log = createLogger(FUNCTIONS.posLoader, { level: config.logLevel });
  // Loaded sales count in the live counters when a serving store is configured (best effort).
  // A batch job: a longer deadline (the first call connects: TLS and AUTH), and the calls that
  // failed tried again once the store's pause after a failure is over.
  const store = config.servingStore ? createLiveStore({ ...config.servingStore, log, timeoutMs: 3_000 }) : undefined;
  return {
    ports: posLoaderPorts(config),
    log,
    limits: config.posLoader,
    ...(store ? { live: { apply: (e, nowMs) => store.apply(e, nowMs), now: liveNow, retryAfterMs: PAUSE_AFTER_FAILURE_MS + 100 } } : {}),
    close: async () => store?.close(),
  };
}

let wired: ReturnType<typeof wire> | undefined;

/**
 * Checks the function's configuration (its environment) as its first request would, without
 * building anything: throws the ConfigError naming what is missing or wrong. The local functions
 * host calls it for every function it serves once their environments are set.
 */
export function check(): void {
  configure();
}
// One run at a time per instance (the function also runs with concurrency 1, max 1 instance).
let running: Promise<unknown> = Promise.resolve();

/** Waits for a run in progress, then closes the serving store's connection (a local host or a test closing the emulators). */
export async function shutdown(): Promise<void> {
  const w = wired;
  wired = undefined;
  await running;
  await w?.close();
}

ff.http(FUNCTIONS.posLoader, async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).json({ error: 'method_not_allowed' });
    return;
  }
  wired ??= wire();
  const { ports, log, limits, live } = wired;
  const run = running.then(() => runPosLoader(ports, { now: Date.now, log, limits, live }));
  running = run.catch(() => undefined);
  try {
    const summary = await run;
    log.info({ ...summary, jobs: summary.jobs.length }, 'pos loader run done');
    res.status(200).json(summary);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'pos loader run failed');
    res.status(err instanceof RetryableError ? 503 : 500).json({ error: 'run_failed' });
  }
});
