// The serving store's pure rules: key layout, grouping mart rows by merchant and date, the writes of
// an incremental publish (only touched dates) and of a full republish (overwrite, then remove what
// is gone), stamps, freshness derived from the hourly series, and the SQL of the publisher's reads.
import {
  dateRanges,
  datesByMonth,
  freshnessOf,
  groupByMerchant,
  groupByMerchantAndDate,
  isEmptyWrite,
  monthMember,
  newerStamp,
  parseMonthMember,
  planDates,
  planRefresh,
  servingKeys,
  type MerchantWrite,
} from '../../../functions/metrics-api/serving/layout';
import { seriesSql, seriesWhere } from '../../../functions/metrics-api/serving/marts';
import { seriesOf } from '../../../functions/metrics-api/serving/publisher';
import { METRICS } from '../../../functions/metrics-api';

const daily = { metric: 'sales', granularity: 'day' as const };

test('every key of a merchant carries the merchant as its hash tag', () => {
  expect(servingKeys.month('m0001', daily, '2026-11')).toBe('serve:{m0001}:series:sales:day:2026-11');
  expect(servingKeys.meta('m0001')).toBe('serve:{m0001}:meta');
  expect(servingKeys.whole('m0001', 'promotion_lift')).toBe('serve:{m0001}:whole:promotion_lift');
  expect(servingKeys.months('m0001')).toBe('serve:{m0001}:months');
  expect(parseMonthMember(monthMember({ metric: 'product_mix', granularity: 'day' }, '2026-02'))).toEqual({ series: { metric: 'product_mix', granularity: 'day' }, month: '2026-02' });
  expect(parseMonthMember('nonsense')).toBeUndefined();
});

test('rows are grouped by merchant and date, merchant_id taken out, order kept', () => {
  const rows = [
    { merchant_id: 'm2', hour_at: '2026-11-24T01:00:00.000Z', store_id: 's3', orders: 1 },
    { merchant_id: 'm1', hour_at: '2026-11-24T01:00:00.000Z', store_id: 's1', orders: 2 },
    { merchant_id: 'm1', hour_at: '2026-11-24T02:00:00.000Z', store_id: 's1', orders: 3 },
    { merchant_id: 'm1', hour_at: '2026-11-25T00:00:00.000Z', store_id: 's1', orders: 4 },
    { merchant_id: null, hour_at: '2026-11-25T00:00:00.000Z', store_id: 's9', orders: 5 },
  ];
  const grouped = groupByMerchantAndDate(rows, 'hour_at');
  expect([...grouped.keys()]).toEqual(['m2', 'm1']);
  expect(grouped.get('m1')!.get('2026-11-24')!.map((r) => r.orders)).toEqual([2, 3]);
  expect(grouped.get('m1')!.get('2026-11-25')).toEqual([{ hour_at: '2026-11-25T00:00:00.000Z', store_id: 's1', orders: 4 }]);
  expect(groupByMerchant(rows).get('m1')!.map((r) => r.orders)).toEqual([2, 3, 4]);
});

test('dates become ranges of consecutive days, and a range splits by month', () => {
  expect(dateRanges(['2026-11-24', '2026-11-22', '2026-11-23', '2026-12-01', '2026-11-30', '2026-11-24'])).toEqual([
    { from: '2026-11-22', to: '2026-11-24' },
    { from: '2026-11-30', to: '2026-12-01' },
  ]);
  expect(datesByMonth('2026-11-29', '2026-12-02')).toEqual([
    { month: '2026-11', dates: ['2026-11-29', '2026-11-30'] },
    { month: '2026-12', dates: ['2026-12-01', '2026-12-02'] },
  ]);
});

test('an incremental publish sets the touched dates with rows, deletes those now empty, and leaves every other date alone', () => {
  const fresh = new Map([
    ['m1', new Map([['2026-11-24', [{ business_date: '2026-11-24', orders: 3 }]]])],
    ['m3', new Map([['2026-11-25', [{ business_date: '2026-11-25', orders: 1 }]]])],
  ]);
  // m2 had rows on the 24th; it has none now.
  const previous = new Map([['2026-11-24', new Set(['m1', 'm2'])]]);
  const writes = new Map<string, MerchantWrite>();
  planDates(daily, ['2026-11-24', '2026-11-25'], fresh, previous, writes);
  const key = (m: string): string => servingKeys.month(m, daily, '2026-11');
  expect(writes.get('m1')!.hashes).toEqual([{ key: key('m1'), set: { '2026-11-24': JSON.stringify([{ business_date: '2026-11-24', orders: 3 }]) }, del: [] }]);
  expect(writes.get('m2')!.hashes).toEqual([{ key: key('m2'), set: {}, del: ['2026-11-24'] }]);
  expect(writes.get('m3')!.hashes).toEqual([{ key: key('m3'), set: { '2026-11-25': JSON.stringify([{ business_date: '2026-11-25', orders: 1 }]) }, del: [] }]);
  expect(writes.get('m1')!.monthsAdd).toEqual(['sales:day:2026-11']);
  expect([...writes.keys()].sort()).toEqual(['m1', 'm2', 'm3']);
});

test('a full republish overwrites every field, then removes fields and months that are gone', () => {
  const stored = new Map([
    ['sales:day:2026-11', ['2026-11-01', '2026-11-24']],
    ['sales:day:2026-09', ['2026-09-15']],
  ]);
  const w = planRefresh('m1', [
    { id: daily, byDate: new Map([['2026-11-24', [{ orders: 3 }]], ['2026-11-25', [{ orders: 4 }]]]) },
    { id: { metric: 'product_mix', granularity: 'day' }, byDate: new Map() },
  ], stored);
  expect(w.hashes).toEqual([{ key: servingKeys.month('m1', daily, '2026-11'), set: { '2026-11-24': '[{"orders":3}]', '2026-11-25': '[{"orders":4}]' }, del: ['2026-11-01'] }]);
  expect(w.dropKeys).toEqual([servingKeys.month('m1', daily, '2026-09')]);
  expect(w.monthsRemove).toEqual(['sales:day:2026-09']);
  expect(w.datesAdd).toEqual(['2026-11-25']);
  expect(w.datesRemove).toEqual(['2026-09-15', '2026-11-01']);
  expect(isEmptyWrite(w)).toBe(false);
  // Republishing what is stored changes no field (the same values are set again).
  const again = planRefresh('m1', [{ id: daily, byDate: new Map([['2026-11-24', [{ orders: 3 }]]]) }], new Map([['sales:day:2026-11', ['2026-11-24']]]));
  expect(again.hashes[0]!.del).toEqual([]);
  expect(again.dropKeys).toEqual([]);
  expect(again.datesAdd).toEqual([]);
});

test('the newer stamp wins by run time, then run id', () => {
  const a = { run_id: 'a', run_at: '2026-11-24T10:00:00.000Z', published_at: '' };
  const b = { run_id: 'b', run_at: '2026-11-24T10:15:00.000Z', published_at: '' };
  expect(newerStamp(a, b)).toBe(b);
  expect(newerStamp(b, a)).toBe(b);
  expect(newerStamp(undefined, a)).toBe(a);
  expect(newerStamp(undefined, undefined)).toBeUndefined();
});

test('freshness is the newest hour per store and the whole minutes since, as TIMESTAMP_DIFF counts them', () => {
  const rows = [
    { hour_at: '2026-11-24T09:00:00.000Z', store_id: 's2' },
    { hour_at: '2026-11-24T10:00:00.000Z', store_id: 's1' },
    { hour_at: '2026-11-24T08:00:00.000Z', store_id: 's1' },
  ];
  expect(freshnessOf(rows, new Date('2026-11-24T10:59:59.000Z'))).toEqual([
    { store_id: 's1', latest_hour_at: '2026-11-24T10:00:00.000Z', minutes_behind: 59 },
    { store_id: 's2', latest_hour_at: '2026-11-24T09:00:00.000Z', minutes_behind: 119 },
  ]);
});

test('the publisher reads every series the catalog keeps, over the touched partitions only', () => {
  expect(seriesOf(METRICS).map((s) => `${s.metric}:${s.granularity}`)).toEqual(['sales:hour', 'sales:day', 'product_mix:day', 'delivery_performance:day', 'inventory_health:day']);
  const hourly = METRICS.get('sales')!.series!('hour');
  const byDates = seriesWhere(hourly, { dates: ['2026-11-22', '2026-11-23', '2026-11-25', 'not a date'] });
  expect(byDates.where).toBe('(sales_date between cast(@from_0 as date) and cast(@to_0 as date) or sales_date between cast(@from_1 as date) and cast(@to_1 as date))');
  expect(byDates.params).toEqual({ from_0: '2026-11-22', to_0: '2026-11-23', from_1: '2026-11-25', to_1: '2026-11-25' });
  const delivery = METRICS.get('delivery_performance')!.series!('day');
  const byMerchants = seriesWhere(delivery, { merchants: ['m1', 'm2'] });
  expect(byMerchants.where).toBe("merchant_id in unnest(@merchants) and business_date >= date '0001-01-01' and deliveries > 0");
  expect(byMerchants.params).toEqual({ merchants: ['m1', 'm2'] });
  expect(seriesSql(hourly, 'p', 'true')).toBe(
    'select merchant_id, hour_at, store_id, channel, orders, units, net_sales_cents, gross_margin_cents, average_ticket_cents\nfrom `p.marts.mart_store_sales_hourly`\nwhere true\norder by hour_at, store_id, channel',
  );
  expect(seriesWhere(hourly, { dates: [] }).where).toBe('(false)');
});

test("a merchant's range query is built from the same parts as the publisher's", () => {
  const q = METRICS.get('delivery_performance')!.build({ merchantId: 'm1', from: '2026-11-01', to: '2026-11-30', granularity: 'day', project: 'p' });
  expect(q.sql).toBe(`select business_date, store_id, deliveries, late_deliveries,
  round(100 * safe_divide(late_deliveries, deliveries), 2) as late_pct
from \`p.marts.mart_merchant_timeseries\`
where merchant_id = @merchant_id and business_date between cast(@from_date as date) and cast(@to_date as date) and deliveries > 0
order by business_date, store_id`);
  expect(q.params).toEqual({ merchant_id: 'm1', from_date: '2026-11-01', to_date: '2026-11-30' });
});
