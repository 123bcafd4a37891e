// `pizzaflow generate`: writes the synthetic Pizza House data set (reference data, online and
// delivery events by arrival hour, POS window files, expected aggregates, injected faults).
// Progress goes to stderr (a bar on a terminal, JSON log lines otherwise); the summary to stdout.
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { UsageError } from '../../functions/runtime/errors';
import { createLogger } from '../../functions/runtime/logger';
import { GenerateOptionsError, generate, previousUtcMidnight, type GenerateOptions, type GenerationProgress, type GenerationSummary } from '../generator';

interface RawOptions {
  stores: string;
  hours: string;
  start?: string;
  seed: string;
  out: string;
  faults: string;
  v2From?: string;
  json?: boolean;
}

const LOG_EVERY_MS = 5_000;

function integer(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} must be a non-negative integer, not "${text}"`);
  return Number(text);
}

export function parseGenerateOptions(raw: RawOptions, nowMs: number): GenerateOptions {
  const faultRate = Number(raw.faults);
  if (raw.faults.trim() === '' || Number.isNaN(faultRate)) throw new UsageError(`--faults must be a number from 0 to 1, not "${raw.faults}"`);
  return {
    stores: integer('--stores', raw.stores),
    hours: integer('--hours', raw.hours),
    start: raw.start ?? previousUtcMidnight(nowMs),
    seed: integer('--seed', raw.seed),
    outDir: raw.out,
    faultRate,
    ...(raw.v2From !== undefined ? { v2From: raw.v2From } : {}),
  };
}

/** A bar on an interactive stderr; otherwise a JSON progress line every few seconds. */
function progressReporter(storesTotal: number, hoursTotal: number): { update: (p: GenerationProgress) => void; stop: () => void } {
  const total = storesTotal * hoursTotal;
  const done = (p: GenerationProgress): number => p.hoursDone * p.storesTotal + p.storesDone;
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: 'generating [{bar}] {percentage}% | {value}/{total} store-hours | {events} events | {files} files | ETA {eta_formatted}', hideCursor: true });
    bar.start(total, 0, { events: 0, files: 0 });
    return { update: (p) => bar.update(done(p), { events: p.events, files: p.files }), stop: () => bar.stop() };
  }
  const log = createLogger('generate');
  let last = 0;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < LOG_EVERY_MS) return;
      last = now;
      log.info({ storeHoursDone: done(p), storeHoursTotal: total, hoursDone: p.hoursDone, events: p.events, files: p.files }, 'generate progress');
    },
    stop: () => undefined,
  };
}

export function formatSummary(s: GenerationSummary): string {
  const faults = Object.entries(s.faults).filter(([, n]) => n > 0);
  const n = (x: number): string => x.toLocaleString('en-US');
  return [
    `generated ${n(s.stores)} stores × ${s.hours} h from ${s.start} to ${s.end} (seed ${s.seed}, fault rate ${s.faultRate}) in ${(s.elapsedMs / 1000).toFixed(1)} s → ${s.outDir}`,
    `files:  ${n(s.files.total)} (${n(s.files.online)} online, ${n(s.files.deliveries)} deliveries, ${n(s.files.pos)} POS, ${s.files.reference} reference, ${s.files.expected} expected, faults.json)`,
    `events: ${n(s.events.total)} real (${n(s.events.online)} online, ${n(s.events.delivery)} delivery, ${n(s.events.pos_transactions)} POS transactions, ${n(s.events.inventory_movements)} inventory movements)`,
    `orders: ${n(s.orders.online)} online, ${n(s.orders.pos)} POS sales, ${n(s.orders.counted)} counted; net sales $${(s.net_sales_cents / 100).toFixed(2)}`,
    `faults: ${faults.length === 0 ? 'none' : faults.map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
  ].join('\n');
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write the synthetic Pizza House data set: reference data, online/delivery events, POS files, expected aggregates, faults')
    .option('--stores <n>', 'number of stores', '50')
    .option('--hours <n>', 'hours of trading to generate', '24')
    .option('--start <iso>', 'start of the range, on a UTC hour boundary (default: the previous UTC midnight)')
    .option('--seed <n>', 'seed: the same arguments always give byte-identical output', '1')
    .option('--out <dir>', 'output directory (its generated sub-folders are replaced)', './out/generated')
    .option('--faults <rate>', 'fault rate from 0 to 1, per real event and per POS file', '0')
    .option('--v2-from <iso>', 'online orders switch from schema_version 1 to 2 at this time (default: version 1 throughout)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nOutput: reference/*.ndjson, online/<hour>.ndjson, deliveries/<hour>.ndjson (by arrival hour, UTC),\n' +
        'pos/store=<id>/date=<date>/<HHMM>.ndjson.gz, expected/*.json, faults.json.',
    )
    .action(async (raw: RawOptions) => {
      const options = parseGenerateOptions(raw, Date.now());
      const progress = progressReporter(options.stores, options.hours);
      let summary: GenerationSummary;
      try {
        summary = await generate(options, { onProgress: progress.update });
      } catch (err) {
        if (err instanceof GenerateOptionsError) throw new UsageError(err.message);
        throw err;
      } finally {
        progress.stop();
      }
      process.stdout.write(`${raw.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`);
    });
}
