// `pizzaflow demo` (`npm run demo`): a scripted day in the life on top of `local up`. Progress goes
// to stderr, the report to stdout; the exit status is 1 when anything is unaccounted for.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../functions/runtime/errors';
import { createLogger } from '../../functions/runtime/logger';
import { runDemo, type DemoProgress } from '../demo/run-demo';
import { previousUtcMidnight } from '../generator';
import { integerOption, numberOption, untilSignal } from './options';

interface DemoCliOptions {
  stores: string;
  hours: string;
  start?: string;
  seed: string;
  faults: string;
  v2From?: string;
  rate: string;
  dataDir?: string;
  keepRunning?: boolean;
  strictGooglesql?: boolean;
  json?: boolean;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** One line, rewritten in place on a terminal; a line every 5 s otherwise. */
function progressPrinter(): { update: (p: DemoProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const began = performance.now();
  let lastLine = 0;
  let lastPhase = '';
  return {
    update(p) {
      const elapsed = ((performance.now() - began) / 1000).toFixed(0);
      let text = `[${elapsed.padStart(3)} s] ${p.phase}`;
      if (p.generation) text += ` ${p.generation.hoursDone}/${p.generation.hoursTotal} h, ${p.generation.events.toLocaleString('en-US')} events`;
      if (p.simMs !== undefined && p.startMs !== undefined && p.endMs !== undefined) {
        const pct = Math.min(100, Math.max(0, ((p.simMs - p.startMs) / (p.endMs - p.startMs)) * 100));
        text += ` | sim ${hhmm(p.simMs)} UTC (${pct.toFixed(0)}%) | ${(p.accepted ?? 0).toLocaleString('en-US')} events accepted | ${p.posUploaded ?? 0} POS files | ${p.transformRuns ?? 0} transforms`;
      }
      const now = performance.now();
      if (tty) process.stderr.write(`\r\x1b[2K${text}`);
      else if (p.phase !== lastPhase || now - lastLine > 5_000) {
        process.stderr.write(`${text}\n`);
        lastLine = now;
      }
      lastPhase = p.phase;
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('a day in the life: generated traffic through the collector and the landing bucket, scheduled loads and transforms, then a report (exit 1 if anything is unaccounted for)')
    .option('--stores <n>', 'stores', '50')
    .option('--hours <n>', 'simulated hours (the default is one US business day: 10:00-23:00 local in every time zone, 15:00-07:00 UTC)', '16')
    .option('--start <iso>', 'simulated start, on a UTC hour (default: yesterday 15:00 UTC)')
    .option('--seed <n>', 'generator seed', '7')
    .option('--faults <rate>', 'fault rate: share of events and POS files damaged, duplicated or late (0-1)', '0.01')
    .option('--v2-from <iso>', 'online order producers switch from schema_version 1 to 2 at this simulated time (default: version 1 throughout)')
    .option('--rate <x>', 'clock speed while nothing scheduled is running: simulated seconds per real second', '20000')
    .option('--data-dir <dir>', 'keep the data set and the emulators\' state here (must be empty; default: a temporary folder, removed)')
    .option('--keep-running', 'after the report, keep the platform (and the dashboard) up until Ctrl-C')
    .option('--strict-googlesql', 'reject SQL that BigQuery would refuse (slower)')
    .option('--json', 'print the report as JSON')
    .action(async (o: DemoCliOptions) => {
      const stores = integerOption('--stores', o.stores, 1, 5_000);
      const hours = integerOption('--hours', o.hours, 1, 24 * 14);
      const start = o.start ?? new Date(Date.parse(previousUtcMidnight(Date.now())) + 15 * 3_600_000).toISOString();
      if (Number.isNaN(Date.parse(start)) || Date.parse(start) % 3_600_000 !== 0) throw new UsageError(`--start must be an ISO 8601 time on a UTC hour, not "${start}"`);
      const rate = numberOption('--rate', o.rate, 1, 100_000);
      const faultRate = numberOption('--faults', o.faults, 0, 1);
      if (o.v2From !== undefined && Number.isNaN(Date.parse(o.v2From))) throw new UsageError(`--v2-from must be an ISO 8601 time, not "${o.v2From}"`);
      const seed = integerOption('--seed', o.seed, 0);
      let workDir: string;
      if (o.dataDir) {
        workDir = path.resolve(o.dataDir);
        mkdirSync(workDir, { recursive: true });
        if (readdirSync(workDir).length > 0) throw new UsageError(`--data-dir ${workDir} is not empty: the demo checks its numbers against a fresh platform`);
      } else {
        workDir = mkdtempSync(path.join(tmpdir(), 'pizzaflow-demo-'));
      }
      process.env.LOG_LEVEL ??= 'warn';
      const log = createLogger('demo', { level: process.env.LOG_LEVEL });
      const printer = progressPrinter();
      try {
        const report = await runDemo({
          stores,
          hours,
          start,
          seed,
          faultRate,
          ...(o.v2From !== undefined ? { v2From: o.v2From } : {}),
          rate,
          workDir,
          inMemory: !o.dataDir,
          strictGoogleSql: o.strictGooglesql === true,
          log,
          onProgress: printer.update,
          beforeStop: o.keepRunning
            ? async (platform, keys) => {
                printer.done();
                const [merchant, key] = Object.entries(keys)[0] ?? [];
                process.stdout.write(
                  `\nstill running (Ctrl-C to stop):\n${platform.banner.join('\n')}\ndashboard: open ${platform.metrics.url}/ and enter merchant ${merchant} with key ${key}\n`,
                );
                await untilSignal();
              }
            : undefined,
        });
        printer.done();
        if (o.json) process.stdout.write(`${JSON.stringify({ ok: report.ok, problems: report.problems, freshness: report.freshness, lines: report.lines }, null, 2)}\n`);
        else process.stdout.write(`${report.lines.join('\n')}\n`);
        if (!report.ok) process.exitCode = 1;
      } finally {
        printer.done();
        if (!o.dataDir) rmSync(workDir, { recursive: true, force: true });
      }
    });
}
