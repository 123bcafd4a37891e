// Hash functions (hash_functions): SHA512 of STRING (its UTF-8 bytes) or BYTES.
import { createHash } from 'node:crypto';
import { type JsFunction } from './register';

export const HASH_FUNCTIONS: JsFunction[] = [
  { name: 'pf_sha512', parameters: ['string'], returns: 'bytes', call: (s: string) => createHash('sha512').update(s, 'utf8').digest() },
  { name: 'pf_sha512', parameters: ['bytes'], returns: 'bytes', call: (b: Uint8Array) => createHash('sha512').update(b).digest() },
];
