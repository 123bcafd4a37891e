// The node:http front: route, hand to the operation, and answer errors in GCS's JSON shape. A bad
// request never takes the server down: anything unexpected is logged and answers 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type HostCheck, hostCheck, refuseForeignHost } from '../lib/host-check';
import { keepIdleConnectionsLikeGoogle } from '../lib/keep-alive';
import * as buckets from './buckets';
import { GcsError, invalid } from './errors';
import { FieldsError, parseFields, type Selection } from './fields';
import { type Context, sendError, settleRefusedBody } from './http';
import * as notifications from './notifications';
import * as objects from './objects';
import { parseRoute, type Route } from './routes';
import { type Services } from './services';
import * as uploads from './uploads';

/** `allowHost`: which Host headers are served (DNS rebinding protection); default loopback names only. */
export function createStorageServer(svc: Services, fallbackBase: () => string, allowHost: HostCheck = hostCheck(undefined)): Server {
  const server = createServer((req, res) => {
    if (!refuseForeignHost(allowHost, req, res)) {
      svc.log.warn({ method: req.method, path: req.url?.split('?')[0] }, 'refused a request for a foreign Host');
      return;
    }
    handle(svc, fallbackBase, req, res).catch((err: unknown) => {
      svc.log.error({ err }, 'response failed');
      if (!res.headersSent) sendError(res, new GcsError(500, 'internalError', 'Internal error in the Cloud Storage emulator'));
      else res.destroy();
    });
  });
  // Uploads of large objects may take a while on a loaded machine.
  server.requestTimeout = 0;
  return keepIdleConnectionsLikeGoogle(server);
}

async function handle(svc: Services, fallbackBase: () => string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendError(res, new GcsError(400, 'badRequest', 'Malformed request URL'));
    return;
  }
  const host = req.headers.host;
  const base = host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : fallbackBase();
  const started = Date.now();
  try {
    const { surface, route } = parseRoute(method, url.pathname, url.searchParams);
    const ctx: Context = { req, res, method, query: url.searchParams, base, surface, log: svc.log, fields: readFields(url.searchParams) };
    await dispatch(route, ctx, svc);
    svc.log.debug({ method, path: url.pathname, op: route.op, status: res.statusCode, ms: Date.now() - started }, 'request');
  } catch (err) {
    if (err instanceof GcsError) {
      svc.log.debug({ method, path: url.pathname, code: err.code, reason: err.reason, error: err.message }, 'request failed');
      if (res.headersSent) res.destroy();
      else await refuse(req, res, err);
      return;
    }
    if (isClientGone(err, req)) {
      svc.log.debug({ method, path: url.pathname }, 'client went away');
      return;
    }
    throw err;
  }
}

/**
 * Answers an error. A body the handler did not read is drained first (up to a limit) so the
 * kept-alive connection stays usable; a larger one gets `Connection: close` and the socket is
 * closed once the answer is out, so the client never waits on a connection nobody reads.
 */
async function refuse(req: IncomingMessage, res: ServerResponse, err: GcsError): Promise<void> {
  const reusable = await settleRefusedBody(req);
  if (res.headersSent || res.destroyed) return;
  if (reusable) return sendError(res, err, err.headers);
  sendError(res, err, { ...err.headers, connection: 'close' });
  res.once('finish', () => req.socket.destroySoon());
}

function readFields(query: URLSearchParams): Selection | undefined {
  const raw = query.get('fields');
  if (raw === null || raw.trim() === '') return undefined;
  try {
    return parseFields(raw);
  } catch (err) {
    if (err instanceof FieldsError) throw invalid(err.message, 'fields');
    throw err;
  }
}

function isClientGone(err: unknown, req: IncomingMessage): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR';
}

async function dispatch(r: Route, ctx: Context, svc: Services): Promise<void> {
  switch (r.op) {
    case 'bucket.list':
      return buckets.listBuckets(ctx, svc);
    case 'bucket.insert':
      return buckets.insertBucket(ctx, svc);
    case 'bucket.get':
      return buckets.getBucket(ctx, svc, r.bucket);
    case 'bucket.patch':
    case 'bucket.update':
      return buckets.patchBucket(ctx, svc, r.bucket, r.op === 'bucket.update');
    case 'bucket.delete':
      return buckets.deleteBucket(ctx, svc, r.bucket);
    case 'bucket.lockRetentionPolicy':
      return buckets.lockRetentionPolicy(ctx, svc, r.bucket);
    case 'bucket.restore':
      return buckets.restoreBucket(ctx, svc, r.bucket);
    case 'object.list':
      return objects.listObjects(ctx, svc, r.bucket);
    case 'object.insert':
      return uploads.insertObject(ctx, svc, r.bucket);
    case 'upload.chunk':
      return uploads.uploadChunk(ctx, svc, r.bucket, r.uploadId);
    case 'upload.cancel':
      return uploads.cancelUpload(ctx, svc, r.uploadId);
    case 'object.get':
      return objects.getObject(ctx, svc, r.bucket, r.object);
    case 'object.patch':
    case 'object.update':
      return objects.patchObject(ctx, svc, r.bucket, r.object, r.op === 'object.update');
    case 'object.delete':
      return objects.deleteObject(ctx, svc, r.bucket, r.object);
    case 'object.rewrite':
    case 'object.copy':
      return objects.rewriteObject(ctx, svc, r, r.op === 'object.rewrite' ? 'rewrite' : 'copy');
    case 'object.compose':
      return objects.composeObject(ctx, svc, r.bucket, r.object);
    case 'object.restore':
      return objects.restoreObject(ctx, svc, r.bucket, r.object);
    case 'object.move':
      return objects.moveObject(ctx, svc, r.bucket, r.object, r.destObject);
    case 'notification.list':
      return notifications.listNotifications(ctx, svc.store, r.bucket);
    case 'notification.insert':
      return notifications.insertNotification(ctx, svc.store, r.bucket);
    case 'notification.get':
      return notifications.getNotification(ctx, svc.store, r.bucket, r.id);
    case 'notification.delete':
      return notifications.deleteNotification(ctx, svc.store, r.bucket, r.id);
  }
}
