// The live counters' pure rules: what an event adds, which hour it counts in, when it no longer
// counts, and the store's key layout (one merchant's keys in one hash slot).
import { Writable } from 'node:stream';
import { orderPlaced, posSale } from '../../../contracts/examples';
import { counting } from '../../../functions/ingest/index';
import type { RowSink } from '../../../functions/ingest/ingest';
import type { RawRow } from '../../../functions/ingest/raw-writer';
import { countersOf, expireAtSeconds, hourTag, liveEffect, liveKeys, orderDelta, posLiveEffect, posOrderId, type LiveEffect } from '../../../functions/runtime/live-counters';
import { scriptCall } from '../../../functions/runtime/live-store';
import { createLogger } from '../../../functions/runtime/logger';

const NOW = Date.parse('2026-11-23T18:40:00Z');
const HOUR = Date.parse('2026-11-23T18:00:00Z');
const placed = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ ...orderPlaced(), ...over });

describe('posLiveEffect', () => {
  // posSale(): rung 12:10-05:00 = 17:10Z, one unit at 1499 cents, no discount.
  const at = Date.parse('2026-11-23T17:40:00Z');
  test('a sale is an order of its store in the UTC hour it was rung, under an id apart from online orders', () => {
    expect(posLiveEffect({ ...posSale() }, at)).toEqual({
      kind: 'place',
      merchantId: 'm0001',
      storeId: 's0001',
      eventId: 'pos/pos-s0001-r1-000123',
      orderId: 'pos/s0001/t000123',
      hourStartMs: Date.parse('2026-11-23T17:00:00Z'),
      delta: { orders: 1, units: 1, netSalesCents: 1499 },
      expireAtSeconds: expireAtSeconds(Date.parse('2026-11-23T17:00:00Z')),
    });
    expect(posOrderId('s0001', 't000123')).not.toBe('t000123');
  });

  test('a void or a refund takes back the sale it names; one without the sale it names, or of an unknown type, counts nothing', () => {
    for (const transaction_type of ['void', 'refund']) {
      expect(posLiveEffect({ ...posSale(), event_id: 'pos-r', transaction_id: 't9', transaction_type, original_transaction_id: 't000123', lines: [] }, at)).toMatchObject({
        kind: 'void',
        eventId: 'pos/pos-r',
        orderId: posOrderId('s0001', 't000123'),
      });
    }
    expect(posLiveEffect({ ...posSale(), transaction_type: 'refund', original_transaction_id: null }, at)).toBeUndefined();
    expect(posLiveEffect({ ...posSale(), transaction_type: 'no_sale' }, at)).toBeUndefined();
    expect(posLiveEffect({ ...posSale(), transaction_id: '' }, at)).toBeUndefined();
  });

  test('a sale whose hour is past its retention counts nothing', () => {
    expect(posLiveEffect({ ...posSale() }, Date.parse('2026-11-23T20:00:00Z'))).toBeUndefined();
  });
});

describe('liveEffect', () => {
  test('a placed order adds one order, its units and its net sales (quantity × price − discount) in the UTC hour it was placed', () => {
    // 2 × 1299 − 520 + 1 × 249
    expect(liveEffect(placed(), NOW)).toEqual({
      kind: 'place',
      merchantId: 'm0001',
      storeId: 's0001',
      eventId: 'evt-0001',
      orderId: 'o-s0001-000001',
      hourStartMs: HOUR,
      delta: { orders: 1, units: 3, netSalesCents: 2327 },
      expireAtSeconds: (HOUR + 3 * 3_600_000) / 1000,
    });
  });

  test('reads the raw row as ingest writes it: event_time as a Date', () => {
    expect(liveEffect(placed({ event_time: new Date('2026-11-23T18:04:05.120Z') }), NOW)).toMatchObject({ kind: 'place', hourStartMs: HOUR });
  });

  test('a cancellation or a refund takes the order back; an update adds nothing', () => {
    for (const event_type of ['order.cancelled', 'order.refunded']) {
      expect(liveEffect({ event_type, event_id: 'e-2', event_time: '2026-11-23T18:30:00Z', merchant_id: 'm0001', store_id: 's0001', order_id: 'o-1' }, NOW)).toEqual({
        kind: 'void',
        merchantId: 'm0001',
        eventId: 'e-2',
        orderId: 'o-1',
        expireAtSeconds: expireAtSeconds(HOUR),
      });
    }
    expect(liveEffect({ event_type: 'order.updated', event_id: 'e-3', event_time: '2026-11-23T18:30:00Z', merchant_id: 'm0001', store_id: 's0001', order_id: 'o-1' }, NOW)).toBeUndefined();
  });

  test('an hour past its retention, an event from the future, or a row without ids counts nothing', () => {
    // 18:xx stays until 21:00 (the hour plus two).
    expect(liveEffect(placed(), Date.parse('2026-11-23T20:59:59Z'))).toBeDefined();
    expect(liveEffect(placed(), Date.parse('2026-11-23T21:00:00Z'))).toBeUndefined();
    expect(liveEffect(placed({ event_time: '2026-11-23T18:50:00Z' }), NOW)).toBeUndefined();
    expect(liveEffect(placed({ event_time: '2026-11-23T18:44:00Z' }), NOW)).toBeDefined();
    expect(liveEffect(placed({ event_id: undefined }), NOW)).toBeUndefined();
    expect(liveEffect(placed({ store_id: '' }), NOW)).toBeUndefined();
    expect(liveEffect(placed({ event_time: 'not a time' }), NOW)).toBeUndefined();
  });

  test('units and net sales add up over lines; nothing odd in a line breaks the sum', () => {
    expect(orderDelta([{ quantity: 3, unit_price_cents: 100, discount_cents: 50 }, null, { quantity: 1, unit_price_cents: 10 }])).toEqual({ orders: 1, units: 4, netSalesCents: 260 });
    expect(orderDelta(undefined)).toEqual({ orders: 1, units: 0, netSalesCents: 0 });
  });
});

describe('keys and answers', () => {
  test('keys name the merchant as a hash tag and the UTC hour as yyyymmddhh', () => {
    expect(hourTag(HOUR)).toBe('2026112318');
    expect(liveKeys.hour('m0001', 's0001', HOUR)).toBe('live:{m0001}:s0001:2026112318');
    expect(liveKeys.stores('m0001', HOUR)).toBe('live:{m0001}:2026112318:stores');
    const effect = liveEffect(placed(), NOW)!;
    const call = scriptCall(effect, NOW);
    // Every key one script touches is in the merchant's slot.
    expect(call.keys.every((k) => k.startsWith('live:{m0001}:'))).toBe(true);
    expect(call.arguments).toEqual(['place', String(expireAtSeconds(HOUR) - NOW / 1000), 's0001', '1', '3', '2327']);
  });

  test('a hash becomes the API row; missing fields are 0', () => {
    expect(countersOf('s0001', HOUR, { orders: '2', net_sales_cents: '-5' })).toEqual({ store_id: 's0001', hour_at: '2026-11-23T18:00:00.000Z', orders: 2, units: 0, net_sales_cents: -5 });
  });
});

describe('ingest counts after the raw write', () => {
  const row = (over: Record<string, unknown> = {}): RawRow => placed(over) as RawRow;
  const lines: string[] = [];
  const log = createLogger('test', { destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }), level: 'warn' });
  const written: unknown[] = [];
  const sink = (fail = false): RowSink => ({ write: async (rows) => (fail ? Promise.reject(new Error('append failed')) : void written.push(...rows)) });

  test('counts each written row once it is written; a failed write counts nothing', async () => {
    const applied: LiveEffect[] = [];
    const live = { apply: async (e: LiveEffect) => (applied.push(e), 'counted' as const) };
    await counting(sink(), live, log, () => NOW).write([row(), row({ event_type: 'order.updated', event_id: 'e-9' })]);
    expect(applied.map((e) => e.eventId)).toEqual(['evt-0001']);
    await expect(counting(sink(true), live, log, () => NOW).write([row()])).rejects.toThrow('append failed');
    expect(applied).toHaveLength(1);
  });

  test('a store that fails does not fail the write, and the log names ids, never the order', async () => {
    lines.length = 0;
    const live = { apply: async () => Promise.reject(new Error('ECONNREFUSED')) };
    await expect(counting(sink(), live, log, () => NOW).write([row()])).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('evt-0001');
    expect(lines[0]).not.toMatch(/Ada|example\.com|PZ-MARG/);
  });
});
