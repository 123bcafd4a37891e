import { createKeyRing, METRICS, parseMetricParams, plainValue } from '../../../functions/metrics-api';

const NOW = new Date('2026-11-24T23:59:00Z');
const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('the longest accepted ranges are inclusive: 31 days per hour, 366 per day', () => {
  expect(parseMetricParams(METRICS.get('sales')!, q('from=2026-11-01&to=2026-12-01&granularity=hour'), NOW)).toMatchObject({ ok: true });
  expect(parseMetricParams(METRICS.get('sales')!, q('from=2026-11-01&to=2026-12-02&granularity=hour'), NOW)).toMatchObject({ ok: false });
  expect(parseMetricParams(METRICS.get('sales')!, q('from=2025-01-01&to=2026-01-01'), NOW)).toMatchObject({ ok: true });
  expect(parseMetricParams(METRICS.get('sales')!, q('from=2025-01-01&to=2026-01-02'), NOW)).toMatchObject({ ok: false });
});

test('a metric without a time axis accepts either granularity and answers per day by default', () => {
  expect(parseMetricParams(METRICS.get('freshness')!, q(''), NOW)).toEqual({ ok: true, params: { from: '2026-11-18', to: '2026-11-24', granularity: 'day' } });
  expect(parseMetricParams(METRICS.get('freshness')!, q('granularity=hour'), NOW)).toMatchObject({ ok: true });
});

test('keys resolve to their merchant only', () => {
  const ring = createKeyRing({ m1: 'alpha', m2: 'beta' });
  expect([ring.ownerOf('alpha'), ring.ownerOf('beta'), ring.ownerOf('alph'), ring.ownerOf(undefined)]).toEqual(['m1', 'm2', undefined, undefined]);
});

test("BigQuery's typed values become plain JSON", () => {
  expect(plainValue({ value: '2026-11-24' })).toBe('2026-11-24');
  expect(plainValue({ toString: () => '1.25' })).toBe(1.25);
  expect(plainValue(null)).toBeNull();
  expect(plainValue(7)).toBe(7);
});
