// Byte ranges, both directions: the `Range` header of a download (RFC 9110 §14.1.2) and the
// `Content-Range` header of a resumable-upload PUT (Google's resumable upload protocol).

/** An inclusive byte range within an object of known size. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeResult = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * Resolves a download `Range` header against an object's size. Syntactically invalid or multi-range
 * headers are ignored (the whole object is served), as RFC 9110 allows and GCS does.
 */
export function resolveRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'full' };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'full' };
  if (start >= size) return size === 0 ? { kind: 'full' } : { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}

/**
 * A resumable-upload `Content-Range`: `bytes a-b/N`, `bytes a-b/*`, `bytes a-* /N` (the client's
 * single-request form, whose end is unknown), `bytes * /N` and `bytes * /*` (status queries or a
 * final empty request). `first`/`last` are absent for the `*` forms; `total` is absent for `/*`.
 */
export interface UploadRange {
  first?: number;
  last?: number;
  /** The request's body runs to the end of the request (`a-*`). */
  openEnded: boolean;
  total?: number;
}

export function parseUploadRange(header: string | undefined): UploadRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s+(?:(\*)|(\d+)-(\d+|\*|-1))\/(\d+|\*)\s*$/i.exec(header);
  if (!m) return undefined;
  const total = m[4] === '*' ? undefined : Number(m[4]);
  if (m[1] === '*') return { openEnded: false, total };
  const first = Number(m[2]);
  if (m[3] === '*') return { first, openEnded: true, total };
  const last = Number(m[3]);
  // The Node client announces an empty final chunk as `bytes 0--1/0`.
  if (last === -1 || last < first) {
    if (last === first - 1) return { openEnded: false, total };
    return undefined;
  }
  if (total !== undefined && last >= total) return undefined;
  return { first, last, openEnded: false, total };
}

/** `Content-Range` of a 206 answer. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
