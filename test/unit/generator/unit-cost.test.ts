import { lineDiscountCents } from '../../../tools/generator/orders';
import { createPrng } from '../../../tools/generator/prng';
import { MATERIALS_BY_ID, PRODUCTS, UNIT_COST_CENTS, productUnitCostCents, roundHalfAwayFromZero } from '../../../tools/generator/reference-data';

const mats = (rows: [string, number, number][]) => new Map(rows.map(([id, pack_size, pack_cost_cents]) => [id, { pack_size, pack_cost_cents }]));

describe('productUnitCostCents', () => {
  it('rounds half away from zero', () => {
    const m = mats([['a', 2, 1], ['b', 2, 5], ['c', 1000, 499]]);
    expect(productUnitCostCents([{ material_id: 'a', quantity: 1 }], m)).toBe(1); // 0.5 → 1
    expect(productUnitCostCents([{ material_id: 'b', quantity: 1 }], m)).toBe(3); // 2.5 → 3
    expect(productUnitCostCents([{ material_id: 'c', quantity: 1 }], m)).toBe(0); // 0.499 → 0
    expect(productUnitCostCents([{ material_id: 'c', quantity: 3 }], m)).toBe(1); // 1.497 → 1
  });

  it('sums exactly, where floats would drift below the half', () => {
    // 1/6 + 13/6 + 1/6 = 2.5 exactly; in floats the sum is 2.4999999999999996.
    const m = mats([['x', 6, 1], ['y', 6, 1], ['z', 6, 1]]);
    expect(1 / 6 + 13 / 6 + 1 / 6).toBeLessThan(2.5);
    const recipe = [{ material_id: 'x', quantity: 1 }, { material_id: 'y', quantity: 13 }, { material_id: 'z', quantity: 1 }];
    expect(productUnitCostCents(recipe, m)).toBe(3);
    // 0.1 + 0.2 style: 7/10 + 8/10 = 1.5 → 2
    expect(productUnitCostCents([{ material_id: 'p', quantity: 7 }, { material_id: 'q', quantity: 8 }], mats([['p', 10, 1], ['q', 10, 1]]))).toBe(2);
  });

  it('handles negatives symmetrically in the rounding helper', () => {
    expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(5n, -2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(7n, 3n)).toBe(2n);
  });

  it('gives every menu item a positive cost below its price, and resale goods their pack unit cost', () => {
    for (const p of PRODUCTS) {
      const cost = UNIT_COST_CENTS.get(p.sku)!;
      expect(cost).toBeGreaterThan(0);
      expect(cost).toBeLessThan(p.list_price_cents);
      expect(cost).toBe(productUnitCostCents(p.recipe, MATERIALS_BY_ID));
    }
    expect(UNIT_COST_CENTS.get('DR-COLA')).toBe(Math.round(899 / 24)); // 37.458 → 37
  });

  it('rounds TPR line discounts half away from zero', () => {
    expect(lineDiscountCents(1, 1499, 2000)).toBe(300); // 299.8
    expect(lineDiscountCents(1, 1099, 1500)).toBe(165); // 164.85
    expect(lineDiscountCents(1, 1, 5000)).toBe(1); // 0.5
  });
});

describe('prng', () => {
  it('is deterministic per stream and independent across streams', () => {
    const a = createPrng(1, 'store', 3);
    const b = createPrng(1, 'store', 3);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    const c = createPrng(1, 'store', 4);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    const d = createPrng(2, 'store', 3);
    expect(Array.from({ length: 5 }, () => d.next())).not.toEqual(seqA);
  });

  it('draws Poisson counts with about the right mean', () => {
    const r = createPrng(7, 'poisson');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += r.poisson(4.5);
    expect(sum / 20_000).toBeGreaterThan(4.35);
    expect(sum / 20_000).toBeLessThan(4.65);
  });
});
