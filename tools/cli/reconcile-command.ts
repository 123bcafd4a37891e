// `pizzaflow reconcile`: per source and hour, raw rows, distinct event ids and rejected rows by
// reason; published messages (from a generator output) against what landed; per source and day, the
// rejected and dead-lettered events replayed into raw and those still lost; POS rows per file in the
// manifest against raw. Exits 1 when anything is unaccounted for.
import type { Command } from 'commander';
import { loadCatalog } from '../../contracts/catalog';
import { bigqueryClient } from '../../functions/runtime/clients';
import { loadConfig } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';
import { collectReconcileInput, countPublished } from '../../ops/reconcile/collect';
import { reconcile } from '../../ops/reconcile/reconcile';

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description('check that every published event is in raw or rejected_events and every loaded POS row is in raw once; exit 1 otherwise')
    .option('--since <date>', 'first ingestion date to check (YYYY-MM-DD, UTC; default: 7 days ago)')
    .option('--published <dir>', 'a `pizzaflow generate` output directory whose online/ and deliveries/ lines were published')
    .action(async (options: { since?: string; published?: string }) => {
      const since = options.since ?? new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new UsageError(`--since must be a date YYYY-MM-DD, not "${since}"`);
      const config = loadConfig();
      const input = await collectReconcileInput(bigqueryClient(config), config.project, since);
      if (options.published) input.published = countPublished(options.published);
      const report = reconcile(input, loadCatalog());
      process.stdout.write(`${report.lines.join('\n')}\n`);
      if (!report.ok) process.exitCode = 1;
    });
}
