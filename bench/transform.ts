// bench/transform: what one scheduled 15-minute incremental Dataform run costs as history grows (1,
// 7, 30, 90 days of generated data on the BigQuery emulator). For each history length: raw is loaded
// as ingestion leaves it (a stream event's ingested_at a few seconds after its event_time; a POS
// file's rows five minutes after its window), one full refresh builds everything, then RUNS
// consecutive incremental runs each follow the arrival of the next 15 minutes of raw. Per run:
//   - raw bytes newly arrived: a dry run of `select <every column> from raw.<stream>` over the
//     window's ingested_at, summed over the four event streams;
//   - raw bytes read, two ways: the runner's bytesProcessed of each action that reads raw (these
//     also include the action's reads of staging and marts, so an upper bound), and, independently,
//     a dry run per action of the raw part alone (the same raw columns over the same ingested_at
//     range the action's SQL names, with the run's scan_from / scan_to / touched_from read back
//     from staging.touched_event_dates);
//   - their ratio (goal: at most 3, flat across history), and the run's total bytes processed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start } from '@pizzaflow/emulators';
import { platformCatalog } from '../contracts/catalog';
import { compileProject, runGraph, DataformRunError, type CompiledGraph, type RunReport } from '../tools/dataform';
import { generate } from '../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from '../tools/testing/raw-loader';
import { writeReport } from './report';

const PROJECT = 'pizzaflow-local';
/** Stores generated (BENCH_STORES): scaled down so 90 days stays within minutes on 2 cores. */
const STORES = Number(process.env.BENCH_STORES ?? 6);
/** Incremental runs measured after the full refresh, one per 15-minute window of arrivals. */
const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const WINDOW_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** 18:00 UTC: the history ends, and the measured runs start, in the US stores' trading day. */
const START = '2026-06-01T18:00:00Z';
const STREAMS = ['online_order_events', 'delivery_events', 'pos_transactions', 'inventory_movements'] as const;
type Stream = (typeof STREAMS)[number];
/** The actions whose SQL reads the raw event streams in an incremental run. */
const RAW_ACTIONS = ['touched_event_dates', 'stg_online_order_events', 'stg_delivery_events', 'stg_pos_transactions', 'stg_inventory_movements', 'partition_checks', 'assert_marts_are_fresh'] as const;
type RawAction = (typeof RAW_ACTIONS)[number];
/** Actions that rebuild from the raw reference tables (raw.ref_*) on every run. */
const REFERENCE_ACTIONS = ['stg_merchants', 'stg_stores', 'stg_products', 'stg_product_recipes', 'stg_promotions', 'stg_promotion_skus', 'stg_promotion_stores', 'stg_raw_materials'];

const arrivalOf = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);
const iso = (ms: number): string => new Date(ms).toISOString();
const sqlTs = (ms: number): string => `timestamp '${iso(ms).replace('T', ' ').replace('Z', '+00:00')}'`;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(3);

/** A small deterministic delay (1–30 s) per row: how long the collector and ingest take. */
function delayMs(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return 1_000 + ((h >>> 0) % 29_000);
}

/**
 * The raw loader stamps every line of an hourly stream file at minute 50 of its arrival hour; the
 * collector and ingest path commit a row seconds after the event. So each stream row is restamped
 * at its event_time (or, for a line delivered late, the start of its arrival hour) plus 1–30 s.
 * POS rows keep the loader's stamp: their window's end + 5 minutes (a resend + 20).
 */
function restampStreams(rows: RawRows): void {
  for (const table of ['online_order_events', 'delivery_events'] as const) {
    for (const r of rows[table]) {
      const loaded = arrivalOf(r);
      const hourStart = loaded - (loaded % 3_600_000);
      const eventMs = Date.parse(r.event_time as string);
      const at = iso(Math.max(Number.isNaN(eventMs) ? hourStart : eventMs, hourStart) + delayMs(String(r.message_id)));
      r.ingested_at = at;
      r.published_at = at;
    }
  }
  for (const r of rows.rejected_events) {
    const loaded = arrivalOf(r);
    r.rejected_at = iso(loaded - (loaded % 3_600_000) + delayMs(String(r.payload_sha256)) * 60);
  }
}

/** Rows arriving in [from, to). */
function arrivedIn(rows: RawRows, from: number, to: number): RawRows {
  const out = {} as RawRows;
  for (const table of Object.keys(rows) as RawTable[]) out[table] = rows[table].filter((r) => arrivalOf(r) >= from && arrivalOf(r) < to);
  return out;
}

async function load(bq: BigQuery, rows: RawRows): Promise<void> {
  for (const table of Object.keys(rows) as RawTable[]) await insertRows(bq, table, rows[table]);
}

const rawColumns = (stream: Stream): string[] => {
  const t = platformCatalog().tables.find((x) => x.dataset === 'raw' && x.name === stream);
  if (!t) throw new Error(`raw.${stream} is not in the catalog`);
  return (t.schema as { name: string }[]).map((f) => f.name);
};

/** The raw columns a staging model's incremental query names (what BigQuery and DuckDB project). */
function stagingColumns(graph: CompiledGraph, stream: Stream): string[] {
  const table = graph.tables?.find((t) => t.target.name === `stg_${stream}`);
  const sql = table?.incrementalQuery ?? table?.query;
  if (!sql) throw new Error(`stg_${stream} has no query`);
  const idents = new Set(sql.replace(/'(?:[^']|'')*'/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return rawColumns(stream).filter((c) => idents.has(c));
}

async function dryRunBytes(bq: BigQuery, query: string): Promise<number> {
  const [job] = await bq.createQueryJob({ query, dryRun: true, useLegacySql: false });
  const stats = job.metadata.statistics as { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } };
  return Number(stats.query?.totalBytesProcessed ?? stats.totalBytesProcessed ?? 0);
}

const scan = (stream: Stream, columns: readonly string[], where: string): string => `select ${columns.join(', ')} from \`${PROJECT}.raw.${stream}\` where ${where}`;

interface RunWindow {
  scanFromMs: number;
  scanToMs: number;
  touchedFrom: string;
  touchedFromEvents: string;
}

const tsValue = (v: unknown): number => Date.parse(String(v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v));
const dateValue = (v: unknown): string => String(v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);

/** The run's raw window and touched dates, as touched_event_dates recorded them. */
async function runWindow(bq: BigQuery): Promise<RunWindow> {
  const [rows] = await bq.query({
    query: `select min(scan_from) as scan_from, max(new_watermark_at) as scan_to, min(event_date) as touched_from,
      min(if(has_new_events, event_date, null)) as touched_from_events from \`${PROJECT}.staging.touched_event_dates\``,
  });
  const r = (rows as Record<string, unknown>[])[0]!;
  return { scanFromMs: tsValue(r.scan_from), scanToMs: tsValue(r.scan_to), touchedFrom: dateValue(r.touched_from), touchedFromEvents: dateValue(r.touched_from_events) };
}

/**
 * The raw part of each raw-reading action, measured on its own: the raw columns and ingested_at
 * range its SQL names (dataform/includes/partitions.js, streams.js and the action's sqlx).
 */
async function rawPartBytes(bq: BigQuery, graph: CompiledGraph, w: RunWindow): Promise<Record<RawAction, number>> {
  const window = `ingested_at >= ${sqlTs(w.scanFromMs)} and ingested_at <= ${sqlTs(w.scanToMs)}`;
  const each = async (columns: (s: Stream) => readonly string[], where: string): Promise<number> => sum(await Promise.all(STREAMS.map((s) => dryRunBytes(bq, scan(s, columns(s), where)))));
  const staging = async (s: Stream): Promise<number> => dryRunBytes(bq, scan(s, stagingColumns(graph, s), window));
  return {
    // arrivals: event_time, ingested_at of every stream from scan_from on (no upper bound).
    touched_event_dates: await each(() => ['event_time', 'ingested_at'], `ingested_at >= ${sqlTs(w.scanFromMs)}`),
    stg_online_order_events: await staging('online_order_events'),
    stg_delivery_events: await staging('delivery_events'),
    stg_pos_transactions: await staging('pos_transactions'),
    stg_inventory_movements: await staging('inventory_movements'),
    // reconciliation: the key columns of the window.
    partition_checks: await each(() => ['merchant_id', 'event_id', 'event_time', 'ingested_at'], window),
    // what arrived after the run's watermark.
    assert_marts_are_fresh: await each(() => ['ingested_at'], `ingested_at > ${sqlTs(w.scanToMs)}`),
  };
}

/** Bytes of every column of the rows that arrived in [from, to), per stream. */
async function arrivedBytes(bq: BigQuery, from: number, to: number): Promise<Record<Stream, number>> {
  const where = `ingested_at >= ${sqlTs(from)} and ingested_at < ${sqlTs(to)}`;
  const values = await Promise.all(STREAMS.map((s) => dryRunBytes(bq, scan(s, rawColumns(s), where))));
  return Object.fromEntries(STREAMS.map((s, i) => [s, values[i]!])) as Record<Stream, number>;
}

async function run(bq: BigQuery, vars: Record<string, string>, fullRefresh: boolean): Promise<{ graph: CompiledGraph; report: RunReport; ms: number }> {
  const graph = compileProject('dataform', { vars });
  const started = process.hrtime.bigint();
  try {
    const report = await runGraph({ bigquery: bq, graph, fullRefresh, concurrency: 2 });
    return { graph, report, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) };
  } catch (e) {
    if (e instanceof DataformRunError) {
      const failed = e.report.results.filter((r) => r.status === 'failed').map((r) => `${r.action}: ${r.error ?? ''} ${JSON.stringify(r.sampleRows ?? [])}`);
      throw new Error(`dataform run failed:\n${failed.join('\n')}`, { cause: e });
    }
    throw e;
  }
}

interface IncrementalRun {
  run: number;
  window: { from: string; to: string };
  scanFrom: string;
  scanTo: string;
  touchedFrom: string;
  newRows: number;
  arrivedBytes: number;
  arrivedBytesByStream: Record<Stream, number>;
  /** The raw part of each raw-reading action, measured on its own (dry runs). */
  rawReadBytesByAction: Record<RawAction, number>;
  rawReadBytes: number;
  /** The runner's bytesProcessed of each raw-reading action (raw + the staging/marts it also reads). */
  actionBytes: Record<RawAction, number>;
  actionBytesTotal: number;
  /** Runner bytes of the actions rebuilding from raw.ref_* (every run; constant). */
  referenceBytes: number;
  ratio: number;
  actionRatio: number;
  totalBytes: number;
  ms: number;
  /** The costliest actions of the run (runner bytes). */
  top: { action: string; bytes: number }[];
}

interface HistoryResult {
  days: number;
  rawRows: number;
  historyRawBytes: number;
  fullRefresh: { ms: number; totalBytes: number };
  runs: IncrementalRun[];
  mean: { arrivedBytes: number; rawReadBytes: number; actionBytesTotal: number; ratio: number; actionRatio: number; totalBytes: number; ms: number; newRows: number };
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

async function measure(days: number): Promise<HistoryResult> {
  const dir = mkdtempSync(join(tmpdir(), `pizzaflow-bench-transform-${days}-`));
  const emulator = await start({ port: 0, logLevel: 'silent' });
  try {
    const startMs = Date.parse(START);
    const cutMs = startMs + days * DAY_MS;
    // One more hour than the runs consume, so lines delivered a little late exist past the cut.
    await generate({ stores: STORES, hours: days * 24 + Math.ceil((RUNS * WINDOW_MS) / 3_600_000) + 1, start: START, seed: 5, outDir: dir, faultRate: 0.01 });
    const rows = await rawRowsOf(dir);
    restampStreams(rows);
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    await createRawTables(bq);
    await loadReference(bq, dir);
    const history = arrivedIn(rows, 0, cutMs);
    await load(bq, history);
    const rawRows = sum(Object.values(history).map((r) => r.length));
    const historyRawBytes = sum(Object.values(await arrivedBytes(bq, startMs - DAY_MS, cutMs)));
    const full = await run(bq, { freshness_reference_at: iso(cutMs + 5 * 60_000) }, true);
    const runs: IncrementalRun[] = [];
    for (let k = 0; k < RUNS; k++) {
      const from = cutMs + k * WINDOW_MS;
      const to = from + WINDOW_MS;
      const arriving = arrivedIn(rows, from, to);
      await load(bq, arriving);
      // The schedule runs at :05, :20, :35, :50: five minutes after the window closes.
      const { graph, report, ms } = await run(bq, { freshness_reference_at: iso(to + 5 * 60_000) }, false);
      const w = await runWindow(bq);
      const arrived = await arrivedBytes(bq, from, to);
      const rawRead = await rawPartBytes(bq, graph, w);
      // The report names an action by its target (`staging.partition_checks`).
      const bytesOf = (action: string): number => report.results.find((r) => r.action === action || r.action.endsWith(`.${action}`))?.bytesProcessed ?? 0;
      const actionBytes = Object.fromEntries(RAW_ACTIONS.map((a) => [a, bytesOf(a)])) as Record<RawAction, number>;
      const arrivedBytesTotal = sum(Object.values(arrived));
      const rawReadBytes = sum(Object.values(rawRead));
      const actionBytesTotal = sum(Object.values(actionBytes));
      runs.push({
        run: k + 1,
        window: { from: iso(from), to: iso(to) },
        scanFrom: iso(w.scanFromMs),
        scanTo: iso(w.scanToMs),
        touchedFrom: w.touchedFrom,
        newRows: sum(STREAMS.map((s) => arriving[s].length)),
        arrivedBytes: arrivedBytesTotal,
        arrivedBytesByStream: arrived,
        rawReadBytesByAction: rawRead,
        rawReadBytes,
        actionBytes,
        actionBytesTotal,
        referenceBytes: sum(REFERENCE_ACTIONS.map(bytesOf)),
        ratio: round(rawReadBytes / arrivedBytesTotal),
        actionRatio: round(actionBytesTotal / arrivedBytesTotal),
        totalBytes: report.totalBytesProcessed,
        ms,
        top: [...report.results].sort((a, b) => b.bytesProcessed - a.bytesProcessed).slice(0, 8).map((r) => ({ action: r.action, bytes: r.bytesProcessed })),
      });
    }
    const mean = (f: (r: IncrementalRun) => number): number => sum(runs.map(f)) / runs.length;
    const meanArrived = mean((r) => r.arrivedBytes);
    return {
      days,
      rawRows,
      historyRawBytes,
      fullRefresh: { ms: full.ms, totalBytes: full.report.totalBytesProcessed },
      runs,
      mean: {
        newRows: Math.round(mean((r) => r.newRows)),
        arrivedBytes: Math.round(meanArrived),
        rawReadBytes: Math.round(mean((r) => r.rawReadBytes)),
        actionBytesTotal: Math.round(mean((r) => r.actionBytesTotal)),
        // ratio of the sums over the runs (a quiet window does not dominate)
        ratio: round(sum(runs.map((r) => r.rawReadBytes)) / sum(runs.map((r) => r.arrivedBytes))),
        actionRatio: round(sum(runs.map((r) => r.actionBytesTotal)) / sum(runs.map((r) => r.arrivedBytes))),
        totalBytes: Math.round(mean((r) => r.totalBytes)),
        ms: Math.round(mean((r) => r.ms)),
      },
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);

function printRuns(r: HistoryResult): void {
  for (const x of r.runs) {
    process.stdout.write(
      `  ${pad(r.days, 4)} ${pad(x.run, 3)} ${pad(x.newRows, 6)} ${pad(mb(x.arrivedBytes), 10)} ${pad(mb(x.rawReadBytes), 10)} ${pad(x.ratio.toFixed(2), 6)} ${pad(mb(x.actionBytesTotal), 10)} ${pad(x.actionRatio.toFixed(2), 6)} ${pad(mb(x.totalBytes), 10)} ${pad(x.ms, 7)}\n`,
    );
    if (process.env.BENCH_VERBOSE) {
      process.stdout.write(`        raw part by action (MB): ${RAW_ACTIONS.map((a) => `${a}=${mb(x.rawReadBytesByAction[a])}`).join(' ')}\n`);
      process.stdout.write(`        runner bytes by action (MB): ${RAW_ACTIONS.map((a) => `${a}=${mb(x.actionBytes[a])}`).join(' ')}\n`);
      process.stdout.write(`        costliest: ${x.top.map((t) => `${t.action}=${mb(t.bytes)}`).join(' ')}\n`);
    }
  }
}

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const sizes = (process.argv[2] ?? '1,7,30,90').split(',').map(Number);
  const results: HistoryResult[] = [];
  process.stdout.write(`bench/transform: ${STORES} stores, full refresh, then ${RUNS} incremental runs, each after 15 more minutes of raw (bytes in MB)\n`);
  process.stdout.write('  days run   rows    arrived   raw read  ratio  raw-actions  ratio  run total      ms\n');
  for (const days of sizes) {
    const r = await measure(days);
    results.push(r);
    printRuns(r);
  }
  process.stdout.write('\n  summary (mean per run; ratios of sums)\n');
  process.stdout.write('  days  raw rows  raw history MB  full refresh MB  arrived MB  raw read MB  ratio  raw actions MB  ratio  run total MB  run ms\n');
  for (const r of results) {
    const m = r.mean;
    process.stdout.write(
      `  ${pad(r.days, 4)} ${pad(r.rawRows, 9)} ${pad(mb(r.historyRawBytes), 15)} ${pad(mb(r.fullRefresh.totalBytes), 16)} ${pad(mb(m.arrivedBytes), 11)} ${pad(mb(m.rawReadBytes), 12)} ${pad(m.ratio.toFixed(2), 6)} ${pad(mb(m.actionBytesTotal), 15)} ${pad(m.actionRatio.toFixed(2), 6)} ${pad(mb(m.totalBytes), 13)} ${pad(m.ms, 7)}\n`,
    );
  }
  const file = writeReport({
    benchmark: 'transform',
    description: `Per 15-minute incremental Dataform run (${RUNS} after a full refresh), at each history length, on the BigQuery emulator: raw bytes read / raw bytes newly arrived, and total bytes processed per run`,
    results: {
      stores: STORES,
      runsPerHistory: RUNS,
      windowMinutes: WINDOW_MS / 60_000,
      start: START,
      rawActions: RAW_ACTIONS,
      referenceActions: REFERENCE_ACTIONS,
      goal: 'ratio <= 3, flat across history',
      sizes: results,
    },
  });
  process.stdout.write(`  written to ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/transform failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
