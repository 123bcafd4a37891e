// `pizzaflow serve --port 8080`: the merchant metrics API and the dashboard, reading the metric
// marts on whatever BigQuery endpoint the environment names (BIGQUERY_EMULATOR_HOST or Google Cloud).
import type { Command } from 'commander';
import { loadConfig } from '../../functions/runtime/config';
import { integerOption, portOption, untilSignal } from './options';
import { createLogger } from '../../functions/runtime/logger';
import { startMetricsService } from '../../functions/metrics-api';

interface ServeCliOptions {
  port: string;
  host: string;
  runCheckMs: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the merchant metrics API (/v1/merchants/{id}/metrics/{metric}) and the dashboard (/)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--run-check-ms <n>', 'how often the latest transform run is looked up to invalidate the cache', '5000')
    .action(async (options: ServeCliOptions) => {
      const port = portOption('--port', options.port);
      const runCheckMs = integerOption('--run-check-ms', options.runCheckMs, 0);
      const config = loadConfig();
      const log = createLogger('serve', { level: config.logLevel });
      if (Object.keys(config.merchantApiKeys).length === 0) log.warn({}, 'PIZZAFLOW_MERCHANT_API_KEYS is empty: every metrics request will get 401');
      const running = await startMetricsService({ config, log, port, host: options.host, runCheckMs });
      process.stdout.write(`ready serve ${running.url}\n  dashboard ${running.url}/\n  api       ${running.url}/v1/merchants/{merchant_id}/metrics/{metric}\n`);
      await untilSignal(() => running.close());
    });
}
