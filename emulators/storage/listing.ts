// Object listing: prefix, delimiter (folding names into `prefixes`), start/end offsets, matchGlob
// and paging, over a sorted array of names (or of versions, when every generation is listed).
// Pure, so the rules can be tested without a server.

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
  /** Only names it accepts are listed or folded into prefixes (matchGlob). */
  match?: (name: string) => boolean;
}

export interface ListPage {
  names: string[];
  prefixes: string[];
  nextPageToken?: string;
}

/** What listing needs of an entry: its name, and its generation when every version is listed. */
export type EntryKey<T> = (entry: T) => string;
export type EntryGeneration<T> = (entry: T) => string | undefined;

interface Cursor {
  /** The last key returned. */
  k: string;
  /** It was a prefix: every name under it has been accounted for. */
  p: boolean;
  /** The generation of the last entry returned, when versions are listed. */
  g?: string;
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
      const g = (parsed as Cursor).g;
      if (g === undefined || (typeof g === 'string' && /^\d+$/.test(g))) return parsed as Cursor;
    }
  } catch {
    // fall through
  }
  throw new InvalidPageToken('Invalid page token');
}

export function listPage(sorted: readonly string[], params: ListParams): ListPage {
  const page = listEntries(sorted, params, (name) => name);
  return { names: page.items, prefixes: page.prefixes, nextPageToken: page.nextPageToken };
}

/**
 * One page over entries sorted by name (and, for the versions of one name, by generation
 * ascending, as GCS lists them).
 */
export function listEntries<T>(
  sorted: readonly T[],
  params: ListParams,
  nameOf: EntryKey<T>,
  generationOf: EntryGeneration<T> = () => undefined,
): { items: T[]; prefixes: string[]; nextPageToken?: string } {
  const prefix = params.prefix ?? '';
  const delimiter = params.delimiter || undefined;
  const limit = Math.max(1, Math.min(params.maxResults ?? MAX_RESULTS, MAX_RESULTS));
  const cursor = params.pageToken ? decodePageToken(params.pageToken) : undefined;
  const match = params.match ?? (() => true);

  let i = lowerBoundBy(sorted, nameOf, maxName(prefix, params.startOffset ?? ''));
  if (cursor) {
    i = Math.max(i, lowerBoundBy(sorted, nameOf, cursor.k));
    while (i < sorted.length && isBefore(nameOf(sorted[i]), generationOf(sorted[i]), cursor)) i++;
  }

  const items: T[] = [];
  const prefixes: string[] = [];
  let last: Cursor | undefined;
  for (; i < sorted.length; i++) {
    const entry = sorted[i];
    const name = nameOf(entry);
    if (!name.startsWith(prefix)) break;
    if (params.endOffset !== undefined && params.endOffset !== '' && compareNames(name, params.endOffset) >= 0) break;
    if (!match(name)) continue;
    if (items.length + prefixes.length >= limit) return { items, prefixes, nextPageToken: encodePageToken(last!) };
    const at = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    if (at < 0) {
      items.push(entry);
      const g = generationOf(entry);
      last = { k: name, p: false, ...(g !== undefined ? { g } : {}) };
      continue;
    }
    const folded = name.slice(0, at + delimiter!.length);
    prefixes.push(folded);
    last = { k: folded, p: true };
    // Every name under this prefix is now accounted for; an object named exactly like the prefix
    // is still listed when includeTrailingDelimiter asks for it.
    for (; i < sorted.length && nameOf(sorted[i]).startsWith(folded); i++) {
      if (nameOf(sorted[i]) === folded && params.includeTrailingDelimiter && match(folded)) items.push(sorted[i]);
    }
    i--;
  }
  return { items, prefixes };
}

/** True while `entry` was already returned (or folded) by the page that ended at `cursor`. */
function isBefore(name: string, generation: string | undefined, cursor: Cursor): boolean {
  if (cursor.p) return name.startsWith(cursor.k);
  if (name !== cursor.k) return false;
  return cursor.g === undefined || generation === undefined || BigInt(generation) <= BigInt(cursor.g);
}

function lowerBoundBy<T>(entries: readonly T[], nameOf: EntryKey<T>, key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(nameOf(entries[mid]), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function maxName(a: string, b: string): string {
  return compareNames(a, b) >= 0 ? a : b;
}
