import { onlineOrderEvent } from '../../../contracts/online-order';
import { deliveryEvent as deliveryContract } from '../../../contracts/delivery';
import { posBodyLine, posFileHeader, posTransaction } from '../../../contracts/pos';
import { inventoryMovement } from '../../../contracts/inventory';
import { promotion } from '../../../contracts/reference';
import { validateJsonText, validateValue } from '../../../contracts/verdict';
import { deliveryEvent, inventoryReceipt, orderPlaced, orderUpdated, posSale } from '../../../contracts/examples';

type Mutable = Record<string, any>;
const broken = <T>(record: T, mutate: (r: Mutable) => void): unknown => {
  const copy = structuredClone(record) as Mutable;
  mutate(copy);
  return copy;
};

describe('contracts accept valid records', () => {
  it.each([
    ['order.placed', onlineOrderEvent, orderPlaced()],
    ['order.updated', onlineOrderEvent, orderUpdated()],
    ['delivery webhook', deliveryContract, deliveryEvent()],
    ['POS sale', posTransaction, posSale()],
    ['inventory receipt', inventoryMovement, inventoryReceipt()],
  ])('%s', (_name, schema, record) => {
    const result = schema.safeParse(record);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it('accepts online order events of schema_version 2, with and without its new fields, beside version 1', () => {
    expect(onlineOrderEvent.safeParse({ ...orderPlaced(), schema_version: 2, delivery_note: 'Ring the bell twice', service_fee_cents: 250 }).success).toBe(true);
    expect(onlineOrderEvent.safeParse({ ...orderPlaced(), schema_version: 2 }).success).toBe(true);
    expect(onlineOrderEvent.safeParse({ ...orderUpdated(), schema_version: 2 }).success).toBe(true);
    expect(onlineOrderEvent.safeParse(orderPlaced()).success).toBe(true);
  });

  it('accepts a POS body line tagged with its record type', () => {
    expect(posBodyLine.safeParse({ record_type: 'transaction', ...posSale() }).success).toBe(true);
    expect(posBodyLine.safeParse({ record_type: 'inventory_movement', ...inventoryReceipt() }).success).toBe(true);
  });
});

describe('contracts reject bad records with a reason naming the field', () => {
  it.each<[string, 'online-order' | 'delivery' | 'pos-transaction' | 'inventory-movement', unknown, string]>([
    ['negative quantity', 'online-order', broken(orderPlaced(), (r) => (r.lines[1].quantity = -1)), 'lines[1].quantity'],
    ['float money', 'online-order', broken(orderPlaced(), (r) => (r.lines[0].unit_price_cents = 12.99)), 'lines[0].unit_price_cents'],
    ['missing store', 'online-order', broken(orderPlaced(), (r) => delete r.store_id), 'store_id'],
    ['unknown event type', 'online-order', broken(orderUpdated(), (r) => (r.event_type = 'order.teleported')), 'event_type'],
    ['unknown field', 'online-order', broken(orderUpdated(), (r) => (r.storeid = 's1')), 'storeid'],
    ['timestamp without zone', 'online-order', broken(orderUpdated(), (r) => (r.event_time = '2026-11-23 18:06:00')), 'event_time'],
    ['schema version nobody accepts', 'online-order', broken(orderUpdated(), (r) => (r.schema_version = 3)), 'schema_version'],
    ['delivery schema version 2 (online orders only have one)', 'delivery', broken(deliveryEvent(), (r) => (r.schema_version = 2)), 'schema_version'],
    ['a version 2 field on a version 1 order', 'online-order', broken(orderPlaced(), (r) => (r.service_fee_cents = 120)), 'service_fee_cents'],
    ['a fractional service fee', 'online-order', broken(orderPlaced(), (r) => ((r.schema_version = 2), (r.service_fee_cents = 1.5))), 'service_fee_cents'],
    ['an empty delivery note', 'online-order', broken(orderPlaced(), (r) => ((r.schema_version = 2), (r.delivery_note = ''))), 'delivery_note'],
    ['totals mismatch', 'online-order', broken(orderPlaced(), (r) => (r.totals.total_cents += 1)), 'totals.total_cents'],
    ['subtotal mismatch', 'online-order', broken(orderPlaced(), (r) => (r.lines[0].quantity = 3)), 'totals.subtotal_cents'],
    ['delivery without address', 'online-order', broken(orderPlaced(), (r) => (r.delivery_address = null)), 'delivery_address'],
    ['failed delivery without reason', 'delivery', broken(deliveryEvent(), (r) => (r.status = 'failed')), 'failure_reason'],
    ['unknown provider', 'delivery', broken(deliveryEvent(), (r) => (r.provider = 'pigeon')), 'provider'],
    ['payments short', 'pos-transaction', broken(posSale(), (r) => (r.payments[1].amount_cents = 600)), 'payments'],
    ['void without original', 'pos-transaction', broken(posSale(), (r) => ((r.transaction_type = 'void'), (r.lines = []))), 'original_transaction_id'],
    ['receipt without supplier', 'inventory-movement', broken(inventoryReceipt(), (r) => (r.supplier_id = null)), 'supplier_id'],
    ['fractional grams', 'inventory-movement', broken(inventoryReceipt(), (r) => (r.quantity = 1.5)), 'quantity'],
  ])('%s', (_name, kind, record, field) => {
    const verdict = validateValue(kind, record);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.path).toBe(field);
    expect(verdict.reason).toContain(field);
  });

  it('reports malformed JSON without throwing', () => {
    const verdict = validateJsonText('online-order', '{"event_id": "abc", "event_ty');
    expect(verdict).toMatchObject({ ok: false, code: 'invalid_json', path: null });
  });

  it('requires the POS window to end after it starts, within an hour', () => {
    const header = { record_type: 'header', schema_version: 1, merchant_id: 'm1', store_id: 's1', window_start: '2026-11-23T12:15:00Z', window_end: '2026-11-23T12:00:00Z', created_at: '2026-11-23T12:16:00Z' };
    expect(posFileHeader.safeParse(header).success).toBe(false);
    expect(posFileHeader.safeParse({ ...header, window_end: '2026-11-23T12:30:00Z' }).success).toBe(true);
  });

  it('checks promotion dates and discount rules', () => {
    const p = { promotion_id: 'p1', name: 'Two for Tuesday', promotion_type: 'temporary_price_reduction', discount_bps: 2000, store_ids: [], skus: ['PZ-MARG'], starts_on: '2026-11-01', ends_on: '2026-11-14' };
    expect(promotion.safeParse(p).success).toBe(true);
    expect(promotion.safeParse({ ...p, ends_on: '2026-10-31' }).error?.issues[0]?.path).toEqual(['ends_on']);
    expect(promotion.safeParse({ ...p, promotion_type: 'newspaper_ad' }).error?.issues[0]?.path).toEqual(['discount_bps']);
  });
});
