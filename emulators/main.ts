// `pizzaflow-emulators`: the package's own command, the same `emulators` command pizzaflow mounts.
import { Command, CommanderError } from 'commander';
import { registerEmulatorsCommand } from './cli';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('pizzaflow-emulators').showHelpAfterError().exitOverride();
  registerEmulatorsCommand(program);
  try {
    await program.parseAsync([argv[0] ?? 'node', argv[1] ?? 'pizzaflow-emulators', 'emulators', ...argv.slice(2)]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
