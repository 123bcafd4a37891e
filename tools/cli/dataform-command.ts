// `pizzaflow dataform compile|run|publish`: compiles dataform/ in-process with @dataform/core and runs
// the graph on the BigQuery endpoint the environment names (BIGQUERY_EMULATOR_HOST locally, Google
// Cloud otherwise) through the official client; publish commits the project as a release branch whose
// root is the project (tools/dataform/publish.ts). Progress goes to stderr, the report to stdout.
import { BigQuery } from '@google-cloud/bigquery';
import type { Command } from 'commander';
import { loadConfig } from '../../functions/runtime/config';
import { formatBytes } from './format';
import { UsageError } from '../../functions/runtime/errors';
import { buildActions, compileProject, DataformCompileError, DataformGraphError, DataformRunError, runGraph, type ActionResult, type RunEvent, type RunReport } from '../dataform';
import { publish, PublishError, type PublishResult } from '../dataform/publish';

interface CommonOptions {
  projectDir: string;
  vars?: string;
  json?: boolean;
}

interface PublishCliOptions {
  projectDir: string;
  branch?: string;
  remote: string;
  dryRun?: boolean;
  out?: string;
}

interface RunCliOptions extends CommonOptions {
  fullRefresh?: boolean;
  actions?: string;
  tags?: string;
  dryRun?: boolean;
  concurrency: string;
  assertions: boolean;
}

/** `k=v,k2=v2` (the CLI's --vars) as a record. */
export function parseVars(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--vars expects key=value pairs separated by commas, not "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

const list = (text: string | undefined): string[] => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : []);

export function formatResult(r: ActionResult): string {
  const mark = r.status === 'succeeded' ? 'ok  ' : r.status === 'planned' ? 'plan' : r.status === 'skipped' ? 'skip' : 'FAIL';
  const rows = r.rows === null ? '' : `${r.rows} rows`;
  return `${mark} ${r.action.padEnd(52)} ${r.mode.padEnd(11)} ${rows.padStart(12)} ${formatBytes(r.bytesProcessed).padStart(10)} ${(r.durationMs / 1000).toFixed(1).padStart(6)} s`;
}

function progress(event: RunEvent): void {
  if (event.type === 'start') process.stderr.write(`running ${event.total} actions\n`);
  if (event.type === 'action-end') {
    process.stderr.write(`[${event.done}/${event.total}] ${formatResult(event.result)}\n`);
    if (event.result.error) process.stderr.write(`      ${event.result.error}\n`);
    if (event.result.sampleRows?.length) process.stderr.write(event.result.sampleRows.map((row) => `      ${JSON.stringify(row)}\n`).join(''));
  }
}

function printReport(report: RunReport, json: boolean | undefined, dryRun: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (dryRun) {
    for (const r of report.results) process.stdout.write(`-- ${r.action} (${r.mode})\n${r.sql};\n\n`);
    return;
  }
  const failed = report.results.filter((r) => r.status === 'failed').length;
  process.stdout.write(
    `${report.ok ? 'run succeeded' : 'run FAILED'}: ${report.results.length} actions, ${failed} failed, ${formatBytes(report.totalBytesProcessed)} processed, ${(report.durationMs / 1000).toFixed(1)} s (run ${report.runId})\n`,
  );
}

function compile(options: CommonOptions, project: string) {
  try {
    return compileProject(options.projectDir, { vars: parseVars(options.vars), defaultDatabase: project });
  } catch (e) {
    if (e instanceof DataformCompileError) throw new UsageError(e.message);
    throw e;
  }
}

const short = (id: string | undefined) => (id ? id.slice(0, 12) : '');

/** What `dataform publish` prints: where the release went, its source, its files and the push to run. */
export function formatPublishResult(r: PublishResult): string {
  const lines: string[] = [];
  const where = r.out ? r.out : `branch ${r.branch}`;
  switch (r.outcome) {
    case 'committed':
      lines.push(`published ${r.projectDir}/ to ${where}: commit ${r.commit} (tree ${r.treeId}${r.parent ? `, parent ${short(r.parent)}` : ', first release'})`);
      break;
    case 'unchanged':
      lines.push(`${where} is up to date: its tip ${r.commit} already has tree ${r.treeId}; no commit made`);
      break;
    case 'would-commit':
      lines.push(`dry run: would commit tree ${r.treeId} to ${where}${r.parent ? ` on top of ${short(r.parent)}` : ' as its first release'}; nothing written`);
      break;
    case 'written':
      lines.push(`wrote the release tree of ${r.projectDir}/ to ${where}`);
      break;
    case 'would-write':
      lines.push(`dry run: would write the release tree of ${r.projectDir}/ to ${where}; nothing written`);
      break;
  }
  if (r.source) lines.push(`source: commit ${r.source.commit} (tree ${r.source.tree}${r.source.projectTree ? `; ${r.projectDir}/ ${r.source.projectTree}` : ''})${r.uncommitted.length ? ' + uncommitted changes' : ''}`);
  lines.push(`${r.tree.files.length} files, @dataform/core ${r.tree.coreVersion}:`);
  for (const f of r.tree.files) lines.push(`  ${f.path.padEnd(64)} ${String(f.content.length).padStart(7)} B${f.note ? `  (${f.note})` : ''}`);
  if (r.tree.skipped.length) lines.push(`not published: ${r.tree.skipped.join(', ')}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.pushCommand && r.outcome !== 'would-commit') lines.push(`push it: ${r.pushCommand}`);
  return `${lines.join('\n')}\n`;
}

export function registerDataformCommand(program: Command): void {
  const dataform = program.command('dataform').description('compile the Dataform project, run it on BigQuery (the emulator when BIGQUERY_EMULATOR_HOST is set), publish it as a release branch');

  dataform
    .command('compile')
    .description('compile dataform/ with @dataform/core in-process and list its actions')
    .option('--project-dir <dir>', 'Dataform project folder', 'dataform')
    .option('--vars <k=v,...>', 'override workflow_settings.yaml vars')
    .option('--json', 'print the compiled graph as JSON')
    .action((options: CommonOptions) => {
      const config = loadConfig();
      const graph = compile(options, config.project);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(graph, null, 2)}\n`);
        return;
      }
      const actions = buildActions(graph);
      const lines = actions.map((a) => `${a.kind.padEnd(9)} ${a.key}${a.deps.length ? `  <- ${a.deps.join(', ')}` : ''}`);
      process.stdout.write(`${lines.join('\n')}\n${actions.length} actions, ${graph.declarations?.length ?? 0} declarations\n`);
    });

  dataform
    .command('publish')
    .description('commit dataform/ as a branch whose root is the Dataform project (what managed Dataform compiles); does not push')
    .option('--branch <name>', 'the release branch (the release configuration\'s gitCommitish), e.g. dataform-release')
    .option('--remote <name>', 'the remote the branch is pushed to (its copy of the branch is the parent of a first local release)', 'origin')
    .option('--out <dir>', 'write the release tree to this new or empty folder instead of a branch')
    .option('--dry-run', 'build the release and report it; write nothing')
    .option('--project-dir <dir>', 'Dataform project folder', 'dataform')
    .action((options: PublishCliOptions) => {
      let result: PublishResult;
      try {
        result = publish({ cwd: process.cwd(), projectDir: options.projectDir, branch: options.branch, out: options.out, remote: options.remote, dryRun: Boolean(options.dryRun) });
      } catch (e) {
        if (e instanceof PublishError) throw new UsageError(e.message);
        throw e;
      }
      process.stdout.write(formatPublishResult(result));
    });

  dataform
    .command('run')
    .description('run the graph in dependency order: tables, incremental tables, operations, assertions')
    .option('--project-dir <dir>', 'Dataform project folder', 'dataform')
    .option('--full-refresh', 'rebuild every incremental table from raw')
    .option('--vars <k=v,...>', 'override vars, e.g. backfill_from=2026-11-01,backfill_to=2026-11-07')
    .option('--actions <names>', 'only these actions (name or dataset.name, comma-separated) and their dependencies')
    .option('--tags <tags>', 'only actions with these tags and their dependencies')
    .option('--dry-run', 'print the SQL each action would send; send nothing')
    .option('--concurrency <n>', 'actions running at once', '4')
    .option('--no-assertions', 'skip assertions')
    .option('--json', 'print the run report as JSON')
    .action(async (options: RunCliOptions) => {
      const config = loadConfig();
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, not "${options.concurrency}"`);
      const graph = compile(options, config.project);
      // The official client reads BIGQUERY_EMULATOR_HOST (http://host:port, as `pizzaflow emulators` prints) itself.
      const bigquery = new BigQuery({ projectId: config.project, location: config.location });
      try {
        const report = await runGraph({
          bigquery,
          graph,
          project: config.project,
          location: config.location,
          fullRefresh: options.fullRefresh,
          selection: { actions: list(options.actions), tags: list(options.tags), includeAssertions: options.assertions },
          dryRun: options.dryRun,
          concurrency,
          onEvent: options.json || options.dryRun ? undefined : progress,
        });
        printReport(report, options.json, options.dryRun);
      } catch (e) {
        if (e instanceof DataformGraphError) throw new UsageError(e.message);
        if (!(e instanceof DataformRunError)) throw e;
        printReport(e.report, options.json, false);
        process.exitCode = 1;
      }
    });
}
