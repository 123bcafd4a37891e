// The `pizzaflow` command line. Each command lives in its own module and registers itself here.
import { Command, CommanderError } from 'commander';
import { packageInfo } from '../../functions/runtime/package-info';
import { registerEmulatorsCommand } from '@pizzaflow/emulators';
import { registerBootstrapCommand } from './bootstrap-command';
import { registerCatalogCommand } from './catalog-command';
import { registerContractsCommand } from './contracts-command';
import { registerDataformCommand } from './dataform-command';
import { registerDemoCommand } from './demo-command';
import { registerFunctionsCommand } from './functions-command';
import { registerGenerateCommand } from './generate-command';
import { registerKeysCommand } from './keys-command';
import { registerLoadPosCommand } from './load-pos-command';
import { registerLocalCommand } from './local-command';
import { registerReconcileCommand } from './reconcile-command';
import { registerReplayCommand } from './replay-command';
import { registerReprocessCommand } from './reprocess-command';
import { registerServeCommand } from './serve-command';
import { registerValidateCommand } from './validate-command';

export function buildProgram(): Command {
  const program = new Command('pizzaflow')
    .description('pizzaflow: Pub/Sub + Cloud Run functions + GCS + BigQuery + Dataform, with local emulators')
    .version(packageInfo().version)
    .showHelpAfterError()
    .exitOverride();
  registerValidateCommand(program);
  registerCatalogCommand(program);
  registerContractsCommand(program);
  registerGenerateCommand(program);
  registerEmulatorsCommand(program);
  registerBootstrapCommand(program);
  registerFunctionsCommand(program);
  registerLoadPosCommand(program);
  registerDataformCommand(program);
  registerReconcileCommand(program);
  registerReprocessCommand(program);
  registerReplayCommand(program);
  registerServeCommand(program);
  registerKeysCommand(program);
  registerLocalCommand(program);
  registerDemoCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}

