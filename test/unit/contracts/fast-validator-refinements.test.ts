// The zod contracts refine what JSON Schema cannot say (every timestamp and date inside BigQuery's
// range); the hot-path validator must refuse the same values, with the same code, field and reason.
import fc from 'fast-check';
import { BIGQUERY_MAX_TIME_MS, BIGQUERY_MIN_TIME_MS } from '../../../contracts/common';
import { deliveryEvent, orderPlaced, orderUpdated, posSale } from '../../../contracts/examples';
import { fastValidator } from '../../../contracts/fast-validator';
import type { RecordKindName } from '../../../contracts/registry';
import { validateValue, type Verdict } from '../../../contracts/verdict';

/** What must agree: ok, or code, field and reason (zod's "(and N more issues)" tail aside). */
function comparable(v: Verdict): unknown {
  return v.ok ? { ok: true } : { ok: false, code: v.code, path: v.path, reason: v.reason.replace(/ \(and \d+ more issues?\)$/, '') };
}

const TIMESTAMPS = [
  // BigQuery's edges, in UTC and across an offset
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000000Z',
  '0001-01-01T00:30:00-01:00',
  '0001-01-01T00:30:00+01:00',
  '0000-12-31T23:59:59.999999Z',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:30:00-01:00',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999999Z',
  '9999-12-31T23:30:00-01:00',
  '9999-12-31T23:30:00+01:00',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+002026-11-23T12:00:00Z',
  // calendar and clock
  '2024-02-29T12:00:00Z',
  '2026-02-29T12:00:00Z',
  '2000-02-29T00:00:00Z',
  '1900-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-31T00:00:00Z',
  '2026-11-23T24:00:00Z',
  '2026-11-23T23:60:00Z',
  '2026-11-23T12:00:60Z',
  '2026-11-23T12:00:00+24:00',
  '2026-11-23T12:00:00+23:59',
  '2026-11-23T12:00:00-00:00',
  // shape
  '2026-11-23T12:00:00',
  '2026-11-23 12:00:00Z',
  '2026-11-23t12:00:00z',
  '2026-11-23T12:00Z',
  '2026-11-23T12:00:00.Z',
  '2026-11-23T12:00:00.1234567891Z',
  '2026-11-23',
  '',
  ' 2026-11-23T12:00:00Z',
];

const DATES = ['0001-01-01', '0000-01-01', '0000-12-31', '9999-12-31', '10000-01-01', '+010000-01-01', '2024-02-29', '2026-02-29', '2026-11-31', '2026-1-1', '2026-11-23T00:00:00Z', ''];

const recordWith = (base: Record<string, unknown>, field: string, value: unknown) => ({ ...base, [field]: value });

/** Every timestamp field of the kinds on the hot path, in a valid record of its kind. */
const TIMESTAMP_PLACES: [RecordKindName, string, Record<string, unknown>][] = [
  ['online-order', 'event_time', orderPlaced() as Record<string, unknown>],
  ['online-order', 'promised_at', orderPlaced() as Record<string, unknown>],
  ['online-order', 'event_time', orderUpdated() as Record<string, unknown>],
  ['delivery', 'event_time', deliveryEvent() as Record<string, unknown>],
  ['delivery', 'estimated_dropoff_at', deliveryEvent() as Record<string, unknown>],
  ['pos-transaction', 'event_time', posSale() as Record<string, unknown>],
  ['pos-header', 'created_at', { record_type: 'header', schema_version: 1, merchant_id: 'm1', store_id: 's1', window_start: '2026-11-23T17:00:00Z', window_end: '2026-11-23T17:15:00Z', created_at: '2026-11-23T17:16:00Z' }],
];

const promotion = { promotion_id: 'p1', name: 'Two for one', promotion_type: 'temporary_price_reduction', discount_bps: 1000, store_ids: [], skus: ['sku-1'], starts_on: '2026-11-01', ends_on: '2026-11-30' };

describe('fast validator and zod agree on refined values', () => {
  it('the fixtures are valid to both', () => {
    for (const [kind, , base] of TIMESTAMP_PLACES) {
      expect([kind, fastValidator(kind)(base)]).toEqual([kind, { ok: true }]);
      expect([kind, validateValue(kind, base)]).toEqual([kind, { ok: true }]);
    }
  });

  describe.each(TIMESTAMP_PLACES)('%s.%s', (kind, field, base) => {
    it.each(TIMESTAMPS)('%s', (value) => {
      const record = recordWith(base, field, value);
      expect(comparable(fastValidator(kind)(record))).toEqual(comparable(validateValue(kind, record)));
    });
  });

  it('refuses year 0000 and 10000 on the hot path with zod’s field and reason', () => {
    for (const value of ['0000-01-01T00:00:00Z', '9999-12-31T23:30:00-01:00']) {
      expect(fastValidator('online-order')(recordWith(orderPlaced() as Record<string, unknown>, 'event_time', value))).toEqual({
        ok: false,
        code: 'schema_violation',
        path: 'event_time',
        reason: "event_time: expected a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (BigQuery's range, after applying the offset)",
      });
    }
    for (const value of ['10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      expect(fastValidator('online-order')(recordWith(orderPlaced() as Record<string, unknown>, 'event_time', value))).toEqual({ ok: false, code: 'schema_violation', path: 'event_time', reason: 'event_time: Invalid ISO datetime' });
    }
  });

  it('a promotion date, likewise (calendarDate)', () => {
    expect(validateValue('promotion', promotion)).toEqual({ ok: true });
    for (const field of ['starts_on', 'ends_on']) {
      for (const value of DATES) {
        const record = recordWith(promotion, field, value);
        expect([field, value, comparable(fastValidator('promotion')(record))]).toEqual([field, value, comparable(validateValue('promotion', record))]);
      }
    }
  });

  it('on random instants around and beyond BigQuery’s range, in any offset', () => {
    const year = 365.25 * 86_400_000;
    const instant = fc.oneof(
      fc.integer({ min: BIGQUERY_MIN_TIME_MS - 2 * 86_400_000, max: BIGQUERY_MIN_TIME_MS + 2 * 86_400_000 }),
      fc.integer({ min: BIGQUERY_MAX_TIME_MS - 2 * 86_400_000, max: BIGQUERY_MAX_TIME_MS + 2 * 86_400_000 }),
      fc.integer({ min: Math.round(BIGQUERY_MIN_TIME_MS - 3 * year), max: Math.round(BIGQUERY_MAX_TIME_MS + 3 * year) }),
    );
    const offsetMinutes = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
    fc.assert(
      fc.property(instant, offsetMinutes, fc.boolean(), (ms, offset, fraction) => {
        const value = rfc3339(ms, offset, fraction);
        const record = recordWith(orderPlaced() as Record<string, unknown>, 'event_time', value);
        expect([value, comparable(fastValidator('online-order')(record))]).toEqual([value, comparable(validateValue('online-order', record))]);
      }),
      { numRuns: 2000 },
    );
  });
});

/** The instant `ms` written in local time at `offset` minutes from UTC; years past 9999 as JavaScript writes them. */
function rfc3339(ms: number, offset: number, fraction: boolean): string {
  const local = new Date(ms + offset * 60_000).toISOString();
  const body = fraction ? local.slice(0, -1) : local.replace(/\.\d+Z$/, '');
  if (offset === 0) return `${body}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
