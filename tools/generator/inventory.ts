// Store stock, in integer base units: receipts bring it up to par at opening, kitchen consumption
// follows the recipes of everything made, perishables lose a little at closing, and a closing
// count states what is on hand. Stock never goes negative: if a rush outruns it, an emergency
// top-up delivery arrives in the same window, before the consumption it covers.
import type { InventoryMovement } from '../../contracts/inventory';
import type { RawMaterial } from '../../contracts/reference';
import { iso } from './clock';
import { MEAN_LINES, MEAN_QUANTITY, expectedDailyOrders } from './demand';
import type { Prng } from './prng';
import { PRODUCTS, PRODUCT_WEIGHTS, RAW_MATERIALS, isPerishable, type StoreProfile } from './reference-data';

export const MATERIAL_INDEX: ReadonlyMap<string, number> = new Map(RAW_MATERIALS.map((m, i) => [m.material_id, i]));

/** Base units of each material (by RAW_MATERIALS index) one unit of each product consumes. */
const RECIPE_VECTORS: readonly (readonly [number, number][])[] = PRODUCTS.map((p) =>
  p.recipe.map((r) => [MATERIAL_INDEX.get(r.material_id)!, r.quantity] as [number, number]),
);

/** Adds `quantity` units of product `productIndex` to a per-material need vector. */
export function addRecipe(needs: number[], productIndex: number, quantity: number): void {
  for (const [m, q] of RECIPE_VECTORS[productIndex]!) needs[m]! += q * quantity;
}

/** Par level: twice an expected busy (weekend) day's use, at least one pack. */
function parLevels(profile: StoreProfile): number[] {
  const totalWeight = PRODUCT_WEIGHTS.reduce((a, b) => a + b, 0);
  const unitsPerDay = expectedDailyOrders(profile, 6) * MEAN_LINES * MEAN_QUANTITY;
  const use = RAW_MATERIALS.map(() => 0);
  PRODUCTS.forEach((_, p) => {
    for (const [m, q] of RECIPE_VECTORS[p]!) use[m]! += (unitsPerDay * PRODUCT_WEIGHTS[p]!) / totalWeight * q;
  });
  return use.map((u, m) => Math.max(RAW_MATERIALS[m]!.pack_size, Math.ceil(2 * u)));
}

export interface InventoryDayRow {
  date: string;
  store_id: string;
  material_id: string;
  opening: number;
  received: number;
  consumed: number;
  wasted: number;
  closing: number;
}

interface DayTotals {
  date: string;
  opening: number[];
  received: number[];
  consumed: number[];
  wasted: number[];
}

export class StoreInventory {
  private readonly onHand: number[];
  private readonly par: number[];
  private day: DayTotals | null = null;
  private seq = 0;

  constructor(private readonly profile: StoreProfile) {
    this.par = parLevels(profile);
    // The run starts as if yesterday's delivery had just topped the store up.
    this.onHand = [...this.par];
  }

  get currentDate(): string | null {
    return this.day?.date ?? null;
  }

  startDay(date: string): void {
    const zeros = (): number[] => RAW_MATERIALS.map(() => 0);
    this.day = { date, opening: [...this.onHand], received: zeros(), consumed: zeros(), wasted: zeros() };
  }

  /** The opening delivery: every material below par is ordered up to it, in whole packs. */
  openingReceipts(atMs: number): InventoryMovement[] {
    const out: InventoryMovement[] = [];
    RAW_MATERIALS.forEach((m, i) => {
      const missing = this.par[i]! - this.onHand[i]!;
      if (missing > 0) out.push(this.receive(i, m, Math.ceil(missing / m.pack_size), atMs));
    });
    return out;
  }

  /**
   * Consumption of one window (`needs` by material index). Returns top-up receipts (stamped
   * `topUpMs`) needed first, then the consumption movements (stamped `atMs`).
   */
  consume(needs: readonly number[], topUpMs: number, atMs: number): InventoryMovement[] {
    const receipts: InventoryMovement[] = [];
    const consumption: InventoryMovement[] = [];
    RAW_MATERIALS.forEach((m, i) => {
      const need = needs[i]!;
      if (need <= 0) return;
      if (need > this.onHand[i]!) {
        const packs = Math.ceil((need - this.onHand[i]! + this.par[i]! / 2) / m.pack_size);
        receipts.push(this.receive(i, m, packs, topUpMs));
      }
      this.onHand[i]! -= need;
      this.day!.consumed[i]! += need;
      consumption.push(this.movement('consumption', m, need, atMs));
    });
    return [...receipts, ...consumption];
  }

  /** Closing: a little perishable waste, then a count of everything on hand. */
  close(rng: Prng, wasteMs: number, countMs: number): InventoryMovement[] {
    const waste: InventoryMovement[] = [];
    const counts: InventoryMovement[] = [];
    RAW_MATERIALS.forEach((m, i) => {
      if (isPerishable(m)) {
        const wasted = Math.floor(this.onHand[i]! * rng.uniform(0.005, 0.02));
        const reason = rng.weighted(['expired', 'damaged', 'overproduction'] as const, [60, 25, 15]);
        if (wasted >= 1) {
          this.onHand[i]! -= wasted;
          this.day!.wasted[i]! += wasted;
          waste.push({ ...this.movement('waste', m, wasted, wasteMs), waste_reason: reason });
        }
      }
      counts.push(this.movement('count', m, this.onHand[i]!, countMs));
    });
    return [...waste, ...counts];
  }

  /** The day's rows (closing = stock now), and forgets the day. */
  endDay(): InventoryDayRow[] {
    const day = this.day;
    if (!day) return [];
    this.day = null;
    return RAW_MATERIALS.map((m, i) => ({
      date: day.date,
      store_id: this.profile.store.store_id,
      material_id: m.material_id,
      opening: day.opening[i]!,
      received: day.received[i]!,
      consumed: day.consumed[i]!,
      wasted: day.wasted[i]!,
      closing: this.onHand[i]!,
    }));
  }

  private receive(i: number, m: RawMaterial, packs: number, atMs: number): InventoryMovement {
    const quantity = packs * m.pack_size;
    this.onHand[i]! += quantity;
    this.day!.received[i]! += quantity;
    return { ...this.movement('receipt', m, quantity, atMs), cost_cents: packs * m.pack_cost_cents, supplier_id: m.supplier_id };
  }

  private movement(type: InventoryMovement['movement_type'], m: RawMaterial, quantity: number, atMs: number): InventoryMovement {
    const { store } = this.profile;
    return {
      schema_version: 1,
      event_id: `inv-${store.store_id}-${String(++this.seq).padStart(7, '0')}`,
      event_time: iso(atMs),
      merchant_id: store.merchant_id,
      store_id: store.store_id,
      movement_type: type,
      material_id: m.material_id,
      quantity,
      unit: m.unit,
      cost_cents: null,
      supplier_id: null,
      waste_reason: null,
    };
  }
}
