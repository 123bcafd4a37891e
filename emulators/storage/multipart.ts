// A streaming multipart/related parser (RFC 2046 §5.1.1, RFC 2387) for `uploadType=multipart`:
// bytes go in as they arrive, part headers and body bytes come out, and a part's body is never
// held in memory beyond one delimiter's length.

export type MultipartEvent =
  | { type: 'part'; headers: Record<string, string> }
  | { type: 'data'; data: Buffer }
  | { type: 'end' };

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 64 * 1024;

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

export class MultipartParser {
  private readonly delimiter: Buffer;
  private buf: Buffer;
  private state: State = 'preamble';

  constructor(boundary: string) {
    if (!boundary || boundary.length > 70) throw new MultipartError('Invalid multipart boundary');
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    // The first delimiter may open the body without a preceding CRLF.
    this.buf = Buffer.from(CRLF);
  }

  get complete(): boolean {
    return this.state === 'done';
  }

  push(chunk: Buffer): MultipartEvent[] {
    if (this.state === 'done') return [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const events: MultipartEvent[] = [];
    while (this.step(events));
    return events;
  }

  /** Call when the input ends: throws unless the closing delimiter was seen. */
  finish(): void {
    if (this.state !== 'done') throw new MultipartError('Multipart body ended before its closing boundary');
  }

  /** Advances as far as the buffer allows; false when it needs more bytes. */
  private step(events: MultipartEvent[]): boolean {
    switch (this.state) {
      case 'preamble': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          this.buf = this.buf.subarray(Math.max(0, this.buf.length - this.delimiter.length + 1));
          return false;
        }
        this.buf = this.buf.subarray(at + this.delimiter.length);
        this.state = 'afterDelimiter';
        return true;
      }
      case 'afterDelimiter': {
        if (this.buf.length < 2) return false;
        if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
          events.push({ type: 'end' });
          this.state = 'done';
          this.buf = Buffer.alloc(0);
          return false;
        }
        let i = 0;
        while (i < this.buf.length && (this.buf[i] === 0x20 || this.buf[i] === 0x09)) i++;
        if (this.buf.length < i + 2) return false;
        if (this.buf[i] !== 0x0d || this.buf[i + 1] !== 0x0a) throw new MultipartError('Malformed multipart delimiter line');
        this.buf = this.buf.subarray(i + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
          events.push({ type: 'part', headers: {} });
          this.buf = this.buf.subarray(2);
          this.state = 'body';
          return true;
        }
        const at = this.buf.indexOf(HEADER_END);
        if (at < 0) {
          if (this.buf.length > MAX_HEADER_BYTES) throw new MultipartError('Multipart part headers too large');
          return false;
        }
        events.push({ type: 'part', headers: parseHeaders(this.buf.subarray(0, at).toString('latin1')) });
        this.buf = this.buf.subarray(at + HEADER_END.length);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.buf.indexOf(this.delimiter);
        if (at >= 0) {
          if (at > 0) events.push({ type: 'data', data: this.buf.subarray(0, at) });
          this.buf = this.buf.subarray(at + this.delimiter.length);
          this.state = 'afterDelimiter';
          return true;
        }
        // Keep a tail that could be the start of a delimiter split across chunks.
        const safe = this.buf.length - this.delimiter.length + 1;
        if (safe > 0) {
          events.push({ type: 'data', data: this.buf.subarray(0, safe) });
          this.buf = this.buf.subarray(safe);
        }
        return false;
      }
      case 'done':
        return false;
    }
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`Malformed multipart header line: ${line.slice(0, 80)}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The boundary parameter of a `multipart/related` Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/related\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}
