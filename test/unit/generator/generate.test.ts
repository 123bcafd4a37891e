// End-to-end checks of `generate()` on small runs: determinism, contracts, faults, truth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryEvent } from '../../../contracts/delivery';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { posBodyLine, posFileHeader, posFileTrailer } from '../../../contracts/pos';
import { merchant, product, promotion, rawMaterial, store, supplier } from '../../../contracts/reference';
import type { z } from 'zod';
import { digestTree, issuePaths, listFiles, ndjsonLines, parseOrNull, readJson, readPos, removeDir, run, tempDir, trailerOk, type PosFile } from './helpers';

interface Fault {
  kind: string;
  flow: string;
  file: string;
  line?: number;
  event_id?: string;
  field?: string;
  expected_outcome: string;
  description: string;
}
interface FaultsJson {
  seed: number;
  rate: number;
  counts: Record<string, number>;
  faults: Fault[];
}
interface HourlyRow {
  store_id: string;
  merchant_id: string;
  hour: string;
  channel: string;
  orders: number;
  units: number;
  gross_sales_cents: number;
  discount_cents: number;
  net_sales_cents: number;
  cost_cents: number;
  gross_margin_cents: number;
  service_fee_cents: number | null;
}
type Json = Record<string, any>;

const dirs: Record<string, string> = {};
const MODERATE = { stores: 8, hours: 30, start: '2026-03-06T12:00:00Z', seed: 11 };
/** Mid trading day of the MODERATE range: online producers switch to schema_version 2 here. */
const V2_FROM = '2026-03-06T20:00:00Z';

beforeAll(async () => {
  for (const name of ['a', 'b', 'c', 'clean', 'faulty', 'switched']) dirs[name] = tempDir(name);
  await run(dirs.a!);
  await run(dirs.b!);
  await run(dirs.c!, { seed: 2 });
  await run(dirs.clean!, MODERATE);
  await run(dirs.faulty!, { ...MODERATE, faultRate: 0.05 });
  await run(dirs.switched!, { ...MODERATE, faultRate: 0.05, v2From: V2_FROM });
});

afterAll(() => {
  for (const d of Object.values(dirs)) removeDir(d);
});

describe('determinism', () => {
  it('gives byte-identical output for the same arguments', () => {
    const a = digestTree(dirs.a!);
    expect(a.size).toBeGreaterThan(50);
    expect(digestTree(dirs.b!)).toEqual(a);
  });

  it('gives different output for a different seed', () => {
    const a = digestTree(dirs.a!);
    const c = digestTree(dirs.c!);
    const differing = [...a.keys()].filter((f) => c.get(f) !== a.get(f));
    expect(differing.filter((f) => f.startsWith('online/')).length).toBeGreaterThan(0);
    expect(differing.filter((f) => f.startsWith('pos/')).length).toBeGreaterThan(0);
  });

  it('never lets faults change the real events or the truth', () => {
    for (const f of ['store_hourly.json', 'product_daily.json', 'inventory_daily.json', 'delivery_daily.json', 'promotions.json']) {
      expect(readFileSync(join(dirs.faulty!, 'expected', f), 'utf8')).toBe(readFileSync(join(dirs.clean!, 'expected', f), 'utf8'));
    }
    const clean = readJson<Json>(join(dirs.clean!, 'expected/totals.json'));
    const faulty = readJson<Json>(join(dirs.faulty!, 'expected/totals.json'));
    expect(faulty.events).toEqual(clean.events);
    expect(faulty.orders).toEqual(clean.orders);
    expect(faulty.revenue).toEqual(clean.revenue);
  });
});

function expectValid(schema: z.ZodType, value: unknown, where: string): void {
  const paths = issuePaths(schema, value);
  if (paths !== null) throw new Error(`${where}: invalid at ${paths.join(', ')}`);
}

function checkReference(dir: string): void {
  const schemas: [string, z.ZodType][] = [['merchants', merchant], ['stores', store], ['suppliers', supplier], ['raw_materials', rawMaterial], ['products', product], ['promotions', promotion]];
  for (const [name, schema] of schemas) {
    const lines = ndjsonLines(join(dir, 'reference', `${name}.ndjson`));
    expect(lines.length).toBeGreaterThan(0);
    lines.forEach((l, i) => expectValid(schema, JSON.parse(l), `reference/${name}.ndjson:${i + 1}`));
  }
}

function posFiles(dir: string): string[] {
  return listFiles(dir).filter((f) => f.startsWith('pos/'));
}

function checkPosFile(file: PosFile): void {
  expectValid(posFileHeader, JSON.parse(file.lines[0]!), `${file.rel}:1`);
  const header = JSON.parse(file.lines[0]!) as Json;
  const body = file.lines.slice(1, -1);
  body.forEach((l, i) => {
    const value = JSON.parse(l) as Json;
    expectValid(posBodyLine, value, `${file.rel}:${i + 2}`);
    expect(value.store_id).toBe(header.store_id);
    expect(value.event_time >= header.window_start && value.event_time < header.window_end).toBe(true);
  });
  expectValid(posFileTrailer, JSON.parse(file.lines[file.lines.length - 1]!), `${file.rel}:trailer`);
  expect(trailerOk(file)).toBe(true);
}

describe('contracts (no faults)', () => {
  it('reference data is valid', () => {
    checkReference(dirs.a!);
    checkReference(dirs.clean!);
  });

  it.each(['a', 'clean'])('every online and delivery line is valid (%s)', (name) => {
    const dir = dirs[name]!;
    let n = 0;
    for (const f of listFiles(dir).filter((x) => x.startsWith('online/') || x.startsWith('deliveries/'))) {
      const schema = f.startsWith('online/') ? onlineOrderEvent : deliveryEvent;
      ndjsonLines(join(dir, f)).forEach((l, i) => {
        expectValid(schema, JSON.parse(l), `${f}:${i + 1}`);
        n++;
      });
    }
    expect(n).toBeGreaterThan(100);
  });

  it.each(['a', 'clean'])('every POS file has a valid header, body and trailer (%s)', (name) => {
    const files = posFiles(dirs[name]!);
    expect(files.length).toBeGreaterThan(20);
    for (const rel of files) checkPosFile(readPos(dirs[name]!, rel)!);
  });

  it('writes one POS file per store per open window, empty windows included', () => {
    const totals = readJson<Json>(join(dirs.clean!, 'expected/totals.json'));
    expect(posFiles(dirs.clean!).length).toBe(totals.pos_files.windows);
    const empty = posFiles(dirs.clean!).map((f) => readPos(dirs.clean!, f)!).filter((f) => f.lines.length === 2);
    expect(empty.length).toBeGreaterThan(0);
    expect(JSON.parse(empty[0]!.lines[1]!)).toEqual({ record_type: 'trailer', row_count: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });

  it('writes online files in arrival order, each line in its arrival hour or before', () => {
    for (const f of listFiles(dirs.clean!).filter((x) => x.startsWith('online/'))) {
      const hour = f.slice('online/'.length, 'online/'.length + 13);
      for (const l of ndjsonLines(join(dirs.clean!, f))) expect((JSON.parse(l) as Json).event_time.slice(0, 13) <= hour).toBe(true);
    }
  });
});

describe('faults', () => {
  const faults = (): FaultsJson => readJson<FaultsJson>(join(dirs.faulty!, 'faults.json'));

  it('lists every injected fault, of every kind, with counts', () => {
    const f = faults();
    expect(f.seed).toBe(MODERATE.seed);
    expect(f.rate).toBe(0.05);
    for (const kind of Object.keys(f.counts)) {
      expect(f.counts[kind]).toBeGreaterThan(0);
      expect(f.faults.filter((x) => x.kind === kind).length).toBe(f.counts[kind]);
    }
    expect(Object.keys(f.counts).sort()).toEqual(
      ['corrupt_pos_file', 'duplicate_delivery', 'late_event', 'malformed_json', 'out_of_order_status', 'reupload_identical_pos_file', 'schema_violation', 'truncated_pos_file'],
    );
    const clean = readJson<FaultsJson>(join(dirs.clean!, 'faults.json'));
    expect(clean.faults).toEqual([]);
  });

  it('rejected faults are rejected by the contracts, naming the field', () => {
    for (const fault of faults().faults.filter((x) => x.expected_outcome === 'rejected')) {
      const line = ndjsonLines(join(dirs.faulty!, fault.file))[fault.line! - 1]!;
      const value = parseOrNull(line);
      if (fault.kind === 'malformed_json') {
        expect(value).toBeUndefined();
        continue;
      }
      expect((value as Json).event_id).toBe(fault.event_id);
      const paths = issuePaths(fault.flow === 'online' ? onlineOrderEvent : deliveryEvent, value);
      expect(paths).not.toBeNull();
      expect(paths).toContain(fault.field);
    }
  });

  it('every other online and delivery line is valid', () => {
    const rejected = new Set(faults().faults.filter((x) => x.expected_outcome === 'rejected').map((x) => `${x.file}:${x.line}`));
    for (const f of listFiles(dirs.faulty!).filter((x) => x.startsWith('online/') || x.startsWith('deliveries/'))) {
      const schema = f.startsWith('online/') ? onlineOrderEvent : deliveryEvent;
      ndjsonLines(join(dirs.faulty!, f)).forEach((l, i) => {
        if (!rejected.has(`${f}:${i + 1}`)) expectValid(schema, JSON.parse(l), `${f}:${i + 1}`);
      });
    }
  });

  it('duplicates repeat an earlier line, late events arrive hours late, out-of-order events after their successor', () => {
    const f = faults().faults;
    const lineOf = (x: Fault): Json => JSON.parse(ndjsonLines(join(dirs.faulty!, x.file))[x.line! - 1]!) as Json;
    for (const d of f.filter((x) => x.kind === 'duplicate_delivery')) expect(lineOf(d).event_id).toBe(d.event_id);
    for (const l of f.filter((x) => x.kind === 'late_event')) {
      const e = lineOf(l);
      expect(e.event_id).toBe(l.event_id);
      const fileHour = Date.parse(`${l.file.split('/')[1]!.slice(0, 13)}:00:00Z`);
      expect(fileHour + 3_600_000 - Date.parse(e.event_time)).toBeGreaterThan(3_600_000);
    }
    expect(f.filter((x) => x.kind === 'out_of_order_status').every((x) => lineOf(x).event_id === x.event_id)).toBe(true);
  });

  it('damaged POS files fail the checks and are followed by a good resend; re-uploads are identical', () => {
    for (const fault of faults().faults.filter((x) => x.flow === 'pos')) {
      const original = fault.file.replace(/-reupload\.ndjson\.gz$/, '.ndjson.gz');
      if (fault.kind === 'reupload_identical_pos_file') {
        expect(fault.expected_outcome).toBe('archived_duplicate');
        expect(readFileSync(join(dirs.faulty!, fault.file))).toEqual(readFileSync(join(dirs.faulty!, original)));
        continue;
      }
      expect(fault.expected_outcome).toBe('quarantined');
      const bad = readPos(dirs.faulty!, fault.file);
      if (fault.kind === 'truncated_pos_file') expect(bad).toBeNull();
      else expect(trailerOk(bad!)).toBe(false);
      const resend = readPos(dirs.faulty!, fault.file.replace(/\.ndjson\.gz$/, '-resend1.ndjson.gz'))!;
      checkPosFile(resend);
      // Same body as the window would have had without the fault.
      const clean = readPos(dirs.clean!, fault.file)!;
      expect(resend.lines.slice(1)).toEqual(clean.lines.slice(1));
    }
  });
});

/** Standard unit cost from the reference files, as exact fractions, rounded half away from zero. */
function unitCosts(dir: string): Map<string, number> {
  const materials = new Map(ndjsonLines(join(dir, 'reference/raw_materials.ndjson')).map((l) => {
    const m = JSON.parse(l) as Json;
    return [m.material_id as string, m];
  }));
  const out = new Map<string, number>();
  for (const l of ndjsonLines(join(dir, 'reference/products.ndjson'))) {
    const p = JSON.parse(l) as Json;
    // Common denominator: the product of pack sizes.
    let den = 1n;
    for (const r of p.recipe) den *= BigInt(materials.get(r.material_id)!.pack_size);
    let num = 0n;
    for (const r of p.recipe) {
      const m = materials.get(r.material_id)!;
      num += (BigInt(r.quantity) * BigInt(m.pack_cost_cents) * den) / BigInt(m.pack_size);
    }
    out.set(p.sku, Number((2n * num + den) / (2n * den)));
  }
  return out;
}

/** store_hourly re-derived from the files alone: what a correct pipeline must compute. */
function rederiveHourly(dir: string): Map<string, HourlyRow> {
  const cost = unitCosts(dir);
  const rows = new Map<string, HourlyRow>();
  const add = (e: Json, channel: string): void => {
    const hour = `${e.event_time.slice(0, 13)}:00:00.000Z`;
    const key = `${e.store_id}|${hour}|${channel}`;
    let r = rows.get(key);
    if (!r) {
      r = { store_id: e.store_id, merchant_id: e.merchant_id, hour, channel, orders: 0, units: 0, gross_sales_cents: 0, discount_cents: 0, net_sales_cents: 0, cost_cents: 0, gross_margin_cents: 0, service_fee_cents: null };
      rows.set(key, r);
    }
    r.orders++;
    if (typeof e.service_fee_cents === 'number') r.service_fee_cents = (r.service_fee_cents ?? 0) + e.service_fee_cents;
    for (const l of e.lines) {
      const gross = l.quantity * l.unit_price_cents;
      const c = l.quantity * cost.get(l.sku)!;
      r.units += l.quantity;
      r.gross_sales_cents += gross;
      r.discount_cents += l.discount_cents;
      r.net_sales_cents += gross - l.discount_cents;
      r.cost_cents += c;
      r.gross_margin_cents += gross - l.discount_cents - c;
    }
  };

  const seen = new Set<string>();
  const placed = new Map<string, Json>();
  const reversedOrders = new Set<string>();
  for (const f of listFiles(dir).filter((x) => x.startsWith('online/'))) {
    for (const line of ndjsonLines(join(dir, f))) {
      const e = parseOrNull(line);
      if (e === undefined || !onlineOrderEvent.safeParse(e).success) continue;
      const ev = e as Json;
      if (seen.has(ev.event_id)) continue;
      seen.add(ev.event_id);
      if (ev.event_type === 'order.placed') placed.set(ev.order_id, ev);
      if (ev.event_type === 'order.cancelled' || ev.event_type === 'order.refunded') reversedOrders.add(ev.order_id);
    }
  }
  for (const [orderId, e] of placed) if (!reversedOrders.has(orderId)) add(e, e.channel);

  const sales = new Map<string, Json>();
  const reversed = new Set<string>();
  for (const rel of posFiles(dir)) {
    const file = readPos(dir, rel);
    if (!file || !trailerOk(file)) continue;
    const body = file.lines.slice(1, -1).map((l) => parseOrNull(l) as Json);
    if (body.some((b) => b === undefined || !posBodyLine.safeParse(b).success)) continue;
    for (const b of body) {
      if (b.record_type !== 'transaction' || seen.has(b.event_id)) continue;
      seen.add(b.event_id);
      if (b.transaction_type === 'sale') sales.set(`${b.store_id}|${b.transaction_id}`, b);
      else reversed.add(`${b.store_id}|${b.original_transaction_id}`);
    }
  }
  for (const [key, sale] of sales) if (!reversed.has(key)) add(sale, 'pos');
  return rows;
}

describe('truth', () => {
  it('store_hourly adds up to the totals', () => {
    for (const dir of [dirs.a!, dirs.clean!]) {
      const hourly = readJson<HourlyRow[]>(join(dir, 'expected/store_hourly.json'));
      const totals = readJson<Json>(join(dir, 'expected/totals.json'));
      const sum = (k: keyof HourlyRow): number => hourly.reduce((a, r) => a + (r[k] as number), 0);
      expect(sum('orders')).toBe(totals.orders.counted);
      expect(sum('units')).toBe(totals.revenue.units);
      expect(sum('net_sales_cents')).toBe(totals.revenue.net_sales_cents);
      expect(sum('cost_cents')).toBe(totals.revenue.cost_cents);
      expect(sum('gross_margin_cents')).toBe(totals.revenue.gross_margin_cents);
      const product = readJson<Json[]>(join(dir, 'expected/product_daily.json'));
      expect(product.reduce((a, r) => a + r.units, 0)).toBe(totals.revenue.units);
      expect(product.reduce((a, r) => a + r.net_sales_cents, 0)).toBe(totals.revenue.net_sales_cents);
    }
  });

  it.each(['clean', 'faulty', 'switched'])('store_hourly re-derived from the files matches (%s)', (name) => {
    const dir = dirs[name]!;
    const expected = readJson<HourlyRow[]>(join(dir, 'expected/store_hourly.json'));
    const derived = rederiveHourly(dir);
    expect(derived.size).toBe(expected.length);
    for (const row of expected) expect(derived.get(`${row.store_id}|${row.hour}|${row.channel}`)).toEqual(row);
  });

  it('switches online orders to schema_version 2 at --v2-from, changing nothing else but the fees and notes', () => {
    const online = (dir: string): Json[] => listFiles(dir).filter((f) => f.startsWith('online/')).flatMap((f) => ndjsonLines(join(dir, f)).map(parseOrNull)).filter((e): e is Json => e !== undefined && onlineOrderEvent.safeParse(e).success);
    const events = online(dirs.switched!);
    const before = events.filter((e) => e.event_time < V2_FROM);
    const after = events.filter((e) => e.event_time >= V2_FROM);
    expect(before.length).toBeGreaterThan(100);
    expect(after.length).toBeGreaterThan(100);
    expect(before.every((e) => e.schema_version === 1 && e.service_fee_cents === undefined)).toBe(true);
    expect(after.every((e) => e.schema_version === 2)).toBe(true);
    expect(after.filter((e) => e.event_type === 'order.placed').every((e) => Number.isInteger(e.service_fee_cents))).toBe(true);
    expect(after.some((e) => typeof e.delivery_note === 'string')).toBe(true);
    const withoutV2 = (e: Json): Json => ({ ...e, schema_version: 1, service_fee_cents: undefined, delivery_note: undefined });
    expect(events.map(withoutV2)).toEqual(online(dirs.faulty!).map(withoutV2));
    const hourly = readJson<HourlyRow[]>(join(dirs.switched!, 'expected/store_hourly.json'));
    expect(hourly.filter((r) => Date.parse(r.hour) < Date.parse(V2_FROM)).every((r) => r.service_fee_cents === null)).toBe(true);
    expect(hourly.filter((r) => Date.parse(r.hour) >= Date.parse(V2_FROM) && r.channel === 'aggregator').every((r) => (r.service_fee_cents ?? 0) > 0)).toBe(true);
  });

  it('counts real events once per flow', () => {
    const totals = readJson<Json>(join(dirs.clean!, 'expected/totals.json'));
    const count = (prefix: string): number => listFiles(dirs.clean!).filter((f) => f.startsWith(prefix)).reduce((a, f) => a + ndjsonLines(join(dirs.clean!, f)).length, 0);
    expect(count('online/')).toBe(totals.events.online);
    expect(count('deliveries/')).toBe(totals.events.delivery);
    const body = posFiles(dirs.clean!).flatMap((f) => readPos(dirs.clean!, f)!.lines.slice(1, -1).map((l) => JSON.parse(l) as Json));
    expect(body.filter((b) => b.record_type === 'transaction').length).toBe(totals.events.pos_transactions);
    expect(body.filter((b) => b.record_type === 'inventory_movement').length).toBe(totals.events.inventory_movements);
  });

  it('delivery_daily matches the webhooks', () => {
    const rows = readJson<Json[]>(join(dirs.clean!, 'expected/delivery_daily.json'));
    const events = listFiles(dirs.clean!).filter((f) => f.startsWith('deliveries/')).flatMap((f) => ndjsonLines(join(dirs.clean!, f)).map((l) => JSON.parse(l) as Json));
    const ids = new Set(events.map((e) => e.delivery_id));
    expect(rows.reduce((a, r) => a + r.deliveries, 0)).toBe(ids.size);
    for (const s of ['delivered', 'failed', 'cancelled']) expect(rows.reduce((a, r) => a + r[s], 0)).toBe(events.filter((e) => e.status === s).length);
    for (const r of rows) {
      if (r.delivered > 1) expect(r.p90_minutes).toBeGreaterThanOrEqual(r.p50_minutes);
      expect(r.late).toBeLessThanOrEqual(r.delivered);
    }
  });
});

describe('inventory', () => {
  const localDate = (iso: string, tz: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

  it('balances, never goes negative, and matches the movements and closing counts', () => {
    const dir = dirs.clean!;
    const rows = readJson<Json[]>(join(dir, 'expected/inventory_daily.json'));
    const tz = new Map(ndjsonLines(join(dir, 'reference/stores.ndjson')).map((l) => [JSON.parse(l).store_id as string, JSON.parse(l).timezone as string]));
    const moves = posFiles(dir)
      .flatMap((f) => readPos(dir, f)!.lines.slice(1, -1).map((l) => JSON.parse(l) as Json))
      .filter((b) => b.record_type === 'inventory_movement')
      .sort((a, b) => (a.event_time < b.event_time ? -1 : a.event_time > b.event_time ? 1 : 0));
    const agg = new Map<string, { received: number; consumed: number; wasted: number; count: number | null }>();
    for (const m of moves) {
      const key = `${localDate(m.event_time, tz.get(m.store_id)!)}|${m.store_id}|${m.material_id}`;
      const a = agg.get(key) ?? { received: 0, consumed: 0, wasted: 0, count: null };
      if (m.movement_type === 'receipt') a.received += m.quantity;
      if (m.movement_type === 'consumption') a.consumed += m.quantity;
      if (m.movement_type === 'waste') a.wasted += m.quantity;
      if (m.movement_type === 'count') a.count = m.quantity;
      agg.set(key, a);
    }
    let counted = 0;
    const onHand = new Map<string, number>();
    for (const r of rows) {
      expect(r.closing).toBe(r.opening + r.received - r.consumed - r.wasted);
      expect(r.closing).toBeGreaterThanOrEqual(0);
      const a = agg.get(`${r.date}|${r.store_id}|${r.material_id}`) ?? { received: 0, consumed: 0, wasted: 0, count: null };
      expect([a.received, a.consumed, a.wasted]).toEqual([r.received, r.consumed, r.wasted]);
      if (a.count !== null) {
        expect(a.count).toBe(r.closing);
        counted++;
      }
      const key = `${r.store_id}|${r.material_id}`;
      if (onHand.has(key)) expect(r.opening).toBe(onHand.get(key));
      onHand.set(key, r.closing);
    }
    expect(counted).toBeGreaterThan(0);
    // Replay every movement in time order from the first opening: stock never dips below zero.
    const stock = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.store_id}|${r.material_id}`;
      if (!stock.has(key)) stock.set(key, r.opening);
    }
    for (const m of moves) {
      const key = `${m.store_id}|${m.material_id}`;
      const delta = m.movement_type === 'receipt' ? m.quantity : m.movement_type === 'count' ? 0 : -m.quantity;
      stock.set(key, stock.get(key)! + delta);
      expect(stock.get(key)).toBeGreaterThanOrEqual(0);
    }
  });
});
