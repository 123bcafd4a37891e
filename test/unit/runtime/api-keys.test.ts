import { createKeyRing } from '../../../functions/runtime/api-keys';
import { ConfigError } from '../../../functions/runtime/errors';

test('a key resolves to its owner; unknown, partial and missing keys to nobody', () => {
  const ring = createKeyRing({ portal: 'portal-key-1', m0001: 'merchant-key' });
  expect(ring.ownerOf('portal-key-1')).toBe('portal');
  expect(ring.ownerOf('merchant-key')).toBe('m0001');
  expect(ring.ownerOf('portal-key')).toBeUndefined();
  expect(ring.ownerOf('')).toBeUndefined();
  expect(ring.ownerOf(undefined)).toBeUndefined();
});

test('two owners sharing one key are refused, naming the owners and the variable but not the key', () => {
  let error: unknown;
  try {
    createKeyRing({ a: 'same-secret', b: 'other', c: 'same-secret' }, 'PIZZAFLOW_API_KEYS');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toMatch(/^PIZZAFLOW_API_KEYS: a and c share one key/);
  expect((error as ConfigError).message).not.toContain('same-secret');
});
