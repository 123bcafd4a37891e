// `pizzaflow reprocess --from DATE --to DATE | --full-refresh`: rebuilds the marts from raw through
// the Dataform executor (a backfill of the range, or a full refresh) on the BigQuery endpoint the
// environment names, with progress on stderr, then prints the partitions that changed on stdout.
import { BigQuery } from '@google-cloud/bigquery';
import type { Command } from 'commander';
import { loadConfig } from '../../functions/runtime/config';
import { UsageError } from '../../functions/runtime/errors';
import { DataformCompileError, localTransformRunner, type RunEvent, type RunReport } from '../dataform';
import { checkRange, reprocess, ReprocessError, type PartitionState, type ReprocessEvent, type ReprocessReport } from '../../ops/reprocess';
import { formatResult, parseVars } from './dataform-command';

interface ReprocessCliOptions {
  from?: string;
  to?: string;
  fullRefresh?: boolean;
  projectDir: string;
  vars?: string;
  concurrency: string;
  assertions: boolean;
  json?: boolean;
}

function progress(event: ReprocessEvent): void {
  process.stderr.write(`fingerprinted ${event.tables} tables ${event.phase} the run\n`);
}

function runProgress(event: RunEvent): void {
  if (event.type === 'start') process.stderr.write(`running ${event.total} actions\n`);
  else if (event.type === 'action-end') {
    process.stderr.write(`[${event.done}/${event.total}] ${formatResult(event.result)}\n`);
    if (event.result.error) process.stderr.write(`      ${event.result.error}\n`);
  }
}

const state = (s: PartitionState | null): string => (s ? `${s.rows} rows` : 'absent');

export function formatReprocessReport(report: ReprocessReport): string {
  const scope = report.mode === 'full-refresh' ? 'full refresh' : `backfill ${report.from}..${report.to}`;
  const lines = [`${scope}: run ${report.run.runId} ${report.run.ok ? 'succeeded' : 'FAILED'} in ${(report.run.durationMs / 1000).toFixed(1)} s`];
  lines.push(report.recorded ? `recorded in ops.transform_runs as ${report.recorded.kind} run ${report.recorded.runId} at ${report.recorded.finishedAt}` : 'not recorded in ops.transform_runs: a model or an assertion failed, so readers still see the previous run');
  if (report.changed.length === 0) {
    lines.push(`no partition changed (${report.compared} compared)`);
  } else {
    lines.push(`${report.changed.length} of ${report.compared} partitions changed:`);
    for (const c of report.changed) {
      const how = c.before && c.after && c.before.rows === c.after.rows ? `${c.after.rows} rows, contents changed` : `${state(c.before)} -> ${state(c.after)}`;
      lines.push(`  ${c.table.padEnd(32)} ${c.partition.padEnd(10)}  ${how}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerReprocessCommand(program: Command): void {
  program
    .command('reprocess')
    .description('rebuild the marts from raw for a date range (or everything) and print which partitions changed')
    .option('--from <date>', 'first date to rebuild, YYYY-MM-DD (store-local business date / UTC sales date)')
    .option('--to <date>', 'last date to rebuild, YYYY-MM-DD (inclusive)')
    .option('--full-refresh', 'rebuild every mart from raw instead of a range')
    .option('--project-dir <dir>', 'Dataform project folder', 'dataform')
    .option('--vars <k=v,...>', 'extra Dataform vars (backfill_from/backfill_to come from --from/--to)')
    .option('--concurrency <n>', 'actions running at once', '4')
    .option('--no-assertions', 'skip assertions')
    .option('--json', 'print the report as JSON')
    .action(async (options: ReprocessCliOptions) => {
      const problem = checkRange(options.from, options.to, options.fullRefresh ?? false);
      if (problem) throw new UsageError(problem);
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, not "${options.concurrency}"`);
      const config = loadConfig();
      // The official client reads BIGQUERY_EMULATOR_HOST itself, as `pizzaflow dataform run` does.
      const bigquery = new BigQuery({ projectId: config.project, location: config.location });
      let report: ReprocessReport<RunReport>;
      const transform = localTransformRunner({
        bigquery,
        project: config.project,
        location: config.location,
        projectDir: options.projectDir,
        includeAssertions: options.assertions,
        concurrency,
        onEvent: options.json ? undefined : runProgress,
      });
      try {
        report = await reprocess({
          bigquery,
          project: config.project,
          location: config.location,
          transform,
          from: options.from,
          to: options.to,
          fullRefresh: options.fullRefresh,
          vars: parseVars(options.vars),
          onEvent: options.json ? undefined : progress,
        });
      } catch (e) {
        if (e instanceof DataformCompileError) throw new UsageError(e.message);
        if (!(e instanceof ReprocessError)) throw e;
        report = e.report as ReprocessReport<RunReport>;
        process.exitCode = 1;
      }
      process.stdout.write(options.json ? `${JSON.stringify({ ...report, run: { ...report.run, results: undefined } }, null, 2)}\n` : formatReprocessReport(report));
    });
}
