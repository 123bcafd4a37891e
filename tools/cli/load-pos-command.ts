// `pizzaflow load-pos`: one POS loader run, the same code the scheduled function runs, against the
// endpoints the standard emulator variables name. Prints the run's summary as JSON.
import type { Command } from 'commander';
import { posLoaderPorts } from '../../functions/pos-loader/wire';
import { runPosLoader } from '../../functions/pos-loader/run';
import { loadConfig } from '../../functions/runtime/config';
import { createLogger } from '../../functions/runtime/logger';

export function registerLoadPosCommand(program: Command): void {
  program
    .command('load-pos')
    .description('run the POS loader once: validate landed files, one load job per window per table, archive or quarantine, record the manifest')
    .action(async () => {
      const config = loadConfig();
      const summary = await runPosLoader(posLoaderPorts(config), { now: Date.now, log: createLogger('load-pos', { level: config.logLevel }) });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
