// Writes the truth's end-of-run files under expected/: the Truth's small tables (delivery_daily,
// promotions) and totals.json, the run's counts the warehouse is checked against.
import { join } from 'node:path';
import { iso } from './clock';
import { type Run } from './run';
import { TRUTH_STREAMED_FILES } from './truth';
import { writeJson } from './writers';

/** The files under expected/ written once the run ends. */
export const TRUTH_END_FILES = ['delivery_daily.json', 'promotions.json', 'totals.json'] as const;

/** Every file a run writes under expected/. */
export const EXPECTED_FILES = [...TRUTH_STREAMED_FILES, ...TRUTH_END_FILES] as const;

/** The parts of totals.json the run's summary repeats. */
export interface ExpectedTotals {
  events: { online: number; delivery: number; pos_transactions: number; inventory_movements: number; total: number };
  lines_written: { online: number; deliveries: number; pos_body: number };
}

/** Closes the Truth's streams and writes the end-of-run files; every store's day must be closed. */
export function writeExpectedAtEnd(run: Run): ExpectedTotals {
  const { options, startMs, endMs } = run;
  const c = run.counters;
  const [deliveryDailyFile, promotionsFile, totalsFile] = TRUTH_END_FILES;
  const { deliveryDaily, promotions } = run.truth.finish();
  const expectedDir = join(options.outDir, 'expected');
  writeJson(join(expectedDir, deliveryDailyFile), deliveryDaily);
  writeJson(join(expectedDir, promotionsFile), promotions);
  const totals = {
    range: { start: iso(startMs), end: iso(endMs), hours: options.hours, stores: options.stores, seed: options.seed, fault_rate: options.faultRate, v2_from: options.v2From ?? null },
    date_basis: 'hourly rows: UTC hour of the order; daily rows: store-local business date',
    events: {
      online: c.onlineEvents,
      delivery: c.deliveryEvents,
      pos_transactions: c.posTransactions,
      inventory_movements: c.inventoryMovements,
      total: c.onlineEvents + c.deliveryEvents + c.posTransactions + c.inventoryMovements,
    },
    lines_written: { online: c.linesOnline, deliveries: c.linesDeliveries, pos_body: c.linesPosBody },
    orders: {
      online_placed: c.onlineOrders,
      online_cancelled: c.onlineCancelled,
      online_failed_delivery: c.onlineFailedDelivery,
      online_refunded: c.onlineRefunded,
      pos_sales: c.posSales,
      pos_voided: c.posVoided,
      pos_refunded: c.posRefunded,
      counted: c.counted,
    },
    revenue: run.truth.revenue,
    store_hourly_rows: run.truth.hourlyRows,
    faults: run.faultCounts,
    files: { online: c.filesOnline, deliveries: c.filesDeliveries },
    pos_files: { windows: c.posWindows, files_written: c.posFiles, resends: c.posResends, reuploads: c.posReuploads },
  };
  writeJson(join(expectedDir, totalsFile), totals);
  return { events: totals.events, lines_written: totals.lines_written };
}
