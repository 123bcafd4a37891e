// `pizzaflow bootstrap`: renders the platform catalog into the emulators named by the standard
// emulator variables, for GOOGLE_CLOUD_PROJECT. Safe to run again: it then changes nothing.
import type { Command } from 'commander';
import { loadCatalog } from '../../contracts/catalog';
import { bigqueryClient, pubsubClient, storageClient } from '../../functions/runtime/clients';
import { loadConfig } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';
import { bootstrap, formatChanges } from '../local/bootstrap';

export function registerBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description('create the catalog\'s topics, subscriptions, buckets, notifications, datasets and tables in the emulators (idempotent)')
    .option('--functions-url <url>', 'base URL serving each function at /<name>, for push endpoints (default: PIZZAFLOW_FUNCTIONS_URL)')
    .action(async (options: { functionsUrl?: string }) => {
      const config = loadConfig();
      const functionsUrl = options.functionsUrl ?? config.functionsUrl;
      if (functionsUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(functionsUrl)) throw new UsageError(`--functions-url must be an http(s) URL, not "${functionsUrl}"`);
      const clients = { pubsub: pubsubClient(config), storage: storageClient(config), bigquery: bigqueryClient(config) };
      try {
        const changes = await bootstrap(clients, { project: config.project, location: config.location, catalog: loadCatalog(), functionsUrl });
        process.stdout.write(formatChanges(changes));
      } finally {
        await clients.pubsub.close();
      }
    });
}
