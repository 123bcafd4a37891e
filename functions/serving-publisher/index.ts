// Entry point of the serving store publisher (private HTTP, called by Cloud Scheduler five minutes
// after each incremental Dataform run): one publish of the transform runs not yet in the serving
// store (functions/metrics-api/serving/publisher.ts). 200 with the publish's summary; 503 when the
// store or BigQuery fails, so Cloud Scheduler retries (a publish is idempotent: the marker moves last).
import type { BigQuery } from '@google-cloud/bigquery';
import * as ff from '@google-cloud/functions-framework';
import { FUNCTIONS } from '../../contracts/catalog';
import { publishServingStore } from '../metrics-api/publish';
import type { PublishResult } from '../metrics-api/serving/publisher';
import { bigqueryClient } from '../runtime/clients';
import { loadConfig, type Config } from '../runtime/config';
import { ConfigError } from '../runtime/errors';
import { createLogger, type Logger } from '../runtime/logger';

interface Wired {
  config: Config;
  log: Logger;
  bigquery: BigQuery;
}

/** The configuration (a request without the serving store's address answers 500 not_configured). */
const configure = (): Config => loadConfig();

function wire(): Wired {
  const config = configure();
  const log = createLogger(FUNCTIONS.servingPublisher, { level: config.logLevel });
  return { config, log, bigquery: bigqueryClient(config) };
}

let wired: Wired | undefined;

/**
 * Checks the function's configuration (its environment) as its first request would, without
 * building anything: throws the ConfigError naming what is missing or wrong. The local functions
 * host calls it for every function it serves once their environments are set.
 */
export function check(): void {
  if (!configure().servingStore) throw new ConfigError('PIZZAFLOW_REDIS_URL', 'required by the serving publisher: it writes the serving store');
}
// One publish at a time per instance (the function also runs with concurrency 1, max 1 instance).
let running: Promise<unknown> = Promise.resolve();

ff.http(FUNCTIONS.servingPublisher, async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).json({ error: 'method_not_allowed' });
    return;
  }
  wired ??= wire();
  const { config, log, bigquery } = wired;
  if (!config.servingStore) {
    // Retrying cannot help: the deployment lacks the store's address.
    log.error({ variable: 'PIZZAFLOW_REDIS_URL' }, 'no serving store configured');
    res.status(500).json({ error: 'not_configured' });
    return;
  }
  const publish: Promise<PublishResult> = running.then(() => publishServingStore(config, log, { bigquery }));
  running = publish.catch(() => undefined);
  try {
    res.status(200).json(await publish);
  } catch (err) {
    // The store or BigQuery did not answer (or answered an error): the next attempt redoes the publish.
    log.error({ err: (err as Error).message }, 'serving store publish failed');
    res.status(503).json({ error: 'publish_failed' });
  }
});
