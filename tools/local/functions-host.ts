// Serves the ingestion functions and the serving store publisher from one local HTTP server (the
// metrics API runs as its own server in the local platform), each under `/<function name>`, the layout
// `pizzaflow bootstrap --functions-url` renders push endpoints for. Each function runs in the
// functions framework exactly as on Cloud Run (getTestServer), with the prefix stripped.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { FUNCTIONS } from '../../contracts/catalog';
import { withEnvironment } from '../../functions/runtime/environment';
import { keepIdleConnectionsLikeGoogle } from '@pizzaflow/emulators';

/** Cloud Run's decision for a request to function `name` (tools/local/cloud-run-front.ts). */
export type AccessCheck = (name: string, authorization: string | undefined) => { ok: true } | { ok: false; status: number; reason: string };

export interface FunctionsHost {
  /** `http://host:port`: the base URL the local stack's function URLs are under. */
  url: string;
  server: Server;
  /** Checks every later request as Cloud Run would (invoker IAM); until set, every request passes. */
  setAccess(check: AccessCheck): void;
  /**
   * Gives each function the environment the program declares for it (by function name) over `base`:
   * a variable another function declares and this one does not is not in its environment. Until
   * set, every function reads process.env.
   */
  setEnvironments(declared: Readonly<Record<string, Readonly<Record<string, string>>>>, base?: NodeJS.ProcessEnv): void;
  /**
   * Checks every function's configuration now, each in its environment, as its first request would:
   * throws a FunctionStartError naming the function and what its configuration lacks.
   */
  checkFunctions(): void;
  close(): Promise<void>;
}

/** The catalog functions this host serves (the metrics API is the platform's own server). */
export const HOSTED_FUNCTIONS: readonly string[] = [FUNCTIONS.collector, FUNCTIONS.ingest, FUNCTIONS.posLoader, FUNCTIONS.servingPublisher];

type EntryPoint = { check?: () => void; shutdown?: () => Promise<void> };

/** A function the host could not start: its configuration (declared environment) is incomplete or wrong. */
export class FunctionStartError extends Error {
  constructor(
    readonly functionName: string,
    cause: unknown,
  ) {
    super(`function ${functionName} cannot start: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'FunctionStartError';
  }
}

/**
 * Function `name`'s environment in a host shared with others: `base` (the platform's variables, the
 * emulators' among them) without any variable some function declares, then `name`'s own declared
 * variables. So a function never reads another's secret or setting, as on Cloud Run.
 */
export function scopedEnvironment(
  name: string,
  declared: Readonly<Record<string, Readonly<Record<string, string>>>>,
  base: NodeJS.ProcessEnv,
  declaredByAny: ReadonlySet<string> = new Set(Object.values(declared).flatMap((env) => Object.keys(env))),
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!declaredByAny.has(key)) out[key] = value;
  return Object.assign(out, declared[name] ?? {});
}

/** Registers the functions (importing their entry points) and returns each one's request listener and shutdown. */
export function functionListeners(): { listeners: Record<string, RequestListener>; checks: Record<string, () => void>; shutdown(): Promise<void> } {
  // Required here, not imported at the top: registering reads no configuration, but keeps the host cheap to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entries = [require('../../functions/collector'), require('../../functions/ingest'), require('../../functions/pos-loader'), require('../../functions/serving-publisher')] as EntryPoint[];
  const listeners: Record<string, RequestListener> = {};
  const checks: Record<string, () => void> = {};
  HOSTED_FUNCTIONS.forEach((name, i) => {
    listeners[name] = getTestServer(name).listeners('request')[0] as RequestListener;
    checks[name] = () => entries[i]!.check?.();
  });
  return {
    listeners,
    checks,
    shutdown: async () => {
      await Promise.allSettled(entries.map((e) => e.shutdown?.()));
    },
  };
}

export async function startFunctionsHost(options: { host?: string; port?: number } = {}): Promise<FunctionsHost> {
  const { listeners, checks, shutdown } = functionListeners();
  let access: AccessCheck | undefined;
  let environments: ((name: string) => NodeJS.ProcessEnv) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/([^/?]+)(.*)$/.exec(req.url ?? '/');
    const listener = m ? listeners[m[1]!] : undefined;
    if (!m || !listener) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    const verdict = access?.(m[1]!, req.headers.authorization);
    if (verdict && !verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: verdict.status === 401 ? 'unauthenticated' : 'forbidden', reason: verdict.reason }));
      return;
    }
    req.url = m[2]!.startsWith('/') ? m[2]! : `/${m[2]!}`;
    if (environments) withEnvironment(environments(m[1]!), () => listener(req, res));
    else listener(req, res);
  });
  // Cloud Run's front end, like the emulators, outlives the clients' idle pools (no reuse race).
  keepIdleConnectionsLikeGoogle(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    server,
    setAccess: (check) => {
      access = check;
    },
    setEnvironments: (declared, base = process.env) => {
      // `base` is read at each request: a variable no function declares (a test's limit) can change meanwhile.
      const declaredByAny = new Set(Object.values(declared).flatMap((env) => Object.keys(env)));
      environments = (name) => scopedEnvironment(name, declared, base, declaredByAny);
    },
    checkFunctions: () => {
      for (const name of HOSTED_FUNCTIONS) {
        try {
          if (environments) withEnvironment(environments(name), checks[name]!);
          else checks[name]!();
        } catch (err) {
          throw new FunctionStartError(name, err);
        }
      }
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await shutdown();
    },
  };
}
