// Customer-supplied encryption keys (https://cloud.google.com/storage/docs/encryption/customer-supplied-keys):
// the x-goog-encryption-* headers name an AES-256 key; GCS keeps only its SHA-256. The emulator does
// not encrypt the bytes: it records the key's hash and enforces what GCS enforces — reads of the
// data need the same key, metadata reads without it leave out the hashes, a wrong key is refused.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GcsError } from './errors';
import { headerString } from './http';

export interface CustomerEncryption {
  encryptionAlgorithm: 'AES256';
  keySha256: string;
}

/**
 * The key a request names with `x-goog-encryption-*` (the object written or read) or
 * `x-goog-copy-source-encryption-*` (a rewrite's source); undefined when it names none.
 */
export function readCustomerKey(req: IncomingMessage, prefix: 'x-goog-' | 'x-goog-copy-source-'): CustomerEncryption | undefined {
  const algorithm = headerString(req, `${prefix}encryption-algorithm`);
  const key = headerString(req, `${prefix}encryption-key`);
  const sha = headerString(req, `${prefix}encryption-key-sha256`);
  if (algorithm === undefined && key === undefined && sha === undefined) return undefined;
  if (algorithm !== 'AES256') throw bad(`Missing or invalid ${prefix}encryption-algorithm: only AES256 is supported.`);
  const raw = key === undefined ? Buffer.alloc(0) : Buffer.from(key, 'base64');
  if (raw.length !== 32) throw bad(`Missing or invalid ${prefix}encryption-key: a base64 AES-256 key (32 bytes) is required.`);
  const keySha256 = createHash('sha256').update(raw).digest('base64');
  if (sha !== undefined && sha !== keySha256) throw bad(`The ${prefix}encryption-key-sha256 header does not match the key.`);
  return { encryptionAlgorithm: 'AES256', keySha256 };
}

/**
 * Whether the request may see the object's data (and hashes): true for an object without a
 * customer key; for one with a key, true with the same key, false without any, 400 with another.
 * `data` (downloads, rewrite sources) refuses a missing key too.
 */
export function keyMatches(stored: CustomerEncryption | undefined, given: CustomerEncryption | undefined, data: boolean): boolean {
  if (!stored) {
    if (given && data) throw bad('The target object is not encrypted by a customer-supplied encryption key.');
    return true;
  }
  if (!given) {
    if (data) throw bad('The target object is encrypted by a customer-supplied encryption key.');
    return false;
  }
  if (given.keySha256 !== stored.keySha256) throw bad('The provided encryption key is incorrect.');
  return true;
}

function bad(message: string): GcsError {
  return new GcsError(400, 'badRequest', message);
}
