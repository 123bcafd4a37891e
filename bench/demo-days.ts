// bench/demo-days: the default demo day (50 stores × 16 h) timed on a Saturday and on a Tuesday
// (issue #20's goal: under 180 s on 2 cores). Each day runs `pizzaflow demo` as a user would, in
// its own process, one after the other; per day: wall time, the scheduled jobs' run counts and
// median durations from the report, the live-counter line, and the machine's load average before
// and after (the figures only mean something on a quiet machine).
//   npm run bench:demo-days [-- --saturday 2026-12-05 --tuesday 2026-12-01]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeReport } from './report';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const BIN = join(__dirname, '..', '..', 'bin', 'pizzaflow.js');
const DAYS = [
  { day: 'saturday', date: flag('saturday', '2026-12-05') },
  { day: 'tuesday', date: flag('tuesday', '2026-12-01') },
];

interface DayFigures {
  day: string;
  start: string;
  wallSeconds: number;
  ok: boolean;
  jobs: Record<string, { runs: number; failed: number; medianSeconds: number }>;
  live: string | null;
  /** The report's problem lines when the demo exited non-zero. */
  problems: string[];
  loadBefore: number[];
  loadAfter: number[];
}

function runDay(day: string, date: string): DayFigures {
  const start = `${date}T15:00:00Z`;
  const loadBefore = loadavg().map((l) => +l.toFixed(2));
  const t0 = process.hrtime.bigint();
  const out = spawnSync(process.execPath, [BIN, 'demo', '--start', start], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallSeconds = +(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1);
  const report = out.stdout ?? '';
  const jobs: DayFigures['jobs'] = {};
  for (const m of report.matchAll(/^ {2}(\S+) +(\d+) runs, (\d+) failed, \d+ skipped .*median ([\d.]+) s$/gm)) {
    jobs[m[1]!] = { runs: Number(m[2]), failed: Number(m[3]), medianSeconds: Number(m[4]) };
  }
  const figures = { day, start, wallSeconds, ok: out.status === 0, jobs, live: /^ {2}live counters .*$/m.exec(report)?.[0].trim() ?? null, problems: out.status === 0 ? [] : report.split('\n').slice(report.split('\n').findIndex((l) => l.startsWith('RESULT'))).filter(Boolean).concat((out.stderr ?? '').split('\n').slice(-5)), loadBefore, loadAfter: loadavg().map((l) => +l.toFixed(2)) };
  process.stdout.write(`${day} (${start}): ${wallSeconds} s, ${figures.ok ? 'everything accounted for' : `exit ${out.status}`}; ${Object.entries(jobs).map(([j, f]) => `${j} ${f.runs} runs median ${f.medianSeconds} s`).join(', ')}; load ${loadBefore.join('/')} → ${figures.loadAfter.join('/')}\n`);
  if (!figures.ok) process.stderr.write(`${report}\n${out.stderr ?? ''}\n`);
  return figures;
}

const days = DAYS.map((d) => runDay(d.day, d.date));
const goalSeconds = 180;
const results = { goalSeconds, days, underGoal: days.every((d) => d.ok && d.wallSeconds < goalSeconds) };
process.stdout.write(`wrote ${writeReport({ benchmark: 'demo-days', description: 'the default demo day (50 stores × 16 h) on a Saturday and a Tuesday: wall time against the 180 s goal', results })}\n`);
if (days.some((d) => !d.ok)) process.exitCode = 1;
