// bench/raw-writer: rows/s through the Storage Write API emulator with the raw writer coalescing
// concurrent callers into few appends, against one append per caller, in the same run. Callers are
// 1,000 concurrent "requests" (as on a busy Cloud Run instance) writing one ~1 KB raw row each.
// The emulator runs in this process, so CPU time covers client and server together.
import * as grpc from '@grpc/grpc-js';
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { type RawRow, type RawWriterOptions, createRawWriter } from '../functions/ingest/raw-writer';
import { startBigquery as start } from '@pizzaflow/emulators';
import { writeReport } from './report';

const PROJECT = 'bench-project';
const CONCURRENCY = 1000;

const SCHEMA = [
  { name: 'event_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'event_type', type: 'STRING', mode: 'REQUIRED' },
  { name: 'merchant_id', type: 'STRING' },
  { name: 'store_id', type: 'STRING' },
  { name: 'order_id', type: 'STRING' },
  { name: 'occurred_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
  { name: 'ingested_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
  { name: 'amount_cents', type: 'INT64' },
  { name: 'payload', type: 'STRING' },
];

const PAYLOAD = JSON.stringify({
  channel: 'web',
  lines: Array.from({ length: 6 }, (_, i) => ({ sku: `sku-${i}`, name: `Pizza number ${i}`, qty: 1 + (i % 3), unit_price_cents: 899 + i * 100, modifiers: ['extra cheese', 'thin crust'] })),
  customer: { pseudonym: 'c9f1d2e8a7b6c5d4e3f2a1b0c9d8e7f6', segment: 'loyal' },
  fulfilment: { kind: 'delivery', provider: 'ubereats', eta_minutes: 35 },
});

function row(i: number): RawRow {
  return {
    event_id: `evt-${i}-${Math.random().toString(36).slice(2, 10)}`,
    event_type: 'order.placed',
    merchant_id: `m${i % 2000}`,
    store_id: `s${(i % 2000).toString().padStart(4, '0')}`,
    order_id: `o-${Math.floor(i / 3)}`,
    occurred_at: new Date(1_772_000_000_000 + i),
    ingested_at: new Date(),
    amount_cents: 2599 + (i % 1000),
    payload: PAYLOAD,
  };
}

interface RunResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  appends: number;
  appendsPer10kRows: number;
  cpuSeconds: number;
  rowsPerCpuSecond: number;
}

async function run(client: managedwriter.WriterClient, table: string, rows: number, policy: Partial<RawWriterOptions>): Promise<RunResult> {
  const writer = createRawWriter({ client, table, ...policy });
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  try {
    // CONCURRENCY callers, each writing one row per request until the total is reached.
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, rows) }, async () => {
        while (next < rows) await writer.write([row(next++)]);
      }),
    );
  } finally {
    await writer.close();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const appends = writer.stats().appends;
  return {
    rows,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round(rows / seconds),
    appends,
    appendsPer10kRows: round((appends / rows) * 10_000, 1),
    cpuSeconds: round(cpuSeconds, 2),
    rowsPerCpuSecond: Math.round(rows / cpuSeconds),
  };
}

function round(n: number, digits: number): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

async function main(): Promise<void> {
  const coalescedRows = Number(process.argv[2] ?? 50_000);
  const perCallerRows = Number(process.argv[3] ?? 3_000);
  process.env.METADATA_SERVER_DETECTION = 'none';
  const emulator = await start({ port: 0, grpcPort: 0, logLevel: 'warn' });
  const client = new managedwriter.WriterClient({ projectId: PROJECT, servicePath: emulator.grpcHost, port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure() });
  const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  try {
    const [ds] = await bq.createDataset('raw');
    await ds.createTable('bench_events', { schema: SCHEMA });
    const table = `projects/${PROJECT}/datasets/raw/tables/bench_events`;
    const coalescing = { maxRows: 500, maxBytes: 5 * 1024 * 1024, maxDelayMs: 10, maxInFlight: 4 };
    await run(client, table, 2_000, coalescing); // warm-up: JIT, connection, DuckDB
    const coalesced = await run(client, table, coalescedRows, coalescing);
    const perCaller = await run(client, table, perCallerRows, { maxRows: 1, maxDelayMs: 0, maxInFlight: CONCURRENCY });
    const [[{ n }]] = (await bq.query(`SELECT COUNT(*) AS n FROM \`${PROJECT}.raw.bench_events\``)) as unknown as [[{ n: number }]];
    const expected = 2_000 + coalescedRows + perCallerRows;
    if (Number(n) !== expected) throw new Error(`table holds ${n} rows, expected ${expected}`);
    const results = {
      concurrentCallers: CONCURRENCY,
      rowBytesJson: Buffer.byteLength(JSON.stringify(row(0))),
      coalescing: { policy: coalescing, ...coalesced },
      oneAppendPerCaller: perCaller,
      speedup: round(coalesced.rowsPerSecond / perCaller.rowsPerSecond, 1),
      appendReduction: round(perCaller.appendsPer10kRows / coalesced.appendsPer10kRows, 0),
      note: 'Client and emulator share one process (and its CPU); rows land in DuckDB through read_json per append.',
    };
    console.log(`raw writer, ${CONCURRENCY} concurrent callers, one ~${results.rowBytesJson}-byte row each`);
    console.log(`  coalescing        ${coalesced.rowsPerSecond.toLocaleString()} rows/s, ${coalesced.appendsPer10kRows} appends per 10k rows, ${coalesced.rowsPerCpuSecond.toLocaleString()} rows per CPU-second (${coalesced.rows} rows)`);
    console.log(`  append per caller ${perCaller.rowsPerSecond.toLocaleString()} rows/s, ${perCaller.appendsPer10kRows} appends per 10k rows, ${perCaller.rowsPerCpuSecond.toLocaleString()} rows per CPU-second (${perCaller.rows} rows)`);
    console.log(`  coalescing is ${results.speedup}x faster with ${results.appendReduction}x fewer appends`);
    const file = writeReport({ benchmark: 'raw-writer', description: 'Raw writer on the Storage Write emulator: coalesced appends vs one append per caller', results });
    console.log(`  written to ${file}`);
  } finally {
    client.close();
    await client.getClient().close();
    await emulator.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
