// How long the emulators keep an idle kept-alive connection open. Node's server default (5 s) is
// also the idle timeout of Node's client agents, so a client can pick a socket from its pool in the
// same instant the server closes it: the request fails with `socket hang up` / ECONNRESET (seen as
// failed POS loader runs under load). Google's front ends keep idle connections far longer than
// any client pool does (610 s for external HTTP(S) load balancers), so the client always closes
// first; the emulators do the same.
import type { Server } from 'node:http';

export const IDLE_KEEP_ALIVE_MS = 610_000;

/** Sets the server's kept-alive idle timeout (and the headers timeout that must exceed it). */
export function keepIdleConnectionsLikeGoogle(server: Server): Server {
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  server.headersTimeout = IDLE_KEEP_ALIVE_MS + 1_000;
  return server;
}
