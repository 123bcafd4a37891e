import { piiPaths } from '../../../contracts/bigquery-schema';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { isPseudonym, PiiKeyError, pseudonymise, pseudonymiseInPlace, pseudonymiseRecord } from '../../../contracts/pii';
import { orderPlaced, orderUpdated } from '../../../contracts/examples';

const KEY = 'test-key-0123456789abcdef';

describe('pseudonymise', () => {
  it('is keyed, stable and normalised', () => {
    const a = pseudonymise('Ada@Example.com ', KEY, 'email');
    expect(a).toBe(pseudonymise('ada@example.com', KEY, 'email'));
    expect(a).not.toBe(pseudonymise('ada@example.com', KEY + 'x', 'email'));
    expect(isPseudonym(a)).toBe(true);
    expect(pseudonymise('+1 (312) 555-0100', KEY, 'phone')).toBe(pseudonymise('+13125550100', KEY, 'phone'));
  });

  it('refuses a short key', () => {
    expect(() => pseudonymise('x', 'short')).toThrow(PiiKeyError);
  });

  it('replaces every PII field of an order and nothing else', () => {
    const event = orderPlaced();
    const out = pseudonymiseRecord(event, piiPaths(onlineOrderEvent), KEY);
    if (out.event_type !== 'order.placed' || event.event_type !== 'order.placed') throw new Error('fixture changed');
    expect(isPseudonym(out.customer.email)).toBe(true);
    expect(isPseudonym(out.customer.name)).toBe(true);
    expect(isPseudonym(out.customer.phone)).toBe(true);
    expect(isPseudonym(out.delivery_address?.line1)).toBe(true);
    expect(out.customer.customer_id).toBe(event.customer.customer_id);
    expect(out.delivery_address?.postal_code).toBe(event.delivery_address?.postal_code);
    expect(JSON.stringify(out)).not.toContain('Ada');
    expect(event.customer.name).toBe('Ada Lovelace'); // the input is not modified
  });

  it('pseudonymises in place to the same tokens as the copying form', () => {
    const copy = pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), KEY);
    const owned = orderPlaced();
    const same = pseudonymiseInPlace(owned, piiPaths(onlineOrderEvent), KEY);
    expect(same).toBe(owned);
    expect(owned).toEqual(copy);
  });

  it('skips absent paths and pseudonymises non-string values in PII places', () => {
    expect(pseudonymiseRecord(orderUpdated(), piiPaths(onlineOrderEvent), KEY)).toEqual(orderUpdated());
    const odd = pseudonymiseRecord({ customer: { email: { nested: 'ada@example.com' } } }, ['customer.email'], KEY);
    expect(isPseudonym(odd.customer.email)).toBe(true);
  });
});
