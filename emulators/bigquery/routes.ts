// URL routing for BigQuery REST v2. Serves both `/bigquery/v2/projects/...` (apiEndpoint) and
// `/projects/...` (BIGQUERY_EMULATOR_HOST).
import { BqError, unimplemented } from './errors';

export interface Request {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface Response {
  status?: number;
  body?: unknown;
}

export type Handler = (req: Request) => Promise<Response>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/\{(\w+)\}/g, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  async dispatch(method: string, url: URL, body: unknown): Promise<Response> {
    if (url.pathname.startsWith('/upload/')) throw unimplemented('Media upload (table.load from a local file)');
    const path = url.pathname.replace(/^\/bigquery\/v2(?=\/)/, '').replace(/\/+$/, '');
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return r.handler({ method, params, query: url.searchParams, body });
    }
    if (pathMatched) throw new BqError(405, 'badRequest', `Method ${method} is not allowed on ${path}`);
    throw new BqError(404, 'notFound', `Not found: URL ${url.pathname}`);
  }
}
