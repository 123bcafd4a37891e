// bench/ingest: events/s per core through the ingest path — decode a push body, validate
// (fastValidator), check that its PII arrived as tokens, build the Storage Write row — alone, through the HTTP handler
// and the raw writer's coalescer with the append stubbed, and end to end with the raw writer
// appending into the in-process BigQuery emulator (250 concurrent pushes, the catalog's
// concurrency). Baselines in the same run: decode + JSON.parse alone (the floor of the path), the
// keyed HMAC against plain createHmac, and the coalescer's row-size walk against JSON.stringify. Also the collector's accepted events/s with a publisher
// that accepts at once, with and without pseudonymising PII before publishing (the cost of "no plain
// PII after the collector"), rounds interleaved. Anchor: Google's Dataflow Pub/Sub→BigQuery template
// at about 27k 1-KB elements/s per vCPU. Pushed events carry their PII as tokens, as the collector
// publishes them. `-- --collector-only` runs the collector figures alone (bench/results/ingest-collector.json).
import { createHmac, createSecretKey } from 'node:crypto';
import { loadavg } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { piiPaths } from '../contracts/bigquery-schema';
import { loadCatalog } from '../contracts/catalog';
import { orderPlaced } from '../contracts/examples';
import { onlineOrderEvent } from '../contracts/online-order';
import { hmacSha256Hex, isPseudonym, normalisePii, pseudonymiseRecord } from '../contracts/pii';
import { startBigquery as start } from '@pizzaflow/emulators';
import { createKeyRing } from '../functions/runtime/api-keys';
import { createCollectorHandler, piiPseudonymiser, type CollectorHandler, type OutboundMessage, type Pseudonymiser } from '../functions/collector/handler';
import { ReplayCache } from '../functions/collector/signature';
import { decideIngest, routerFor } from '../functions/ingest/decision';
import { createIngestHttpHandler } from '../functions/ingest/http';
import { decodePushBody } from '../functions/ingest/push-message';
import { toStorageRow } from '../functions/ingest/storage-row';
import { Coalescer, createRawWriter, type RawRow } from '../functions/ingest/raw-writer';
import { jsonByteLength } from '../functions/ingest/raw-writer/json-size';
import { createLogger } from '../functions/runtime/logger';
import { writeReport } from './report';

const PROJECT = 'bench-ingest';
const KEY = 'bench-pii-key-0123456789';
const CONCURRENCY = 250;
const ANCHOR_PER_VCPU = 27_000;
/** The machine is shared: each CPU-bound figure is the median of this many rounds. */
const ROUNDS = 5;

/** An order as the collector publishes it: its PII fields already tokens (ingest refuses plain PII). */
const PUBLISHED_ORDER = pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), KEY);

function pushBody(i: number): object {
  const event = { ...PUBLISHED_ORDER, event_id: `evt-${i}`, order_id: `o-${i}` };
  const data = Buffer.from(JSON.stringify(event)).toString('base64');
  return { message: { data, attributes: { event_type: 'order.placed' }, messageId: String(i), publishTime: new Date().toISOString() }, subscription: `projects/${PROJECT}/subscriptions/online-orders-ingest`, deliveryAttempt: 1 };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Events per CPU-second of `fn` over `n` events, the median of ROUNDS rounds. */
async function perCpuSecond(n: number, fn: () => void | Promise<void>): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const cpu0 = process.cpuUsage();
    await fn();
    rates.push(n / cpuSeconds(cpu0));
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(rates.length / 2)]!);
}

const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
const f0 = (x: number): string => x.toLocaleString();

/** The floor: decoding the push body and parsing its JSON, which no implementation can skip. */
async function decodeAndParse(n: number) {
  const bodies = Array.from({ length: n }, (_, i) => pushBody(i));
  const eventsPerCpuSecond = await perCpuSecond(n, () => {
    for (const body of bodies) JSON.parse(decodePushBody(body).data.toString('utf8'));
  });
  return { events: n, eventsPerCpuSecond };
}

async function handlerOnly(n: number) {
  const catalog = loadCatalog();
  const schema = catalog.tables.find((t) => t.name === 'online_order_events')!.schema;
  const bodies = Array.from({ length: n }, (_, i) => pushBody(i));
  const bytes = bodies.reduce((sum: number, body) => sum + decodePushBody(body).data.length, 0);
  const eventsPerCpuSecond = await perCpuSecond(n, () => {
    for (const body of bodies) {
      const msg = decodePushBody(body);
      const d = decideIngest(msg, 'online_orders', { piiKey: KEY, nowMs: Date.now() });
      if (d.kind !== 'raw') throw new Error('bench event rejected');
      toStorageRow(schema, d.row);
    }
  });
  return { events: n, eventBytes: Math.round(bytes / n), eventsPerCpuSecond, ratioToAnchor: ratio(eventsPerCpuSecond, ANCHOR_PER_VCPU) };
}

/** The four PII values of an order, normalised, through plain createHmac (baseline) and the keyed HMAC. */
async function hmacs(n: number) {
  const values = Array.from({ length: n }, (_, i) => [
    normalisePii('email', `ada.${i}@example.com`),
    normalisePii('name', `Ada Lovelace ${i}`),
    normalisePii('phone', `+1 (312) 555-${i}`),
    normalisePii('line1', `${i} Analytical Way`),
  ]).flat();
  const keyObject = createSecretKey(Buffer.from(KEY, 'utf8'));
  const keyed = hmacSha256Hex(KEY);
  for (const v of values) {
    if (keyed(v) !== createHmac('sha256', keyObject).update(v).digest('hex')) throw new Error(`keyed HMAC differs from createHmac for ${v}`);
  }
  const createHmacPerCpuSecond = await perCpuSecond(values.length, () => {
    for (const v of values) createHmac('sha256', keyObject).update(v).digest('hex');
  });
  const keyedPerCpuSecond = await perCpuSecond(values.length, () => {
    for (const v of values) keyed(v);
  });
  return { hmacs: values.length, createHmacPerCpuSecond, keyedPerCpuSecond, speedup: ratio(keyedPerCpuSecond, createHmacPerCpuSecond) };
}

/** The coalescer's size estimate of a Storage Write row: JSON.stringify (baseline) against the walk. */
async function sizeEstimates(n: number) {
  const catalog = loadCatalog();
  const schema = catalog.tables.find((t) => t.name === 'online_order_events')!.schema;
  const rows = Array.from({ length: n }, (_, i) => {
    const d = decideIngest(decodePushBody(pushBody(i)), 'online_orders', { piiKey: KEY, nowMs: Date.now() });
    if (d.kind !== 'raw') throw new Error('bench event rejected');
    return toStorageRow(schema, d.row);
  });
  for (const row of rows) {
    if (jsonByteLength(row) !== Buffer.byteLength(JSON.stringify(row))) throw new Error('jsonByteLength differs from the JSON length');
  }
  const stringifyPerCpuSecond = await perCpuSecond(n, () => {
    for (const row of rows) Buffer.byteLength(JSON.stringify(row));
  });
  const walkPerCpuSecond = await perCpuSecond(n, () => {
    for (const row of rows) jsonByteLength(row);
  });
  return { rows: n, stringifyPerCpuSecond, walkPerCpuSecond, speedup: ratio(walkPerCpuSecond, stringifyPerCpuSecond) };
}

/** The HTTP handler and the raw writer's coalescing, with the append itself stubbed: all of the
 * function's own CPU but the protobuf encoding and gRPC, without the emulator's. */
async function handlerWithCoalescer(n: number) {
  const catalog = loadCatalog();
  const schema = (t: string) => catalog.tables.find((x) => x.dataset === 'raw' && x.name === t)!.schema;
  let appends = 0;
  const sink = () =>
    new Coalescer<RawRow>(async () => {
      appends += 1;
      return { rowErrors: [] };
    });
  const handler = createIngestHttpHandler({
    sinks: {
      raw: { online_order_events: sink(), delivery_events: sink() },
      rejected: sink(),
      schemas: { online_order_events: schema('online_order_events'), delivery_events: schema('delivery_events'), rejected_events: schema('rejected_events') },
    },
    piiKey: KEY,
    route: routerFor(catalog),
    log: createLogger('bench', { level: 'silent' }),
  });
  const bodies = Array.from({ length: n }, (_, i) => pushBody(i));
  const eventsPerCpuSecond = await perCpuSecond(n, async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const out = await handler({ headers: {}, body: bodies[next++] });
          if (out.status !== 204) throw new Error(`ingest answered ${out.status}`);
        }
      }),
    );
  });
  return { events: n, concurrentPushes: CONCURRENCY, eventsPerCpuSecond, ratioToAnchor: ratio(eventsPerCpuSecond, ANCHOR_PER_VCPU), appendsPerRound: Math.round(appends / ROUNDS) };
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

/** Requests of `perBatch` plain order.placed events, as a client sends them. */
function collectorBodies(batches: number, perBatch: number): Buffer[] {
  return Array.from({ length: batches }, (_, b) => Buffer.from(JSON.stringify({ events: Array.from({ length: perBatch }, (_, i) => ({ ...orderPlaced(), event_id: `e-${b}-${i}` })) })));
}

function collectorHandler(pseudonymise: Pseudonymiser, published: OutboundMessage[]): CollectorHandler {
  return createCollectorHandler({
    apiKeys: createKeyRing({ bench: 'bench-key' }),
    pseudonymise,
    webhookSecrets: {},
    publisher: {
      publish: async (_t, messages) => {
        published[0] ??= messages[0]!;
        return messages.map((_, i) => String(i));
      },
    },
    replayCache: new ReplayCache(),
  });
}

/** Accepted events per CPU-second and per wall second of one pass over `bodies`. */
async function collectorPass(handle: CollectorHandler, bodies: Buffer[], perBatch: number): Promise<{ perCpuSecond: number; perSecond: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const body of bodies) {
    const res = await handle({ method: 'POST', path: '/v1/orders/events', headers: { 'x-api-key': 'bench-key' }, body });
    if (res.status !== 202) throw new Error(`collector answered ${res.status}`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const events = bodies.length * perBatch;
  return { perCpuSecond: events / cpuSeconds(cpu0), perSecond: events / seconds };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The collector (publisher stubbed) with and without pseudonymising before publishing: the same
 * handler, the same bodies, only the pseudonymiser differs. Rounds alternate which goes first, so a
 * burst of load from other work on the machine falls on both; each figure is the median of its rounds.
 */
async function collectorPair(batches: number, perBatch: number, rounds: number) {
  const bodies = collectorBodies(batches, perBatch);
  const seen: { with: OutboundMessage[]; without: OutboundMessage[] } = { with: [], without: [] };
  const withPii = collectorHandler(piiPseudonymiser(KEY), seen.with);
  const without = collectorHandler(() => undefined, seen.without);
  // Warm-up, and the check that the pair differs in what it should: tokens against plain values.
  await collectorPass(withPii, bodies, perBatch);
  await collectorPass(without, bodies, perBatch);
  const published = (m: OutboundMessage[]) => (JSON.parse(m[0]!.data.toString('utf8')) as { customer: { email: string } }).customer.email;
  if (!isPseudonym(published(seen.with)) || published(seen.without) !== 'ada@example.com') throw new Error('the paired collectors do not differ in pseudonymisation only');
  const rates = { with: [] as number[], without: [] as number[], withWall: [] as number[], withoutWall: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
    for (const which of order) {
      const pass = await collectorPass(which === 'with' ? withPii : without, bodies, perBatch);
      rates[which].push(pass.perCpuSecond);
      rates[which === 'with' ? 'withWall' : 'withoutWall'].push(pass.perSecond);
    }
  }
  const withRate = median(rates.with);
  const withoutRate = median(rates.without);
  return {
    events: batches * perBatch,
    eventsPerRequest: perBatch,
    piiFieldsPerEvent: piiPaths(onlineOrderEvent).length,
    rounds,
    withPseudonymisation: { eventsPerCpuSecond: Math.round(withRate), eventsPerSecond: Math.round(median(rates.withWall)), cpuMicrosPerEvent: Number((1e6 / withRate).toFixed(2)) },
    withoutPseudonymisation: { eventsPerCpuSecond: Math.round(withoutRate), eventsPerSecond: Math.round(median(rates.withoutWall)), cpuMicrosPerEvent: Number((1e6 / withoutRate).toFixed(2)) },
    /** Events per CPU-second with pseudonymisation over without: below 1 is what it costs. */
    ratio: ratio(withRate, withoutRate),
    pseudonymisationCpuMicrosPerEvent: Number((1e6 / withRate - 1e6 / withoutRate).toFixed(2)),
    perRound: { with: rates.with.map(Math.round), without: rates.without.map(Math.round) },
  };
}

function printCollectorPair(col: Awaited<ReturnType<typeof collectorPair>>): void {
  const f = (x: number) => x.toLocaleString();
  console.log(`  collector (publisher stubbed)     ${f(col.withPseudonymisation.eventsPerCpuSecond)} accepted events per CPU-second (${col.withPseudonymisation.cpuMicrosPerEvent} µs an event)`);
  console.log(`    without pseudonymising          ${f(col.withoutPseudonymisation.eventsPerCpuSecond)} per CPU-second (${col.withoutPseudonymisation.cpuMicrosPerEvent} µs an event)`);
  console.log(`    pseudonymising ${col.piiFieldsPerEvent} PII fields       ratio ${col.ratio} (with/without), ${col.pseudonymisationCpuMicrosPerEvent} µs of CPU an event; median of ${col.rounds} interleaved rounds`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const collectorOnly = args.includes('--collector-only');
  const n = Number(args.find((a) => !a.startsWith('--')) ?? 50_000);
  process.env.METADATA_SERVER_DETECTION = 'none';
  const loadAtStart = loadavg()[0]!;
  if (collectorOnly) {
    const col = await collectorPair(Math.max(1, Math.floor(n / 100)), 100, 2 * ROUNDS + 1);
    const loadAverage1m = { atStart: loadAtStart, atEnd: loadavg()[0]! };
    console.log(`collector, ${f0(n)} order.placed events a pass in requests of 100 (load average ${loadAverage1m.atStart.toFixed(1)} → ${loadAverage1m.atEnd.toFixed(1)})`);
    printCollectorPair(col);
    const file = writeReport({ benchmark: 'ingest-collector', description: 'Collector accepted events per CPU-second, publisher stubbed, with and without pseudonymising PII before publishing (rounds interleaved)', results: { loadAverage1m, collectorPseudonymisation: col } });
    console.log(`  written to ${file}`);
    return;
  }
  await handlerOnly(5_000); // warm-up
  const floor = await decodeAndParse(n);
  const decide = await handlerOnly(n);
  const hmac = await hmacs(n);
  const sizes = await sizeEstimates(n);
  await handlerWithCoalescer(n); // warm-up: the async path takes longer to optimise
  const coalesced = await handlerWithCoalescer(n);
  const emulator = await start({ port: 0, grpcPort: 0, logLevel: 'warn' });
  try {
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    const catalog = loadCatalog();
    await bq.createDataset('raw');
    for (const t of catalog.tables.filter((x) => x.dataset === 'raw' && x.writeMethod === 'storage-write')) await bq.dataset('raw').createTable(t.name, { schema: { fields: t.schema } });
    await endToEnd(2_000, emulator); // warm-up
    const e2e = await endToEnd(n, emulator);
    const col = await collectorPair(Math.max(1, Math.floor(n / 100)), 100, 2 * ROUNDS + 1);
    const results = {
      anchorEventsPerVcpu: ANCHOR_PER_VCPU,
      medianOfRounds: ROUNDS,
      // CPU figures hold on a quiet machine; with other work on the cores they drop by up to half.
      loadAverage1m: { atStart: loadAtStart, atEnd: loadavg()[0]! },
      decodeAndParseOnly: floor,
      // Since 2026-12-06 the events arrive with their PII as tokens: ingest checks them, the collector hashes.
      decodeValidatePseudonymise: decide,
      hmacSha256: hmac,
      rowSizeEstimate: sizes,
      handlerWithCoalescerAppendStubbed: coalesced,
      endToEndWithEmulator: { ...e2e, note: 'ingest handler, raw writer and the BigQuery emulator share one process and its CPU' },
      collectorNoPublish: { events: col.events, eventsPerRequest: col.eventsPerRequest, eventsPerSecond: col.withPseudonymisation.eventsPerSecond, eventsPerCpuSecond: col.withPseudonymisation.eventsPerCpuSecond },
      collectorPseudonymisation: col,
    };
    const f = (x: number) => x.toLocaleString();
    console.log(`ingest, ${decide.eventBytes}-byte order.placed events (anchor: ${f(ANCHOR_PER_VCPU)} 1-KB elements/s per vCPU; median of ${ROUNDS} rounds; load average ${results.loadAverage1m.atStart.toFixed(1)} → ${results.loadAverage1m.atEnd.toFixed(1)})`);
    console.log(`  decode+JSON.parse only (floor)    ${f(floor.eventsPerCpuSecond)} events per CPU-second`);
    console.log(`  decode+validate+PII check+row     ${f(decide.eventsPerCpuSecond)} events per CPU-second, ${decide.ratioToAnchor}× the anchor`);
    console.log(`  HMAC-SHA256 of a PII value        keyed ${f(hmac.keyedPerCpuSecond)}/CPU-s against createHmac ${f(hmac.createHmacPerCpuSecond)}/CPU-s (${hmac.speedup}×)`);
    console.log(`  row size estimate (coalescer)     walk ${f(sizes.walkPerCpuSecond)} rows/CPU-s against JSON.stringify ${f(sizes.stringifyPerCpuSecond)} (${sizes.speedup}×)`);
    console.log(`  + HTTP handler and coalescer      ${f(coalesced.eventsPerCpuSecond)} events per CPU-second, ${coalesced.ratioToAnchor}× the anchor (append stubbed, ${coalesced.appendsPerRound} appends a round)`);
    console.log(`  end to end (with emulator)        ${f(e2e.eventsPerSecond)} events/s, ${f(e2e.eventsPerCpuSecond)} per CPU-second, ${e2e.appends} appends`);
    printCollectorPair(col);
    console.log(`  written to ${writeReport({ benchmark: 'ingest', description: 'Ingest handler per core, alone, with the coalescer, and through the raw writer into the emulator; keyed HMAC against createHmac; collector accepted events/s with and without pseudonymisation', results })}`);
  } finally {
    await emulator.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
