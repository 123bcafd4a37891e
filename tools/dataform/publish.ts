// `pizzaflow dataform publish`: releases the Dataform project (dataform/) as a git branch whose ROOT
// is the project, because managed Dataform compiles the root of a branch and does not support a
// project in a subfolder (dataform-co/dataform#2028). The release config's gitCommitish names that
// branch (infra: pizzaflow:dataformGitBranch).
//
// What the released tree holds, and why:
// - workflow_settings.yaml, definitions/** and includes/**, byte for byte; nothing else of dataform/
//   (no node_modules, no dotfiles; other files are listed as "not published").
// - package.json pinning @dataform/core at the exact version of the repository's package-lock.json
//   (what local compiles and tests use), and package-lock.json for that closure copied from the root
//   lock with its integrity hashes: managed Dataform installs the packages package.json names, so no
//   dataformCoreVersion may appear in workflow_settings.yaml (publishing refuses it), and the CLI
//   never installs anything at compile time. Other package.json fields (scripts, devDependencies)
//   are dropped: an install runs nothing of ours.
// - defaultProject: dataform/workflow_settings.yaml names the local emulator project
//   (pizzaflow-local). The released copy always carries RELEASE_DEFAULT_PROJECT instead, whatever the
//   source says, so one release branch serves every environment: each release configuration's
//   codeCompilationConfig.defaultDatabase sets the real project (infra sets it to the stack's
//   project). The placeholder has capitals and underscores, which no Google Cloud project id can
//   have, so a compilation that forgets the override fails on an invalid project instead of reading
//   or writing someone else's. Everything else in the file (location, datasets, vars) is kept: the
//   release configuration overrides what it must.
// - The files hold nothing about the source commit, so publishing an unchanged project yields the
//   same tree, and then NO commit is made: the branch tip stays (its history moves only when the
//   released project changes). Each release commit's message names the source commit and its tree.
//
// How it is committed: the blobs are written with `git hash-object -w`, the tree is built in a
// temporary index (GIT_INDEX_FILE) and `git write-tree`, the commit by `git commit-tree` whose parent
// is the branch's tip (or, when there is no local branch yet, <remote>/<branch>, so the push is a
// fast-forward), and the branch moves with `git update-ref` from its old value. HEAD, the index and
// the working tree are never touched; a branch checked out in a worktree is refused. The project is
// read from the working tree (the files git sees: tracked and untracked-not-ignored), so publishing to
// a branch refuses uncommitted changes in the project or the root package files; --out writes the
// tree to a folder instead and only notes them. --dry-run builds the same objects in a throwaway
// object directory (the repository's objects as an alternate): it reports the exact tree and whether
// a commit would be made, and writes nothing. Nothing is pushed: the command prints the push.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Stands for the Google Cloud project in the released workflow_settings.yaml; the release config overrides it. */
export const RELEASE_DEFAULT_PROJECT = 'DEFAULT_DATABASE_FROM_RELEASE_CONFIG';
const CORE = '@dataform/core';
const TOP_FILES = ['workflow_settings.yaml', 'package.json'];
const TOP_DIRS = ['definitions', 'includes'];
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/** A file of the project folder, its path relative to the folder with `/` separators. */
export interface SourceFile {
  path: string;
  content: Buffer;
}

export interface ProjectSnapshot {
  files: SourceFile[];
  /** The repository's package.json and package-lock.json (text). */
  rootPackageJson: string;
  rootPackageLock: string;
}

export interface ReleaseFile {
  path: string;
  content: Buffer;
  /** How it differs from the project's file, when it does. */
  note?: string;
}

export interface ReleaseTree {
  /** Sorted by path; workflow_settings.yaml at the root. */
  files: ReleaseFile[];
  /** Project files that are not part of the release. */
  skipped: string[];
  coreVersion: string;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}
interface PackageLock {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}
interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new PublishError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Whether a project file belongs in the release: the settings, package.json, definitions/ and includes/; never node_modules or dotfiles. */
export function isReleased(path: string): boolean {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p === 'node_modules' || p.startsWith('.'))) return false;
  return parts.length === 1 ? TOP_FILES.includes(parts[0]) : TOP_DIRS.includes(parts[0]);
}

/** The exact @dataform/core version the repository locks; its package.json must pin that same version. */
export function lockedCoreVersion(rootPackageJson: string, rootPackageLock: string): string {
  const lock = parseJson<PackageLock>(rootPackageLock, 'package-lock.json');
  if (!lock.packages) throw new PublishError(`package-lock.json (lockfileVersion ${lock.lockfileVersion ?? '?'}) has no "packages": run npm install with npm >= 7`);
  const locked = lock.packages[`node_modules/${CORE}`]?.version;
  if (!locked) throw new PublishError(`package-lock.json locks no ${CORE}: run npm install`);
  const declared = parseJson<PackageJson>(rootPackageJson, 'package.json').dependencies?.[CORE];
  if (declared !== locked) {
    throw new PublishError(`package.json ${declared === undefined ? `has no ${CORE} dependency` : `pins ${CORE} "${declared}"`}, package-lock.json locks ${locked}: pin the exact version and run npm install`);
  }
  return locked;
}

/** The released workflow_settings.yaml: defaultProject becomes the placeholder; dataformCoreVersion is refused. */
export function releaseWorkflowSettings(text: string): string {
  if (/^dataformCoreVersion[ \t]*:/m.test(text)) {
    throw new PublishError(`workflow_settings.yaml sets dataformCoreVersion: the CLI would install ${CORE} at compile time; pin it in package.json instead`);
  }
  const line = `defaultProject: ${RELEASE_DEFAULT_PROJECT} # the release configuration's codeCompilationConfig.defaultDatabase sets the project`;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const existing = /^defaultProject[ \t]*:.*$/m;
  return existing.test(body) ? body.replace(existing, line) : `${line}\n${body}`;
}

/** The released package.json: the project's exact dependencies, with @dataform/core at the locked version; nothing runnable. */
export function releasePackageJson(projectPackageJson: string | undefined, coreVersion: string): string {
  const pkg = projectPackageJson === undefined ? {} : parseJson<PackageJson>(projectPackageJson, 'the project package.json');
  const dependencies: Record<string, string> = { ...(pkg.dependencies ?? {}) };
  const declared = dependencies[CORE];
  if (declared !== undefined && declared !== coreVersion) {
    throw new PublishError(`the project's package.json pins ${CORE} "${declared}", the repository locks ${coreVersion}: keep them equal`);
  }
  dependencies[CORE] = coreVersion;
  const loose = Object.entries(dependencies).filter(([, v]) => !EXACT_VERSION.test(v));
  if (loose.length > 0) throw new PublishError(`the project's package.json must pin exact versions, not ${loose.map(([n, v]) => `${n} "${v}"`).join(', ')}`);
  const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const released = {
    name: pkg.name ?? 'dataform-project',
    private: true,
    description: `Released by \`pizzaflow dataform publish\`: managed Dataform installs these exact versions (${CORE} as locked by the pizzaflow repository).`,
    dependencies: sorted,
  };
  return `${JSON.stringify(released, null, 2)}\n`;
}

/** Where node would find `name` required from the package at lock path `from` ('' is the root), in the root lock. */
function resolveInLock(packages: Record<string, LockEntry>, name: string, from: string): string | undefined {
  let base = from;
  for (;;) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[path]) return path;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/** A package-lock.json for the released package.json: the closure of its dependencies, entries (integrity included) copied from the root lock. */
export function releasePackageLock(releasedPackageJson: string, rootPackageLock: string): string {
  const pkg = parseJson<Required<PackageJson>>(releasedPackageJson, 'the released package.json');
  const packages = parseJson<PackageLock>(rootPackageLock, 'package-lock.json').packages ?? {};
  const out: Record<string, LockEntry> = { '': { name: pkg.name, dependencies: pkg.dependencies } };
  const visit = (deps: Record<string, string> | undefined, from: string, optional: boolean) => {
    for (const name of Object.keys(deps ?? {})) {
      const path = resolveInLock(packages, name, from);
      if (!path) {
        if (optional) continue;
        throw new PublishError(`package-lock.json does not lock ${name} (needed by ${from || 'the project'}): add it to the repository's dependencies and run npm install`);
      }
      if (out[path]) continue;
      const entry = packages[path];
      if (entry.link) throw new PublishError(`${name} is a linked (workspace) package in package-lock.json: it cannot be released`);
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
      out[path] = kept;
      visit(entry.dependencies, path, false);
      visit(entry.optionalDependencies, path, true);
    }
  };
  visit(pkg.dependencies, '', false);
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ name: pkg.name, lockfileVersion: 3, requires: true, packages: sorted }, null, 2)}\n`;
}

/** The release tree of a project snapshot (pure). */
export function buildReleaseTree(snapshot: ProjectSnapshot): ReleaseTree {
  const coreVersion = lockedCoreVersion(snapshot.rootPackageJson, snapshot.rootPackageLock);
  const byPath = new Map(snapshot.files.map((f) => [f.path, f.content]));
  const settings = byPath.get('workflow_settings.yaml');
  if (!settings) throw new PublishError('the project has no workflow_settings.yaml');
  const packageJson = releasePackageJson(byPath.get('package.json')?.toString('utf8'), coreVersion);
  const files: ReleaseFile[] = [
    { path: 'workflow_settings.yaml', content: Buffer.from(releaseWorkflowSettings(settings.toString('utf8'))), note: `defaultProject: ${RELEASE_DEFAULT_PROJECT}` },
    { path: 'package.json', content: Buffer.from(packageJson), note: `${CORE} ${coreVersion}` },
    { path: 'package-lock.json', content: Buffer.from(releasePackageLock(packageJson, snapshot.rootPackageLock)), note: 'from the repository lock' },
  ];
  const skipped: string[] = [];
  for (const f of snapshot.files) {
    if (TOP_FILES.includes(f.path)) continue;
    if (isReleased(f.path)) files.push({ path: f.path, content: f.content });
    else skipped.push(f.path);
  }
  if (!files.some((f) => f.path.startsWith('definitions/'))) throw new PublishError('the project has no definitions/');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped: skipped.sort(), coreVersion };
}

export interface SourceRevision {
  commit: string;
  /** The source commit's tree, and the project folder's tree in it (when committed). */
  tree: string;
  projectTree?: string;
}

/** The release commit's message: the source commit and its tree, as trailers. */
export function releaseCommitMessage(source: SourceRevision, projectDir: string, coreVersion: string): string {
  return [
    `Release ${projectDir}/ from ${source.commit.slice(0, 12)}`,
    '',
    `Built by \`pizzaflow dataform publish\`: the Dataform project at the root of the tree, ${CORE} ${coreVersion} pinned in package.json.`,
    '',
    `Source-Commit: ${source.commit}`,
    `Source-Tree: ${source.tree}`,
    ...(source.projectTree ? [`Source-Project-Tree: ${source.projectTree}`] : []),
    `Dataform-Core: ${coreVersion}`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The git adapter: plumbing commands only, run in the repository's top folder.

export class Git {
  constructor(
    readonly root: string,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  /** The repository holding `dir`, or undefined outside one. */
  static at(dir: string): Git | undefined {
    try {
      const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return root ? new Git(root) : undefined;
    } catch {
      return undefined;
    }
  }

  with(env: NodeJS.ProcessEnv): Git {
    return new Git(this.root, { ...this.env, ...env });
  }

  run(args: string[], input?: string | Buffer): string {
    try {
      // No optional locks: `git status` must not refresh (rewrite) the user's index.
      return execFileSync('git', args, { cwd: this.root, input, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', ...this.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
      throw new PublishError(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    }
  }

  /** The object a revision names, or undefined when it does not exist. */
  resolve(rev: string): string | undefined {
    try {
      return this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', rev]).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Files git sees under `dir` (tracked, and untracked unless ignored), relative to the root. */
  listFiles(dir: string): string[] {
    return this.run(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', dir])
      .split('\0')
      .filter(Boolean);
  }

  /** `git status` lines for these paths: uncommitted changes, untracked files included. */
  changes(paths: string[]): string[] {
    return this.run(['status', '--porcelain=v1', '--untracked-files=all', '--', ...paths])
      .split('\n')
      .filter(Boolean);
  }

  /** Branches checked out in any worktree of the repository (full ref names). */
  checkedOutBranches(): string[] {
    return this.run(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((l) => l.startsWith('branch '))
      .map((l) => l.slice('branch '.length));
  }

  remotes(): string[] {
    return this.run(['remote']).split('\n').filter(Boolean);
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    try {
      this.run(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** The repository's object directory (absolute). */
  objectDirectory(): string {
    return resolve(this.root, this.run(['rev-parse', '--git-path', 'objects']).trim());
  }

  /** Writes the files as blobs and a tree (through a temporary index) and returns the tree id. */
  writeTree(files: readonly ReleaseFile[]): string {
    const scratch = mkdtempSync(join(tmpdir(), 'pizzaflow-publish-'));
    try {
      const paths = files.map((f, i) => {
        const p = join(scratch, `blob-${i}`);
        writeFileSync(p, f.content);
        return p;
      });
      // --no-filters: the bytes as they are, whatever .gitattributes says.
      const blobs = this.run(['hash-object', '-w', '--no-filters', '--stdin-paths'], `${paths.join('\n')}\n`).trim().split('\n');
      if (blobs.length !== files.length) throw new PublishError(`git hash-object returned ${blobs.length} ids for ${files.length} files`);
      const index = this.with({ GIT_INDEX_FILE: join(scratch, 'index') });
      index.run(['update-index', '-z', '--add', '--index-info'], files.map((f, i) => `100644 ${blobs[i]}\t${f.path}\0`).join(''));
      return index.run(['write-tree']).trim();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  commitTree(tree: string, parent: string | undefined, message: string): string {
    return this.run(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'], message).trim();
  }

  /** Moves (or creates, when `old` is undefined) the ref, only if it still points at `old`. */
  updateRef(ref: string, commit: string, old: string | undefined, reason: string): void {
    this.run(['update-ref', '-m', reason, ref, commit, old ?? '']);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the project and publishing it.

export interface PublishOptions {
  /** Where the command runs; the repository (or, outside git, this folder) holds package.json and package-lock.json. */
  cwd: string;
  /** The Dataform project folder, relative to cwd. */
  projectDir: string;
  /** Commit the release to this branch of the repository... */
  branch?: string;
  /** ...or write it to this folder (which must not exist or be empty). */
  out?: string;
  /** The remote the branch is pushed to: its remote-tracking branch is the parent when there is no local branch. */
  remote: string;
  dryRun: boolean;
}

export type PublishOutcome = 'committed' | 'unchanged' | 'would-commit' | 'written' | 'would-write';

export interface PublishResult {
  outcome: PublishOutcome;
  projectDir: string;
  tree: ReleaseTree;
  /** The source commit, when the project is in a git repository with commits. */
  source?: SourceRevision;
  /** Uncommitted changes in the project or the root package files (only --out publishes with them). */
  uncommitted: string[];
  branch?: string;
  /** The release tree and commit (the branch tip when unchanged; none for a dry run or --out). */
  treeId?: string;
  commit?: string;
  parent?: string;
  out?: string;
  pushCommand?: string;
  warnings: string[];
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

function readProjectFiles(projectAbs: string, git: Git | undefined): SourceFile[] {
  let paths: string[];
  if (git) {
    const prefix = posix(relative(git.root, projectAbs));
    paths = git
      .listFiles(prefix)
      .map((p) => p.slice(prefix.length + 1))
      .filter((p) => existsSync(join(projectAbs, p)));
  } else {
    const walk = (dir: string): string[] =>
      readdirSync(join(projectAbs, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        return e.isDirectory() ? (e.name === 'node_modules' || e.name.startsWith('.') ? [] : walk(rel)) : [rel];
      });
    paths = walk('');
  }
  return [...new Set(paths)].sort().map((path) => {
    // Files that are not released are listed, not read.
    if (!isReleased(path)) return { path, content: Buffer.alloc(0) };
    const abs = join(projectAbs, path);
    const stat = lstatSync(abs);
    if (!stat.isFile()) throw new PublishError(`${path} in the project is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: managed Dataform compiles regular files only`);
    return { path, content: readFileSync(abs) };
  });
}

function readRootFile(root: string, name: string): string {
  const file = join(root, name);
  if (!existsSync(file)) throw new PublishError(`${file} not found: the repository's ${name} pins ${CORE}`);
  return readFileSync(file, 'utf8');
}

function writeOut(files: readonly ReleaseFile[], out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) throw new PublishError(`${out} is not empty: --out writes into a new or empty folder`);
  for (const f of files) {
    const target = join(out, ...f.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
}

/** Builds the release tree of the project and commits it to a branch (or writes it to a folder). */
export function publish(options: PublishOptions): PublishResult {
  if (Boolean(options.branch) === Boolean(options.out)) throw new PublishError('give either --branch <name> (commit the release) or --out <dir> (write it to a folder)');
  const cwd = resolve(options.cwd);
  const projectAbs = resolve(cwd, options.projectDir);
  if (!existsSync(join(projectAbs, 'workflow_settings.yaml'))) throw new PublishError(`${projectAbs} has no workflow_settings.yaml: not a Dataform project`);
  const git = Git.at(projectAbs);
  if (options.branch && !git) throw new PublishError(`${projectAbs} is not in a git repository: use --out <dir>`);
  const root = git?.root ?? cwd;
  const projectRel = posix(relative(root, projectAbs)) || '.';
  if (projectRel === '.' || projectRel.startsWith('../')) throw new PublishError(`the project folder must be a subfolder of ${root}`);

  const head = git?.resolve('HEAD^{commit}');
  const source: SourceRevision | undefined =
    git && head ? { commit: head, tree: git.resolve(`${head}^{tree}`) ?? '', projectTree: git.resolve(`${head}:${projectRel}`) } : undefined;
  const uncommitted = git ? git.changes([projectRel, 'package.json', 'package-lock.json']) : [];
  const tree = buildReleaseTree({ files: readProjectFiles(projectAbs, git), rootPackageJson: readRootFile(root, 'package.json'), rootPackageLock: readRootFile(root, 'package-lock.json') });
  const base = { projectDir: projectRel, tree, source, uncommitted, warnings: [] as string[] };

  if (options.out) {
    const out = resolve(cwd, options.out);
    if (out === projectAbs || out.startsWith(`${projectAbs}${sep}`)) throw new PublishError('--out must be outside the project folder');
    if (!options.dryRun) writeOut(tree.files, out);
    if (uncommitted.length > 0) base.warnings.push(`uncommitted changes in the source are included: ${uncommitted.map((l) => l.slice(3)).join(', ')}`);
    return { ...base, outcome: options.dryRun ? 'would-write' : 'written', out };
  }

  // A branch of this repository.
  const branch = options.branch as string;
  const repo = git as Git;
  let normalized: string;
  try {
    normalized = repo.run(['check-ref-format', '--branch', branch]).trim();
  } catch {
    throw new PublishError(`"${branch}" is not a valid branch name`);
  }
  if (normalized !== branch || branch.startsWith('-')) throw new PublishError(`"${branch}" is not a plain branch name`);
  const ref = `refs/heads/${branch}`;
  if (repo.checkedOutBranches().includes(ref)) throw new PublishError(`branch ${branch} is checked out: publishing would change that worktree; publish to a release branch nobody checks out`);
  if (!source) throw new PublishError('the repository has no commit yet: commit the project first');
  if (uncommitted.length > 0) {
    throw new PublishError(`uncommitted changes in the project or the root package files; commit them first (a release names its source commit):\n  ${uncommitted.join('\n  ')}`);
  }

  const tip = repo.resolve(`${ref}^{commit}`);
  const remoteTip = repo.resolve(`refs/remotes/${options.remote}/${branch}^{commit}`);
  const parent = tip ?? remoteTip;
  const warnings = base.warnings;
  if (!repo.remotes().includes(options.remote)) warnings.push(`no remote named ${options.remote}: add it (git remote add ${options.remote} <url>) before pushing`);

  let treeId: string;
  if (options.dryRun) {
    // The same objects, written to a throwaway object directory that sees the repository's as an alternate.
    const scratch = mkdtempSync(join(tmpdir(), 'pizzaflow-publish-objects-'));
    try {
      treeId = repo.with({ GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: repo.objectDirectory() }).writeTree(tree.files);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    treeId = repo.writeTree(tree.files);
  }
  const pushCommand = `git push ${options.remote} ${branch}`;
  const common = { ...base, branch, treeId, pushCommand };

  if (parent && repo.resolve(`${parent}^{tree}`) === treeId) {
    // Nothing changed: no commit. A release that only exists on the remote gets its local branch.
    if (!tip && !options.dryRun) repo.updateRef(ref, parent, undefined, `pizzaflow dataform publish: ${branch} from ${options.remote}/${branch}`);
    return { ...common, outcome: 'unchanged', commit: parent, parent: undefined };
  }
  if (remoteTip && tip && !repo.isAncestor(remoteTip, tip)) {
    warnings.push(`${options.remote}/${branch} has commits that ${branch} does not: the push will be rejected (fetch, then reset ${branch} to ${options.remote}/${branch} and publish again)`);
  }
  if (options.dryRun) return { ...common, outcome: 'would-commit', parent };
  const commit = repo.commitTree(treeId, parent, releaseCommitMessage(source, projectRel, tree.coreVersion));
  repo.updateRef(ref, commit, tip, `pizzaflow dataform publish: ${projectRel}/ at ${source.commit.slice(0, 12)}`);
  return { ...common, outcome: 'committed', commit, parent };
}
