// Download ranges follow RFC 9110 §14 (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2);
// upload ranges follow https://cloud.google.com/storage/docs/performing-resumable-uploads.
import { parseUploadRange, resolveRange } from '../../../../emulators/storage/range';

describe('resolveRange (download Range header)', () => {
  it('serves the whole object without a header or with one it cannot parse', () => {
    expect(resolveRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(resolveRange('items=0-1', 10)).toEqual({ kind: 'full' });
    expect(resolveRange('bytes=0-1,4-5', 10)).toEqual({ kind: 'full' });
    expect(resolveRange('bytes=5-2', 10)).toEqual({ kind: 'full' });
  });

  it('resolves first-last, open-ended and suffix ranges', () => {
    expect(resolveRange('bytes=2-4', 10)).toEqual({ kind: 'partial', range: { start: 2, end: 4 } });
    expect(resolveRange('bytes=7-', 10)).toEqual({ kind: 'partial', range: { start: 7, end: 9 } });
    expect(resolveRange('bytes=-3', 10)).toEqual({ kind: 'partial', range: { start: 7, end: 9 } });
    expect(resolveRange('bytes=-30', 10)).toEqual({ kind: 'partial', range: { start: 0, end: 9 } });
  });

  it('clamps the end to the object and refuses a start past it (416)', () => {
    expect(resolveRange('bytes=5-100', 10)).toEqual({ kind: 'partial', range: { start: 5, end: 9 } });
    expect(resolveRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
  });

  it('serves an empty object whole', () => {
    expect(resolveRange('bytes=0-', 0)).toEqual({ kind: 'full' });
  });
});

describe('parseUploadRange (resumable Content-Range)', () => {
  it('parses chunk forms with and without a total', () => {
    expect(parseUploadRange('bytes 0-262143/*')).toEqual({ first: 0, last: 262143, openEnded: false, total: undefined });
    expect(parseUploadRange('bytes 262144-300000/300001')).toEqual({ first: 262144, last: 300000, openEnded: false, total: 300001 });
  });

  it('parses the status query forms', () => {
    expect(parseUploadRange('bytes */*')).toEqual({ openEnded: false, total: undefined });
    expect(parseUploadRange('bytes */1000')).toEqual({ openEnded: false, total: 1000 });
  });

  it("parses the Node client's single-request form and its empty final chunk", () => {
    expect(parseUploadRange('bytes 0-*/*')).toEqual({ first: 0, openEnded: true, total: undefined });
    expect(parseUploadRange('bytes 0-*/12')).toEqual({ first: 0, openEnded: true, total: 12 });
    expect(parseUploadRange('bytes 0--1/0')).toEqual({ openEnded: false, total: 0 });
  });

  it('rejects malformed or inconsistent ranges', () => {
    for (const bad of ['bytes 5-1/10', 'bytes 0-10/10', 'bytes=0-1/2', 'bytes a-b/*', '', 'bytes 3--1/0']) {
      expect(parseUploadRange(bad)).toBeUndefined();
    }
  });
});
