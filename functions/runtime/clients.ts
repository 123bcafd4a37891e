// The official Google clients, configured from `loadConfig()`: the standard emulator variables
// point them at the emulators, their absence at Google Cloud. No `if (local)` anywhere else.
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import type { Config } from './config';
import { writerClientOptions } from '../ingest/raw-writer';

export function pubsubClient(config: Config): PubSub {
  return new PubSub({ projectId: config.project, ...(config.emulators.pubsub ? { apiEndpoint: config.emulators.pubsub } : {}) });
}

export function storageClient(config: Config): Storage {
  return new Storage({ projectId: config.project, ...(config.emulators.storage ? { apiEndpoint: config.emulators.storage } : {}) });
}

export function bigqueryClient(config: Config): BigQuery {
  return new BigQuery({ projectId: config.project, location: config.location, ...(config.emulators.bigquery ? { apiEndpoint: config.emulators.bigquery } : {}) });
}

export function writerClient(config: Config): managedwriter.WriterClient {
  return new managedwriter.WriterClient({ projectId: config.project, ...writerClientOptions(config.emulators.bigqueryStorage) });
}
