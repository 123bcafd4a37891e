// One store's part of a run, hour by hour: its orders from its own PRNG streams, the online and
// delivery events routed to their arrival hours, its four POS window files, and its truth.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryEvent } from '../../contracts/delivery';
import type { OnlineOrderEvent } from '../../contracts/online-order';
import type { PosFileHeader, PosTransaction } from '../../contracts/pos';
import { HOUR_MS, MINUTE_MS, WINDOW_MS, hhmm, iso, localTime, utcDate } from './clock';
import { CLOSE_HOUR, OPEN_HOUR, dayAssortment, expectedOrders, isOpenHour, pickChannel, type DayAssortment } from './demand';
import { StoreInventory, addRecipe } from './inventory';
import { injectOnlineFaults, type EventFlow } from './online-faults';
import { buildOnlineOrder, buildPosSale, type Timed } from './orders';
import { POS_UPLOAD_SUFFIX, posWindowUploads } from './pos-faults';
import { createPrng, type Prng } from './prng';
import { RAW_MATERIALS, type StoreProfile } from './reference-data';
import { type Run } from './run';
import { ensureDir } from './writers';

/** Each flow's normal delivery latency, in ms: [min, max]. */
const LATENCY_MS: Readonly<Record<EventFlow, readonly [number, number]>> = { online: [50, 2_000], delivery: [200, 5_000] };

interface WindowWork {
  transactions: Timed<PosTransaction>[];
  needs: number[];
}

/** One store's state across the run: its PRNG streams, counters, inventory and pending reversals. */
export class StoreRun {
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
      v2FromMs: this.run.options.v2From === undefined ? null : Date.parse(this.run.options.v2From),
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
          this.run.truth.addOrder(this.profile, 'pos', local.date, sale.lines, null);
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
          this.run.truth.addOrder(this.profile, channel, local.date, order.lines, order.serviceFeeCents);
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
  private route(flow: EventFlow, events: readonly Timed<OnlineOrderEvent | DeliveryEvent>[]): void {
    const buckets = flow === 'online' ? this.run.online : this.run.deliveries;
    const [minLatency, maxLatency] = LATENCY_MS[flow];
    // A normal latency is drawn for every event, even one a fault then moves, so the activity
    // stream is the same at any fault rate.
    const normal = events.map((e) => e.atMs + this.rng.int(minLatency, maxLatency));
    const texts = events.map((e) => JSON.stringify(e.event));
    if (flow === 'online') this.run.counters.onlineEvents += events.length;
    else this.run.counters.deliveryEvents += events.length;
    const { arrivals, realMeta, extras } = injectOnlineFaults(this.faultRng, this.run.options.faultRate, flow, events, normal, texts);
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

  /** Writes the window's upload(s) under pos/store=…/date=…/, recording each file's fault. */
  private writePosWindow(startMs: number, header: PosFileHeader, body: readonly string[]): void {
    const c = this.run.counters;
    const dirRel = `pos/store=${this.profile.store.store_id}/date=${utcDate(startMs)}`;
    ensureDir(join(this.run.options.outDir, dirRel));
    const name = hhmm(startMs);
    c.posWindows++;
    for (const upload of posWindowUploads(this.faultRng, this.run.options.faultRate, header, body)) {
      const rel = `${dirRel}/${name}${POS_UPLOAD_SUFFIX[upload.role]}.ndjson.gz`;
      writeFileSync(join(this.run.options.outDir, rel), upload.bytes);
      c.posFiles++;
      c.linesPosBody += upload.bodyLines;
      if (upload.role === 'reupload') c.posReuploads++;
      if (upload.role === 'resend') c.posResends++;
      if (upload.fault) this.run.fault(upload.fault(rel));
    }
  }
}
