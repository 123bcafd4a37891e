// Keeps the Functions Framework's body parsers away from the collector's requests.
//
// The framework (5.x, server.js) mounts body-parser json/text/urlencoded/raw with a 1024 MB limit and
// `inflate: true` BEFORE any user code runs, and offers no option to change either: a small gzip body
// would be inflated and buffered before the collector could even look at its API key. Every one of
// those parsers skips a request whose `Content-Type` is absent (type-is answers false), so the guard
// takes the header off the request as the HTTP server receives it — Node's `http.server.request.start`
// diagnostics channel is published synchronously before the server's 'request' event, hence before
// Express — and keeps it on the request for the collector. The collector then authenticates on the
// headers and reads the raw bytes itself, with its own cap and no inflation (body.ts).
import { subscribe } from 'node:diagnostics_channel';
import { type IncomingMessage } from 'node:http';

const ORIGINAL_CONTENT_TYPE = Symbol.for('pizzaflow.collector.contentType');
const GUARDED = Symbol.for('pizzaflow.collector.guarded');

type GuardedRequest = IncomingMessage & { [GUARDED]?: true; [ORIGINAL_CONTENT_TYPE]?: string };

const predicates: ((req: IncomingMessage) => boolean)[] = [];
let subscribed = false;

function onRequestStart(message: unknown): void {
  const req = (message as { request?: IncomingMessage }).request;
  if (!req || !predicates.some((applies) => applies(req))) return;
  const r = req as GuardedRequest;
  r[GUARDED] = true;
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) r[ORIGINAL_CONTENT_TYPE] = contentType;
  delete req.headers['content-type'];
}

/** Guards every request `applies` selects, in any HTTP server of this process. Idempotent per predicate. */
export function installBodyGuard(applies: (req: IncomingMessage) => boolean): void {
  if (!predicates.includes(applies)) predicates.push(applies);
  if (subscribed) return;
  subscribe('http.server.request.start', onRequestStart);
  subscribed = true;
}

/** True when the guard saw the request first: no framework parser has read its body. */
export function isGuarded(req: IncomingMessage): boolean {
  return (req as GuardedRequest)[GUARDED] === true;
}

/** The Content-Type the client sent (the guard takes it off `req.headers`). */
export function originalContentType(req: IncomingMessage): string | undefined {
  return (req as GuardedRequest)[ORIGINAL_CONTENT_TYPE] ?? req.headers['content-type'];
}
