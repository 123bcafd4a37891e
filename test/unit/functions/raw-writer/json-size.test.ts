// The coalescer's size estimate must stay exactly the JSON length it always was.
import fc from 'fast-check';
import { jsonByteLength } from '../../../../functions/ingest/raw-writer/json-size';

/** What JSON.stringify reports: the byte length, or the class of the error it throws. */
function outcome(measure: () => number): number | string {
  try {
    return measure();
  } catch (e) {
    return (e as Error).constructor.name;
  }
}

function expectSame(value: unknown): void {
  expect(outcome(() => jsonByteLength(value))).toEqual(outcome(() => Buffer.byteLength(JSON.stringify(value))));
}

describe('jsonByteLength', () => {
  it('equals Buffer.byteLength(JSON.stringify(value)) for any value', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(fc.property(anything, (v) => expectSame(v)), { numRuns: 2000 });
    fc.assert(fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.date({ noInvalidDate: false }), fc.double())), (v) => expectSame(v)));
  });

  it('matches on the values JSON treats specially', () => {
    class Point {
      constructor(readonly x = 1) {}
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200; i++) deep = { d: [deep] };
    const dated = new Date(0);
    (dated as unknown as { toJSON: () => string }).toJSON = () => 'custom';
    const cases: unknown[] = [
      { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s')] },
      { z: -0, n: NaN, i: Infinity, e: 1e21, f: 1.5e-7 },
      { lone: '\ud800', pair: '🍕', ctl: '\u0000\n\t', quote: '"\\', latin: 'é', key: { 'k"\n': 1, 'é': 2 } },
      { at: new Date('2026-11-23T18:04:05.120Z'), far: new Date(Date.UTC(10000, 0)), before: new Date(Date.UTC(-1, 0)), bad: new Date(NaN), dated },
      { custom: { toJSON: (key: string) => `key ${key}` }, point: new Point(), buffer: Buffer.from('abc'), map: new Map([[1, 2]]) },
      Object.assign(Object.create(null) as object, { a: 1 }),
      [1, , 3], // eslint-disable-line no-sparse-arrays
      [],
      {},
      cycle,
      deep,
      { n: 10n },
      undefined,
      'top',
      null,
    ];
    for (const value of cases) expectSame(value);
  });
});
