// Pseudonymisation of personal data before it lands anywhere (R7): keyed HMAC-SHA256, so the same
// customer gets the same token across orders and channels, and nobody without the key can reverse
// or re-derive it. Values are normalised first (trimmed, lower-cased; phones reduced to digits).
import { createHash, createHmac, hash as oneShotHash } from 'node:crypto';
import { PSEUDONYM_TOKEN_SOURCE } from './common';

export const PSEUDONYM_PREFIX = 'pii1_';
const TOKEN = new RegExp(`^${PSEUDONYM_TOKEN_SOURCE}$`);
const MIN_KEY_LENGTH = 16;

export class PiiKeyError extends Error {}

export function normalisePii(field: string, value: string): string {
  if (field === 'phone') {
    const plus = value.trim().startsWith('+') ? '+' : '';
    return plus + value.replace(/\D/g, '');
  }
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** SHA-256's block size: HMAC pads (or first hashes) the key to this many bytes. */
const BLOCK = 64;
/** Bytes of message the keyed function hashes without allocating; longer ones take createHmac. */
const SCRATCH = 4096;

/**
 * HMAC-SHA256 under `key` (RFC 2104), as lower-case hex: `createHmac('sha256', key).update(m)
 * .digest('hex')`, byte for byte, at about half its cost for short values. createHmac builds a
 * native HMAC context (key set-up included) and two JS objects per call; here the padded keys are
 * computed once, and each call is two one-shot `crypto.hash` calls over reused buffers:
 * H((K ^ opad) || H((K ^ ipad) || m)). The inner digest travels as a 'binary' (latin1: one char
 * per byte) string, because `hash(…, 'buffer')` costs more than the hash itself on Node 20.
 * (Copying a hash state primed with K ^ ipad, `createHash().update(ipad).copy()`, is the textbook
 * trick but measured slower than createHmac: each copy is a new native object and JS wrapper.)
 */
export function hmacSha256Hex(key: string | Buffer): (message: string) => string {
  const raw = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // crypto.hash arrived in Node 20.12; before it, keep the plain form.
  if (typeof oneShotHash !== 'function') return (message) => createHmac('sha256', raw).update(message, 'utf8').digest('hex');
  const k = raw.length > BLOCK ? createHash('sha256').update(raw).digest() : raw;
  const inner = Buffer.alloc(BLOCK + SCRATCH, 0x36); // K ^ ipad, then room for the message
  const outer = Buffer.alloc(BLOCK + 32, 0x5c); // K ^ opad, then the inner digest
  for (let i = 0; i < k.length; i++) {
    inner[i] ^= k[i];
    outer[i] ^= k[i];
  }
  return (message) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a longer message would be silently truncated.
    if (message.length * 3 > SCRATCH) return createHmac('sha256', raw).update(message, 'utf8').digest('hex');
    const length = inner.write(message, BLOCK, 'utf8');
    outer.write(oneShotHash('sha256', inner.subarray(0, BLOCK + length), 'binary'), BLOCK, 'binary');
    return oneShotHash('sha256', outer, 'hex');
  };
}

// The padded keys are derived once per distinct key string (in practice, one per process).
const keyed = new Map<string, (message: string) => string>();

function hmacFor(key: string): (message: string) => string {
  let hmac = keyed.get(key);
  if (!hmac) {
    if (key.length < MIN_KEY_LENGTH) throw new PiiKeyError(`the PII key must be at least ${MIN_KEY_LENGTH} characters`);
    hmac = hmacSha256Hex(key);
    keyed.set(key, hmac);
  }
  return hmac;
}

/** The stable token that replaces a personal value. */
export function pseudonymise(value: string, key: string, field = ''): string {
  return PSEUDONYM_PREFIX + hmacFor(key)(normalisePii(field, value));
}

export function isPseudonym(value: unknown): boolean {
  return typeof value === 'string' && TOKEN.test(value);
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
  const hmac = hmacFor(key);
  for (const path of paths) replaceAt(record, parsedPath(path), 0, hmac);
  return record;
}

interface Segment {
  name: string;
  /** `name[]`: the step applies to every element of the array at `name`. */
  each: boolean;
}

// Paths come from a handful of contracts, so each is split once rather than on every record.
const parsedPaths = new Map<string, readonly Segment[]>();

function parsedPath(path: string): readonly Segment[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = path.split('.').map((s) => (s.endsWith('[]') ? { name: s.slice(0, -2), each: true } : { name: s, each: false }));
    parsedPaths.set(path, segments);
  }
  return segments;
}

function replaceAt(node: unknown, segments: readonly Segment[], at: number, hmac: (message: string) => string): void {
  if (node === null || typeof node !== 'object' || at >= segments.length) return;
  const { name, each } = segments[at]!;
  const container = node as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(container, name)) return;
  const value = container[name];
  const last = at === segments.length - 1;
  if (each) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!last) replaceAt(item, segments, at + 1, hmac);
        else if (typeof item === 'string') value[i] = token(item, name, hmac);
      }
    }
    return;
  }
  if (!last) return replaceAt(value, segments, at + 1, hmac);
  if (typeof value === 'string') container[name] = token(value, name, hmac);
  else if (value !== null && value !== undefined) container[name] = token(JSON.stringify(value), name, hmac);
}

function token(value: string, field: string, hmac: (message: string) => string): string {
  // Idempotent: a value that already is a pseudonym (a replayed event) keeps its token.
  if (isPseudonym(value)) return value;
  return PSEUDONYM_PREFIX + hmac(normalisePii(field, value));
}

/**
 * Where `record` holds personal data in plain text: the concrete path (`customer.email`,
 * `contacts[1].phone`) of every value present at one of `paths` that is not a pseudonym token.
 * Null and absent values are not personal data. Never returns a value, only where it is.
 */
export function plainPiiPaths(record: unknown, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) findPlain(record, parsedPath(path), 0, '', out);
  return out;
}

function findPlain(node: unknown, segments: readonly Segment[], at: number, prefix: string, out: string[]): void {
  if (node === null || typeof node !== 'object' || at >= segments.length) return;
  const { name, each } = segments[at]!;
  const container = node as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(container, name)) return;
  const value = container[name];
  const here = prefix === '' ? name : `${prefix}.${name}`;
  const last = at === segments.length - 1;
  if (each) {
    if (!Array.isArray(value)) return;
    value.forEach((item: unknown, i) => {
      if (!last) findPlain(item, segments, at + 1, `${here}[${i}]`, out);
      else if (item !== null && item !== undefined && !isPseudonym(item)) out.push(`${here}[${i}]`);
    });
    return;
  }
  if (!last) return findPlain(value, segments, at + 1, here, out);
  if (value !== null && value !== undefined && !isPseudonym(value)) out.push(here);
}

// Text that could not be read as a record (invalid JSON, or JSON that is not an object) cannot be
// pseudonymised field by field: e-mail- and phone-shaped substrings are masked instead. Both
// patterns start only where a run of the characters they consume starts (the look-behinds), and
// bound every repetition, so a long run of such characters (a 10 MB body) costs linear time.
const EMAIL = /(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
/**
 * International (`+44 20 7946 0958`, `+1 (312) 555-0100`, `0044 …`), North American (`(312)
 * 555-0100`, `312-555-0100`) and national trunk-prefixed numbers (`020 7946 0958`, `07700 900123`).
 * Not inside a word, an identifier (`o-s0001-000123`) or a decimal: the look-arounds refuse a
 * letter, digit, `_`, `-`, `.` or `/` on either side; and a match holds at least 8 digits, so
 * cents, order numbers and dates stay.
 */
const PHONE = /(?<![\w+./-])(?:(?:\+|00)[1-9][\d ().-]{6,20}\d|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}([ .-])\d{3}\1\d{4}|0[1-9]\d{1,3} ?\d{3,4} ?\d{3,4})(?![\w/-]|\.\d)/g;
const PHONE_MIN_DIGITS = 8;
export const MASKED_EMAIL = '[email]';
export const MASKED_PHONE = '[phone]';

/** `text` with every e-mail-shaped substring replaced by `[email]` and every phone-shaped one by `[phone]`. */
export function maskPiiText(text: string): string {
  return text.replace(EMAIL, MASKED_EMAIL).replace(PHONE, (match) => {
    let digits = 0;
    for (let i = 0; i < match.length; i++) if (match.charCodeAt(i) >= 48 && match.charCodeAt(i) <= 57) digits++;
    return digits >= PHONE_MIN_DIGITS ? MASKED_PHONE : match;
  });
}
