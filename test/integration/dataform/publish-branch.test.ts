// `pizzaflow dataform publish --branch` in a throwaway git repository holding a copy of dataform/:
// the release commit's tree has the project at its root, HEAD, the index and the working tree are
// untouched (uncommitted changes elsewhere included), publishing an unchanged project makes NO new
// commit, a changed one makes a commit on top of the previous release, and --dry-run writes nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPublishResult } from '../../../tools/cli/dataform-command';
import { publish, PublishError, RELEASE_DEFAULT_PROJECT, type PublishOptions } from '../../../tools/dataform/publish';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> };
const coreEntry = lock.packages['node_modules/@dataform/core'];
const BRANCH = 'dataform-release';

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const options = (overrides: Partial<PublishOptions> = {}): PublishOptions => ({ cwd: repo, projectDir: 'dataform', branch: BRANCH, remote: 'origin', dryRun: false, ...overrides });
const exists = (rev: string) => {
  try {
    git('cat-file', '-e', rev);
    return true;
  } catch {
    return false;
  }
};

/** Everything publishing must not change: HEAD, the index (byte for byte), the working tree. */
function userState() {
  return {
    head: git('symbolic-ref', 'HEAD'),
    headCommit: git('rev-parse', 'HEAD'),
    index: readFileSync(join(repo, '.git', 'index')).toString('base64'),
    staged: git('diff', '--cached'),
    unstaged: git('diff'),
    status: git('status', '--porcelain=v1', '--untracked-files=all'),
    files: ['README.md', 'notes.txt', 'scratch.txt', 'dataform/workflow_settings.yaml', 'dataform/package.json'].map((f) => readFileSync(join(repo, f), 'utf8')),
  };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'pizzaflow-publish-branch-'));
  git('init', '-q', '-b', 'main');
  for (const [k, v] of Object.entries({ 'user.name': 'Release Test', 'user.email': 'release@test.invalid', 'commit.gpgsign': 'false', 'core.autocrlf': 'false' })) git('config', k, v);
  cpSync('dataform', join(repo, 'dataform'), { recursive: true, filter: (p) => !p.split(/[\\/]/).includes('node_modules') });
  // A minimal repository root: the package files pinning @dataform/core, as the real one does.
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ name: 'pizzaflow', private: true, dependencies: { '@dataform/core': coreEntry.version } }, null, 2)}\n`);
  writeFileSync(join(repo, 'package-lock.json'), `${JSON.stringify({ name: 'pizzaflow', lockfileVersion: 3, requires: true, packages: { '': { name: 'pizzaflow' }, 'node_modules/@dataform/core': coreEntry } }, null, 2)}\n`);
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  writeFileSync(join(repo, 'README.md'), 'pizzaflow\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'the project');
  // The user's work in progress outside dataform/: an unstaged edit, a staged file, an untracked file.
  writeFileSync(join(repo, 'README.md'), 'pizzaflow, edited\n');
  writeFileSync(join(repo, 'notes.txt'), 'staged\n');
  git('add', 'notes.txt');
  writeFileSync(join(repo, 'scratch.txt'), 'untracked\n');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

test('publishes the project at the root of a branch, leaving HEAD, the index and the working tree alone; an unchanged project makes no commit', () => {
  const before = userState();
  const source = git('rev-parse', 'HEAD');

  // A dry run reports the exact tree and writes no object, no ref.
  const dry = publish(options({ dryRun: true }));
  expect(dry).toMatchObject({ outcome: 'would-commit', branch: BRANCH, parent: undefined });
  expect(dry.treeId).toMatch(/^[0-9a-f]{40}$/);
  expect(exists(dry.treeId!)).toBe(false);
  expect(git('branch', '--list', BRANCH)).toBe('');
  expect(formatPublishResult(dry)).toMatch(/^dry run: would commit tree [0-9a-f]{40} to branch dataform-release as its first release; nothing written\n/);

  const first = publish(options());
  expect(first.outcome).toBe('committed');
  expect(git('rev-parse', `refs/heads/${BRANCH}`)).toBe(first.commit);
  expect(git('rev-parse', `${first.commit}^{tree}`)).toBe(dry.treeId);
  expect(git('rev-list', '--parents', '-n', '1', first.commit!)).toBe(first.commit); // a root commit

  // The project at the root of the tree; definitions/ and includes/ are dataform/'s very trees.
  expect(git('ls-tree', '--name-only', first.commit!).split('\n')).toEqual(['definitions', 'includes', 'package-lock.json', 'package.json', 'workflow_settings.yaml']);
  expect(git('rev-parse', `${first.commit}:definitions`)).toBe(git('rev-parse', 'HEAD:dataform/definitions'));
  expect(git('rev-parse', `${first.commit}:includes`)).toBe(git('rev-parse', 'HEAD:dataform/includes'));
  expect(git('ls-tree', '-r', '--name-only', first.commit!).split('\n').filter((p) => /(^|\/)(node_modules|\.)/.test(p))).toEqual([]);
  expect(JSON.parse(git('show', `${first.commit}:package.json`))).toMatchObject({ dependencies: { '@dataform/core': coreEntry.version } });
  const settings = git('show', `${first.commit}:workflow_settings.yaml`);
  expect(settings).toMatch(new RegExp(`^defaultProject: ${RELEASE_DEFAULT_PROJECT} `, 'm'));
  expect(settings).not.toMatch(/^dataformCoreVersion/m);
  // The message names the source commit and its tree.
  const message = git('log', '-1', '--format=%B', first.commit!);
  expect(message).toContain(`Source-Commit: ${source}`);
  expect(message).toContain(`Source-Tree: ${git('rev-parse', 'HEAD^{tree}')}`);
  expect(message).toContain(`Source-Project-Tree: ${git('rev-parse', 'HEAD:dataform')}`);

  const printed = formatPublishResult(first);
  expect(printed).toMatch(new RegExp(`^published dataform/ to branch ${BRANCH}: commit ${first.commit} \\(tree ${dry.treeId}, first release\\)\n`));
  expect(printed).toContain(`source: commit ${source} `);
  expect(printed).toMatch(/^ {2}definitions\/marts\/fct_orders\.sqlx +\d+ B$/m);
  expect(printed).toContain('warning: no remote named origin');
  expect(printed).toMatch(/\npush it: git push origin dataform-release\n$/);

  // Publishing again with no change: no new commit, the branch stays where it was.
  const second = publish(options());
  expect(second).toMatchObject({ outcome: 'unchanged', commit: first.commit, treeId: dry.treeId });
  expect(git('rev-parse', `refs/heads/${BRANCH}`)).toBe(first.commit);
  expect(git('rev-list', '--count', BRANCH)).toBe('1');
  expect(formatPublishResult(second)).toMatch(/^branch dataform-release is up to date: its tip [0-9a-f]{40} already has tree [0-9a-f]{40}; no commit made\n/);

  expect(userState()).toEqual(before);
});

test('a changed project is released on top of the previous release', () => {
  const previous = git('rev-parse', `refs/heads/${BRANCH}`);
  const file = join(repo, 'dataform', 'definitions', 'marts', 'dim_date.sqlx');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- changed\n`);
  git('commit', '-q', '-m', 'change dim_date', '--', 'dataform/definitions/marts/dim_date.sqlx'); // the staged notes.txt stays staged
  const before = userState();

  const result = publish(options());
  expect(result).toMatchObject({ outcome: 'committed', parent: previous });
  expect(git('rev-parse', `${result.commit}^`)).toBe(previous);
  expect(git('show', `${result.commit}:definitions/marts/dim_date.sqlx`)).toMatch(/-- changed$/);
  expect(git('log', '-1', '--format=%B', result.commit!)).toContain(`Source-Commit: ${git('rev-parse', 'HEAD')}`);
  expect(git('diff', '--name-only', previous, result.commit!)).toBe('definitions/marts/dim_date.sqlx');
  expect(userState()).toEqual(before);
});

test('a first local release builds on the remote\'s copy of the branch', () => {
  const tip = git('rev-parse', `refs/heads/${BRANCH}`);
  git('update-ref', `refs/remotes/origin/${BRANCH}`, tip);
  git('update-ref', '-d', `refs/heads/${BRANCH}`);
  // Same project: no commit; the local branch is created at the remote's tip.
  expect(publish(options())).toMatchObject({ outcome: 'unchanged', commit: tip });
  expect(git('rev-parse', `refs/heads/${BRANCH}`)).toBe(tip);
});

test('refuses what would change the user\'s checkout or misname the source', () => {
  const tip = git('rev-parse', `refs/heads/${BRANCH}`);
  expect(() => publish(options({ branch: 'main' }))).toThrow(/branch main is checked out/);
  expect(() => publish(options({ branch: 'a..b' }))).toThrow(/not a valid branch name/);
  expect(() => publish(options({ out: join(repo, 'out') }))).toThrow(PublishError);

  const file = join(repo, 'dataform', 'includes', 'business.js');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, `${original}// work in progress\n`);
  try {
    expect(() => publish(options())).toThrow(/uncommitted changes in the project[\s\S]*M dataform\/includes\/business\.js/);
    expect(() => publish(options({ dryRun: true }))).toThrow(/uncommitted changes/);
  } finally {
    writeFileSync(file, original);
  }
  writeFileSync(join(repo, 'dataform', 'definitions', 'new.sqlx'), 'select 1');
  try {
    expect(() => publish(options())).toThrow(/\?\? dataform\/definitions\/new\.sqlx/);
  } finally {
    rmSync(join(repo, 'dataform', 'definitions', 'new.sqlx'));
  }
  expect(git('rev-parse', `refs/heads/${BRANCH}`)).toBe(tip);
  expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
});
