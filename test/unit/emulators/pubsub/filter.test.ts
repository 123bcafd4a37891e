// Filter syntax from https://cloud.google.com/pubsub/docs/subscription-message-filter
import { compileFilter, FilterError, parseFilter } from '../../../../emulators/pubsub/filter';

const orderWeb = { kind: 'order', channel: 'web' };
const orderPos = { kind: 'order', channel: 'pos' };
const refund = { kind: 'refund', channel: 'web' };
const plain = {};
const all = { orderWeb, orderPos, refund, plain };

function matching(filter: string): string[] {
  const predicate = compileFilter(filter);
  return Object.entries(all)
    .filter(([, attrs]) => predicate(attrs))
    .map(([name]) => name);
}

describe('subscription filter', () => {
  test.each([
    ['attributes.kind = "order"', ['orderWeb', 'orderPos']],
    ['attributes.kind != "order"', ['refund', 'plain']],
    ['attributes:kind', ['orderWeb', 'orderPos', 'refund']],
    ['NOT attributes:kind', ['plain']],
    ['-attributes:kind', ['plain']],
    ['hasPrefix(attributes.channel, "w")', ['orderWeb', 'refund']],
    ['hasPrefix(attributes.channel, "")', ['orderWeb', 'orderPos', 'refund']],
    ['attributes.kind = "order" AND attributes.channel = "pos"', ['orderPos']],
    ['attributes.kind = "refund" OR attributes.channel = "pos"', ['orderPos', 'refund']],
    ['(attributes.kind = "order" OR attributes.kind = "refund") AND NOT attributes.channel = "pos"', ['orderWeb', 'refund']],
    ['NOT (attributes:kind AND attributes.channel = "web")', ['orderPos', 'plain']],
    ['attributes.kind="order"AND attributes.channel="web"', ['orderWeb']],
    ['', ['orderWeb', 'orderPos', 'refund', 'plain']],
  ])('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  test('keys with dashes, quoted keys and escapes', () => {
    expect(compileFilter('attributes.ce-type = "a"')({ 'ce-type': 'a' })).toBe(true);
    expect(compileFilter('attributes."iana.org/language_tag" = "en"')({ 'iana.org/language_tag': 'en' })).toBe(true);
    expect(compileFilter('attributes.q = "say \\"hi\\"\\n"')({ q: 'say "hi"\n' })).toBe(true);
    expect(compileFilter('attributes.u = "\\u00e9\\x41\\101"')({ u: 'éAA' })).toBe(true);
  });

  test('keys inherited from Object.prototype are not attributes', () => {
    expect(compileFilter('attributes:toString')({})).toBe(false);
    expect(compileFilter('attributes.constructor != "x"')({})).toBe(true);
  });

  test.each([
    ['attributes.kind = ', /string literal/],
    ['attributes.kind = order', /string literal/],
    ["attributes.kind = 'order'", /unexpected character/],
    ['attributes.a = "1" AND attributes.b = "2" OR attributes:c', /cannot be mixed/],
    ['attributes.a = "1" and attributes:b', /unexpected 'and'/],
    ['data = "x"', /unexpected 'data'/],
    ['attributes.kind < "x"', /unexpected character/],
    ['(attributes:a', /expected '\)'/],
    ['attributes:a)', /unexpected '\)'/],
    ['hasPrefix(attributes.a)', /expected ','/],
    ['attributes.a = "unterminated', /unterminated/],
    ['attributes.a = "\\q"', /invalid escape/],
    ['NOT', /unexpected end/],
    ['   ', /empty/],
  ])('rejects %s', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
    expect(() => parseFilter(filter)).toThrow(message);
  });

  test('rejects filters over 256 bytes', () => {
    const long = `attributes.k = "${'x'.repeat(260)}"`;
    expect(() => parseFilter(long)).toThrow(/256 bytes/);
  });
});
