// Net functions (https://cloud.google.com/bigquery/docs/reference/standard-sql/net_functions):
// NET.HOST, NET.PUBLIC_SUFFIX, NET.REG_DOMAIN (the ICANN section of the Public Suffix List, as
// shipped by the tldts-icann package: no network), NET.IP_FROM_STRING, NET.SAFE_IP_FROM_STRING,
// NET.IP_TO_STRING, NET.IP_NET_MASK, NET.IP_TRUNC, NET.IPV4_FROM_INT64, NET.IPV4_TO_INT64.
import { domainToASCII, domainToUnicode } from 'node:url';
import { FunctionError, type JsFunction } from './register';

// --- NET.HOST: the host of a URL, by the reference implementation's rules: surrounding ASCII
// whitespace dropped; "//" or "scheme://" skipped; the network location ends at / ? # or \; user
// info (up to the last @) dropped; the port dropped (after an IPv6 [literal]); leading dots
// dropped and trailing dots kept as one. Not normalized. NULL when nothing is left.

const isSlash = (c: string | undefined): boolean => c === '/' || c === '\\';

export function netHost(url: string): string | null {
  const s = url.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  let begin = 0;
  let end = s.length;
  let colonTarget = ':';
  if (s.length >= 2 && isSlash(s[0]) && isSlash(s[1])) {
    begin = 2;
    colonTarget = '/';
  }
  for (let p = begin; p < end; p++) {
    const c = s[p]!;
    if (c === '#' || c === '?' || isSlash(c)) {
      end = p;
      break;
    }
    if (c === colonTarget) {
      // scheme:// is skipped; a scheme without // (mailto:) is taken for a host with a port.
      if (p + 2 < end && isSlash(s[p + 1]) && isSlash(s[p + 2])) {
        p += 2;
        begin = p + 1;
      }
      colonTarget = '/';
    } else if (c === '@') {
      begin = p + 1;
    }
  }
  let p = begin;
  if (p < end && s[p] === '[') {
    while (++p < end) {
      if (s[p] === '[' || s[p] === ']') {
        ++p;
        break;
      }
    }
  }
  const colon = s.indexOf(':', p);
  if (colon !== -1 && colon < end) end = colon;
  while (begin < end && s[begin] === '.') begin++;
  if (end > begin && s[end - 1] === '.') {
    let q = end - 1;
    while (s[q - 1] === '.') q--;
    end = q + 1;
  }
  return end > begin ? s.slice(begin, end) : null;
}

// --- The Public Suffix List (ICANN section), decoded once from tldts-icann's trie into its rules.

interface RuleNode {
  children: Map<string, RuleNode>;
  normal: boolean;
  wildcard: boolean;
  exception: boolean;
}

interface TldtsTrie {
  nodeFlags: Uint8Array;
  edgeStart: Uint32Array | Uint16Array | number[];
  edgeLength: Uint8Array | number[];
  edgeChild: Uint32Array | Uint16Array | number[];
  labelText: string;
  rulesRoot: number;
  exceptionsRoot: number;
}

let rulesRoot: RuleNode | undefined;

const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);

const newNode = (): RuleNode => ({ children: new Map(), normal: false, wildcard: false, exception: false });

/** Every rule of the shipped list, as its labels right to left, '*' for a wildcard. */
function shippedRules(): { rules: string[][]; exceptions: string[][] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const trie = require('tldts-icann/dist/cjs/src/data/trie.js') as TldtsTrie;
  const offsets: number[] = [];
  for (let e = 0, offset = 0; e < trie.edgeLength.length; e++) {
    offsets.push(offset);
    offset += trie.edgeLength[e]!;
  }
  const collect = (root: number): string[][] => {
    const out: string[][] = [];
    const walk = (node: number, path: string[]): void => {
      if (path.length > 0 && (trie.nodeFlags[node]! & 1) !== 0) out.push(path);
      for (let e = trie.edgeStart[node]!; e < trie.edgeStart[node + 1]!; e++) {
        walk(trie.edgeChild[e]!, [...path, trie.labelText.slice(offsets[e], offsets[e]! + trie.edgeLength[e]!)]);
      }
    };
    walk(root, []);
    return out;
  };
  return { rules: collect(trie.rulesRoot), exceptions: collect(trie.exceptionsRoot) };
}

function rules(): RuleNode {
  if (rulesRoot) return rulesRoot;
  // The list's implicit '*' rule (only its effect on registrable domains is used: see suffixStart).
  const root = { ...newNode(), wildcard: true };
  const place = (labels: string[]): RuleNode => {
    let node = root;
    for (const label of labels) {
      // The list's internationalized rules are matched in their ASCII (Punycode) form.
      const key = isAscii(label) ? label : domainToASCII(label);
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = newNode()));
      node = child;
    }
    return node;
  };
  const { rules: normal, exceptions } = shippedRules();
  for (const labels of normal) {
    if (labels[labels.length - 1] === '*') place(labels.slice(0, -1)).wildcard = true;
    else place(labels).normal = true;
  }
  for (const labels of exceptions) place(labels).exception = true;
  rulesRoot = root;
  return root;
}

/**
 * Where the public suffix (or, with `registrable`, the registrable domain) of an ASCII lower-case
 * host starts, by the reference implementation's matching: -1 for none. The root's implicit '*'
 * rule is not applied (a host whose top label is not listed has no public suffix).
 */
function suffixStart(name: string, registrable: boolean): number {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels: { start: number; text: string }[] = [];
  for (let end = trimmed.length; end >= 0; ) {
    const dot = trimmed.lastIndexOf('.', end - 1);
    labels.push({ start: dot + 1, text: trimmed.slice(dot + 1, end) });
    end = dot;
  }
  const matches: { match: boolean; start: number }[] = [{ match: true, start: name.length }];
  let node = rules();
  const isRoot = (n: RuleNode): boolean => n === rulesRoot;
  for (let i = 0; i < labels.length; i++) {
    const { text, start } = labels[i]!;
    if (text === '') break;
    const child = node.children.get(text);
    if (!child) {
      if (!node.wildcard) {
        matches.push({ match: false, start });
        break;
      }
      if (isRoot(node)) break;
      matches.push({ match: true, start });
      const next = labels[i + 1];
      if (next && next.text !== '') matches.push({ match: false, start: next.start });
      break;
    }
    if (child.exception) {
      matches[matches.length - 1]!.match = node.wildcard;
      matches.push({ match: false, start });
      break;
    }
    matches.push({ match: child.normal || node.wildcard, start });
    node = child;
  }
  let k = matches.length - 1;
  if (!registrable) {
    while (!matches[k]!.match) k--;
    return matches[k]!.start < name.length ? matches[k]!.start : -1;
  }
  let lastNoMatch = -1;
  while (!matches[k]!.match) lastNoMatch = matches[k--]!.start;
  return lastNoMatch;
}

// UTS #46 transitional processing (as BigQuery's IDNA conversion): its deviation characters are
// mapped before Node's (non-transitional) conversion.
const DEVIATIONS: Record<string, string> = { 'ß': 'ss', 'ς': 'σ', '\u200c': '', '\u200d': '' };

/** The host as the suffix lookup sees it: lower case, Punycode; null when it cannot be converted. */
export function toAsciiHost(host: string): string | null {
  if (!/[A-Z\x7f-\uffff]/.test(host)) return host;
  let ascii: string;
  if (isAscii(host)) ascii = host.toLowerCase();
  else {
    ascii = domainToASCII(host.replace(/[ßς\u200c\u200d]/g, (c) => DEVIATIONS[c]!));
    if (ascii === '') return null;
  }
  const labels = ascii.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '' && i !== labels.length - 1) return null;
    const unicode = label.startsWith('xn--') ? domainToUnicode(label) : label;
    if (label.startsWith('-') || label.endsWith('-') || unicode.slice(2, 4) === '--' && !label.startsWith('xn--')) return null;
    if (label.length > 63) return null;
  }
  return ascii;
}

function domainPart(url: string, registrable: boolean): string | null {
  const host = netHost(url);
  if (host === null || host.includes('..')) return null;
  const ascii = toAsciiHost(host);
  if (ascii === null) return null;
  const start = suffixStart(ascii, registrable);
  if (start < 0) return null;
  // The same number of labels, taken from the host as written.
  let dots = [...ascii.slice(start)].filter((c) => c === '.').length;
  let p = host.length;
  while (--p >= 0) if (host[p] === '.' && --dots < 0) break;
  const out = host.slice(p + 1);
  return out === '' ? null : out;
}

export const netPublicSuffix = (url: string): string | null => domainPart(url, false);
export const netRegDomain = (url: string): string | null => domainPart(url, true);

// --- IP addresses: packed (network order) BYTES of length 4 or 16, and their text forms as
// inet_pton / inet_ntop read and write them.

function parseIpv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    out.push(Number(part));
  }
  return out;
}

function parseIpv6(s: string): number[] | null {
  if (s.startsWith(':') && !s.startsWith('::')) return null;
  if (s.endsWith(':') && !s.endsWith('::')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (text: string): number[] | null => {
    if (text === '') return [];
    const out: number[] = [];
    const parts = text.split(':');
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  // An IPv4 tail may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  let words: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    words = head;
  }
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** inet_pton for IPv4 then IPv6; null when neither reads it. */
export function ipFromString(s: string): Uint8Array | null {
  if (s.length >= 46 || s.includes('\0')) return null;
  const bytes = parseIpv4(s) ?? parseIpv6(s);
  return bytes ? Uint8Array.from(bytes) : null;
}

/** inet_ntop (glibc's): the longest run of two or more zero words as ::, IPv4-mapped and -compatible tails dotted. */
export function ipToString(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) {
    throw new FunctionError(`NET.IP_TO_STRING() encountered an invalid IP address. Expected 4 (for IPv4) or 16 (for IPv6) bytes but got ${b.length}`);
  }
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += [...b.slice(12)].join('.');
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

export function ipNetMask(length: bigint, prefix: bigint): Uint8Array {
  if (length !== 4n && length !== 16n) {
    throw new FunctionError(`The first argument of NET.IP_NET_MASK() must be either 4 (for IPv4) or 16 (for IPv6); got ${length}`);
  }
  if (prefix < 0n || prefix > length * 8n) {
    throw new FunctionError(`The second argument of NET.IP_NET_MASK() must be between 0 and the first argument * 8; got ${prefix}`);
  }
  const out = new Uint8Array(Number(length));
  const bits = Number(prefix);
  for (let i = 0; i < bits >> 3; i++) out[i] = 0xff;
  if (bits % 8 > 0) out[bits >> 3] = (0xff00 >> (bits % 8)) & 0xff;
  return out;
}

export function ipTrunc(b: Uint8Array, prefix: bigint): Uint8Array {
  if (b.length !== 4 && b.length !== 16) {
    throw new FunctionError(`The first argument of NET.IP_TRUNC() must have length 4 (for IPv4) or 16 (for IPv6); got ${b.length}`);
  }
  if (prefix < 0n || prefix > BigInt(b.length * 8)) {
    throw new FunctionError(`The second argument of NET.IP_TRUNC() must be between 0 and 8 * LENGTH(first argument); got ${prefix}`);
  }
  const bits = Number(prefix);
  const out = new Uint8Array(b.length);
  out.set(b.subarray(0, bits >> 3));
  if (bits % 8 > 0) out[bits >> 3] = b[bits >> 3]! & (0xff00 >> (bits % 8)) & 0xff;
  return out;
}

export function ipv4FromInt64(v: bigint): Uint8Array {
  if (v < -0x80000000n || v > 0xffffffffn) {
    throw new FunctionError(`NET.IPV4_FROM_INT64() encountered an invalid integer IP. Expected range: [-0x80000000, 0xFFFFFFFF]; got ${v}`);
  }
  const u = Number(BigInt.asUintN(32, v));
  return Uint8Array.of(u >>> 24, (u >>> 16) & 0xff, (u >>> 8) & 0xff, u & 0xff);
}

export function ipv4ToInt64(b: Uint8Array): bigint {
  if (b.length !== 4) throw new FunctionError(`NET.IPV4_TO_INT64() encountered a non-IPv4 address. Expected 4 bytes but got ${b.length}`);
  return BigInt(((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!);
}

export const NET_FUNCTIONS: JsFunction[] = [
  { name: 'pf_net_host', parameters: ['string'], returns: 'string', call: netHost },
  { name: 'pf_net_public_suffix', parameters: ['string'], returns: 'string', call: netPublicSuffix },
  { name: 'pf_net_reg_domain', parameters: ['string'], returns: 'string', call: netRegDomain },
  {
    name: 'pf_net_ip_from_string',
    parameters: ['string'],
    returns: 'bytes',
    call: (s: string) => {
      const out = ipFromString(s);
      if (!out) throw new FunctionError(`NET.IP_FROM_STRING() encountered an unparseable IP-address: ${s}`);
      return out;
    },
  },
  { name: 'pf_net_safe_ip_from_string', parameters: ['string'], returns: 'bytes', call: ipFromString },
  { name: 'pf_net_ip_to_string', parameters: ['bytes'], returns: 'string', call: ipToString },
  { name: 'pf_net_ip_net_mask', parameters: ['int', 'int'], returns: 'bytes', call: ipNetMask },
  { name: 'pf_net_ip_trunc', parameters: ['bytes', 'int'], returns: 'bytes', call: ipTrunc },
  { name: 'pf_net_ipv4_from_int64', parameters: ['int'], returns: 'bytes', call: ipv4FromInt64 },
  { name: 'pf_net_ipv4_to_int64', parameters: ['bytes'], returns: 'int', call: ipv4ToInt64 },
];
