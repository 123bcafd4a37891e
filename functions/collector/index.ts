// Entry point of the collector (public HTTP): online order events and delivery provider webhooks,
// published to Pub/Sub. Credentials and clients come from configuration.
import { type IncomingMessage } from 'node:http';
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { loadConfig, type Config } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { pubsubClient } from '../runtime/clients';
import { createKeyRing } from '../runtime/api-keys';
import { ConfigError } from '../runtime/errors';
import { createCollectorHandler, piiPseudonymiser, type CollectorHandler } from './handler';
import { pubsubPublisher } from './pubsub-publisher';
import { ReplayCache } from './signature';
import { installBodyGuard, isGuarded, originalContentType } from './body-guard';
import { readCappedBody } from './body';
import { API_KEYS_VARIABLE, collectorKeyBindings } from './key-bindings';

interface Wired {
  handler: CollectorHandler;
  close(): Promise<void>;
}

/** The configuration, checked: the PII key, and a merchant binding for every key. */
function configure(): { config: Config; piiKey: string; merchantScopes: ReturnType<typeof collectorKeyBindings> } {
  const config = loadConfig();
  if (!config.piiKey) throw new ConfigError('PIZZAFLOW_PII_KEY', 'required by the collector: PII is pseudonymised before it is published');
  // A key without a merchant binding stops the collector here, before it accepts anything.
  return { config, piiKey: config.piiKey, merchantScopes: collectorKeyBindings(config) };
}

function wire(): Wired {
  const { config, piiKey, merchantScopes } = configure();
  const pseudonymise = piiPseudonymiser(piiKey);
  const pubsub = pubsubClient(config);
  const log = createLogger(FUNCTIONS.collector, { level: config.logLevel });
  const handler = createCollectorHandler({
    apiKeys: createKeyRing(config.apiKeys, API_KEYS_VARIABLE),
    pseudonymise,
    merchantScopes,
    webhookSecrets: config.webhookSecrets,
    publisher: pubsubPublisher(pubsub),
    replayCache: new ReplayCache(2 * config.webhookToleranceSeconds * 1000),
    toleranceSeconds: config.webhookToleranceSeconds,
    onError: (err, context) => log.error({ ...context, err: (err as Error).message }, 'publish failed'),
  });
  return { handler, close: () => pubsub.close() };
}

let wired: Wired | undefined;

/**
 * Checks the function's configuration (its environment) as its first request would, without
 * building anything: throws the ConfigError naming what is missing or wrong. The local functions
 * host calls it for every function it serves once their environments are set.
 */
export function check(): void {
  configure();
}

/** Closes the Pub/Sub client (graceful shutdown; a local host or a test closing the emulators). */
export async function shutdown(): Promise<void> {
  const w = wired;
  wired = undefined;
  await w?.close();
}

const servesCollectorOnly =
  process.env.FUNCTION_TARGET === FUNCTIONS.collector ||
  process.argv.some((arg, i, all) => arg === `--target=${FUNCTIONS.collector}` || (arg === '--target' && all[i + 1] === FUNCTIONS.collector));

/**
 * Which requests the framework must not parse (body-guard.ts): all of them in a process serving the
 * collector alone (the functions framework, deployed or local, sets FUNCTION_TARGET), and those under
 * `/collector/` where one local server hosts several functions (tools/local/functions-host.ts).
 */
export function collectorRequest(req: IncomingMessage): boolean {
  if (servesCollectorOnly) return true;
  const url = req.url ?? '';
  return url === `/${FUNCTIONS.collector}` || url.startsWith(`/${FUNCTIONS.collector}/`) || url.startsWith(`/${FUNCTIONS.collector}?`);
}

installBodyGuard(collectorRequest);

/** How long, and how much, a refused request may keep sending the body nobody reads (discarded). */
const DISCARD_MS = 5_000;
const DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * Before answering a refusal, the unread rest of the body is discarded as it arrives (never
 * buffered), so that the client, still sending, reads the answer instead of a reset: Node closes a
 * `Connection: close` request's socket as soon as the response is out, and most clients then report
 * EPIPE, not the 4xx. Past DISCARD_MS or DISCARD_BYTES the answer goes out with the connection closed.
 */
function discardRest(req: IncomingMessage): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (drained: boolean): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onEnd);
      req.off('close', onClose);
      if (!drained) req.pause();
      resolve(drained);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > DISCARD_BYTES) done(false);
    };
    const onEnd = (): void => done(true);
    const onClose = (): void => done(req.readableEnded);
    const timer = setTimeout(() => done(false), DISCARD_MS);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onEnd);
    req.once('close', onClose);
    req.resume();
  });
}

let unguardedWarned = false;
let fallbackLog: ReturnType<typeof createLogger> | undefined;
/** For failures before or outside wire(): never a body, a header value or a key. */
const outerLog = (): ReturnType<typeof createLogger> => (fallbackLog ??= createLogger(FUNCTIONS.collector));

ff.http(FUNCTIONS.collector, async (req, res) => {
  try {
    wired ??= wire();
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
    const contentType = originalContentType(req);
    if (contentType !== undefined) headers['content-type'] = contentType;
    let body: Buffer | ((maxBytes: number) => ReturnType<typeof readCappedBody>);
    if (isGuarded(req)) {
      // Nothing has read the stream: the handler reads the raw bytes itself, capped, once authenticated.
      body = (maxBytes) => readCappedBody(req, maxBytes);
    } else {
      // Only when the guard did not see the request (an unexpected host): the framework already
      // buffered (and inflated) the body. The signature covers the exact bytes: use the raw body.
      if (!unguardedWarned) {
        unguardedWarned = true;
        outerLog().warn('collector request reached the function unguarded: the framework parsed its body first');
      }
      body = req.rawBody ?? Buffer.alloc(0);
    }
    const out = await wired.handler({ method: req.method, path: req.path, headers, body });
    if (out.unread && isGuarded(req) && !req.readableEnded && !(await discardRest(req))) {
      res.set('Connection', 'close');
      res.once('finish', () => req.socket?.destroy());
    }
    res.status(out.status).json(out.body);
  } catch (err) {
    outerLog().error({ err: (err as Error).message }, 'collector request failed');
    if (!res.headersSent) res.status(500).set('Connection', 'close').json({ error: 'internal', message: 'the request could not be handled' });
  }
});
