// `pizzaflow bootstrap`: applies the Pulumi program's `local` stack to the emulators named by the
// standard emulator variables (what `pizzaflow local up` does at start). Safe to run again: it then
// changes nothing.
import type { Command } from 'commander';
import { bigqueryClient, pubsubClient, storageClient } from '../../functions/runtime/clients';
import { loadConfig } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';
import { packageInfo } from '../../functions/runtime/package-info';
import { formatChanges } from '../local/apply-program';
import { localDefaults } from '../local/environment';
import { deployLocalStack } from '../local/local-stack';

export function registerBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description("apply the Pulumi program's local stack to the emulators: topics, push subscriptions, buckets, datasets and tables (idempotent)")
    .option('--functions-url <url>', 'base URL serving each function at /<name>, for push endpoints (default: PIZZAFLOW_FUNCTIONS_URL, else http://127.0.0.1:8080)')
    .action(async (options: { functionsUrl?: string }) => {
      const env = { ...process.env };
      const config = loadConfig(env);
      Object.assign(env, localDefaults(env, config.project).set);
      const functionsUrl = options.functionsUrl ?? config.functionsUrl ?? 'http://127.0.0.1:8080';
      if (!/^https?:\/\/[^\s/]+/.test(functionsUrl)) throw new UsageError(`--functions-url must be an http(s) URL, not "${functionsUrl}"`);
      const clients = { pubsub: pubsubClient(config), storage: storageClient(config), bigquery: bigqueryClient(config) };
      try {
        const deployed = await deployLocalStack({ repoRoot: packageInfo().root, env, project: config.project, functionsUrl }, clients);
        process.stdout.write(formatChanges(deployed.changes));
      } finally {
        await clients.pubsub.close();
      }
    });
}
