// BigQuery emulator overhead: insertAll rows/s, load-job rows/s and a GROUP BY through the REST API
// with the official clients, each next to plain DuckDB (@duckdb/node-api) doing the same work on
// the same data in the same run (appender for insertAll, read_json for the load job, the same
// GROUP BY on the same table). The emulators run in this process, as tests and local mode do.
// Run from compiled output: `npm run build && node dist/bench/bigquery.js`
//   [--insert-rows N] [--load-rows N] [--groupby-rows N] (defaults 100k, 1M, 10M).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Storage } from '@google-cloud/storage';
import { startBigquery as startBigQuery } from '@pizzaflow/emulators';
import { startStorage } from '@pizzaflow/emulators';
import { writeReport } from './report';

const PROJECT = 'bench-project';
const BATCH = 500;
const CONCURRENCY = 4;
const CHANNELS = ['web', 'app', 'pos'];
const SCHEMA = [
  { name: 'event_id', type: 'STRING' },
  { name: 'store_id', type: 'INT64' },
  { name: 'amount_cents', type: 'INT64' },
  { name: 'channel', type: 'STRING' },
  { name: 'placed_at', type: 'TIMESTAMP' },
];
const DUCK_COLUMNS = `{'event_id': 'VARCHAR', 'store_id': 'BIGINT', 'amount_cents': 'BIGINT', 'channel': 'VARCHAR', 'placed_at': 'TIMESTAMPTZ'}`;
const GROUP_BY = (table: string): string => `SELECT store_id, COUNT(*) AS orders, SUM(amount_cents) AS revenue FROM ${table} GROUP BY store_id`;

interface Row {
  event_id: string;
  store_id: number;
  amount_cents: number;
  channel: string;
  placed_at: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function makeRows(n: number): Row[] {
  const base = Date.UTC(2024, 2, 1);
  return Array.from({ length: n }, (_, i) => ({
    event_id: `evt-${i.toString(36).padStart(8, '0')}`,
    store_id: (i * 7919) % 2000,
    amount_cents: 500 + ((i * 31) % 4000),
    channel: CHANNELS[i % 3]!,
    placed_at: new Date(base + i * 1000).toISOString(),
  }));
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function medianAsync(rounds: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function plainDuck(): Promise<{ conn: DuckDBConnection; close(): void }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return {
    conn,
    close: () => {
      conn.closeSync();
      db.closeSync();
    },
  };
}

async function benchInsertAll(bq: BigQuery, rows: Row[]): Promise<Record<string, number>> {
  const [table] = await bq.dataset('bench').createTable('insert_all', { schema: SCHEMA });
  const batches: Row[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
  const emulatorMs = await timed(async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const b = batches[next++]!;
        await table.insert(b.map((json) => ({ insertId: json.event_id, json })), { raw: true });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
  const duck = await plainDuck();
  try {
    await duck.conn.run('CREATE TABLE t (event_id VARCHAR, store_id BIGINT, amount_cents BIGINT, channel VARCHAR, placed_at TIMESTAMPTZ)');
    const duckMs = await timed(async () => {
      const appender = await duck.conn.createAppender('t');
      for (const r of rows) {
        appender.appendVarchar(r.event_id);
        appender.appendBigInt(BigInt(r.store_id));
        appender.appendBigInt(BigInt(r.amount_cents));
        appender.appendVarchar(r.channel);
        appender.appendVarchar(r.placed_at);
        appender.endRow();
      }
      appender.closeSync();
    });
    return rates(rows.length, emulatorMs, duckMs);
  } finally {
    duck.close();
  }
}

async function benchLoad(bq: BigQuery, storage: Storage, rows: Row[], dir: string): Promise<Record<string, number>> {
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const local = join(dir, 'rows.json');
  writeFileSync(local, text);
  const [bucket] = await storage.createBucket('bench-landing');
  await bucket.upload(local, { destination: 'pos/rows.json', resumable: false });
  const table = bq.dataset('bench').table('loaded');
  const emulatorMs = await timed(async () => {
    await table.load(bucket.file('pos/rows.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: { fields: SCHEMA } });
  });
  const [[count]] = await bq.query({ query: 'SELECT COUNT(*) AS n FROM bench.loaded' });
  if ((count as { n: number }).n !== rows.length) throw new Error(`load job wrote ${(count as { n: number }).n} rows, expected ${rows.length}`);
  const duck = await plainDuck();
  try {
    const duckMs = await timed(async () => {
      await duck.conn.run(`CREATE TABLE t AS SELECT * FROM read_json('${local}', format = 'newline_delimited', columns = ${DUCK_COLUMNS})`);
    });
    return { ...rates(rows.length, emulatorMs, duckMs), fileBytes: Buffer.byteLength(text) };
  } finally {
    duck.close();
  }
}

const GENERATE = (n: number): string =>
  `SELECT x AS event_id, MOD(x * 7919, 2000) AS store_id, 500 + MOD(x * 31, 4000) AS amount_cents FROM UNNEST(GENERATE_ARRAY(1, ${n})) AS x`;

async function benchGroupBy(bq: BigQuery, n: number): Promise<Record<string, number>> {
  await bq.query({ query: `CREATE TABLE bench.sales AS ${GENERATE(n)}` });
  const rounds = 3;
  let groups = 0;
  const emulatorMs = await medianAsync(rounds, async () => {
    const [rows] = await bq.query({ query: GROUP_BY('bench.sales') });
    groups = rows.length;
  });
  const duck = await plainDuck();
  try {
    await duck.conn.run(`CREATE TABLE sales AS SELECT range AS event_id, (range * 7919) % 2000 AS store_id, 500 + (range * 31) % 4000 AS amount_cents FROM range(1, ${n + 1})`);
    let duckGroups = 0;
    const duckMs = await medianAsync(rounds, async () => {
      duckGroups = (await duck.conn.runAndReadAll(GROUP_BY('sales'))).getRows().length;
    });
    if (groups !== duckGroups) throw new Error(`GROUP BY returned ${groups} groups, plain DuckDB ${duckGroups}`);
    return { rows: n, groups, emulatorMs: round(emulatorMs), duckdbMs: round(duckMs), overheadRatio: round(emulatorMs / duckMs) };
  } finally {
    duck.close();
  }
}

function rates(n: number, emulatorMs: number, duckMs: number): Record<string, number> {
  const emulatorRowsPerSecond = Math.round((n / emulatorMs) * 1000);
  const duckdbRowsPerSecond = Math.round((n / duckMs) * 1000);
  return { rows: n, emulatorMs: round(emulatorMs), duckdbMs: round(duckMs), emulatorRowsPerSecond, duckdbRowsPerSecond, ratioToDuckdb: round(emulatorRowsPerSecond / duckdbRowsPerSecond, 4) };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const insertRows = arg('--insert-rows', 100_000);
  const loadRows = arg('--load-rows', 1_000_000);
  const groupByRows = arg('--groupby-rows', 10_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-bench-bq-'));
  const storageEmu = await startStorage({ port: 0, inMemory: true, logLevel: 'warn' });
  const emulator = await startBigQuery({ port: 0, storageHost: storageEmu.url, logLevel: 'warn' });
  try {
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    const storage = new Storage({ projectId: PROJECT, apiEndpoint: storageEmu.url });
    await bq.createDataset('bench');
    const insertAll = await benchInsertAll(bq, makeRows(insertRows));
    process.stdout.write(`insertAll (${BATCH}-row requests, ${CONCURRENCY} in flight): ${insertAll.emulatorRowsPerSecond} rows/s; DuckDB appender ${insertAll.duckdbRowsPerSecond} rows/s; ratio ${insertAll.ratioToDuckdb}\n`);
    const load = await benchLoad(bq, storage, makeRows(loadRows), dir);
    process.stdout.write(`load job (NDJSON, ${loadRows} rows): ${load.emulatorRowsPerSecond} rows/s; DuckDB read_json ${load.duckdbRowsPerSecond} rows/s; ratio ${load.ratioToDuckdb}\n`);
    const groupBy = await benchGroupBy(bq, groupByRows);
    process.stdout.write(`GROUP BY over ${groupByRows} rows: emulator ${groupBy.emulatorMs} ms; DuckDB ${groupBy.duckdbMs} ms; overhead x${groupBy.overheadRatio}\n`);
    const file = writeReport({
      benchmark: 'bigquery',
      description:
        'BigQuery emulator through the official clients vs plain DuckDB on the same data, same run: insertAll (500-row requests, 4 in flight) vs the DuckDB appender; an NDJSON load job from the storage emulator vs read_json; a GROUP BY store over generated sales through jobs.query (median of 3) vs the same query in DuckDB.',
      results: { insertAll, loadJob: load, groupBy },
    });
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await emulator.close();
    await storageEmu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
