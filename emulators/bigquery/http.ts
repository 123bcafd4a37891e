// The node:http front: JSON bodies in, BigQuery-shaped JSON (and errors) out. A bad request never
// takes the server down: anything unexpected answers 500 with a generic message and is logged.
import { type IncomingMessage, type ServerResponse, createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type Logger } from '../lib/logger';
import { type HostCheck, hostCheck, refuseForeignHost } from '../lib/host-check';
import { keepIdleConnectionsLikeGoogle } from '../lib/keep-alive';
import { BqError } from './errors';
import { type Router } from './routes';

const MAX_BODY = 256 * 1024 * 1024;

/** `allowHost`: which Host headers are served (DNS rebinding protection); default loopback names only. */
export function createHttpServer(router: Router, log: Logger, allowHost: HostCheck = hostCheck(undefined)): Server {
  const server = createServer((req, res) => {
    if (!refuseForeignHost(allowHost, req, res)) {
      log.warn({ method: req.method, path: req.url?.split('?')[0] }, 'refused a request for a foreign Host');
      return;
    }
    handle(router, log, req, res).catch((err: unknown) => {
      log.error({ err }, 'response failed');
      if (!res.headersSent) send(res, 500, new BqError(500, 'internalError', 'Internal error').toJSON());
    });
  });
  return keepIdleConnectionsLikeGoogle(server);
}

async function handle(router: Router, log: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    const body = await readBody(req);
    const out = await router.dispatch(method, url, body);
    send(res, out.status ?? 200, out.body);
  } catch (err) {
    if (err instanceof BqError) {
      log.debug({ method, path: url.pathname, code: err.code, reason: err.reason, error: err.message }, 'request failed');
      send(res, err.code, err.toJSON());
      return;
    }
    log.error({ err, method, path: url.pathname }, 'unexpected error');
    send(res, 500, new BqError(500, 'internalError', 'Internal error in the BigQuery emulator').toJSON());
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BqError(400, 'invalid', 'Request payload too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  let raw = Buffer.concat(chunks);
  if (req.headers['content-encoding'] === 'gzip') {
    try {
      // Bounded: a small gzip body must not inflate past what an uncompressed one may be.
      raw = gunzipSync(raw, { maxOutputLength: MAX_BODY });
    } catch {
      throw new BqError(400, 'invalid', 'Request payload too large or not valid gzip');
    }
  }
  const text = raw.toString('utf8');
  const type = String(req.headers['content-type'] ?? 'application/json');
  if (!type.includes('json')) throw new BqError(400, 'invalid', `Unsupported content type ${type}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BqError(400, 'invalid', 'Invalid JSON payload received');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status);
    res.end();
    return;
  }
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
