// The release tree `pizzaflow dataform publish` builds (pure functions): the project at the root, no
// node_modules, @dataform/core pinned at the repository lock's exact version in package.json (and a
// package-lock.json of that closure), no dataformCoreVersion, and the local defaultProject replaced by
// the placeholder the release configuration overrides.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildReleaseTree,
  isReleased,
  lockedCoreVersion,
  PublishError,
  RELEASE_DEFAULT_PROJECT,
  releaseCommitMessage,
  releasePackageJson,
  releasePackageLock,
  releaseWorkflowSettings,
  type ProjectSnapshot,
  type SourceFile,
} from '../../../tools/dataform/publish';

const rootPackageJson = readFileSync('package.json', 'utf8');
const rootPackageLock = readFileSync('package-lock.json', 'utf8');
const lockedVersion = (JSON.parse(rootPackageLock) as { packages: Record<string, { version: string }> }).packages['node_modules/@dataform/core'].version;

/** dataform/ as it is on disk, node_modules included when `npm install` has copied the core there. */
function projectOnDisk(dir = 'dataform', rel = ''): SourceFile[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === 'node_modules' ? [{ path: `${path}/@dataform/core/package.json`, content: Buffer.from('{}') }] : projectOnDisk(dir, path);
    return [{ path, content: readFileSync(join(dir, path)) }];
  });
}

const file = (path: string, text: string): SourceFile => ({ path, content: Buffer.from(text) });
const minimal = (overrides: Partial<Record<string, string>> = {}): ProjectSnapshot => ({
  files: Object.entries({ 'workflow_settings.yaml': 'defaultProject: pizzaflow-local\ndefaultDataset: staging\n', 'definitions/a.sqlx': 'config { type: "view" }\nselect 1', ...overrides })
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([p, t]) => file(p, t)),
  rootPackageJson,
  rootPackageLock,
});

describe('the release tree of dataform/', () => {
  const tree = buildReleaseTree({ files: projectOnDisk(), rootPackageJson, rootPackageLock });
  const paths = tree.files.map((f) => f.path);
  const text = (path: string) => tree.files.find((f) => f.path === path)!.content.toString('utf8');

  test('has the project at its root: settings, package files, definitions and includes, and nothing else', () => {
    expect(paths).toEqual(expect.arrayContaining(['workflow_settings.yaml', 'package.json', 'package-lock.json', 'includes/partitions.js', 'definitions/marts/dim_date.sqlx']));
    for (const p of paths) expect(p).toMatch(/^(workflow_settings\.yaml|package\.json|package-lock\.json|definitions\/.+|includes\/.+)$/);
    expect(paths.filter((p) => p.split('/').some((part) => part === 'node_modules' || part.startsWith('.')))).toEqual([]);
    expect(paths).toEqual([...paths].sort());
    expect(new Set(paths).size).toBe(paths.length);
    // Every definition and include of the project, byte for byte.
    for (const f of projectOnDisk().filter((f) => /^(definitions|includes)\//.test(f.path))) expect(text(f.path)).toBe(f.content.toString('utf8'));
  });

  test('pins @dataform/core at the exact version of the root lock, in package.json and package-lock.json', () => {
    expect(tree.coreVersion).toBe(lockedVersion);
    const pkg = JSON.parse(text('package.json')) as Record<string, unknown>;
    expect(pkg.dependencies).toEqual({ '@dataform/core': lockedVersion });
    expect(Object.keys(pkg).sort()).toEqual(['dependencies', 'description', 'name', 'private']);
    const lock = JSON.parse(text('package-lock.json')) as { lockfileVersion: number; packages: Record<string, { version?: string; integrity?: string; dependencies?: object }> };
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[''].dependencies).toEqual({ '@dataform/core': lockedVersion });
    expect(lock.packages['node_modules/@dataform/core'].version).toBe(lockedVersion);
    expect(lock.packages['node_modules/@dataform/core'].integrity).toMatch(/^sha512-/);
  });

  test('has no dataformCoreVersion, and the placeholder instead of the local defaultProject', () => {
    const settings = text('workflow_settings.yaml');
    expect(settings).not.toMatch(/^\s*dataformCoreVersion\s*:/m);
    expect(settings).not.toMatch(/pizzaflow-local/);
    expect(settings.match(/^defaultProject:.*$/gm)).toEqual([`defaultProject: ${RELEASE_DEFAULT_PROJECT} # the release configuration's codeCompilationConfig.defaultDatabase sets the project`]);
    // The rest of the file is the project's, line for line.
    const source = readFileSync('dataform/workflow_settings.yaml', 'utf8');
    expect(settings.split('\n').filter((l) => !l.startsWith('defaultProject:'))).toEqual(source.split('\n').filter((l) => !l.startsWith('defaultProject:')));
  });

  test('is the same for the same project (nothing in the files names the source)', () => {
    const again = buildReleaseTree({ files: projectOnDisk().reverse(), rootPackageJson, rootPackageLock });
    expect(again.files.map((f) => [f.path, f.content.toString('base64')])).toEqual(tree.files.map((f) => [f.path, f.content.toString('base64')]));
  });
});

test('isReleased keeps definitions, includes, the settings and package.json; never node_modules or dotfiles', () => {
  for (const p of ['workflow_settings.yaml', 'package.json', 'definitions/x.sqlx', 'definitions/a/b/c.js', 'includes/x.js']) expect(isReleased(p)).toBe(true);
  for (const p of ['node_modules/@dataform/core/package.json', 'definitions/node_modules/x.js', '.df-credentials.json', 'definitions/.gitkeep', '.gitignore', 'package-lock.json', 'README.md', 'notes/x.sqlx', '../x', 'definitions/../x'])
    expect(isReleased(p)).toBe(false);
});

test('lists the files it leaves out; the project lock is replaced by one built from the root lock', () => {
  const tree = buildReleaseTree(minimal({ 'README.md': 'hi', '.df-credentials.json': '{}', 'package-lock.json': '{"stale":true}', 'node_modules/x/index.js': '' }));
  expect(tree.files.map((f) => f.path)).toEqual(['definitions/a.sqlx', 'package-lock.json', 'package.json', 'workflow_settings.yaml']);
  expect(tree.skipped).toEqual(['.df-credentials.json', 'README.md', 'node_modules/x/index.js', 'package-lock.json']);
  expect(tree.files.find((f) => f.path === 'package-lock.json')!.content.toString()).not.toContain('stale');
});

test('refuses a project the release cannot compile the same way', () => {
  expect(() => buildReleaseTree(minimal({ 'workflow_settings.yaml': undefined }))).toThrow(/no workflow_settings\.yaml/);
  expect(() => buildReleaseTree(minimal({ 'definitions/a.sqlx': undefined }))).toThrow(/no definitions/);
  expect(() => buildReleaseTree(minimal({ 'workflow_settings.yaml': 'dataformCoreVersion: 3.0.0\ndefaultProject: x\n' }))).toThrow(/dataformCoreVersion/);
  expect(() => buildReleaseTree(minimal({ 'package.json': '{"dependencies":{"@dataform/core":"3.0.1"}}' }))).toThrow(/pins @dataform\/core "3\.0\.1", the repository locks/);
  expect(() => buildReleaseTree(minimal({ 'package.json': `{"dependencies":{"@dataform/core":"${lockedVersion}","left-pad":"^1.0.0"}}` }))).toThrow(/exact versions, not left-pad "\^1\.0\.0"/);
  expect(() => buildReleaseTree(minimal({ 'package.json': `{"dependencies":{"@dataform/core":"${lockedVersion}","left-pad":"1.3.0"}}` }))).toThrow(/does not lock left-pad/);
  expect(() => buildReleaseTree(minimal({ 'workflow_settings.yaml': 'dataformCoreVersion: 3.0.0\n' }))).toThrow(PublishError);
  expect(() => buildReleaseTree(minimal())).not.toThrow();
});

test('the core version comes from the lock, and the root package.json must pin that exact version', () => {
  const pkg = (v: string) => JSON.stringify({ dependencies: { '@dataform/core': v } });
  const lock = (v: string) => JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/@dataform/core': { version: v } } });
  expect(lockedCoreVersion(pkg('3.0.62'), lock('3.0.62'))).toBe('3.0.62');
  expect(() => lockedCoreVersion(pkg('^3.0.62'), lock('3.0.62'))).toThrow(/pins @dataform\/core "\^3\.0\.62", package-lock\.json locks 3\.0\.62/);
  expect(() => lockedCoreVersion(pkg('3.0.61'), lock('3.0.62'))).toThrow(/pin the exact version/);
  expect(() => lockedCoreVersion('{}', lock('3.0.62'))).toThrow(/has no @dataform\/core dependency/);
  expect(() => lockedCoreVersion(pkg('3.0.62'), JSON.stringify({ lockfileVersion: 3, packages: {} }))).toThrow(/locks no @dataform\/core/);
  expect(() => lockedCoreVersion(pkg('3.0.62'), JSON.stringify({ lockfileVersion: 1, dependencies: {} }))).toThrow(/no "packages"/);
});

test('workflow_settings.yaml: defaultProject is replaced where it is, or added when missing', () => {
  const placeholder = new RegExp(`^defaultProject: ${RELEASE_DEFAULT_PROJECT} #`, 'm');
  expect(releaseWorkflowSettings('# c\ndefaultProject: "pizzaflow-local"\nvars:\n  defaultProject: kept\n')).toMatch(/^# c\ndefaultProject: DEFAULT_DATABASE_FROM_RELEASE_CONFIG #.*\nvars:\n {2}defaultProject: kept\n$/);
  expect(releaseWorkflowSettings('defaultDataset: staging')).toMatch(placeholder);
  expect(releaseWorkflowSettings('defaultDataset: staging')).toMatch(/\ndefaultDataset: staging\n$/);
  // No Google Cloud project id can have capitals or underscores: a compile without the override cannot reach a real project.
  expect(RELEASE_DEFAULT_PROJECT).not.toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
});

test('package.json keeps only what an install needs: name and exact dependencies, no scripts', () => {
  const released = JSON.parse(releasePackageJson(JSON.stringify({ name: 'p', scripts: { postinstall: 'rm -rf /' }, devDependencies: { x: '1.0.0' }, dependencies: { b: '1.0.0' } }), '3.0.62')) as Record<string, unknown>;
  expect(released).toEqual({ name: 'p', private: true, description: expect.any(String), dependencies: { '@dataform/core': '3.0.62', b: '1.0.0' } });
  expect(Object.keys(released.dependencies as object)).toEqual(['@dataform/core', 'b']);
  expect(JSON.parse(releasePackageJson(undefined, '3.0.62'))).toMatchObject({ dependencies: { '@dataform/core': '3.0.62' } });
});

test('package-lock.json is the closure of the dependencies in the root lock, resolved the way node resolves them', () => {
  const root = JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { name: 'root' },
      'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: '^2.0.0', c: '1.0.0' }, optionalDependencies: { gone: '1.0.0' } },
      'node_modules/a/node_modules/b': { version: '2.0.0', integrity: 'sha512-b2', dev: true },
      'node_modules/b': { version: '1.0.0', integrity: 'sha512-b1' },
      'node_modules/c': { version: '1.0.0', integrity: 'sha512-c', peer: true },
      'node_modules/unrelated': { version: '9.9.9' },
    },
  });
  const lock = JSON.parse(releasePackageLock(JSON.stringify({ name: 'p', dependencies: { a: '1.0.0' } }), root)) as { packages: Record<string, object> };
  expect(lock.packages).toEqual({
    '': { name: 'p', dependencies: { a: '1.0.0' } },
    'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: '^2.0.0', c: '1.0.0' }, optionalDependencies: { gone: '1.0.0' } },
    'node_modules/a/node_modules/b': { version: '2.0.0', integrity: 'sha512-b2' },
    'node_modules/c': { version: '1.0.0', integrity: 'sha512-c' },
  });
  const linked = JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/w': { resolved: 'w', link: true } } });
  expect(() => releasePackageLock(JSON.stringify({ name: 'p', dependencies: { w: '1.0.0' } }), linked)).toThrow(/linked/);
});

test('the release commit message names the source commit, its tree and the project tree', () => {
  const message = releaseCommitMessage({ commit: 'a'.repeat(40), tree: 'b'.repeat(40), projectTree: 'c'.repeat(40) }, 'dataform', '3.0.62');
  expect(message).toMatch(/^Release dataform\/ from aaaaaaaaaaaa\n/);
  expect(message).toContain(`\nSource-Commit: ${'a'.repeat(40)}\nSource-Tree: ${'b'.repeat(40)}\nSource-Project-Tree: ${'c'.repeat(40)}\nDataform-Core: 3.0.62\n`);
});
