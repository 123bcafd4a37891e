// The serve and reprocess commands refuse bad flags before touching BigQuery.
import { Command } from 'commander';
import { registerReprocessCommand } from '../../../tools/cli/reprocess-command';
import { registerServeCommand } from '../../../tools/cli/serve-command';

function program(): Command {
  const p = new Command('pizzaflow').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerReprocessCommand(p);
  registerServeCommand(p);
  return p;
}

test.each([
  [['reprocess'], /give --from and --to/],
  [['reprocess', '--from', '2026-11-02', '--to', '2026-11-01'], /is after/],
  [['reprocess', '--from', '2026-11-01', '--to', '2026-11-02', '--full-refresh'], /without --from\/--to/],
  [['reprocess', '--from', '2026-11-01', '--to', '2026-11-02', '--concurrency', '0'], /--concurrency must be a positive integer/],
  [['serve', '--port', 'http'], /--port must be an integer/],
  [['serve', '--run-check-ms', '-1'], /--run-check-ms must be an integer/],
])('pizzaflow %j is a usage error', async (args, why) => {
  await expect(program().parseAsync(['node', 'pizzaflow', ...args])).rejects.toThrow(why);
});

test('--help names the flags the README documents', () => {
  const p = program();
  const help = (name: string): string => p.commands.find((c) => c.name() === name)!.helpInformation();
  expect(help('reprocess')).toMatch(/--from <date>[\s\S]*--to <date>[\s\S]*--full-refresh/);
  expect(help('serve')).toMatch(/--port <n>/);
});
