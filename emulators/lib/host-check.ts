// DNS-rebinding protection for the emulators: a web page the developer visits can point its own
// domain at 127.0.0.1 and then talk to a local emulator from the browser. The browser still sends
// the page's name in the Host header, so a request is served only when Host (for gRPC, the
// `:authority`) names a loopback address, the host the emulator was told to listen on, or a name
// explicitly allowed. The HTTP surfaces use `refuseForeignHost`; the Pub/Sub gRPC server checks the
// authority of every call with the same `hostCheck`.
import { type IncomingMessage, type ServerResponse } from 'node:http';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
/** Listening on every interface names no host a client would send. */
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** The host name of a Host header, lower-case, without the port (IPv6 keeps its brackets). */
export function hostName(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1] : undefined;
}

export type HostCheck = (hostHeader: string | undefined) => boolean;

/** Loopback names, `*.localhost`, the configured listen host and `extra` names are allowed. */
export function hostCheck(listenHost: string | undefined, extra: readonly string[] = []): HostCheck {
  const allowed = new Set(LOOPBACK);
  for (const name of [listenHost ?? '', ...extra]) {
    const n = name.trim().toLowerCase();
    if (WILDCARD.has(n)) continue;
    allowed.add(n);
    if (n.includes(':') && !n.startsWith('[')) allowed.add(`[${n}]`);
  }
  return (header) => {
    if (header === undefined) return false;
    const name = hostName(header);
    if (name === undefined) return false;
    return allowed.has(name) || name.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
  };
}

/**
 * Answers 403 (JSON in the surface's error shape) and returns false when the request's Host is
 * not allowed; the body is never read.
 */
export function refuseForeignHost(check: HostCheck, req: IncomingMessage, res: ServerResponse): boolean {
  if (check(req.headers.host)) return true;
  const text = JSON.stringify({ error: { code: 403, message: 'Host header not allowed: the emulators answer loopback hosts only (DNS rebinding protection)', errors: [{ reason: 'forbidden', message: 'Host header not allowed' }], status: 'PERMISSION_DENIED' } });
  res.writeHead(403, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
  return false;
}

/** The refusal text for a foreign Host or `:authority`, naming it (quoted, at most 200 characters). */
export function foreignHostMessage(host: string | undefined): string {
  const shown = host === undefined || host === '' ? '(none)' : JSON.stringify(host.length > 200 ? `${host.slice(0, 200)}…` : host);
  return `Host ${shown} not allowed: the emulators answer loopback hosts only (DNS rebinding protection); add the name to PIZZAFLOW_EMULATOR_ALLOWED_HOSTS to allow it`;
}

/** Extra allowed Host names from PIZZAFLOW_EMULATOR_ALLOWED_HOSTS (comma separated), e.g. container names. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PIZZAFLOW_EMULATOR_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
