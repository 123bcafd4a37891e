// bench/transform: the incremental Dataform run against a full refresh as history grows (1, 7, 30,
// 90 days of generated data on the BigQuery emulator). For each size: a full refresh builds the
// marts, one more hour of raw arrives, then the incremental run and a second full refresh over the
// same raw data are measured (wall time and totalBytesProcessed summed over the actions). The
// incremental cost must stay flat while the full refresh grows with history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start } from '@pizzaflow/emulators';
import { compileProject, runGraph, type RunReport } from '../tools/dataform';
import { generate } from '../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from '../tools/testing/raw-loader';
import { writeReport } from './report';

const PROJECT = 'pizzaflow-local';
const STORES = 2;
const START = '2026-06-01T00:00:00Z';

interface Measure {
  ms: number;
  bytesProcessed: number;
}

const arrivalOf = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);

/** Splits the raw rows into history and the last hour of arrivals (the next 15-minute runs' input). */
function splitLastHour(rows: RawRows): { history: RawRows; lastHour: RawRows; newestMs: number } {
  const newestMs = Object.values(rows).flat().reduce((max, r) => Math.max(max, arrivalOf(r)), 0);
  const cut = newestMs - 3_600_000;
  const history = {} as RawRows;
  const lastHour = {} as RawRows;
  for (const table of Object.keys(rows) as RawTable[]) {
    history[table] = rows[table].filter((r) => arrivalOf(r) < cut);
    lastHour[table] = rows[table].filter((r) => arrivalOf(r) >= cut);
  }
  return { history, lastHour, newestMs };
}

async function timedRun(bq: BigQuery, vars: Record<string, string>, fullRefresh: boolean): Promise<Measure> {
  const graph = compileProject('dataform', { vars });
  const started = process.hrtime.bigint();
  const report: RunReport = await runGraph({ bigquery: bq, graph, fullRefresh, concurrency: 2 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${fullRefresh ? "full" : "incremental"}: ${[...report.results].sort((a, b) => b.bytesProcessed - a.bytesProcessed).slice(0, Math.max(8, Number(process.env.BENCH_VERBOSE) || 0)).map((r) => `${r.action}=${r.bytesProcessed}`).join(" ")}\n`);
  return { ms: Math.round(ms), bytesProcessed: report.results.reduce((sum, r) => sum + (r.bytesProcessed ?? 0), 0) };
}

async function measure(days: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), `pizzaflow-bench-transform-${days}-`));
  const emulator = await start({ port: 0, logLevel: 'silent' });
  try {
    await generate({ stores: STORES, hours: days * 24, start: START, seed: 5, outDir: dir, faultRate: 0.01 });
    const rows = await rawRowsOf(dir);
    const { history, lastHour, newestMs } = splitLastHour(rows);
    // Freshness is judged at the newest arrival + 10 min; a one-day threshold spans the stores' overnight
    // gap. (The freshness check scans raw from threshold + 1 day back, so its cost follows the
    // threshold, not the history: a 100,000-minute threshold made it read ~70 days.)
    const vars = { freshness_reference_at: new Date(newestMs + 600_000).toISOString(), freshness_max_minutes: '1440' };
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    await createRawTables(bq);
    await loadReference(bq, dir);
    for (const table of Object.keys(history) as RawTable[]) await insertRows(bq, table, history[table]);
    await timedRun(bq, vars, true);
    for (const table of Object.keys(lastHour) as RawTable[]) await insertRows(bq, table, lastHour[table]);
    const incremental = await timedRun(bq, vars, false);
    const full = await timedRun(bq, vars, true);
    const rawRows = Object.values(rows).reduce((n, r) => n + r.length, 0);
    return {
      days,
      rawRows,
      incrementalMs: incremental.ms,
      fullRefreshMs: full.ms,
      incrementalBytes: incremental.bytesProcessed,
      fullRefreshBytes: full.bytesProcessed,
      bytesRatio: Number((incremental.bytesProcessed / full.bytesProcessed).toFixed(4)),
      timeRatio: Number((incremental.ms / full.ms).toFixed(3)),
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '1,7,30,90').split(',').map(Number);
  const results: Record<string, number>[] = [];
  process.stdout.write(`bench/transform: ${STORES} stores, incremental run after one more hour of raw vs full refresh\n`);
  process.stdout.write('  days   raw rows   incremental (ms / bytes)     full refresh (ms / bytes)    bytes ratio  time ratio\n');
  for (const days of sizes) {
    const r = await measure(days);
    results.push(r);
    process.stdout.write(
      `  ${String(days).padStart(4)}  ${String(r.rawRows).padStart(9)}   ${String(r.incrementalMs).padStart(7)} / ${String(r.incrementalBytes).padStart(12)}   ${String(r.fullRefreshMs).padStart(7)} / ${String(r.fullRefreshBytes).padStart(12)}   ${String(r.bytesRatio).padStart(10)}  ${String(r.timeRatio).padStart(9)}\n`,
    );
  }
  const file = writeReport({ benchmark: 'transform', description: 'Dataform incremental run vs full refresh as history grows (BigQuery emulator)', results: { stores: STORES, sizes: results } });
  process.stdout.write(`  written to ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/transform failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
