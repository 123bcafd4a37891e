import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { hmacSha256Hex, isPseudonym, maskPiiText, PiiKeyError, plainPiiPaths, pseudonymise, pseudonymiseInPlace, pseudonymiseRecord } from '../../../contracts/pii';
import { orderPlaced, orderUpdated } from '../../../contracts/examples';
import { fastValidator } from '../../../contracts/fast-validator';
import { validateValue } from '../../../contracts/verdict';

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

describe('plainPiiPaths', () => {
  const paths = piiPaths(onlineOrderEvent);

  it('names every PII field of a plain order, and none once the order is pseudonymised', () => {
    expect(plainPiiPaths(orderPlaced(), paths)).toEqual(['customer.email', 'customer.name', 'customer.phone', 'delivery_address.line1']);
    expect(plainPiiPaths(pseudonymiseRecord(orderPlaced(), paths, KEY), paths)).toEqual([]);
  });

  it('skips absent and null values, and names array elements by index', () => {
    expect(plainPiiPaths(orderUpdated(), paths)).toEqual([]);
    expect(plainPiiPaths({ ...orderPlaced(), delivery_address: null }, paths)).not.toContain('delivery_address.line1');
    const token = pseudonymise('a@b.co', KEY, 'email');
    expect(plainPiiPaths({ contacts: [{ email: token }, { email: 'b@c.co' }, { email: null }] }, ['contacts[].email'])).toEqual(['contacts[1].email']);
    expect(plainPiiPaths({ emails: [token, 'x@y.co'] }, ['emails[]'])).toEqual(['emails[1]']);
  });

  it('counts a non-string value in a PII place as plain', () => {
    expect(plainPiiPaths({ customer: { email: { nested: 'ada@example.com' } } }, ['customer.email'])).toEqual(['customer.email']);
  });
});

describe('contracts take the pseudonym token where a PII value is expected', () => {
  const tokenised = () => pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), KEY);
  const withCustomer = (patch: Record<string, string>) => {
    const order = orderPlaced() as unknown as { customer: Record<string, string> };
    Object.assign(order.customer, patch);
    return order;
  };

  it('accepts a plain order and its pseudonymised copy, in zod and in the fast validator alike', () => {
    for (const record of [orderPlaced(), tokenised()]) {
      expect(validateValue('online-order', record)).toEqual({ ok: true });
      expect(fastValidator('online-order')(record)).toEqual({ ok: true });
    }
  });

  it.each([
    ['a token with upper-case hex', { email: 'pii1_' + 'A'.repeat(64) }],
    ['a token one digit short', { phone: 'pii1_' + 'a'.repeat(63) }],
    ['a token of another version', { email: 'pii2_' + 'a'.repeat(64) }],
    ['a token with text after it', { phone: pseudonymise('x', KEY) + ' ' }],
    ['an e-mail without a domain', { email: 'ada@' }],
    ['a phone with letters', { phone: '+1 555 CALL NOW' }],
  ])('refuses %s in both validators, naming the field', (_what, patch) => {
    const record = withCustomer(patch);
    const field = `customer.${Object.keys(patch)[0]!}`;
    expect(validateValue('online-order', record)).toMatchObject({ ok: false, path: field });
    expect(fastValidator('online-order')(record)).toMatchObject({ ok: false, path: field });
  });

  it('agrees with zod on random tokens, near-tokens, e-mails and phones in every PII field', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg'), minLength: 62, maxLength: 66 });
    const value = fc.oneof(
      hex.map((h) => `pii1_${h}`),
      fc.emailAddress(),
      fc.string({ unit: fc.constantFrom(...'+0123456789 ()-x'), maxLength: 24 }),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(fc.constantFrom('name', 'email', 'phone'), value, (field, v) => {
        const record = withCustomer({ [field]: v });
        expect(fastValidator('online-order')(record).ok).toBe(validateValue('online-order', record).ok);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskPiiText', () => {
  it.each([
    ['an e-mail in a sentence', 'contact ada.lovelace+pizza@example.co.uk today', 'contact [email] today'],
    ['e-mails in broken JSON', '{"email":"ada@example.com","cc":"B.O\'Neil@mail.example.org",', '{"email":"[email]","cc":"[email]",'],
    ['a +44 mobile with spaces', 'call +44 7700 900123 please', 'call [phone] please'],
    ['a +44 London number with a trunk zero in brackets', 'tel: +44 (0)20 7946 0958.', 'tel: [phone].'],
    ['a +44 number without spaces', '"phone":"+447700900123"', '"phone":"[phone]"'],
    ['a 0044 number', 'ring 0044 20 7946 0958', 'ring [phone]'],
    ['a UK national number', 'landline 020 7946 0958, mobile 07700 900123', 'landline [phone], mobile [phone]'],
    ['North American numbers', '+1 (312) 555-0100 or (312) 555-0199 or 312-555-0142', '[phone] or [phone] or [phone]'],
  ])('masks %s', (_what, text, masked) => {
    expect(maskPiiText(text)).toBe(masked);
  });

  it.each([
    ['order ids', 'order o-s0001-000123 and ORD-2026-000123 and 100023'],
    ['cents and amounts', '"total_cents":3212,"unit_price_cents":1299,"tax":186, 12.50 GBP, +12.50'],
    ['timestamps and dates', '"event_time":"2026-11-23T18:04:05.120Z","at":"2026-11-23T12:10:00-05:00","d":"2026-01-05"'],
    ['epoch milliseconds and long ids', '1732385045120 sku-00012345678 pos-s0001-r1-000123'],
    ['postal codes and a bare @', 'SW1A 1AA, 60601, @pizzaflow, user@localhost'],
    ['pseudonym tokens', `{"email":"${pseudonymise('ada@example.com', KEY, 'email')}","phone":"pii1_${'0'.repeat(64)}"}`],
  ])('leaves %s alone', (_what, text) => {
    expect(maskPiiText(text)).toBe(text);
  });

  it('takes linear time on long runs of the characters the patterns consume', () => {
    for (const run of ['a'.repeat(2_000_000), '1 '.repeat(1_000_000), '+1'.repeat(1_000_000), 'a.'.repeat(1_000_000) + '@']) {
      const started = process.hrtime.bigint();
      maskPiiText(run);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
    }
  });
});
