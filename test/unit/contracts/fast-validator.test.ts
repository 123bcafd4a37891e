import fc from 'fast-check';
import { fastValidator } from '../../../contracts/fast-validator';
import type { RecordKindName } from '../../../contracts/registry';
import { validateJsonText, validateValue } from '../../../contracts/verdict';
import { deliveryEvent, inventoryReceipt, orderPlaced, orderPlacedV2, orderUpdated, posSale } from '../../../contracts/examples';

const samples: [RecordKindName, unknown][] = [
  ['online-order', orderPlaced()],
  ['online-order', orderPlacedV2()],
  ['online-order', orderUpdated()],
  ['delivery', deliveryEvent()],
  ['pos-transaction', posSale()],
  ['inventory-movement', inventoryReceipt()],
];

/** Every [path, value] leaf and branch of a JSON value. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function setAt(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('fast validator (ajv from the zod JSON Schema)', () => {
  it.each(samples)('accepts the valid %s sample', (kind, record) => {
    expect(fastValidator(kind)(record)).toEqual({ ok: true });
  });

  it('agrees with zod on single-field mutations of valid records', () => {
    const mutation = fc.record({
      sample: fc.integer({ min: 0, max: samples.length - 1 }),
      pathIndex: fc.nat(),
      replacement: fc.oneof(
        fc.constant(undefined),
        fc.jsonValue({ maxDepth: 2 }),
        fc.integer({ min: -5, max: 5000 }),
        fc.double(),
        fc.constantFrom('', 'order.placed', 'delivered', '2026-11-23T18:00:00Z', '2026-13-01', 'USD', 'usd', 's0001', 'a b'),
        // PII places take a value or its pseudonym token; near-tokens are refused by both.
        fc.constantFrom(`pii1_${'0a'.repeat(32)}`, `pii1_${'0A'.repeat(32)}`, `pii1_${'a'.repeat(63)}`, 'ada@example.com', '+44 20 7946 0958'),
      ),
    });
    fc.assert(
      fc.property(mutation, ({ sample, pathIndex, replacement }) => {
        const [kind, record] = samples[sample]!;
        const paths = pathsOf(record);
        const mutated = setAt(record, paths[pathIndex % paths.length]!, replacement);
        expect(fastValidator(kind)(mutated).ok).toBe(validateValue(kind, mutated).ok);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the field of a single broken value like zod does', () => {
    const record = structuredClone(orderPlaced()) as { lines: { quantity: number }[] };
    record.lines[1]!.quantity = 0;
    expect(fastValidator('online-order')(record)).toMatchObject({ ok: false, path: 'lines[1].quantity' });
    expect(fastValidator('online-order')({ ...orderUpdated(), extra: 1 })).toMatchObject({ ok: false, path: 'extra' });
    const { store_id: _dropped, ...missing } = orderUpdated();
    expect(fastValidator('online-order')(missing)).toMatchObject({ ok: false, path: 'store_id' });
  });
});

describe('validators never throw', () => {
  const kinds: RecordKindName[] = ['online-order', 'delivery', 'pos-line', 'pos-header', 'pos-trailer', 'product', 'promotion'];
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.jsonValue(), (kind, value) => {
        expect(validateValue(kind, value).ok).toBe(false);
        expect(fastValidator(kind)(value).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ maxLength: 200 }), (kind, text) => {
        const verdict = validateJsonText(kind, text);
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
