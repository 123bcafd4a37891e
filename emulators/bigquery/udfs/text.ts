// String functions (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions)
// answered in TypeScript: NORMALIZE and NORMALIZE_AND_CASEFOLD in every mode, INITCAP of any text,
// SAFE_CONVERT_BYTES_TO_STRING, TO_BASE32, CHR, and LEFT / RIGHT / LPAD / RPAD / REVERSE / SPLIT of
// STRING (by characters: Unicode code points) and of BYTES (by bytes).
import { FunctionError, type JsFunction } from './register';

const MODES = ['NFC', 'NFKC', 'NFD', 'NFKD'];

function mode(m: string): 'NFC' | 'NFKC' | 'NFD' | 'NFKD' {
  const upper = m.toUpperCase();
  if (!MODES.includes(upper)) throw new FunctionError(`Invalid normalization mode: ${m}`);
  return upper as 'NFC';
}

/**
 * Unicode full case folding (CaseFolding.txt, statuses C and F), from JavaScript's case mappings:
 * folding is the lower case of the upper case except for the few characters where those differ.
 */
export function caseFold(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp === 0x131) out += c; // dotless i: no folding
    else if (cp === 0x1e9e) out += 'ss'; // capital sharp s
    else if ((cp >= 0x13f8 && cp <= 0x13fd) || (cp >= 0xab70 && cp <= 0xabbf)) out += c.toUpperCase(); // Cherokee folds to upper case
    else if (cp >= 0x13a0 && cp <= 0x13f5) out += c;
    else out += c.toUpperCase().toLowerCase();
  }
  return out;
}

export const normalize = (s: string, m: string): string => s.normalize(mode(m));
export const normalizeAndCasefold = (s: string, m: string): string => caseFold(s).normalize(mode(m));

// Single-character (simple) case mappings: a character whose full mapping is several keeps itself.
function simpleUpper(c: string): string {
  const u = c.toUpperCase();
  return [...u].length === 1 ? u : c;
}
function simpleLower(c: string): string {
  if (c === '\u0130') return 'i';
  const l = c.toLowerCase();
  return [...l].length === 1 ? l : c;
}

/** The default delimiters of INITCAP: these ASCII punctuation characters and every White_Space character. */
export const INITCAP_DELIMITERS = '[](){}/|\\<>!?@"#$&~_,.:;*%+-^';

/**
 * INITCAP: a delimiter is kept as it is; the first character and each one after a delimiter is
 * upper-cased, any other lower-cased (single-character mappings).
 */
export function initcap(s: string, delimiters?: string): string {
  const delims = new Set(delimiters ?? INITCAP_DELIMITERS);
  const isDelimiter = (c: string): boolean => delims.has(c) || (delimiters === undefined && /^\p{White_Space}$/u.test(c));
  let out = '';
  let capitalize = true;
  for (const c of s) {
    if (isDelimiter(c)) {
      out += c;
      capitalize = true;
    } else {
      out += capitalize ? simpleUpper(c) : simpleLower(c);
      capitalize = false;
    }
  }
  return out;
}

/** SAFE_CONVERT_BYTES_TO_STRING: each invalid UTF-8 sequence becomes U+FFFD. */
export const safeConvertBytesToString = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(b);

/** CHR: the character of a code point; 0 answers the empty string, a surrogate or one past 0x10FFFF fails. */
export function chr(cp: bigint): string {
  if (cp === 0n) return '';
  if (cp < 0n || cp > 0x10ffffn || (cp >= 0xd800n && cp <= 0xdfffn)) throw new FunctionError(`Invalid code point: ${cp}`);
  return String.fromCodePoint(Number(cp));
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** TO_BASE32: RFC 4648 base32 with = padding. */
export function toBase32(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

// --- LEFT / RIGHT / LPAD / RPAD / REVERSE / SPLIT: one implementation over arrays of units
// (code points of a STRING, bytes of BYTES).

function checkLength(fn: string, n: bigint): number {
  if (n < 0n) throw new FunctionError(`Second argument in ${fn}() cannot be negative`);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

const chars = (s: string): string[] => [...s];

export const left = (s: string, n: bigint): string => chars(s).slice(0, checkLength('LEFT', n)).join('');
export const right = (s: string, n: bigint): string => {
  const c = chars(s);
  return c.slice(Math.max(0, c.length - checkLength('RIGHT', n))).join('');
};
export const leftBytes = (b: Uint8Array, n: bigint): Uint8Array => b.slice(0, checkLength('LEFT', n));
export const rightBytes = (b: Uint8Array, n: bigint): Uint8Array => b.slice(Math.max(0, b.length - checkLength('RIGHT', n)));

/** The units of the padded value: truncated to the length, or the pattern repeated before/after. */
function pad<U>(fn: 'LPAD' | 'RPAD', units: U[], n: bigint, pattern: U[]): U[] {
  if (n < 0n) throw new FunctionError('Second argument (output size) for LPAD/RPAD cannot be negative');
  if (n > 1048576n) throw new FunctionError('Output of LPAD/RPAD exceeds max allowed output size of 1MB');
  if (pattern.length === 0) throw new FunctionError('Third argument (pad pattern) for LPAD/RPAD cannot be empty');
  const length = Number(n);
  if (length <= units.length) return units.slice(0, length);
  const fill: U[] = [];
  while (fill.length < length - units.length) fill.push(pattern[fill.length % pattern.length]!);
  return fn === 'LPAD' ? [...fill, ...units] : [...units, ...fill];
}

export const lpad = (s: string, n: bigint, p = ' '): string => pad('LPAD', chars(s), n, chars(p)).join('');
export const rpad = (s: string, n: bigint, p = ' '): string => pad('RPAD', chars(s), n, chars(p)).join('');
export const lpadBytes = (b: Uint8Array, n: bigint, p: Uint8Array = Uint8Array.of(0x20)): Uint8Array => Uint8Array.from(pad('LPAD', [...b], n, [...p]));
export const rpadBytes = (b: Uint8Array, n: bigint, p: Uint8Array = Uint8Array.of(0x20)): Uint8Array => Uint8Array.from(pad('RPAD', [...b], n, [...p]));

export const reverse = (s: string): string => chars(s).reverse().join('');
export const reverseBytes = (b: Uint8Array): Uint8Array => b.slice().reverse();

/** SPLIT of STRING: an empty delimiter splits into characters; empty text is one empty element. */
export function split(s: string, delimiter: string): string[] {
  if (delimiter === '') return s === '' ? [''] : chars(s);
  return s.split(delimiter);
}

/** SPLIT of BYTES: an empty delimiter splits into single bytes. */
export function splitBytes(b: Uint8Array, delimiter: Uint8Array): Uint8Array[] {
  if (delimiter.length === 0) return b.length === 0 ? [new Uint8Array(0)] : [...b].map((x) => Uint8Array.of(x));
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i + delimiter.length <= b.length; ) {
    if (delimiter.every((d, k) => b[i + k] === d)) {
      out.push(b.slice(start, i));
      i += delimiter.length;
      start = i;
    } else i++;
  }
  out.push(b.slice(start));
  return out;
}

export const TEXT_FUNCTIONS: JsFunction[] = [
  { name: 'pf_normalize', parameters: ['string', 'string'], returns: 'string', call: normalize },
  { name: 'pf_normalize_and_casefold', parameters: ['string', 'string'], returns: 'string', call: normalizeAndCasefold },
  { name: 'pf_initcap', parameters: ['string'], returns: 'string', call: (s: string) => initcap(s) },
  { name: 'pf_initcap', parameters: ['string', 'string'], returns: 'string', call: initcap },
  { name: 'pf_safe_convert_bytes_to_string', parameters: ['bytes'], returns: 'string', call: safeConvertBytesToString },
  { name: 'pf_chr', parameters: ['int'], returns: 'string', call: chr },
  { name: 'pf_to_base32', parameters: ['bytes'], returns: 'string', call: toBase32 },
  { name: 'pf_left', parameters: ['string', 'int'], returns: 'string', call: left },
  { name: 'pf_left', parameters: ['bytes', 'int'], returns: 'bytes', call: leftBytes },
  { name: 'pf_right', parameters: ['string', 'int'], returns: 'string', call: right },
  { name: 'pf_right', parameters: ['bytes', 'int'], returns: 'bytes', call: rightBytes },
  { name: 'pf_lpad', parameters: ['string', 'int'], returns: 'string', call: (s: string, n: bigint) => lpad(s, n) },
  { name: 'pf_lpad', parameters: ['string', 'int', 'string'], returns: 'string', call: lpad },
  { name: 'pf_lpad', parameters: ['bytes', 'int'], returns: 'bytes', call: (b: Uint8Array, n: bigint) => lpadBytes(b, n) },
  { name: 'pf_lpad', parameters: ['bytes', 'int', 'bytes'], returns: 'bytes', call: lpadBytes },
  { name: 'pf_rpad', parameters: ['string', 'int'], returns: 'string', call: (s: string, n: bigint) => rpad(s, n) },
  { name: 'pf_rpad', parameters: ['string', 'int', 'string'], returns: 'string', call: rpad },
  { name: 'pf_rpad', parameters: ['bytes', 'int'], returns: 'bytes', call: (b: Uint8Array, n: bigint) => rpadBytes(b, n) },
  { name: 'pf_rpad', parameters: ['bytes', 'int', 'bytes'], returns: 'bytes', call: rpadBytes },
  { name: 'pf_reverse', parameters: ['string'], returns: 'string', call: reverse },
  { name: 'pf_reverse', parameters: ['bytes'], returns: 'bytes', call: reverseBytes },
  { name: 'pf_split', parameters: ['string'], returns: 'strings', call: (s: string) => split(s, ',') },
  { name: 'pf_split', parameters: ['string', 'string'], returns: 'strings', call: split },
  { name: 'pf_split', parameters: ['bytes', 'bytes'], returns: 'bytesList', call: splitBytes },
];
