// `pizzaflow dataform publish --out <dir>` writes the release tree, and the OFFICIAL CLI compiles it,
// offline, to the same graph as dataform/ itself: every action with the same target, type,
// dependencies and SQL. Nothing is installed from the network: as tools/dataform/install-core.ts
// does, the repository's pinned @dataform/core is copied into each folder's node_modules, and with no
// dataformCoreVersion in workflow_settings.yaml the CLI installs nothing. The release's placeholder
// defaultProject is overridden with --default-database, as a release configuration's
// codeCompilationConfig.defaultDatabase does.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Command } from 'commander';
import { registerDataformCommand } from '../../../tools/cli/dataform-command';
import { compileProject } from '../../../tools/dataform';
import { RELEASE_DEFAULT_PROJECT } from '../../../tools/dataform/publish';
import { comparableActions, installPinnedCore, officialCompile } from '../../../tools/testing/dataform-graph';

const coreVersion = (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> }).packages['node_modules/@dataform/core'].version;

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
  installPinnedCore(source);
  installPinnedCore(out);
  const localProject = /^defaultProject:\s*(\S+)/m.exec(readFileSync('dataform/workflow_settings.yaml', 'utf8'))![1];
  const [sourceGraph, releaseGraph] = await Promise.all([officialCompile(source), officialCompile(out, `--default-database=${localProject}`)]);
  expect(sourceGraph.graphErrors?.compilationErrors ?? []).toEqual([]);
  expect(releaseGraph.graphErrors?.compilationErrors ?? []).toEqual([]);
  // The CLI installed nothing: the only package is the one copied in, and no lock appeared beside it.
  expect(readdirSync(join(out, 'node_modules'))).toEqual(['@dataform']);
  expect(readdirSync(join(out, 'node_modules', '@dataform'))).toEqual(['core']);
  expect(existsSync(join(source, 'package-lock.json'))).toBe(false);

  const expected = comparableActions(sourceGraph);
  const released = comparableActions(releaseGraph);
  // Not vacuous: models, assertions, operations and declarations, each model with its SQL.
  const kinds = new Set(Object.keys(expected).map((k) => k.split(' ')[0]));
  expect([...kinds].sort()).toEqual(['assertion', 'declaration', 'operation', 'table']);
  expect(Object.keys(expected)).toContain(`table ${localProject}.marts.fct_orders`);
  for (const t of sourceGraph.tables ?? []) expect({ table: t.target.name, query: Boolean(t.query?.trim()) }).toEqual({ table: t.target.name, query: true });
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
