// `generate()`: the synthetic Pizza House data set. Walks the UTC hours in order; in each hour every
// open store draws its orders from its own PRNG stream, routes the online events to arrival-hour
// buckets, writes its four POS window files, and feeds the truth. Memory holds only the pending
// arrival buckets and per-store state, so 2,000 stores × 24 h streams to disk.
import { closeSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryEvent } from '../../contracts/delivery';
import type { OnlineOrderEvent } from '../../contracts/online-order';
import type { PosFileHeader, PosTransaction } from '../../contracts/pos';
import { HOUR_MS, MINUTE_MS, WINDOW_MS, hhmm, hourKey, iso, localTime, utcDate } from './clock';
import { CLOSE_HOUR, OPEN_HOUR, dayAssortment, expectedOrders, isOpenHour, pickChannel, type DayAssortment } from './demand';
import {
  EXPECTED_OUTCOME,
  FAULT_KINDS,
  ONLINE_FAULT_KINDS,
  POS_FAULT_KINDS,
  breakEvent,
  corruptPosText,
  malformedLine,
  truncateGzip,
  type FaultKind,
  type FaultRecord,
  type PendingFault,
} from './faults';
import { StoreInventory, addRecipe } from './inventory';
import { buildOnlineOrder, buildPosSale, type Timed } from './orders';
import { gzipPosFile, posFileText } from './pos-file';
import { createPrng, type Prng } from './prng';
import { RAW_MATERIALS, buildReferenceData, type ReferenceData, type StoreProfile } from './reference-data';
import { Truth } from './truth';
import { BufferedFile, HourBuckets, JsonArrayWriter, ensureDir, forgetDirs, writeJson, writeNdjson } from './writers';

export { productUnitCostCents, roundHalfAwayFromZero } from './reference-data';
export { posBodySha256, writePosFile, posFileText, gzipPosFile } from './pos-file';
export type { FaultKind, FaultRecord, ExpectedOutcome } from './faults';

export interface GenerateOptions {
  stores: number;
  hours: number;
  /** Start of the range, on a UTC hour boundary (ISO 8601). */
  start: string;
  seed: number;
  outDir: string;
  /** Probability (0-1) that a real event, or a POS file, gets a fault. */
  faultRate: number;
}

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

export class GenerateOptionsError extends Error {}

export function validateOptions(o: GenerateOptions): void {
  const fail = (m: string): never => {
    throw new GenerateOptionsError(m);
  };
  if (!Number.isInteger(o.stores) || o.stores < 1 || o.stores > 99_999) fail('--stores must be an integer from 1 to 99999');
  if (!Number.isInteger(o.hours) || o.hours < 1 || o.hours > 24 * 366) fail('--hours must be an integer from 1 to 8784');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) fail('--seed must be an integer from 0 to 4294967295');
  if (!(o.faultRate >= 0 && o.faultRate <= 1)) fail('--faults must be a rate from 0 to 1');
  const ms = Date.parse(o.start);
  if (Number.isNaN(ms)) fail(`--start is not an ISO 8601 time: ${o.start}`);
  if (ms % HOUR_MS !== 0) fail(`--start must be on a UTC hour boundary: ${o.start}`);
}

/** The previous UTC midnight: the default start. */
export function previousUtcMidnight(nowMs: number): string {
  return iso(Math.floor(nowMs / 86_400_000) * 86_400_000 - 86_400_000);
}

interface Counters {
  onlineEvents: number;
  deliveryEvents: number;
  posTransactions: number;
  inventoryMovements: number;
  onlineOrders: number;
  onlineCancelled: number;
  onlineFailedDelivery: number;
  onlineRefunded: number;
  posSales: number;
  posVoided: number;
  posRefunded: number;
  counted: number;
  linesOnline: number;
  linesDeliveries: number;
  linesPosBody: number;
  filesOnline: number;
  filesDeliveries: number;
  posWindows: number;
  posFiles: number;
  posResends: number;
  posReuploads: number;
}

/** Everything one run shares: output, buckets, truth, fault log. */
class Run {
  readonly counters: Counters = {
    onlineEvents: 0, deliveryEvents: 0, posTransactions: 0, inventoryMovements: 0, onlineOrders: 0, onlineCancelled: 0, onlineFailedDelivery: 0,
    onlineRefunded: 0, posSales: 0, posVoided: 0, posRefunded: 0, counted: 0, linesOnline: 0, linesDeliveries: 0, linesPosBody: 0,
    filesOnline: 0, filesDeliveries: 0, posWindows: 0, posFiles: 0, posResends: 0, posReuploads: 0,
  };
  readonly faultCounts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  readonly online = new HourBuckets<PendingFault>();
  readonly deliveries = new HourBuckets<PendingFault>();
  readonly truth: Truth;
  private readonly faultLog: JsonArrayWriter<FaultRecord>;
  readonly faultLogPath: string;

  constructor(
    readonly options: GenerateOptions,
    readonly ref: ReferenceData,
    readonly startMs: number,
    readonly endMs: number,
  ) {
    this.truth = new Truth(join(options.outDir, 'expected'), ref.stores, ref.promotions);
    this.faultLogPath = join(options.outDir, 'faults.partial.json');
    this.faultLog = new JsonArrayWriter(this.faultLogPath);
  }

  fault(record: FaultRecord): void {
    this.faultCounts[record.kind]++;
    this.faultLog.push(record);
  }

  /** Writes every arrival hour up to `hourMs`; hours inside the range always get a file. */
  flushArrivals(upToHourMs: number): void {
    for (const [flow, buckets] of [['online', this.online], ['deliveries', this.deliveries]] as const) {
      const taken = new Map(buckets.take(upToHourMs));
      const hours = [...taken.keys()];
      if (upToHourMs < this.endMs && !taken.has(upToHourMs)) hours.push(upToHourMs);
      for (const hour of hours.sort((a, b) => a - b)) {
        const rel = `${flow}/${hourKey(hour)}.ndjson`;
        const file = new BufferedFile(join(this.options.outDir, rel));
        const lines = taken.get(hour) ?? [];
        lines.forEach((l, i) => {
          file.write(`${l.text}\n`);
          if (l.meta) {
            const { kind, flow: f, event_id, field, expected_outcome, description } = l.meta;
            this.fault({ kind, flow: f, file: rel, line: i + 1, event_id, ...(field ? { field } : {}), expected_outcome, description });
          }
        });
        file.close();
        if (flow === 'online') {
          this.counters.linesOnline += lines.length;
          this.counters.filesOnline++;
        } else {
          this.counters.linesDeliveries += lines.length;
          this.counters.filesDeliveries++;
        }
      }
    }
  }

  /** faults.json: {seed, rate, counts, faults}, the list streamed from the partial log. */
  finishFaults(): void {
    this.faultLog.close();
    const path = join(this.options.outDir, 'faults.json');
    const out = new BufferedFile(path);
    out.write(`{"seed":${this.options.seed},"rate":${this.options.faultRate},"counts":${JSON.stringify(this.faultCounts)},"faults":`);
    const fd = openSync(this.faultLogPath, 'r');
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      out.flush();
      out.write(buf.subarray(0, n).toString('utf8'));
    }
    closeSync(fd);
    out.write('}\n');
    out.close();
    rmSync(this.faultLogPath);
  }
}

interface WindowWork {
  transactions: Timed<PosTransaction>[];
  needs: number[];
}

/** One store's state across the run: its PRNG streams, counters, inventory and pending reversals. */
class StoreRun {
  private readonly rng: Prng;
  private readonly faultRng: Prng;
  private readonly inventory: StoreInventory;
  private orderNumber = 0;
  private transactionNumber = 0;
  private pending: Timed<PosTransaction>[] = [];
  private assortment: DayAssortment | null = null;
  private dayOpenedInRange = false;

  constructor(
    private readonly run: Run,
    private readonly profile: StoreProfile,
  ) {
    this.rng = createPrng(run.options.seed, 'store-activity', profile.index);
    this.faultRng = createPrng(run.options.seed, 'faults', profile.index);
    this.inventory = new StoreInventory(profile);
  }

  hour(hourMs: number): void {
    const local = localTime(this.profile.store.timezone, hourMs);
    if (!isOpenHour(local.hour)) return;
    if (this.inventory.currentDate !== local.date) {
      this.endDay(false);
      this.inventory.startDay(local.date);
      this.assortment = dayAssortment(this.run.ref.promotions, this.profile.store.store_id, local.date);
      this.dayOpenedInRange = local.hour === OPEN_HOUR;
    }
    const day = {
      seed: this.run.options.seed,
      profile: this.profile,
      assortment: this.assortment!,
      closeMs: hourMs + (CLOSE_HOUR - local.hour) * HOUR_MS,
      rangeEndMs: this.run.endMs,
    };
    const windows: WindowWork[] = [0, 1, 2, 3].map(() => ({ transactions: [], needs: RAW_MATERIALS.map(() => 0) }));
    const count = this.rng.poisson(expectedOrders(this.profile, local.hour, local.weekday));
    const times = Array.from({ length: count }, () => hourMs + Math.floor(this.rng.next() * HOUR_MS)).sort((a, b) => a - b);
    const c = this.run.counters;
    for (const t of times) {
      const w = windows[Math.floor((t - hourMs) / WINDOW_MS)]!;
      const channel = pickChannel(this.rng);
      if (channel === 'pos') {
        const sale = buildPosSale(day, this.rng, () => ++this.transactionNumber, t);
        c.posSales++;
        if (sale.voided) c.posVoided++;
        if (sale.refunded) c.posRefunded++;
        w.transactions.push({ atMs: t, event: sale.sale });
        if (sale.reversal) this.pending.push(sale.reversal);
        if (sale.made) for (const l of sale.lines) addRecipe(w.needs, l.productIndex, l.quantity);
        if (sale.counted) {
          c.counted++;
          this.run.truth.addOrder(this.profile, 'pos', local.date, sale.lines);
        }
      } else {
        const order = buildOnlineOrder(day, this.rng, ++this.orderNumber, t, channel);
        c.onlineOrders++;
        if (order.delivery?.status === 'failed') c.onlineFailedDelivery++;
        else if (order.cancelled) c.onlineCancelled++;
        if (order.refunded) c.onlineRefunded++;
        this.route('online', order.events);
        this.route('delivery', order.deliveryEvents);
        if (order.made) for (const l of order.lines) addRecipe(w.needs, l.productIndex, l.quantity);
        if (order.counted) {
          c.counted++;
          this.run.truth.addOrder(this.profile, channel, local.date, order.lines);
        }
        if (order.delivery) this.run.truth.addDelivery(this.profile, order.delivery);
      }
    }
    windows.forEach((w, i) => this.window(hourMs + i * WINDOW_MS, local.hour, i, w));
  }

  /** Ends the current business day: truth rows for it; `rangeEnd` when the run stops mid-day. */
  endDay(rangeEnd: boolean): void {
    const date = this.inventory.currentDate;
    if (date === null) return;
    const rows = this.inventory.endDay();
    this.run.truth.closeStoreDay(this.profile, date, rows, this.dayOpenedInRange && !rangeEnd);
  }

  /** Arrival times (normal latency, or faults), then into the arrival-hour buckets. */
  private route(flow: 'online' | 'delivery', events: readonly Timed<OnlineOrderEvent | DeliveryEvent>[]): void {
    const buckets = flow === 'online' ? this.run.online : this.run.deliveries;
    const latency = flow === 'online' ? [50, 2_000] : [200, 5_000];
    const arrivals = events.map((e) => e.atMs + this.rng.int(latency[0]!, latency[1]!));
    const texts = events.map((e) => JSON.stringify(e.event));
    if (flow === 'online') this.run.counters.onlineEvents += events.length;
    else this.run.counters.deliveryEvents += events.length;
    const rate = this.run.options.faultRate;
    const extras: { arrivalMs: number; text: string; meta: PendingFault }[] = [];
    const realMeta: (PendingFault | null)[] = events.map(() => null);
    // Backwards, so an event sent out of order lands after its successor's final arrival.
    for (let i = events.length - 1; i >= 0; i--) {
      if (rate <= 0 || !this.faultRng.chance(rate)) continue;
      const fr = this.faultRng;
      let kind: FaultKind = fr.pick(ONLINE_FAULT_KINDS);
      if (kind === 'out_of_order_status' && i === events.length - 1) kind = 'duplicate_delivery';
      const event = events[i]!.event;
      const base = { kind, flow, event_id: event.event_id, expected_outcome: EXPECTED_OUTCOME[kind] };
      const status = 'status' in event ? event.status : 'event_type' in event ? event.event_type : '';
      if (kind === 'malformed_json') {
        extras.push({ arrivalMs: arrivals[i]! + fr.int(0, 30_000), text: malformedLine(fr, texts[i]!), meta: { ...base, description: `truncated copy of ${event.event_id}: not valid JSON` } });
      } else if (kind === 'schema_violation') {
        const broken = breakEvent(fr, flow, event);
        extras.push({ arrivalMs: arrivals[i]! + fr.int(0, 30_000), text: JSON.stringify(broken.payload), meta: { ...base, event_id: broken.eventId, field: broken.field, description: `${broken.description} (copy of ${event.event_id})` } });
      } else if (kind === 'duplicate_delivery') {
        extras.push({ arrivalMs: arrivals[i]! + fr.int(1_000, 600_000), text: texts[i]!, meta: { ...base, description: `${status} delivered a second time, same event_id` } });
      } else if (kind === 'late_event') {
        arrivals[i] = events[i]!.atMs + fr.int(HOUR_MS, 6 * HOUR_MS);
        realMeta[i] = { ...base, description: `${status} arrives ${Math.round((arrivals[i]! - events[i]!.atMs) / MINUTE_MS)} min after its event_time` };
      } else {
        const next = events[i + 1]!.event;
        const nextStatus = 'status' in next ? next.status : 'event_type' in next ? next.event_type : '';
        arrivals[i] = arrivals[i + 1]! + fr.int(1_000, 60_000);
        realMeta[i] = { ...base, description: `${status} arrives after the later ${nextStatus} (${next.event_id})` };
      }
    }
    events.forEach((_, i) => buckets.add(arrivals[i]!, texts[i]!, realMeta[i]));
    for (const x of extras) buckets.add(x.arrivalMs, x.text, x.meta);
  }

  /** One POS window: transactions, inventory movements, the file (and any fault on it). */
  private window(startMs: number, localHour: number, index: number, work: WindowWork): void {
    const endMs = startMs + WINDOW_MS;
    const c = this.run.counters;
    const due = this.pending.filter((p) => p.atMs < endMs);
    this.pending = this.pending.filter((p) => p.atMs >= endMs);
    const transactions = [...work.transactions, ...due].sort((a, b) => a.atMs - b.atMs);
    const items: { atMs: number; text: string }[] = transactions.map((t) => ({ atMs: t.atMs, text: JSON.stringify({ record_type: 'transaction', ...t.event }) }));
    const movements = [];
    if (localHour === OPEN_HOUR && index === 0) movements.push(...this.inventory.openingReceipts(startMs + MINUTE_MS));
    movements.push(...this.inventory.consume(work.needs, startMs + 7 * MINUTE_MS, endMs - MINUTE_MS));
    const closing = localHour === CLOSE_HOUR - 1 && index === 3;
    if (closing) movements.push(...this.inventory.close(this.rng, endMs - 30_000, endMs - 1_000));
    for (const m of movements) items.push({ atMs: Date.parse(m.event_time), text: JSON.stringify({ record_type: 'inventory_movement', ...m }) });
    items.sort((a, b) => a.atMs - b.atMs);
    c.posTransactions += transactions.length;
    c.inventoryMovements += movements.length;

    const { store } = this.profile;
    const header: PosFileHeader = {
      record_type: 'header',
      schema_version: 1,
      merchant_id: store.merchant_id,
      store_id: store.store_id,
      window_start: iso(startMs),
      window_end: iso(endMs),
      created_at: iso(endMs + this.rng.int(5_000, 90_000)),
    };
    const body = items.map((i) => i.text);
    this.writePosWindow(startMs, header, body);
    if (closing) this.endDay(false);
  }

  private writePosWindow(startMs: number, header: PosFileHeader, body: readonly string[]): void {
    const c = this.run.counters;
    const dirRel = `pos/store=${this.profile.store.store_id}/date=${utcDate(startMs)}`;
    const dir = join(this.run.options.outDir, dirRel);
    ensureDir(dir);
    const name = hhmm(startMs);
    const write = (suffix: string, bytes: Buffer, bodyLines: number): string => {
      const rel = `${dirRel}/${name}${suffix}.ndjson.gz`;
      writeFileSync(join(this.run.options.outDir, rel), bytes);
      c.posFiles++;
      c.linesPosBody += bodyLines;
      return rel;
    };
    c.posWindows++;
    const good = gzipPosFile(posFileText(header, body));
    const rate = this.run.options.faultRate;
    if (rate <= 0 || !this.faultRng.chance(rate)) {
      write('', good, body.length);
      return;
    }
    const fr = this.faultRng;
    const kind = fr.pick(POS_FAULT_KINDS);
    const base = { kind, flow: 'pos' as const, expected_outcome: EXPECTED_OUTCOME[kind] };
    if (kind === 'reupload_identical_pos_file') {
      write('', good, body.length);
      const rel = write('-reupload', good, body.length);
      c.posReuploads++;
      this.run.fault({ ...base, file: rel, description: 'byte-identical copy of an already uploaded window file' });
      return;
    }
    if (kind === 'truncated_pos_file') {
      const rel = write('', truncateGzip(fr, good), 0);
      this.run.fault({ ...base, file: rel, description: 'gzip cut short during upload; good resend follows as -resend1' });
    } else {
      const bad = corruptPosText(fr, header, body);
      const rel = write('', gzipPosFile(bad.text), body.length + (bad.line !== undefined ? 1 : 0));
      this.run.fault({ ...base, file: rel, ...(bad.line !== undefined ? { line: bad.line } : {}), ...(bad.field ? { field: bad.field } : {}), description: `${bad.description}; good resend follows as -resend1` });
    }
    const resendHeader = { ...header, created_at: iso(Date.parse(header.created_at) + fr.int(2 * MINUTE_MS, 10 * MINUTE_MS)) };
    write('-resend1', gzipPosFile(posFileText(resendHeader, body)), body.length);
    c.posResends++;
  }
}

function writeReference(outDir: string, ref: ReferenceData): number {
  const dir = join(outDir, 'reference');
  ensureDir(dir);
  writeNdjson(join(dir, 'merchants.ndjson'), ref.merchants);
  writeNdjson(join(dir, 'stores.ndjson'), ref.stores.map((s) => s.store));
  writeNdjson(join(dir, 'suppliers.ndjson'), ref.suppliers);
  writeNdjson(join(dir, 'raw_materials.ndjson'), ref.rawMaterials);
  writeNdjson(join(dir, 'products.ndjson'), ref.products);
  writeNdjson(join(dir, 'promotions.ndjson'), ref.promotions);
  return 6;
}

/** What a run writes under the output directory. */
export const OUTPUT_PATHS = ['reference', 'online', 'deliveries', 'pos', 'expected', 'faults.json', 'faults.partial.json'] as const;

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
  const referenceFiles = writeReference(options.outDir, ref);
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
      if (s % 250 === 249) {
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
  const pending = [...new Set([...run.online.pendingHours, ...run.deliveries.pendingHours])].sort((a, b) => a - b);
  for (const hour of pending) run.flushArrivals(hour);

  const { deliveryDaily, promotions } = run.truth.finish();
  const expectedDir = join(options.outDir, 'expected');
  writeJson(join(expectedDir, 'delivery_daily.json'), deliveryDaily);
  writeJson(join(expectedDir, 'promotions.json'), promotions);
  run.finishFaults();
  const totals = {
    range: { start: iso(startMs), end: iso(endMs), hours: options.hours, stores: options.stores, seed: options.seed, fault_rate: options.faultRate },
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
  writeJson(join(expectedDir, 'totals.json'), totals);

  const expectedFiles = 6;
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
      total: c.filesOnline + c.filesDeliveries + c.posFiles + referenceFiles + expectedFiles + 1,
    },
    events: totals.events,
    lines: totals.lines_written,
    orders: { online: c.onlineOrders, pos: c.posSales, counted: c.counted },
    net_sales_cents: run.truth.revenue.net_sales_cents,
    faults: run.faultCounts,
    elapsedMs: Date.now() - began,
  };
}
