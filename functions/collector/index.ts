// Entry point of the collector (public HTTP): online order events and delivery provider webhooks,
// published to Pub/Sub. Credentials and clients come from configuration.
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { pubsubClient } from '../runtime/clients';
import { createKeyRing } from '../runtime/api-keys';
import { createCollectorHandler, type CollectorHandler } from './handler';
import { pubsubPublisher } from './pubsub-publisher';
import { ReplayCache } from './signature';

interface Wired {
  handler: CollectorHandler;
  close(): Promise<void>;
}

function wire(): Wired {
  const config = loadConfig();
  const pubsub = pubsubClient(config);
  const log = createLogger(FUNCTIONS.collector, { level: config.logLevel });
  const handler = createCollectorHandler({
    apiKeys: createKeyRing(config.apiKeys, 'PIZZAFLOW_API_KEYS'),
    webhookSecrets: config.webhookSecrets,
    publisher: pubsubPublisher(pubsub),
    replayCache: new ReplayCache(2 * config.webhookToleranceSeconds * 1000),
    toleranceSeconds: config.webhookToleranceSeconds,
    onError: (err, context) => log.error({ ...context, err: (err as Error).message }, 'publish failed'),
  });
  return { handler, close: () => pubsub.close() };
}

let wired: Wired | undefined;

/** Closes the Pub/Sub client (graceful shutdown; a local host or a test closing the emulators). */
export async function shutdown(): Promise<void> {
  const w = wired;
  wired = undefined;
  await w?.close();
}

ff.http(FUNCTIONS.collector, async (req, res) => {
  wired ??= wire();
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  // The signature covers the exact bytes: use the raw body the framework keeps, not the parsed JSON.
  const body = req.rawBody ?? Buffer.alloc(0);
  const out = await wired.handler({ method: req.method, path: req.path, headers, body });
  res.status(out.status).json(out.body);
});
