// `pizzaflow functions`: serves the collector, ingest and pos-loader functions from one local HTTP
// server, each under /<name>, configured like on Cloud Run (the emulator variables, the keys). Pair
// it with `pizzaflow bootstrap --functions-url <the printed URL>` so push subscriptions reach ingest.
import type { Command } from 'commander';
import { loadConfig } from '../../lib/config';
import { UsageError } from '../../lib/errors';
import { createLogger } from '../../lib/logger';
import { startFunctionsHost } from '../functions/host';

export function registerFunctionsCommand(program: Command): void {
  program
    .command('functions')
    .description('serve the collector, ingest and pos-loader functions locally under /<name> until interrupted')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8080')
    .action(async (options: { host: string; port: string }) => {
      if (!/^\d+$/.test(options.port) || Number(options.port) > 65535) throw new UsageError(`--port must be a port number (0-65535), not "${options.port}"`);
      const config = loadConfig();
      const log = createLogger('functions', { level: config.logLevel });
      const host = await startFunctionsHost({ host: options.host, port: Number(options.port) });
      process.stdout.write(`ready functions ${host.url} (collector, ingest, pos-loader)\nexport PIZZAFLOW_FUNCTIONS_URL=${host.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          log.info({ signal }, 'stopping functions');
          void host.close().then(() => resolve());
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
