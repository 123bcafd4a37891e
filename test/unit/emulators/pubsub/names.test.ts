// Resource name rules: https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names
import { isValidId, parseName } from '../../../../emulators/pubsub/names';

describe('resource names', () => {
  test.each(['abc', 'orders-v1', 'a.b_c~d+e%f', `a${'b'.repeat(254)}`])('accepts %s', (id) => {
    expect(isValidId(id)).toBe(true);
  });

  test.each(['ab', '1abc', '-abc', 'googthing', 'Goog-x', 'a/b', 'a b', `a${'b'.repeat(255)}`])('rejects %s', (id) => {
    expect(isValidId(id)).toBe(false);
  });

  test('parses full names and rejects the wrong collection', () => {
    expect(parseName('topics', 'projects/p1/topics/orders')).toEqual({ project: 'p1', id: 'orders', name: 'projects/p1/topics/orders' });
    expect(() => parseName('topics', 'projects/p1/subscriptions/orders')).toThrow('Invalid [topics] name');
    expect(() => parseName('subscriptions', '')).toThrow('Invalid [subscriptions] name');
  });
});
