// Pseudonymisation of personal data before it lands anywhere (R7): keyed HMAC-SHA256, so the same
// customer gets the same token across orders and channels, and nobody without the key can reverse
// or re-derive it. Values are normalised first (trimmed, lower-cased; phones reduced to digits).
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export const PSEUDONYM_PREFIX = 'pii1_';
const MIN_KEY_LENGTH = 16;

export class PiiKeyError extends Error {}

export function normalisePii(field: string, value: string): string {
  if (field === 'phone') {
    const plus = value.trim().startsWith('+') ? '+' : '';
    return plus + value.replace(/\D/g, '');
  }
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

// Importing the key once per distinct key string saves its set-up on every HMAC (hot path).
const keyObjects = new Map<string, KeyObject>();

function keyObjectFor(key: string): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    if (key.length < MIN_KEY_LENGTH) throw new PiiKeyError(`the PII key must be at least ${MIN_KEY_LENGTH} characters`);
    keyObject = createSecretKey(Buffer.from(key, 'utf8'));
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** The stable token that replaces a personal value. */
export function pseudonymise(value: string, key: string, field = ''): string {
  return PSEUDONYM_PREFIX + createHmac('sha256', keyObjectFor(key)).update(normalisePii(field, value)).digest('hex');
}

export function isPseudonym(value: unknown): boolean {
  return typeof value === 'string' && /^pii1_[0-9a-f]{64}$/.test(value);
}

/**
 * Returns a copy of `record` with every string at one of `paths` (dotted, `[]` for array elements,
 * as `piiPaths` derives them from a contract) replaced by its pseudonym. Missing paths are skipped,
 * so it also works on payloads that failed validation (rejected events keep no plain PII either).
 */
export function pseudonymiseRecord<T>(record: T, paths: readonly string[], key: string): T {
  return pseudonymiseInPlace(structuredClone(record), paths, key);
}

/** Like `pseudonymiseRecord`, but changes `record` itself: for a payload the caller just parsed and owns. */
export function pseudonymiseInPlace<T>(record: T, paths: readonly string[], key: string): T {
  for (const path of paths) replaceAt(record, path.split('.'), key);
  return record;
}

function replaceAt(node: unknown, segments: string[], key: string): void {
  if (node === null || typeof node !== 'object' || segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const isArray = head.endsWith('[]');
  const name = isArray ? head.slice(0, -2) : head;
  const container = node as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(container, name)) return;
  const value = container[name];
  if (isArray) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (rest.length === 0) value[i] = typeof item === 'string' ? pseudonymise(item, key, name) : item;
        else replaceAt(item, rest, key);
      });
    }
    return;
  }
  if (rest.length > 0) return replaceAt(value, rest, key);
  if (typeof value === 'string') container[name] = pseudonymise(value, key, name);
  else if (value !== null && value !== undefined) container[name] = pseudonymise(JSON.stringify(value), key, name);
}
