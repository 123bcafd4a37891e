// One publish of the serving store from configuration: the transform runs not yet in it. Kept apart
// from index.ts, which registers the metrics API with the functions framework, so the scheduled
// publisher (functions/serving-publisher) and operators import it without registering the API.
import type { BigQuery } from '@google-cloud/bigquery';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { bigqueryClient } from '../runtime/clients';
import { createMartReader } from './serving/marts';
import { createPublisher, type PublishResult } from './serving/publisher';
import { createServingStore } from './serving/store';

/**
 * One publish, for the scheduled `serving-publisher` function (Cloud Scheduler → Cloud Run) or an
 * operator: the transform runs not yet in the serving store.
 */
export async function publishServingStore(config: Config, log: Logger, o: { full?: boolean; bigquery?: BigQuery } = {}): Promise<PublishResult> {
  if (!config.servingStore) throw new Error('no serving store configured (PIZZAFLOW_REDIS_URL)');
  const store = createServingStore({ ...config.servingStore, log, timeoutMs: 10_000 });
  try {
    const marts = createMartReader({ bigquery: o.bigquery ?? bigqueryClient(config), project: config.project, location: config.location });
    return await createPublisher({ marts, store, log }).publish({ full: o.full });
  } finally {
    await store.close();
  }
}
