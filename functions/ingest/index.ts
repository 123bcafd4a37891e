// Entry point of the ingest function (push target of the ingest subscriptions): wires the raw
// writers from configuration and registers the HTTP handler, which also accepts CloudEvents.
import * as ff from '@google-cloud/functions-framework';
import { DATASETS, FUNCTIONS, loadCatalog } from '../../contracts/catalog';
import { loadConfig, type Config } from '../runtime/config';
import { ConfigError } from '../runtime/errors';
import { createLogger, type Logger } from '../runtime/logger';
import { writerClient } from '../runtime/clients';
import { liveNow } from '../runtime/live-clock';
import { liveEffect } from '../runtime/live-counters';
import { createLiveStore, type LiveCounterStore } from '../runtime/live-store';
import { routerFor, type AcceptedVersions, type RawTable } from './decision';
import { createIngestHttpHandler } from './http';
import type { IngestSinks, RowSink } from './ingest';
import { createRawWriter, type RawRow } from './raw-writer';

interface Wired {
  handler: ReturnType<typeof createIngestHttpHandler>;
  close(): Promise<void>;
}

/** The configuration, checked: the PII key. */
function configure(): Config & { piiKey: string } {
  const config = loadConfig();
  if (!config.piiKey) throw new ConfigError('PIZZAFLOW_PII_KEY', 'required by the ingest function: PII is pseudonymised before it lands');
  return { ...config, piiKey: config.piiKey };
}

function wire(): Wired {
  const config = configure();
  const log = createLogger(FUNCTIONS.ingest, { level: config.logLevel });
  const catalog = loadCatalog();
  const client = writerClient(config);
  const appendTimeoutMs = config.appendTimeoutSeconds * 1000;
  const writer = (table: string) => createRawWriter({ client, table: `projects/${config.project}/datasets/${DATASETS.raw}/tables/${table}`, log, appendTimeoutMs });
  const schema = (name: string) => catalog.tables.find((t) => t.dataset === DATASETS.raw && t.name === name)!.schema;
  const writers = { online_order_events: writer('online_order_events'), delivery_events: writer('delivery_events'), rejected_events: writer('rejected_events') };
  // Live counters (best effort): only when a serving store is configured.
  const live = config.servingStore ? createLiveStore({ ...config.servingStore, log }) : undefined;
  const orders = faultable('online_order_events', writers.online_order_events);
  const sinks: IngestSinks = {
    raw: { online_order_events: live ? counting(orders, live, log, liveNow) : orders, delivery_events: faultable('delivery_events', writers.delivery_events) },
    rejected: writers.rejected_events,
    schemas: { online_order_events: schema('online_order_events'), delivery_events: schema('delivery_events'), rejected_events: schema('rejected_events') },
  };
  return {
    handler: createIngestHttpHandler({ sinks, piiKey: config.piiKey, route: routerFor(catalog), log, project: config.project, acceptedVersions: () => pinnedVersions }),
    close: async () => {
      await Promise.allSettled([...Object.values(writers).map((w) => w.close()), live?.close()]);
      client.close();
      // WriterClient.close() closes its connections, not the gRPC channel under them.
      await client.getClient().close();
    },
  };
}

/**
 * Fault injection for outage drills run in-process (test/integration/ops/outage-replay.test.ts):
 * while set, a write to a raw event table asks it first, and fails with the error it returns
 * instead of reaching BigQuery, as an append does while BigQuery is down (a RetryableError: 503,
 * Pub/Sub redelivers). Writes to rejected_events are never faulted. Nothing in the deployed
 * function sets it; it is reachable only from code in the same process.
 */
export type RawWriteFault = (table: RawTable, rows: readonly RawRow[]) => Error | undefined;
let rawWriteFault: RawWriteFault | undefined;

export function setRawWriteFault(fault: RawWriteFault | undefined): void {
  rawWriteFault = fault;
}

function faultable(table: RawTable, sink: RowSink): RowSink {
  return {
    write: (rows) => {
      const err = rawWriteFault?.(table, rows);
      return err ? Promise.reject(err) : sink.write(rows);
    },
  };
}

/**
 * Contract pinning for upgrade drills run in-process (test/integration/ops/version-upgrade-replay.test.ts):
 * while set, ingest accepts only these schema versions, as a deployment still running an older
 * contract would; `undefined` restores each contract's own (the upgrade). Nothing in the deployed
 * function sets it; it is reachable only from code in the same process.
 */
let pinnedVersions: AcceptedVersions | undefined;

export function setAcceptedSchemaVersions(versions: AcceptedVersions | undefined): void {
  pinnedVersions = versions;
}

/**
 * Counts the written rows into the live counters once the raw write succeeded. The counters are
 * best effort (the settled marts are the truth): a store that fails or is late is logged, and the
 * message is acknowledged as usual. Idempotent per event, so a redelivery counts nothing.
 */
export function counting(sink: RowSink, live: Pick<LiveCounterStore, 'apply'>, log: Logger, now: () => number = Date.now): RowSink {
  return {
    write: async (rows) => {
      await sink.write(rows);
      const nowMs = now();
      for (const row of rows) {
        const effect = liveEffect(row, nowMs);
        if (!effect) continue;
        try {
          await live.apply(effect, nowMs);
        } catch (err) {
          // The ids only: never the row (it is a customer's order).
          log.warn({ merchantId: effect.merchantId, eventId: effect.eventId, err: (err as Error).message }, 'live counters not updated');
        }
      }
    },
  };
}

let wired: Wired | undefined;

/**
 * Checks the function's configuration (its environment) as its first request would, without
 * building anything: throws the ConfigError naming what is missing or wrong. The local functions
 * host calls it for every function it serves once their environments are set.
 */
export function check(): void {
  configure();
}

/** Flushes and closes the writers (graceful shutdown; a local host or a test closing the emulators). */
export async function shutdown(): Promise<void> {
  const w = wired;
  wired = undefined;
  await w?.close();
}

ff.http(FUNCTIONS.ingest, async (req, res) => {
  wired ??= wire();
  const out = await wired.handler({ headers: req.headers, body: req.body });
  if (out.body) res.status(out.status).json(out.body);
  else res.status(out.status).end();
});
