// URL → operation. Serves every path form the Node client produces: `/storage/v1/b/…` and
// `/upload/storage/v1/b/…` (apiEndpoint), the bare `/b/…` (STORAGE_EMULATOR_HOST used verbatim as
// the JSON base), `/download/storage/v1/b/…` (mediaLink), and `/storage/v1/upload/storage/v1/b/…`
// (STORAGE_EMULATOR_HOST set to a URL that already ends in /storage/v1). Pure, so it is unit-tested.
import { GcsError, unimplemented } from './errors';

export type Route =
  | { op: 'bucket.list' }
  | { op: 'bucket.insert' }
  | { op: 'bucket.get' | 'bucket.patch' | 'bucket.update' | 'bucket.delete' | 'bucket.lockRetentionPolicy' | 'bucket.restore'; bucket: string }
  | { op: 'object.list' | 'object.insert'; bucket: string }
  | { op: 'upload.chunk' | 'upload.cancel'; bucket: string; uploadId: string }
  | { op: 'object.get' | 'object.patch' | 'object.update' | 'object.delete' | 'object.compose' | 'object.restore'; bucket: string; object: string }
  | { op: 'object.rewrite' | 'object.copy'; bucket: string; object: string; destBucket: string; destObject: string }
  | { op: 'object.move'; bucket: string; object: string; destObject: string }
  | { op: 'notification.list' | 'notification.insert'; bucket: string }
  | { op: 'notification.get' | 'notification.delete'; bucket: string; id: string };

export interface ParsedPath {
  surface: 'json' | 'upload' | 'download';
  route: Route;
}

const PREFIX = /^(?:\/storage\/v1)?(?:\/(upload|download))?(?:\/storage\/v1)?(\/b(?:\/.*)?)$/;

export function parseRoute(method: string, pathname: string, query: URLSearchParams): ParsedPath {
  const m = PREFIX.exec(pathname.replace(/\/+$/, '') || '/');
  if (!m) throw notRoutable(method, pathname);
  const surface = (m[1] as 'upload' | 'download' | undefined) ?? 'json';
  const segs = m[2].split('/').slice(2).map(decodeSegment);
  return { surface, route: routeSegments(method, segs, query, surface, pathname) };
}

function routeSegments(method: string, s: string[], query: URLSearchParams, surface: string, pathname: string): Route {
  const want = (...methods: string[]): void => {
    if (!methods.includes(method)) throw new GcsError(405, 'badRequest', `Method ${method} is not allowed on ${pathname}`);
  };
  if (s.length === 0) {
    want('GET', 'POST');
    return method === 'GET' ? { op: 'bucket.list' } : { op: 'bucket.insert' };
  }
  const bucket = s[0];
  if (s.length === 1) {
    want('GET', 'HEAD', 'PATCH', 'PUT', 'DELETE');
    const op = ({ GET: 'bucket.get', HEAD: 'bucket.get', PATCH: 'bucket.patch', PUT: 'bucket.update', DELETE: 'bucket.delete' } as const)[
      method as 'GET'
    ];
    return { op, bucket };
  }
  const sub = s[1];
  if (sub === 'o') return objectRoute(method, bucket, s.slice(2), query, surface, want);
  if (sub === 'notificationConfigs') {
    if (s.length === 2) {
      want('GET', 'POST');
      return { op: method === 'GET' ? 'notification.list' : 'notification.insert', bucket };
    }
    if (s.length === 3) {
      want('GET', 'DELETE');
      return { op: method === 'GET' ? 'notification.get' : 'notification.delete', bucket, id: s[2] };
    }
  }
  if (sub === 'lockRetentionPolicy' && s.length === 2) {
    want('POST');
    return { op: 'bucket.lockRetentionPolicy', bucket };
  }
  if (sub === 'restore' && s.length === 2) {
    want('POST');
    return { op: 'bucket.restore', bucket };
  }
  const known: Record<string, string> = {
    acl: 'Bucket access control lists (acl)',
    defaultObjectAcl: 'Default object access control lists (defaultObjectAcl)',
    iam: 'Bucket IAM policies',
    anywhereCaches: 'Anywhere caches',
    managedFolders: 'Managed folders',
    folders: 'Folders (hierarchical namespace)',
    storageLayout: 'The storage layout resource',
  };
  if (known[sub]) throw unimplemented(known[sub]);
  throw notRoutable(method, pathname);
}

function objectRoute(
  method: string,
  bucket: string,
  s: string[],
  query: URLSearchParams,
  surface: string,
  want: (...m: string[]) => void,
): Route {
  if (s.length === 0) {
    const uploadId = query.get('upload_id');
    if (uploadId !== null) {
      want('PUT', 'POST', 'DELETE');
      return { op: method === 'DELETE' ? 'upload.cancel' : 'upload.chunk', bucket, uploadId };
    }
    want('GET', 'POST');
    if (method === 'GET') return { op: 'object.list', bucket };
    if (surface !== 'upload' && !query.get('uploadType')) {
      throw new GcsError(400, 'required', 'Upload requests must include an uploadType URL parameter and a URL path beginning with /upload/');
    }
    return { op: 'object.insert', bucket };
  }
  const object = s[0];
  if (s.length === 1) {
    if (object === 'watch' && method === 'POST') throw unimplemented('Object change notification channels (objects.watchAll)');
    if (object === 'bulkRestore' && method === 'POST') throw unimplemented('Bulk restore of soft-deleted objects (objects.bulkRestore)');
    want('GET', 'HEAD', 'PATCH', 'PUT', 'DELETE');
    const op = ({ GET: 'object.get', HEAD: 'object.get', PATCH: 'object.patch', PUT: 'object.update', DELETE: 'object.delete' } as const)[
      method as 'GET'
    ];
    return { op, bucket, object };
  }
  const verb = s[1];
  if ((verb === 'rewriteTo' || verb === 'copyTo') && s.length === 6 && s[2] === 'b' && s[4] === 'o') {
    want('POST');
    return { op: verb === 'rewriteTo' ? 'object.rewrite' : 'object.copy', bucket, object, destBucket: s[3], destObject: s[5] };
  }
  if (verb === 'compose' && s.length === 2) {
    want('POST');
    return { op: 'object.compose', bucket, object };
  }
  if (verb === 'moveTo' && s.length === 4 && s[2] === 'o') {
    want('POST');
    return { op: 'object.move', bucket, object, destObject: s[3] };
  }
  if (verb === 'acl') throw unimplemented('Object access control lists (acl)');
  if (verb === 'restore' && s.length === 2) {
    want('POST');
    return { op: 'object.restore', bucket, object };
  }
  throw new GcsError(404, 'notFound', `Not Found: no such object method ${verb}`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GcsError(400, 'invalid', 'Invalid percent-encoding in the request path.');
  }
}

function notRoutable(method: string, pathname: string): GcsError {
  if (pathname.includes('/projects/')) return unimplemented('Project-level resources (HMAC keys, service account)');
  if (pathname.startsWith('/batch')) return unimplemented('Batch requests');
  if (!/^\/(storage|upload|download|b)(\/|$)/.test(pathname)) {
    return unimplemented(`The XML API (${method} ${pathname.slice(0, 100)}); use the JSON API`);
  }
  return new GcsError(404, 'notFound', `Not Found: ${method} ${pathname.slice(0, 200)}`);
}
