import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { hmacSha256Hex, isPseudonym, PiiKeyError, pseudonymise, pseudonymiseInPlace, pseudonymiseRecord } from '../../../contracts/pii';
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

describe('pseudonymise (golden tokens)', () => {
  // Computed with `'pii1_' + createHmac('sha256', key).update(normalised).digest('hex')` before the
  // keyed HMAC replaced createHmac: tokens already in BigQuery must keep matching new ones.
  const LONG_KEY = 'a-very-long-pii-key-'.repeat(5); // 100 bytes: HMAC hashes it first
  it.each([
    ['Ada@Example.com ', KEY, 'email', 'pii1_1fb7a55520872fc27768142ed7849c0515fb1b72561967671d6c37eca16bb5be'],
    ['+1 (312) 555-0100', KEY, 'phone', 'pii1_08107c32225a0db7c1f777a2468cbf3e179d157432a2e107a0b4a51b79690c02'],
    ['  Ada   LOVELACE ', KEY, 'name', 'pii1_dca096551699aeecda19718ce845b1a0bd7364bcc4394a3950fc63ac8259301f'],
    ['', KEY, '', 'pii1_3c179bf9f2fdcf70ee11feba516a8d62c302314b3d5c1370139e6ba2a775cb31'],
    ['Zoë Ångström 🍕', KEY, 'name', 'pii1_742d7bd3fdf71c3d9224883bfe73e48373e53bf13e3badbec59e468de5ce317a'],
    ['12 Analytical Way', LONG_KEY, 'line1', 'pii1_3c59811fc46bd623817784c435a0da91789ba7d7d84c871e9f4234be3f960391'],
    ['{"nested":"ada@example.com"}', KEY, 'email', 'pii1_8214372cfe5475605ea0b8b2fb5d96a96598d4b86ba2569f5ba4ebf308a433ed'],
  ])('%j under its key is unchanged', (value, key, field, token) => {
    expect(pseudonymise(value, key, field)).toBe(token);
  });
});

describe('hmacSha256Hex', () => {
  const reference = (key: string | Buffer, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');
  // 'binary' units include lone surrogates, which both encode as U+FFFD.
  const message = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.string({ maxLength: 50 }));
  const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 150 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)));

  it('equals createHmac for any key and message, unicode, empty and long ones included', () => {
    fc.assert(
      fc.property(key, fc.array(message, { minLength: 1, maxLength: 5 }), (k, messages) => {
        const hmac = hmacSha256Hex(k);
        for (const m of messages) expect(hmac(m)).toBe(reference(k, m));
      }),
      { numRuns: 1000 },
    );
  });

  it('equals createHmac at the block-size key lengths and around the scratch buffer limit', () => {
    for (const length of [0, 1, 63, 64, 65, 128, 200]) {
      const k = Buffer.alloc(length, 0xa5);
      const hmac = hmacSha256Hex(k);
      for (const m of ['', 'x', '€'.repeat(1365), '€'.repeat(1366), '🍕'.repeat(683), '🍕'.repeat(684), 'a'.repeat(10_000)]) {
        expect(hmac(m)).toBe(reference(k, m));
      }
    }
  });

  it('keeps keys apart when calls under different keys interleave', () => {
    const a = hmacSha256Hex('first-key-0123456789');
    const b = hmacSha256Hex('second-key-0123456789');
    for (const m of ['one', 'two', '', 'three']) {
      expect(a(m)).toBe(reference('first-key-0123456789', m));
      expect(b(m)).toBe(reference('second-key-0123456789', m));
    }
  });
});

describe('pseudonymising twice (a replayed event)', () => {
  it('keeps the token an event already carries instead of hashing it again', () => {
    const once = pseudonymiseRecord({ customer: { email: 'ada@example.com', phone: '+1 312 555 0100' } }, ['customer.email', 'customer.phone'], KEY);
    const twice = pseudonymiseRecord(once, ['customer.email', 'customer.phone'], KEY);
    expect(isPseudonym(once.customer.email)).toBe(true);
    expect(twice).toEqual(once);
  });
});
