// `pizzaflow local up` (`npm start`): the whole platform on this machine, kept running: emulators,
// bootstrap, the three functions, the metrics API and dashboard, and the catalog's schedules on a
// real or accelerated clock. Endpoints and `export` lines go to stdout; Ctrl-C stops it cleanly.
import path from 'node:path';
import type { Command } from 'commander';
import { bucketName, BUCKETS } from '../../contracts/catalog';
import { createLogger } from '../../functions/runtime/logger';
import { acceleratedClock, realClock, type SchedulerEvent } from '../scheduler';
import { HOSTED_FUNCTIONS } from '../local/functions-host';
import { localMerchantKeyRing } from '../local/merchant-keys';
import { DEFAULT_PORTS, startLocalPlatform } from '../local/platform';
import { numberOption, portOption, untilSignal } from './options';

interface UpOptions {
  dataDir: string;
  rate: string;
  pubsubPort: string;
  storagePort: string;
  bigqueryPort: string;
  bigqueryGrpcPort: string;
  functionsPort: string;
  servePort: string;
  strictGooglesql?: boolean;
  logLevel: string;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function formatSchedulerEvent(e: SchedulerEvent): string | undefined {
  if (e.type === 'skipped') return `[${hhmm(e.scheduledAt)}] ${e.job}: skipped, the previous run is still going`;
  if (e.type === 'run-end') return `[${hhmm(e.run.scheduledAt)}] ${e.run.job}: ${e.run.ok ? '' : 'FAILED '}${e.run.summary} (${(e.run.durationMs / 1000).toFixed(1)} s)`;
  return undefined;
}

export function registerLocalCommand(program: Command): void {
  const local = program.command('local').description('run the whole platform on this machine');
  local
    .command('up')
    .description('start the emulators, apply the Pulumi program (local stack) to them, serve the functions, the metrics API and the dashboard, and run the schedules until Ctrl-C')
    .option('--data-dir <dir>', 'where the emulators keep their state (kept across restarts)', '.pizzaflow')
    .option('--rate <x>', 'clock speed: 1 = real time; 60 = a simulated hour per real minute (schedules fire on this clock)', '1')
    .option('--pubsub-port <port>', 'Pub/Sub emulator port (0: any free port)', String(DEFAULT_PORTS.pubsub))
    .option('--storage-port <port>', 'Cloud Storage emulator port', String(DEFAULT_PORTS.storage))
    .option('--bigquery-port <port>', 'BigQuery emulator REST port', String(DEFAULT_PORTS.bigquery))
    .option('--bigquery-grpc-port <port>', 'BigQuery Storage Write API port', String(DEFAULT_PORTS.bigqueryGrpc))
    .option('--functions-port <port>', `port serving the ${HOSTED_FUNCTIONS.join(', ')} functions`, String(DEFAULT_PORTS.functions))
    .option('--serve-port <port>', 'port of the metrics API and dashboard', String(DEFAULT_PORTS.serve))
    .option('--strict-googlesql', 'reject SQL that BigQuery would refuse (ZetaSQL analysis of every statement; slower)')
    .option('--log-level <level>', 'log level of the services (stderr)', 'warn')
    .action(async (o: UpOptions) => {
      const rate = numberOption('--rate', o.rate, 1, 100_000);
      const ports = {
        pubsub: portOption('--pubsub-port', o.pubsubPort),
        storage: portOption('--storage-port', o.storagePort),
        bigquery: portOption('--bigquery-port', o.bigqueryPort),
        bigqueryGrpc: portOption('--bigquery-grpc-port', o.bigqueryGrpcPort),
        functions: portOption('--functions-port', o.functionsPort),
        serve: portOption('--serve-port', o.servePort),
      };
      process.env.LOG_LEVEL ??= o.logLevel;
      const log = createLogger('local', { level: process.env.LOG_LEVEL });
      const clock = rate === 1 ? realClock() : acceleratedClock({ startMs: Date.now(), rate });
      const useLocalKeys = (process.env.PIZZAFLOW_MERCHANT_API_KEYS ?? '').trim() === '';
      const platform = await startLocalPlatform({
        dataDir: path.resolve(o.dataDir),
        ports,
        clock,
        log,
        strictGoogleSql: o.strictGooglesql === true,
        emulatorLogLevel: process.env.LOG_LEVEL,
        merchantKeys: useLocalKeys ? localMerchantKeyRing() : undefined,
        onSchedulerEvent: (e) => {
          const line = formatSchedulerEvent(e);
          if (line) process.stdout.write(`${line}\n`);
        },
      });
      const out = [
        ...platform.banner,
        '',
        `collector  POST ${platform.functions.url}/collector/v1/orders/events   POST ${platform.functions.url}/collector/v1/providers/{provider}/webhooks`,
        `landing    gs://${bucketName(platform.config.project, BUCKETS.landing)}/pos/…  (POS files; the pos-loader schedule picks them up)`,
        `dashboard  ${platform.metrics.url}/`,
        ...platform.notes.map((n) => `local default: ${n}`),
        ...(useLocalKeys ? ['local default: merchant API key of merchant <id> is local-<id> (set PIZZAFLOW_MERCHANT_API_KEYS for real keys)'] : []),
        `schedules  ${platform.catalog.schedules.map((s) => `${s.name} "${s.cron}"`).join(', ')} on a ${rate === 1 ? 'real' : `${rate}× accelerated`} clock`,
        `state      ${path.resolve(o.dataDir)} (${platform.bootstrapChanges.filter((c) => c.action !== 'unchanged').length} resources created or updated from the local stack of the Pulumi program)`,
        'Press Ctrl-C to stop.',
      ];
      process.stdout.write(`${out.join('\n')}\n`);
      await untilSignal(async (signal) => {
        process.stdout.write(`\n${signal}: stopping (waiting for running jobs)…\n`);
        await platform.close();
        process.stdout.write('stopped\n');
      });
    });
}
