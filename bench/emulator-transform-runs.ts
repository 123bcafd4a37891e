// bench/emulator-transform-runs: what the BigQuery emulator costs a scheduled incremental Dataform
// run, with its translation templates on and off (issue #20). Raw is loaded from a generated data
// set as tools/testing/marts-fixture.ts loads it, except the arrivals of the last RUNS 15-minute
// windows; one first run builds everything, then each measured run follows the arrival of the next
// window (so its scripts' variables, watermarks and run ids, change as they do every 15 minutes).
// Per run: wall time and this process's CPU (the emulator runs in-process; ZetaSQL, in strict mode,
// is a separate process and not counted). Templates off is the baseline, measured in the same
// process, the two modes alternating `--rounds` times; the JSON goes to bench/results/.
//   npm run bench:emulator-runs [-- --rounds 2 --runs 5 --stores 4 --strict]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery } from '@pizzaflow/emulators';
import { generate } from '../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from '../tools/testing/raw-loader';
import { runTransform } from '../tools/testing/run-transform';
import { writeReport } from './report';

const PROJECT = 'pizzaflow-local';
const START = '2026-11-23T00:00:00Z';
const HOURS = 48;
const WINDOW_MS = 15 * 60_000;
const AT_HOURS = 40;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const arrival = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);

function arrivedIn(rows: RawRows, from: number, to: number): RawRows {
  const out = {} as RawRows;
  for (const table of Object.keys(rows) as RawTable[]) out[table] = rows[table].filter((r) => arrival(r) >= from && arrival(r) < to);
  return out;
}

async function load(bq: BigQuery, rows: RawRows): Promise<number> {
  let n = 0;
  for (const table of Object.keys(rows) as RawTable[]) {
    if (rows[table].length === 0) continue;
    await insertRows(bq, table, rows[table]);
    n += rows[table].length;
  }
  return n;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface ModeFigures {
  templates: boolean;
  medianMs: number;
  medianCpuMs: number;
  steadyMedianMs: number | undefined;
  steadyMedianCpuMs: number | undefined;
}

async function measure(templates: boolean, runs: number, stores: number, strict: boolean): Promise<ModeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-bench-runs-'));
  const emulator = await startBigquery({ port: 0, logLevel: 'silent', strictGoogleSql: strict, translationTemplates: templates });
  try {
    await generate({ stores, hours: HOURS, start: START, seed: 11, outDir: dir, faultRate: 0.02 });
    const rows = await rawRowsOf(dir);
    const newest = Math.max(...Object.values(rows).flat().map(arrival));
    // The measured windows start in the afternoon (UTC) of the data set's second day, when stores trade.
    const cutoff = Date.parse(START) + AT_HOURS * 3_600_000;
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    await createRawTables(bq);
    await loadReference(bq, dir);
    await load(bq, arrivedIn(rows, -Infinity, cutoff));
    const vars = { freshness_reference_at: new Date(newest + 10 * 60_000).toISOString(), freshness_max_minutes: '480' };
    const first = Date.now();
    await runTransform(bq, { vars });
    console.log(`templates ${templates ? 'on' : 'off'}: first run ${Date.now() - first} ms`);
    const measured: { run: number; newRows: number; actions: number; ms: number; cpuMs: number }[] = [];
    for (let k = 0; k < runs; k++) {
      const newRows = await load(bq, arrivedIn(rows, cutoff + k * WINDOW_MS, cutoff + (k + 1) * WINDOW_MS));
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const report = await runTransform(bq, { vars });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const used = process.cpuUsage(cpu);
      const run = { run: k + 1, newRows, actions: report.results.length, ms: Math.round(ms), cpuMs: Math.round((used.user + used.system) / 1000) };
      measured.push(run);
      console.log(JSON.stringify(run));
    }
    // The first measured run meets each template for the first time (two translations each).
    const steady = measured.slice(1);
    return {
      templates,
      medianMs: median(measured.map((r) => r.ms)),
      medianCpuMs: median(measured.map((r) => r.cpuMs)),
      steadyMedianMs: steady.length ? median(steady.map((r) => r.ms)) : undefined,
      steadyMedianCpuMs: steady.length ? median(steady.map((r) => r.cpuMs)) : undefined,
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rounds = Number(flag('rounds', '2'));
  const runs = Number(flag('runs', '5'));
  const stores = Number(flag('stores', '4'));
  const strict = process.argv.includes('--strict');
  process.env.METADATA_SERVER_DETECTION = 'none';
  const on: ModeFigures[] = [];
  const off: ModeFigures[] = [];
  for (let r = 0; r < rounds; r++) {
    off.push(await measure(false, runs, stores, strict));
    on.push(await measure(true, runs, stores, strict));
  }
  const cpu = (xs: ModeFigures[]): number => median(xs.map((x) => x.steadyMedianCpuMs ?? x.medianCpuMs));
  const wall = (xs: ModeFigures[]): number => median(xs.map((x) => x.steadyMedianMs ?? x.medianMs));
  const results = {
    rounds,
    runsPerRound: runs,
    stores,
    strict,
    templatesOff: { steadyRunCpuMs: cpu(off), steadyRunMs: wall(off), rounds: off },
    templatesOn: { steadyRunCpuMs: cpu(on), steadyRunMs: wall(on), rounds: on },
    cpuOnOverOff: +(cpu(on) / cpu(off)).toFixed(3),
    wallOnOverOff: +(wall(on) / wall(off)).toFixed(3),
  };
  console.log(JSON.stringify(results, null, 2));
  console.log(`wrote ${writeReport({ benchmark: 'emulator-transform-runs', description: 'CPU and wall time of incremental Dataform runs on the BigQuery emulator, translation templates on against off in the same process', results })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
