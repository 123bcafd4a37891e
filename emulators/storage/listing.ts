// Object listing: prefix, delimiter (folding names into `prefixes`), start/end offsets and paging,
// over a sorted array of names. Pure, so the rules can be tested without a server.

/** Orders names by Unicode code point, which is UTF-8 byte order: the order GCS lists in. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

// UTF-16 code units sort surrogates (astral code points) below U+E000–U+FFFF; code points do not.
function fixup(u: number): number {
  if (u >= 0xd800 && u <= 0xdfff) return u + 0x2000;
  if (u >= 0xe000) return u - 0x800;
  return u;
}

/** First index whose name is >= `key` (binary search over sorted names). */
export function lowerBound(names: readonly string[], key: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(names[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `name` into the sorted array unless present. */
export function insertSorted(names: string[], name: string): void {
  const i = lowerBound(names, name);
  if (names[i] !== name) names.splice(i, 0, name);
}

export function removeSorted(names: string[], name: string): void {
  const i = lowerBound(names, name);
  if (names[i] === name) names.splice(i, 1);
}

export interface ListParams {
  prefix?: string;
  delimiter?: string;
  startOffset?: string;
  endOffset?: string;
  pageToken?: string;
  /** Items and prefixes together, as GCS counts them; default and maximum 1000. */
  maxResults?: number;
  includeTrailingDelimiter?: boolean;
}

export interface ListPage {
  names: string[];
  prefixes: string[];
  nextPageToken?: string;
}

interface Cursor {
  /** The last key returned. */
  k: string;
  /** It was a prefix: every name under it has been accounted for. */
  p: boolean;
}

export const MAX_RESULTS = 1000;

export class InvalidPageToken extends Error {}

export function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as Cursor).k === 'string' && typeof (parsed as Cursor).p === 'boolean') {
      return parsed as Cursor;
    }
  } catch {
    // fall through
  }
  throw new InvalidPageToken('Invalid page token');
}

export function listPage(sorted: readonly string[], params: ListParams): ListPage {
  const prefix = params.prefix ?? '';
  const delimiter = params.delimiter || undefined;
  const limit = Math.max(1, Math.min(params.maxResults ?? MAX_RESULTS, MAX_RESULTS));
  const cursor = params.pageToken ? decodePageToken(params.pageToken) : undefined;

  let i = lowerBound(sorted, maxName(prefix, params.startOffset ?? ''));
  if (cursor) {
    i = Math.max(i, lowerBound(sorted, cursor.k));
    while (i < sorted.length && (sorted[i] === cursor.k || (cursor.p && sorted[i].startsWith(cursor.k)))) i++;
  }

  const names: string[] = [];
  const prefixes: string[] = [];
  let last: Cursor | undefined;
  for (; i < sorted.length; i++) {
    const name = sorted[i];
    if (!name.startsWith(prefix)) break;
    if (params.endOffset !== undefined && params.endOffset !== '' && compareNames(name, params.endOffset) >= 0) break;
    if (names.length + prefixes.length >= limit) return { names, prefixes, nextPageToken: encodePageToken(last!) };
    const at = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    if (at < 0) {
      names.push(name);
      last = { k: name, p: false };
      continue;
    }
    const folded = name.slice(0, at + delimiter!.length);
    prefixes.push(folded);
    last = { k: folded, p: true };
    // Every name under this prefix is now accounted for; an object named exactly like the prefix
    // is still listed when includeTrailingDelimiter asks for it.
    for (; i < sorted.length && sorted[i].startsWith(folded); i++) {
      if (sorted[i] === folded && params.includeTrailingDelimiter) names.push(folded);
    }
    i--;
  }
  return { names, prefixes };
}

function maxName(a: string, b: string): string {
  return compareNames(a, b) >= 0 ? a : b;
}
