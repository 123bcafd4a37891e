// The HTTP adapter: node:http in front of the pure metrics handler, plus the dashboard's static
// files. Thin on purpose; everything worth testing lives in metrics/handler.ts.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Logger } from '../runtime/logger';
import { packageInfo } from '../runtime/package-info';
import type { MetricsHandler } from './metrics/handler';

export interface ListenerOptions {
  handler: MetricsHandler;
  log: Logger;
  /** Folder of the dashboard's files; default functions/metrics-api/dashboard in the package. */
  dashboardDir?: string;
}

export interface ServeOptions extends ListenerOptions {
  port: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const DASHBOARD = join('functions', 'metrics-api', 'dashboard');

/**
 * functions/metrics-api/dashboard under the package root. In a deployed artifact (tools/package)
 * this file is bundled into index.js at the artifact's root, with the dashboard copied to the same
 * relative path beside it; the artifact's package.json is named pizzaflow-metrics-api, which
 * packageInfo() (looking for pizzaflow's own) does not accept, so the folder beside the bundle is
 * tried first. From sources or dist/ that folder does not exist and the repository root is used.
 */
export function defaultDashboardDir(): string {
  const beside = join(__dirname, DASHBOARD);
  return existsSync(beside) ? beside : join(packageInfo().root, DASHBOARD);
}

async function serveStatic(dir: string, path: string, res: ServerResponse): Promise<void> {
  const relative = path === '/' || path === '/dashboard' || path === '/dashboard/' ? 'index.html' : path.replace(/^\/dashboard\//, '');
  const file = normalize(join(dir, relative));
  const type = TYPES[extname(file)];
  if (!file.startsWith(dir + sep) || !type) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

async function route(options: ListenerOptions, dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (url.pathname.startsWith('/v1/')) {
    const t0 = Date.now();
    const out = await options.handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers });
    res.writeHead(out.status, out.headers).end(req.method === 'HEAD' ? undefined : JSON.stringify(out.body));
    options.log.debug({ path: url.pathname, status: out.status, ms: Date.now() - t0 }, 'request');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
    return;
  }
  await serveStatic(dir, url.pathname, res);
}

/**
 * The API, the dashboard and /healthz as one request listener: served by startServer locally and by
 * the functions framework in Cloud Run (its request and response extend node:http's).
 */
export function createRequestListener(options: ListenerOptions): RequestListener {
  const dir = normalize(options.dashboardDir ?? defaultDashboardDir());
  return (req, res) => {
    route(options, dir, req, res).catch((err: unknown) => {
      options.log.error({ err: (err as Error).message, path: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal', reason: 'unexpected error' }));
    });
  };
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const server = createServer(createRequestListener(options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
