// multipart/related as RFC 2046 §5.1.1 / RFC 2387 define it and as teeny-request (used by the
// Node storage client for `resumable: false`) writes it: no trailing CRLF after the close delimiter.
import { MultipartError, type MultipartEvent, MultipartParser, multipartBoundary } from '../../../../emulators/storage/multipart';

function body(boundary: string, meta: string, media: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${meta}\r\n--${boundary}\r\nContent-Type: text/plain\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
}

function parse(input: Buffer, boundary: string, chunkSize: number): { parts: { headers: Record<string, string>; data: Buffer }[]; ended: boolean } {
  const p = new MultipartParser(boundary);
  const events: MultipartEvent[] = [];
  for (let i = 0; i < input.length; i += chunkSize) events.push(...p.push(input.subarray(i, i + chunkSize)));
  p.finish();
  const parts: { headers: Record<string, string>; data: Buffer }[] = [];
  let ended = false;
  for (const ev of events) {
    if (ev.type === 'part') parts.push({ headers: ev.headers, data: Buffer.alloc(0) });
    else if (ev.type === 'data') parts[parts.length - 1].data = Buffer.concat([parts[parts.length - 1].data, ev.data]);
    else ended = true;
  }
  return { parts, ended };
}

describe('MultipartParser', () => {
  const boundary = '3f7c1a52-7d1e-4c49-9c5e-1f6a1b2c3d4e';
  // Media containing prefixes of the delimiter (RFC 2046 forbids the whole delimiter inside a part).
  const media = Buffer.concat([Buffer.from(`x\r\n--${boundary.slice(0, 10)}\r\n--${boundary.slice(0, -1)}`), Buffer.alloc(5000, 7), Buffer.from('\r\n-')]);
  const input = body(boundary, '{"name":"a.txt"}', media);

  it.each([1, 2, 7, 64, 4096, input.length])('splits parts the same way whatever the chunking (%i-byte chunks)', (size) => {
    const { parts, ended } = parse(input, boundary, size);
    expect(ended).toBe(true);
    expect(parts).toHaveLength(2);
    expect(parts[0].headers).toEqual({ 'content-type': 'application/json' });
    expect(parts[0].data.toString()).toBe('{"name":"a.txt"}');
    expect(parts[1].headers['content-type']).toBe('text/plain');
    expect(parts[1].data.equals(media)).toBe(true);
  });

  it('accepts a preamble, an empty part and a trailing CRLF', () => {
    const text = `preamble\r\n--b\r\n\r\n\r\n--b\r\nContent-Type: x\r\n\r\nhi\r\n--b--\r\n`;
    const { parts } = parse(Buffer.from(text), 'b', 3);
    expect(parts.map((p) => p.data.toString())).toEqual(['', 'hi']);
    expect(parts[0].headers).toEqual({});
  });

  it('fails when the closing delimiter never comes', () => {
    const p = new MultipartParser('b');
    p.push(Buffer.from('--b\r\nContent-Type: x\r\n\r\npartial'));
    expect(() => p.finish()).toThrow(MultipartError);
  });

  it('fails on a malformed header line', () => {
    const p = new MultipartParser('b');
    expect(() => p.push(Buffer.from('--b\r\nno colon here\r\n\r\n'))).toThrow(MultipartError);
  });

  it('reads the boundary from the Content-Type', () => {
    expect(multipartBoundary('multipart/related; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/related; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });
});
