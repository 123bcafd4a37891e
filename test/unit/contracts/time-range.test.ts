// Every contract's timestamps and dates stay inside BigQuery's range (0001-01-01 .. 9999-12-31, UTC,
// after applying the offset): one row outside it makes a whole load job fail.
import { calendarDate, timestamp } from '../../../contracts/common';
import { deliveryEvent as deliveryContract } from '../../../contracts/delivery';
import { deliveryEvent, inventoryReceipt, orderPlaced, posSale } from '../../../contracts/examples';
import { inventoryMovement } from '../../../contracts/inventory';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { posFileHeader, posTransaction } from '../../../contracts/pos';

const OUT = ['0000-01-01T00:00:00Z', '0000-12-31T23:59:59Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00', '10000-01-01T00:00:00Z'];
const IN = ['0001-01-01T00:00:00Z', '0001-01-01T00:30:00-01:00', '9999-12-31T23:59:59.999999Z', '2026-11-23T12:10:00-05:00'];

describe('timestamps within BigQuery range', () => {
  it('refuses year 0000 and 10000, also when the offset crosses the edge', () => {
    const t = timestamp('t');
    for (const s of OUT) expect([s, t.safeParse(s).success]).toEqual([s, false]);
    for (const s of IN) expect([s, t.safeParse(s).success]).toEqual([s, true]);
    expect(t.safeParse('0000-01-01T00:00:00Z').error?.issues[0]?.message).toMatch(/BigQuery's range/);
  });

  it('refuses date 0000-mm-dd', () => {
    expect(calendarDate('d').safeParse('0000-01-01').success).toBe(false);
    expect(calendarDate('d').safeParse('0001-01-01').success).toBe(true);
    expect(calendarDate('d').safeParse('9999-12-31').success).toBe(true);
  });

  it('applies to every contract with an event time and to the POS file header', () => {
    for (const bad of ['0000-06-01T00:00:00Z', '9999-12-31T23:30:00-01:00']) {
      expect(posTransaction.safeParse({ ...posSale(), event_time: bad }).success).toBe(false);
      expect(inventoryMovement.safeParse({ ...inventoryReceipt(), event_time: bad }).success).toBe(false);
      expect(onlineOrderEvent.safeParse({ ...orderPlaced(), event_time: bad }).success).toBe(false);
      expect(deliveryContract.safeParse({ ...deliveryEvent(), event_time: bad }).success).toBe(false);
      const header = { record_type: 'header', schema_version: 1, merchant_id: 'm1', store_id: 's1', window_start: bad, window_end: bad, created_at: '2026-11-23T17:16:00Z' };
      expect(posFileHeader.safeParse(header).success).toBe(false);
    }
    expect(posTransaction.safeParse(posSale()).success).toBe(true);
  });
});
