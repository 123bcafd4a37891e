// `pizzaflow dataform publish --out <dir>` writes the release tree, and the OFFICIAL CLI compiles it,
// offline, to the same graph as dataform/ itself: every action with the same target, type,
// dependencies and SQL. Nothing is installed from the network: as tools/dataform/install-core.ts
// does, the repository's pinned @dataform/core is copied into each folder's node_modules, and with no
// dataformCoreVersion in workflow_settings.yaml the CLI installs nothing. The release's placeholder
// defaultProject is overridden with --default-database, as a release configuration's
// codeCompilationConfig.defaultDatabase does.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { Command } from 'commander';
import { registerDataformCommand } from '../../../tools/cli/dataform-command';
import { compileProject, type CompiledGraph, type Target } from '../../../tools/dataform';
import { RELEASE_DEFAULT_PROJECT } from '../../../tools/dataform/publish';

const run = promisify(execFile);
const coreDir = dirname(require.resolve('@dataform/core/package.json'));
const coreVersion = (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> }).packages['node_modules/@dataform/core'].version;

/** Whitespace is not part of what a statement does. */
const sql = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim();
const sqls = (texts: string[] | undefined) => texts?.map((t) => sql(t));
const targetOf = (t: Target) => `${t.database ?? ''}.${t.schema}.${t.name}`;
const dependencies = (ts: Target[] | undefined) => (ts ?? []).map(targetOf).sort();

/** Each action by kind and full target: what it builds, from what, with which SQL. */
function actions(graph: CompiledGraph): Record<string, object> {
  const out: Record<string, object> = {};
  const add = (key: string, action: object) => {
    if (key in out) throw new Error(`two actions named ${key}`);
    out[key] = action;
  };
  for (const t of graph.tables ?? []) {
    add(`table ${targetOf(t.target)}`, {
      type: t.enumType ?? t.type,
      dependencies: dependencies(t.dependencyTargets),
      query: sql(t.query),
      incrementalQuery: sql(t.incrementalQuery),
      preOps: sqls(t.preOps),
      postOps: sqls(t.postOps),
      incrementalPreOps: sqls(t.incrementalPreOps),
      incrementalPostOps: sqls(t.incrementalPostOps),
      bigquery: t.bigquery,
      uniqueKey: t.uniqueKey,
      tags: t.tags,
      disabled: t.disabled ?? false,
    });
  }
  for (const a of graph.assertions ?? []) add(`assertion ${targetOf(a.target)}`, { dependencies: dependencies(a.dependencyTargets), query: sql(a.query), parentAction: a.parentAction && targetOf(a.parentAction), tags: a.tags, disabled: a.disabled ?? false });
  for (const o of graph.operations ?? []) add(`operation ${targetOf(o.target)}`, { dependencies: dependencies(o.dependencyTargets), queries: sqls(o.queries), hasOutput: o.hasOutput ?? false, tags: o.tags, disabled: o.disabled ?? false });
  for (const d of graph.declarations ?? []) add(`declaration ${targetOf(d.target)}`, {});
  return out;
}

/** `dataform compile <dir> --json` with the official CLI (node_modules/.bin/dataform is this bundle), offline. */
async function officialCompile(dir: string, ...flags: string[]): Promise<CompiledGraph> {
  const cli = join(dirname(require.resolve('@dataform/cli/package.json')), 'bundle.js');
  const { stdout } = await run(process.execPath, [cli, 'compile', dir, '--json', ...flags], { env: { ...process.env, npm_config_offline: 'true' }, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as CompiledGraph;
}

/** What install-core does: the repository's pinned core in the project's node_modules. */
function installCore(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '@dataform'), { recursive: true });
  cpSync(coreDir, join(dir, 'node_modules', '@dataform', 'core'), { recursive: true });
}

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => out.push(String(s)) > 0);
  try {
    const program = new Command().exitOverride();
    registerDataformCommand(program);
    await program.parseAsync(['node', 'pizzaflow', 'dataform', ...args]);
  } finally {
    so.mockRestore();
  }
  return out.join('');
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-publish-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('the published tree compiles with the official CLI, offline, to the same graph as dataform/', async () => {
  const out = join(tmp, 'release');
  const stdout = await cli('publish', '--out', out);
  expect(stdout).toMatch(new RegExp(`^wrote the release tree of dataform/ to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
  expect(stdout).toMatch(new RegExp(`^\\d+ files, @dataform/core ${coreVersion.replace(/\./g, '\\.')}:$`, 'm'));
  expect(stdout).toMatch(/^ {2}workflow_settings\.yaml +\d+ B {2}\(defaultProject: DEFAULT_DATABASE_FROM_RELEASE_CONFIG\)$/m);

  // The release: the project at the root, no node_modules, core pinned, no dataformCoreVersion.
  expect(readdirSync(out).sort()).toEqual(['definitions', 'includes', 'package-lock.json', 'package.json', 'workflow_settings.yaml']);
  expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { '@dataform/core': coreVersion } });
  const settings = readFileSync(join(out, 'workflow_settings.yaml'), 'utf8');
  expect(settings).not.toMatch(/^dataformCoreVersion/m);
  expect(settings).toMatch(new RegExp(`^defaultProject: ${RELEASE_DEFAULT_PROJECT} `, 'm'));

  // dataform/ compiled the same way: a copy with the pinned core (its own node_modules left out).
  const source = join(tmp, 'source');
  cpSync('dataform', source, { recursive: true, filter: (p) => !p.split(/[\\/]/).includes('node_modules') });
  installCore(source);
  installCore(out);
  const localProject = /^defaultProject:\s*(\S+)/m.exec(readFileSync('dataform/workflow_settings.yaml', 'utf8'))![1];
  const [sourceGraph, releaseGraph] = await Promise.all([officialCompile(source), officialCompile(out, `--default-database=${localProject}`)]);
  expect(sourceGraph.graphErrors?.compilationErrors ?? []).toEqual([]);
  expect(releaseGraph.graphErrors?.compilationErrors ?? []).toEqual([]);
  // The CLI installed nothing: the only package is the one copied in, and no lock appeared beside it.
  expect(readdirSync(join(out, 'node_modules'))).toEqual(['@dataform']);
  expect(readdirSync(join(out, 'node_modules', '@dataform'))).toEqual(['core']);
  expect(existsSync(join(source, 'package-lock.json'))).toBe(false);

  const expected = actions(sourceGraph);
  const released = actions(releaseGraph);
  // Not vacuous: models, assertions, operations and declarations, each model with its SQL.
  const kinds = new Set(Object.keys(expected).map((k) => k.split(' ')[0]));
  expect([...kinds].sort()).toEqual(['assertion', 'declaration', 'operation', 'table']);
  expect(Object.keys(expected)).toContain(`table ${localProject}.marts.fct_orders`);
  for (const t of sourceGraph.tables ?? []) expect({ table: t.target.name, query: Boolean(sql(t.query)) }).toEqual({ table: t.target.name, query: true });
  expect(Object.keys(released).sort()).toEqual(Object.keys(expected).sort());
  const differing = Object.keys(expected).filter((k) => !isDeepStrictEqual(released[k], expected[k]));
  expect(differing.map((k) => ({ action: k, release: released[k], source: expected[k] }))).toEqual([]);

  // Without the release config's override, every target names the placeholder, never the local project.
  const unset = compileProject(out);
  const databases = new Set([...(unset.tables ?? []), ...(unset.assertions ?? []), ...(unset.operations ?? []), ...(unset.declarations ?? [])].map((a) => a.target.database));
  expect([...databases]).toEqual([RELEASE_DEFAULT_PROJECT]);
}, 120_000);

test('--dry-run --out writes nothing; --out refuses a folder that is not empty', async () => {
  const dry = join(tmp, 'dry');
  expect(await cli('publish', '--out', dry, '--dry-run')).toMatch(/^dry run: would write the release tree of dataform\/ to .*; nothing written\n/);
  expect(existsSync(dry)).toBe(false);
  const full = join(tmp, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'keep.txt'), 'mine');
  await expect(cli('publish', '--out', full)).rejects.toThrow(/is not empty/);
  expect(readdirSync(full)).toEqual(['keep.txt']);
  await expect(cli('publish')).rejects.toThrow(/either --branch <name> .* or --out <dir>/);
});
