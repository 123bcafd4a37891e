// Hash functions (hash_functions): SHA512 of STRING (its UTF-8 bytes) or BYTES; FARM_FINGERPRINT
// (FarmHash Fingerprint64 of the UTF-8 bytes or the BYTES, as a signed INT64: farmhash-modern).
import { createHash } from 'node:crypto';
import { fingerprint64 } from 'farmhash-modern';
import { type JsFunction } from './register';

/** FARM_FINGERPRINT: FarmHash Fingerprint64 read as a signed 64-bit integer. */
export const farmFingerprint = (input: string | Uint8Array): bigint => BigInt.asIntN(64, fingerprint64(input));

export const HASH_FUNCTIONS: JsFunction[] = [
  { name: 'pf_sha512', parameters: ['string'], returns: 'bytes', call: (s: string) => createHash('sha512').update(s, 'utf8').digest() },
  { name: 'pf_sha512', parameters: ['bytes'], returns: 'bytes', call: (b: Uint8Array) => createHash('sha512').update(b).digest() },
  { name: 'pf_farm_fingerprint', parameters: ['string'], returns: 'int', call: farmFingerprint },
  { name: 'pf_farm_fingerprint', parameters: ['bytes'], returns: 'int', call: farmFingerprint },
];
