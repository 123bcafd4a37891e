// bench/ingest: events/s per core through the ingest path — decode a push body, validate
// (fastValidator), pseudonymise PII, build the Storage Write row — alone, and end to end through the
// HTTP handler with the raw writer coalescing appends into the in-process BigQuery emulator
// (250 concurrent pushes, the catalog's concurrency). Also the collector's accepted events/s with a
// publisher that accepts at once. Anchor: Google's Dataflow Pub/Sub→BigQuery template at about 27k
// 1-KB elements/s per vCPU.
import * as grpc from '@grpc/grpc-js';
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { loadCatalog } from '../contracts/catalog';
import { orderPlaced } from '../contracts/examples';
import { start } from '../emulators/bigquery';
import { apiKeyTable } from '../functions/lib/collector/api-keys';
import { createCollectorHandler } from '../functions/lib/collector/handler';
import { ReplayCache } from '../functions/lib/collector/signature';
import { decideIngest, routerFor } from '../functions/lib/ingest/decision';
import { createIngestHttpHandler } from '../functions/lib/ingest/http';
import { decodePushBody } from '../functions/lib/ingest/push-message';
import { toStorageRow } from '../functions/lib/ingest/storage-row';
import { createRawWriter } from '../functions/lib/raw-writer';
import { createLogger } from '../lib/logger';
import { writeReport } from './report';

const PROJECT = 'bench-ingest';
const KEY = 'bench-pii-key-0123456789';
const CONCURRENCY = 250;
const ANCHOR_PER_VCPU = 27_000;

function pushBody(i: number): object {
  const event = { ...orderPlaced(), event_id: `evt-${i}`, order_id: `o-${i}` };
  const data = Buffer.from(JSON.stringify(event)).toString('base64');
  return { message: { data, attributes: { event_type: 'order.placed' }, messageId: String(i), publishTime: new Date().toISOString() }, subscription: `projects/${PROJECT}/subscriptions/online-orders-ingest`, deliveryAttempt: 1 };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function handlerOnly(n: number) {
  const catalog = loadCatalog();
  const schema = catalog.tables.find((t) => t.name === 'online_order_events')!.schema;
  const bodies = Array.from({ length: n }, (_, i) => pushBody(i));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for (const body of bodies) {
    const msg = decodePushBody(body);
    bytes += msg.data.length;
    const d = decideIngest(msg, 'online_orders', { piiKey: KEY, nowMs: Date.now() });
    if (d.kind !== 'raw') throw new Error('bench event rejected');
    toStorageRow(schema, d.row);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(cpu0);
  return { events: n, eventBytes: Math.round(bytes / n), eventsPerSecond: Math.round(n / seconds), eventsPerCpuSecond: Math.round(n / cpu) };
}

async function endToEnd(n: number, emulator: Awaited<ReturnType<typeof start>>) {
  const catalog = loadCatalog();
  const client = new managedwriter.WriterClient({ projectId: PROJECT, servicePath: emulator.grpcHost, port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure() });
  const writer = (t: string) => createRawWriter({ client, table: `projects/${PROJECT}/datasets/raw/tables/${t}` });
  const writers = { online_order_events: writer('online_order_events'), delivery_events: writer('delivery_events'), rejected_events: writer('rejected_events') };
  const schema = (t: string) => catalog.tables.find((x) => x.dataset === 'raw' && x.name === t)!.schema;
  const handler = createIngestHttpHandler({
    sinks: { raw: writers, rejected: writers.rejected_events, schemas: { online_order_events: schema('online_order_events'), delivery_events: schema('delivery_events'), rejected_events: schema('rejected_events') } },
    piiKey: KEY,
    route: routerFor(catalog),
    log: createLogger('bench', { level: 'silent' }),
  });
  try {
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const out = await handler({ headers: {}, body: pushBody(next++) });
          if (out.status !== 204) throw new Error(`ingest answered ${out.status}`);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(cpu0);
    return { events: n, concurrentPushes: CONCURRENCY, eventsPerSecond: Math.round(n / seconds), eventsPerCpuSecond: Math.round(n / cpu), appends: writers.online_order_events.stats().appends };
  } finally {
    await Promise.all(Object.values(writers).map((w) => w.close()));
    client.close();
  }
}

async function collector(batches: number, perBatch: number) {
  const handle = createCollectorHandler({
    apiKeys: apiKeyTable({ bench: 'bench-key' }),
    webhookSecrets: {},
    publisher: { publish: async (_t, messages) => messages.map((_, i) => String(i)) },
    replayCache: new ReplayCache(),
  });
  const bodies = Array.from({ length: batches }, (_, b) => Buffer.from(JSON.stringify({ events: Array.from({ length: perBatch }, (_, i) => ({ ...orderPlaced(), event_id: `e-${b}-${i}` })) })));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const body of bodies) {
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'bench-key' }, body });
    if (res.status !== 202) throw new Error(`collector answered ${res.status}`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const events = batches * perBatch;
  return { events, eventsPerRequest: perBatch, eventsPerSecond: Math.round(events / seconds), eventsPerCpuSecond: Math.round(events / cpuSeconds(cpu0)) };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50_000);
  process.env.METADATA_SERVER_DETECTION = 'none';
  handlerOnly(5_000); // warm-up
  const decide = handlerOnly(n);
  const emulator = await start({ port: 0, grpcPort: 0, logLevel: 'warn' });
  try {
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    const catalog = loadCatalog();
    await bq.createDataset('raw');
    for (const t of catalog.tables.filter((x) => x.dataset === 'raw' && x.writeMethod === 'storage-write')) await bq.dataset('raw').createTable(t.name, { schema: { fields: t.schema } });
    await endToEnd(2_000, emulator); // warm-up
    const e2e = await endToEnd(n, emulator);
    const col = await collector(Math.max(1, Math.floor(n / 100)), 100);
    const results = {
      anchorEventsPerVcpu: ANCHOR_PER_VCPU,
      decodeValidatePseudonymise: decide,
      endToEndWithEmulator: { ...e2e, note: 'ingest handler, raw writer and the BigQuery emulator share one process and its CPU' },
      collectorNoPublish: col,
    };
    console.log(`ingest, ${decide.eventBytes}-byte order.placed events (anchor: ${ANCHOR_PER_VCPU.toLocaleString()} 1-KB elements/s per vCPU)`);
    console.log(`  decode+validate+pseudonymise+row  ${decide.eventsPerCpuSecond.toLocaleString()} events per CPU-second`);
    console.log(`  end to end (with emulator)        ${e2e.eventsPerSecond.toLocaleString()} events/s, ${e2e.eventsPerCpuSecond.toLocaleString()} per CPU-second, ${e2e.appends} appends`);
    console.log(`  collector (publisher stubbed)     ${col.eventsPerCpuSecond.toLocaleString()} accepted events per CPU-second`);
    console.log(`  written to ${writeReport({ benchmark: 'ingest', description: 'Ingest handler per core, alone and through the raw writer into the emulator; collector accepted events/s', results })}`);
  } finally {
    await emulator.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
