// `generate()`: the synthetic Pizza House data set. Walks the UTC hours in order; in each hour every
// open store draws its orders from its own PRNG stream, routes the online events to arrival-hour
// buckets, writes its four POS window files, and feeds the truth. Memory holds only the pending
// arrival buckets and per-store state, so 2,000 stores × 24 h streams to disk.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOUR_MS, iso } from './clock';
import { EXPECTED_FILES, writeExpectedAtEnd } from './expected-writer';
import { type FaultKind } from './faults';
import { type GenerateOptions, validateOptions } from './options';
import { buildReferenceData } from './reference-data';
import { writeReference } from './reference-writer';
import { FAULTS_FILE, FAULTS_PARTIAL_FILE, Run } from './run';
import { StoreRun } from './store-run';
import { ensureDir, forgetDirs } from './writers';

export interface GenerationProgress {
  hoursDone: number;
  hoursTotal: number;
  storesDone: number;
  storesTotal: number;
  events: number;
  files: number;
}

export interface GenerationSummary {
  outDir: string;
  stores: number;
  hours: number;
  start: string;
  end: string;
  seed: number;
  faultRate: number;
  files: { online: number; deliveries: number; pos: number; reference: number; expected: number; total: number };
  /** Real events, each counted once. */
  events: { online: number; delivery: number; pos_transactions: number; inventory_movements: number; total: number };
  /** Lines written, faults included. */
  lines: { online: number; deliveries: number; pos_body: number };
  orders: { online: number; pos: number; counted: number };
  net_sales_cents: number;
  faults: Record<FaultKind, number>;
  elapsedMs: number;
}

export interface GenerateHooks {
  onProgress?: (progress: GenerationProgress) => void;
}

/** What a run writes under the output directory. */
export const OUTPUT_PATHS = ['reference', 'online', 'deliveries', 'pos', 'expected', FAULTS_FILE, FAULTS_PARTIAL_FILE] as const;

/** What a finished run leaves at the top of the output directory (the partial log is removed). */
const TOP_LEVEL_FILES = [FAULTS_FILE] as const;

/** Stores run between yields to the event loop, so progress is reported and the process stays responsive. */
const STORES_PER_YIELD = 250;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Generates the data set into `options.outDir` (which should be empty or absent). */
export async function generate(options: GenerateOptions, hooks: GenerateHooks = {}): Promise<GenerationSummary> {
  validateOptions(options);
  const began = Date.now(); // timing only: never reaches the data
  forgetDirs();
  // Replace an earlier run's output, but only the paths a run writes.
  for (const sub of OUTPUT_PATHS) rmSync(join(options.outDir, sub), { recursive: true, force: true });
  const startMs = Date.parse(options.start);
  const endMs = startMs + options.hours * HOUR_MS;
  ensureDir(join(options.outDir, 'expected'));
  const ref = buildReferenceData(options.seed, options.stores, startMs, options.hours);
  const referenceFiles = writeReference(options.outDir, ref).length;
  const run = new Run(options, ref, startMs, endMs);
  const stores = ref.stores.map((p) => new StoreRun(run, p));
  const c = run.counters;
  const report = (hoursDone: number, storesDone: number): void =>
    hooks.onProgress?.({
      hoursDone,
      hoursTotal: options.hours,
      storesDone,
      storesTotal: stores.length,
      events: c.onlineEvents + c.deliveryEvents + c.posTransactions + c.inventoryMovements,
      files: c.filesOnline + c.filesDeliveries + c.posFiles,
    });

  for (let h = 0; h < options.hours; h++) {
    const hourMs = startMs + h * HOUR_MS;
    for (let s = 0; s < stores.length; s++) {
      stores[s]!.hour(hourMs);
      if (s % STORES_PER_YIELD === STORES_PER_YIELD - 1) {
        report(h, s + 1);
        await tick();
      }
    }
    run.flushArrivals(hourMs);
    run.truth.flushHour(hourMs);
    report(h + 1, 0);
    await tick();
  }
  for (const s of stores) s.endDay(true);
  // Late and out-of-order events can arrive after the range: their hours are written last.
  const pending = [...new Set([...run.online.pendingHours, ...run.deliveries.pendingHours])].sort((a, b) => a - b);
  for (const hour of pending) run.flushArrivals(hour);

  const totals = writeExpectedAtEnd(run);
  run.finishFaults();

  const expectedFiles = EXPECTED_FILES.length;
  return {
    outDir: options.outDir,
    stores: options.stores,
    hours: options.hours,
    start: iso(startMs),
    end: iso(endMs),
    seed: options.seed,
    faultRate: options.faultRate,
    files: {
      online: c.filesOnline,
      deliveries: c.filesDeliveries,
      pos: c.posFiles,
      reference: referenceFiles,
      expected: expectedFiles,
      total: c.filesOnline + c.filesDeliveries + c.posFiles + referenceFiles + expectedFiles + TOP_LEVEL_FILES.length,
    },
    events: totals.events,
    lines: totals.lines_written,
    orders: { online: c.onlineOrders, pos: c.posSales, counted: c.counted },
    net_sales_cents: run.truth.revenue.net_sales_cents,
    faults: run.faultCounts,
    elapsedMs: Date.now() - began,
  };
}
