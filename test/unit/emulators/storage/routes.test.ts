// The URL forms the Node client (v7) builds: `${apiEndpoint}/storage/v1/b/…` and
// `${apiEndpoint}/upload/storage/v1/b/…` with apiEndpoint; STORAGE_EMULATOR_HOST verbatim as the
// JSON base (`/b/…`); mediaLink's `/download/storage/v1/…`. Object names are one encoded segment.
import { GcsError } from '../../../../emulators/storage/errors';
import { parseRoute } from '../../../../emulators/storage/routes';

const q = (s = ''): URLSearchParams => new URLSearchParams(s);

describe('parseRoute', () => {
  it.each([
    ['/storage/v1/b/bk/o/a%2Fb.txt', 'json'],
    ['/b/bk/o/a%2Fb.txt', 'json'],
    ['/download/storage/v1/b/bk/o/a%2Fb.txt', 'download'],
  ])('routes %s to object.get', (path, surface) => {
    expect(parseRoute('GET', path, q())).toEqual({ surface, route: { op: 'object.get', bucket: 'bk', object: 'a/b.txt' } });
  });

  it.each(['/upload/storage/v1/b/bk/o', '/storage/v1/upload/storage/v1/b/bk/o', '/upload/b/bk/o'])('routes uploads on %s', (path) => {
    expect(parseRoute('POST', path, q('uploadType=resumable')).route).toEqual({ op: 'object.insert', bucket: 'bk' });
    expect(parseRoute('PUT', path, q('upload_id=u1')).route).toEqual({ op: 'upload.chunk', bucket: 'bk', uploadId: 'u1' });
    expect(parseRoute('DELETE', path, q('upload_id=u1')).route).toEqual({ op: 'upload.cancel', bucket: 'bk', uploadId: 'u1' });
  });

  it('routes rewrite, copy, compose and move', () => {
    expect(parseRoute('POST', '/storage/v1/b/a/o/x%2Fy/rewriteTo/b/c/o/z', q()).route).toEqual({
      op: 'object.rewrite',
      bucket: 'a',
      object: 'x/y',
      destBucket: 'c',
      destObject: 'z',
    });
    expect(parseRoute('POST', '/b/a/o/x/copyTo/b/c/o/z', q()).route.op).toBe('object.copy');
    expect(parseRoute('POST', '/b/a/o/x/compose', q()).route.op).toBe('object.compose');
    expect(parseRoute('POST', '/b/a/o/x/moveTo/o/y', q()).route).toEqual({ op: 'object.move', bucket: 'a', object: 'x', destObject: 'y' });
  });

  it('routes buckets and notification configs', () => {
    expect(parseRoute('GET', '/storage/v1/b', q()).route).toEqual({ op: 'bucket.list' });
    expect(parseRoute('DELETE', '/b/bk', q()).route).toEqual({ op: 'bucket.delete', bucket: 'bk' });
    expect(parseRoute('POST', '/b/bk/notificationConfigs', q()).route.op).toBe('notification.insert');
    expect(parseRoute('DELETE', '/b/bk/notificationConfigs/3', q()).route).toEqual({ op: 'notification.delete', bucket: 'bk', id: '3' });
    expect(parseRoute('POST', '/storage/v1/b/bk/lockRetentionPolicy', q('ifMetagenerationMatch=2')).route).toEqual({ op: 'bucket.lockRetentionPolicy', bucket: 'bk' });
    expect(() => parseRoute('GET', '/b/bk/lockRetentionPolicy', q())).toThrow(GcsError);
  });

  it('routes buckets.restore and objects.restore (POST only); an object named "restore" is still an object', () => {
    expect(parseRoute('POST', '/storage/v1/b/bk/restore', q('generation=1')).route).toEqual({ op: 'bucket.restore', bucket: 'bk' });
    expect(parseRoute('POST', '/b/bk/o/a%2Fb/restore', q('generation=1')).route).toEqual({ op: 'object.restore', bucket: 'bk', object: 'a/b' });
    expect(parseRoute('GET', '/b/bk/o/restore', q()).route).toEqual({ op: 'object.get', bucket: 'bk', object: 'restore' });
    expect(() => parseRoute('GET', '/b/bk/o/x/restore', q())).toThrow(GcsError);
    expect(() => parseRoute('GET', '/b/bk/restore', q())).toThrow(GcsError);
  });

  it.each([
    ['GET', '/storage/v1/b/bk/acl', 501],
    ['GET', '/storage/v1/b/bk/o/x/acl', 501],
    ['POST', '/storage/v1/b/bk/o/bulkRestore', 501],
    ['POST', '/storage/v1/b/bk/o', 400],
    ['GET', '/b/bk/o/%E0%A4%A', 400],
    ['PATCH', '/storage/v1/b', 405],
    ['GET', '/some-bucket/some-object', 501],
  ])('%s %s answers %i', (method, path, status) => {
    let caught: unknown;
    try {
      parseRoute(method, path, q());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GcsError);
    expect((caught as GcsError).code).toBe(status);
  });
});
