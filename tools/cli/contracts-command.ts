// `pizzaflow contracts check | release`: the compatibility gate over `contracts/released/`. `check`
// compares every contract's JSON Schema and every catalog table (columns, partitioning, clustering)
// with its last released snapshot and refuses a breaking change; `release` deliberately rewrites
// the snapshots from the current contracts. The comparison itself is in contracts/compat/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadCatalog } from '../../contracts/catalog';
import { compareSnapshots, currentSnapshots, parseSnapshot, renderSnapshot, subjectOf, type CompatReport, type Finding, type Snapshot } from '../../contracts/compat';
import { packageInfo } from '../../functions/runtime/package-info';

export function defaultReleasedDir(): string {
  return path.join(packageInfo().root, 'contracts', 'released');
}

/** The released snapshots in `dir` (every `*.json`); a missing folder holds none. */
export function readReleased(dir: string): Snapshot[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const snapshot = parseSnapshot(fs.readFileSync(path.join(dir, f), 'utf8'), f);
      if (`${subjectOf(snapshot)}.json` !== f) throw new Error(`${f}: holds ${subjectOf(snapshot)}; expected ${subjectOf(snapshot)}.json`);
      return snapshot;
    });
}

/** Checks the current contracts and tables against the snapshots released in `dir`. */
export function checkAgainstReleased(dir: string): CompatReport {
  return compareSnapshots(readReleased(dir), currentSnapshots(loadCatalog()));
}

export interface ReleaseResult {
  written: { file: string; change: 'new' | 'updated' }[];
  removed: string[];
  unchanged: number;
  /** The breaking findings this release accepted. */
  accepted: Finding[];
}

/** Rewrites `dir` from the current contracts: writes new and changed files, deletes files of subjects that are gone. */
export function release(dir: string): ReleaseResult {
  const released = readReleased(dir);
  const current = currentSnapshots(loadCatalog());
  const report = compareSnapshots(released, current);
  const before = new Map(released.map((s) => [subjectOf(s), renderSnapshot(s)]));
  const result: ReleaseResult = { written: [], removed: [], unchanged: 0, accepted: report.findings.filter((f) => f.breaking) };
  fs.mkdirSync(dir, { recursive: true });
  for (const snapshot of current) {
    const file = `${subjectOf(snapshot)}.json`;
    const text = renderSnapshot(snapshot);
    const old = before.get(subjectOf(snapshot));
    if (old === text) {
      result.unchanged += 1;
      continue;
    }
    fs.writeFileSync(path.join(dir, file), text);
    result.written.push({ file, change: old === undefined ? 'new' : 'updated' });
  }
  const keep = new Set(current.map(subjectOf));
  for (const snapshot of released) {
    if (keep.has(subjectOf(snapshot))) continue;
    const file = `${subjectOf(snapshot)}.json`;
    fs.rmSync(path.join(dir, file));
    result.removed.push(file);
  }
  return result;
}

export function formatFinding(f: Finding): string {
  const label = f.breaking ? 'BREAKING' : 'NEW     ';
  const head = `${label} ${f.subject} ${f.path}: ${f.message} [${f.rule}]`;
  return f.breaking ? `${head}\n         fix: ${f.fix}` : head;
}

export function formatReport(report: CompatReport, dir: string): string {
  const lines: string[] = [];
  const total = report.broken.length + report.added.length + report.changedCompatibly.length + report.unchanged.length;
  lines.push(`contracts check: ${total} contracts and tables against ${dir}`);
  for (const f of report.findings) lines.push(formatFinding(f));
  if (report.changedCompatibly.length > 0) lines.push(`compatible changes (release to record them): ${report.changedCompatibly.join(', ')}`);
  const breaking = report.findings.filter((f) => f.breaking).length;
  lines.push(
    `summary: ${breaking} breaking finding${breaking === 1 ? '' : 's'} in ${report.broken.length} subject${report.broken.length === 1 ? '' : 's'}, ` +
      `${report.added.length} new, ${report.changedCompatibly.length} changed compatibly, ${report.unchanged.length} unchanged`,
  );
  if (breaking > 0) lines.push('refused: make the change additive (see each fix), or release a new version deliberately with `pizzaflow contracts release`');
  else if (report.added.length + report.changedCompatibly.length > 0) lines.push('ok: no breaking change; `pizzaflow contracts release` records the new and changed ones');
  else lines.push('ok: no breaking change');
  return lines.join('\n') + '\n';
}

export function formatRelease(result: ReleaseResult, dir: string): string {
  const lines: string[] = [`contracts release: ${dir}`];
  for (const f of result.accepted) lines.push(`accepted breaking change: ${f.subject} ${f.path}: ${f.message} [${f.rule}]`);
  for (const w of result.written) lines.push(`${w.change === 'new' ? 'new    ' : 'updated'} ${w.file}`);
  for (const file of result.removed) lines.push(`removed ${file}`);
  lines.push(`${result.written.filter((w) => w.change === 'new').length} new, ${result.written.filter((w) => w.change === 'updated').length} updated, ${result.removed.length} removed, ${result.unchanged} unchanged`);
  return lines.join('\n') + '\n';
}

export function registerContractsCommand(program: Command): void {
  const contracts = program.command('contracts').description('the compatibility gate: compare contracts and raw tables with their released snapshots');
  contracts
    .command('check')
    .description('refuse breaking changes to contracts and catalog tables since the last release (exit 1 when any)')
    .option('--released <dir>', 'folder of released snapshots', defaultReleasedDir())
    .action((options: { released: string }) => {
      const dir = path.resolve(options.released);
      const report = checkAgainstReleased(dir);
      process.stdout.write(formatReport(report, path.relative(process.cwd(), dir) || '.'));
      if (report.findings.some((f) => f.breaking)) process.exitCode = 1;
    });
  contracts
    .command('release')
    .description('deliberately rewrite the released snapshots from the current contracts and tables')
    .option('--released <dir>', 'folder of released snapshots', defaultReleasedDir())
    .action((options: { released: string }) => {
      const dir = path.resolve(options.released);
      process.stdout.write(formatRelease(release(dir), path.relative(process.cwd(), dir) || '.'));
    });
}
