// `pizzaflow functions`: serves the hosted functions (collector, ingest, pos-loader,
// serving-publisher) from one local HTTP server, each under /<name>, configured like on Cloud Run (the emulator variables, the keys). Pair
// it with `pizzaflow bootstrap --functions-url <the printed URL>` so push subscriptions reach ingest.
import type { Command } from 'commander';
import { loadConfig } from '../../functions/runtime/config';
import { portOption, untilSignal } from './options';
import { createLogger } from '../../functions/runtime/logger';
import { HOSTED_FUNCTIONS, startFunctionsHost } from '../local/functions-host';

export function registerFunctionsCommand(program: Command): void {
  program
    .command('functions')
    .description(`serve the ${HOSTED_FUNCTIONS.join(', ')} functions locally under /<name> until interrupted`)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8080')
    .action(async (options: { host: string; port: string }) => {
      const port = portOption('--port', options.port);
      const config = loadConfig();
      const log = createLogger('functions', { level: config.logLevel });
      const host = await startFunctionsHost({ host: options.host, port });
      process.stdout.write(`ready functions ${host.url} (${HOSTED_FUNCTIONS.join(', ')})\nexport PIZZAFLOW_FUNCTIONS_URL=${host.url}\n`);
      await untilSignal(async (signal) => {
        log.info({ signal }, 'stopping functions');
        await host.close();
      });
    });
}
