// `pizzaflow catalog`: validates the platform catalog and shows what it declares.
import type { Command } from 'commander';
import { loadCatalog, type PlatformCatalog } from '../../contracts/catalog';

export function registerCatalogCommand(program: Command): void {
  program
    .command('catalog')
    .description('validate the platform catalog and list its topics, subscriptions, buckets, tables, schedules and functions')
    .option('--json', 'print the whole catalog (with table schemas) as JSON')
    .action((options: { json?: boolean }) => {
      const catalog = loadCatalog();
      process.stdout.write(options.json ? JSON.stringify(catalog, null, 2) + '\n' : summarise(catalog));
    });
}

export function summarise(c: PlatformCatalog): string {
  const lines: string[] = ['platform catalog: valid', ''];
  lines.push('topics:', ...c.topics.map((t) => `  ${t.name} — ${t.description}`), '');
  lines.push(
    'subscriptions:',
    ...c.subscriptions.map((s) => {
      const delivery = s.push ? `push → ${s.push.function}${s.push.path}` : 'pull';
      const dlq = s.deadLetter ? `, dead letter → ${s.deadLetter.topic} after ${s.deadLetter.maxDeliveryAttempts}` : '';
      return `  ${s.name} (${s.topic}; ${delivery}; ack ${s.ackDeadlineSeconds}s${dlq})`;
    }),
    '',
  );
  lines.push('buckets:', ...c.buckets.map((b) => `  ${b.name} — ${b.description}`), '');
  lines.push(
    'tables:',
    ...c.tables.map((t) => {
      const p = t.partitioning ? `partitioned by ${t.partitioning.type} on ${t.partitioning.field}${t.partitioning.expirationDays ? `, expires after ${t.partitioning.expirationDays} days` : ''}` : 'not partitioned';
      const cl = t.clustering.length ? `, clustered by ${t.clustering.join(', ')}` : '';
      return `  ${t.dataset}.${t.name} (${t.schema.length} columns; ${p}${cl}; ${t.writeMethod})`;
    }),
    '',
  );
  lines.push('schedules:', ...c.schedules.map((s) => `  ${s.name}: "${s.cron}" ${s.timeZone} — ${s.description}`), '');
  lines.push('functions:', ...c.functions.map((f) => `  ${f.name} (${f.signature}, ${f.ingress}, concurrency ${f.concurrency}, ${f.minInstances}-${f.maxInstances} instances) — ${f.description}`), '');
  return lines.join('\n');
}
