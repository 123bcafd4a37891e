// `pizzaflow replay --reason dead_lettered [--source …] --from … --to … [--dry-run]`: puts rejected
// events back through the pipeline (ops/replay), prints what went where, records the replay.
import type { Command } from 'commander';
import { loadCatalog } from '../../contracts/catalog';
import { REJECT_REASONS, REJECT_SOURCES } from '../../contracts/ops';
import { replayPorts } from '../../ops/replay/gcp-ports';
import { checkFilter, replay, type ReplayFilter, type ReplayReport } from '../../ops/replay/replay';
import { bigqueryClient, pubsubClient } from '../../functions/runtime/clients';
import { loadConfig } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';

const list = <T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T[] => {
  const items = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.find((i) => !(allowed as readonly string[]).includes(i));
  if (bad) throw new UsageError(`${flag}: unknown "${bad}" (choose from ${allowed.join(', ')})`);
  return items as T[];
};

const asTimestamp = (text: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);

export function formatReplayReport(r: ReplayReport): string {
  const lines = [`${r.dryRun ? 'dry run' : 'replay'} ${r.replayId}: ${r.selected} rejected rows selected, ${r.dryRun ? 'would publish' : 'published'} ${r.dryRun ? Object.values(r.byRoute).reduce((a, b) => a + b, 0) : r.published}, skipped ${r.skipped.length}`];
  for (const [route, n] of Object.entries(r.byRoute).sort()) lines.push(`  ${String(n).padStart(7)}  ${route}`);
  const why = new Map<string, number>();
  for (const s of r.skipped) why.set(s.why, (why.get(s.why) ?? 0) + 1);
  for (const [reason, n] of why) lines.push(`  ${String(n).padStart(7)}  skipped: ${reason}`);
  if (r.dryRun && r.selected > 0) lines.push('nothing was published; run again without --dry-run to replay');
  return `${lines.join('\n')}\n`;
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('publish rejected events (raw.rejected_events) again to the topic of their flow, after the cause is fixed; recorded in ops.replays')
    .requiredOption('--reason <codes>', `reason codes to replay, comma-separated (${REJECT_REASONS.join(', ')})`)
    .option('--source <sources>', `only these sources, comma-separated (${REJECT_SOURCES.join(', ')})`)
    .requiredOption('--from <time>', 'earliest rejected_at, a date (UTC midnight) or an ISO timestamp')
    .requiredOption('--to <time>', 'rejected_at before this, a date or an ISO timestamp')
    .option('--dry-run', 'say what would be published, publish nothing')
    .option('--json', 'print the report as JSON')
    .action(async (o: { reason: string; source?: string; from: string; to: string; dryRun?: boolean; json?: boolean }) => {
      const filter: ReplayFilter = { reasons: list('--reason', o.reason, REJECT_REASONS), sources: list('--source', o.source, REJECT_SOURCES), from: asTimestamp(o.from), to: asTimestamp(o.to) };
      const problem = checkFilter(filter);
      if (problem) throw new UsageError(problem);
      const config = loadConfig();
      const clients = { bigquery: bigqueryClient(config), pubsub: pubsubClient(config) };
      try {
        const report = await replay(replayPorts(clients, config.project), loadCatalog(), filter, { dryRun: o.dryRun ?? false });
        process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReplayReport(report));
      } finally {
        await clients.pubsub.close();
      }
    });
}
