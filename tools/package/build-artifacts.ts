// Builds one deployable folder per service, exactly what Google's Node.js functions buildpack
// consumes: `index.js` (an esbuild bundle of `<source>/index.ts` with our code and the npm packages it
// uses inlined), a `package.json` whose `main` is index.js and whose dependencies are only the
// packages that must stay installed (INSTALLED_PACKAGES: the functions framework the buildpack
// starts), at the versions installed here, a `package-lock.json` for the buildpack's `npm ci`, and
// the non-code files the service reads at runtime. Inlining is what keeps each image under its
// budget (ARTIFACT_BUDGET_BYTES): installed, the client libraries brought OpenTelemetry, apache-arrow
// and web-streams-polyfill whole, with their sources, types and maps; inlined, only the code reached
// is kept. The client libraries `require()` their proto JSON, so it is inlined with them.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { FUNCTIONS, loadCatalog, type PlatformCatalog } from '../../contracts/catalog';

const run = promisify(execFile);

export interface ServiceSpec {
  /** The service (Cloud Run function) name, e.g. `collector`. */
  name: string;
  /** Folder of its entry point, relative to the repository root; the bundle starts at its index.ts. */
  source: string;
  /** The functions framework target (GOOGLE_FUNCTION_TARGET). */
  entryPoint: string;
  /** How the framework invokes it (GOOGLE_FUNCTION_SIGNATURE_TYPE). */
  signature: 'http' | 'cloudevent';
}

export interface Artifact extends ServiceSpec {
  /** Absolute path of the artifact folder. */
  dir: string;
  /** Every file in the artifact, relative to `dir`, sorted. */
  files: string[];
  indexBytes: number;
  /** What package.json declares, to be installed by `npm ci`: package → exact installed version. */
  dependencies: Record<string, string>;
  /** The npm packages inlined in index.js: package → version (several versions joined by `, `). */
  bundled: Record<string, string>;
}

/**
 * Non-code files a service reads at runtime, copied to the same relative path inside its artifact.
 * Inlined packages read none on our paths: the client libraries and google-gax `require()` their
 * proto JSON; grpc-js reads .proto files only for channelz and ORCA (server side, never started
 * here); pino reads its worker files only for transports, which logger.ts does not use.
 */
export const RUNTIME_FILES: Readonly<Record<string, readonly string[]>> = {
  // Served by functions/metrics-api/server.ts (defaultDashboardDir).
  [FUNCTIONS.metricsApi]: ['functions/metrics-api/dashboard'],
};

/** Budget of one function's image: the artifact folder once the buildpack's `npm ci --omit=dev` has installed it. */
export const ARTIFACT_BUDGET_BYTES = 50 * 1000 * 1000;

/** Packages no artifact may depend on: the emulators' engines, infrastructure, sandboxing and dev tools. */
export const FORBIDDEN_PACKAGES =
  /^(@duckdb\/|@fivetrandevelopers\/zetasql|@polyglot-sql\/|@pulumi\/|vm2$|@dataform\/|@pizzaflow\/|typescript$|ts-jest$|jest$|@jest\/|esbuild$|@esbuild\/|eslint$|@eslint\/|typescript-eslint$|@typescript-eslint\/|dependency-cruiser$|fast-check$|playwright-core$)/;

/** The framework every artifact starts with, whatever the bundle imports. */
const FRAMEWORK = '@google-cloud/functions-framework';

/**
 * The npm packages an artifact installs rather than inlines; every other package the bundle reaches is
 * inlined. The functions framework, because the buildpack starts its binary from node_modules and our
 * entry point must register its handler with that same copy. No package we use has a native addon
 * (grpc-js is pure JavaScript); one that had would be listed here.
 */
export const INSTALLED_PACKAGES: readonly string[] = [FRAMEWORK];

/**
 * Packages that inlined code loads inside try/catch (or a guarded `import()`) and works without, so
 * the require stays in index.js and nothing installs them; each with where and what it would add.
 */
export const OPTIONAL_REQUIRES: Readonly<Record<string, string>> = {
  encoding: 'node-fetch 2 (under gaxios / teeny-request): charset conversion of textConverted(), which no client calls',
  '@node-rs/xxhash': "node-redis's optional peer (a native addon), loaded by its `digest()` helper only, which live-store.ts does not use",
};

/** Every deployed service: the catalog's functions (the merchant metrics API among them). */
export function deployedServices(catalog: PlatformCatalog = loadCatalog()): ServiceSpec[] {
  return catalog.functions.map((f) => ({ name: f.name, source: f.source, entryPoint: f.entryPoint, signature: f.signature }));
}

/** `@scope/name` or `name` of an import specifier such as `ajv/dist/2020`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The version in `<dir>/package.json`. Read the file: several packages' `exports` do not expose ./package.json to require(). */
function packageVersion(dir: string): string {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`no package.json in ${dir}`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function installedVersion(repoRoot: string, pkg: string): string {
  const dir = path.join(repoRoot, 'node_modules', pkg);
  if (!fs.existsSync(dir)) throw new Error(`${pkg} is imported but not installed in ${path.join(repoRoot, 'node_modules')}`);
  return packageVersion(dir);
}

export function listFiles(dir: string, under = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const rel = path.join(under, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** npm's own environment variables (set when running under `npm run`/`npm test`) would steer a child npm. */
export function withoutNpmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

/** The package a bundled file belongs to (`node_modules/<pkg>/…`, the innermost one), or undefined for our own files. */
export function packageOfInput(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/');
  return at < 0 ? undefined : packageName(input.slice(at + 'node_modules/'.length));
}

/** The folder of the package a bundled file belongs to, e.g. `node_modules/@grpc/grpc-js`. */
function packageDirOfInput(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  return input.slice(0, at + 'node_modules/'.length + packageOfInput(input)!.length);
}

/**
 * Keeps INSTALLED_PACKAGES as requires, and marks the packages our own code imports free of side
 * effects, so that an import only unused code needed is dropped with that code:
 * functions/runtime/clients.ts imports all four client libraries, and the collector, which uses
 * Pub/Sub only, would otherwise inline them all. Imports inside node_modules keep the packages' own
 * `sideEffects` declarations. A bare `import 'pkg'` of our own would make esbuild warn, and a warning
 * fails the build.
 */
const installedExternal: esbuild.Plugin = {
  name: 'installed-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (isBuiltin(args.path)) return undefined;
      if (INSTALLED_PACKAGES.includes(packageName(args.path))) return { path: args.path, external: true };
      if (args.pluginData === installedExternal || args.importer.split(path.sep).includes('node_modules')) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: installedExternal });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: resolved.external, namespace: resolved.namespace, sideEffects: false };
    });
  },
};

export interface Bundled {
  /** Packages index.js requires at runtime (not inlined). */
  imports: string[];
  /** Inlined packages: name → version(s). */
  bundled: Record<string, string>;
}

/** Bundles one service's entry point to `outfile`; exported for the unit tests, which need no npm. */
export async function bundle(repoRoot: string, service: ServiceSpec, outfile: string): Promise<Bundled> {
  const entry = path.join(repoRoot, service.source, 'index.ts');
  if (!fs.existsSync(entry)) throw new Error(`${service.name}: no entry point at ${path.relative(repoRoot, entry)}`);
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Scope hoisting renames clashing classes (storage's File became _File2), and the client libraries
    // test types by constructor name: BigQuery's table.load() refused a Storage File ("Source must be
    // a File object"). keepNames restores every function's and class's own name.
    keepNames: true,
    // The licence comments of inlined packages (/*! … */, @license) stay, at the end of index.js.
    legalComments: 'eof',
    plugins: [installedExternal],
    tsconfig: path.join(repoRoot, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
    banner: { js: `// pizzaflow ${service.name}: bundled by tools/package from ${service.source}/index.ts with the npm packages it uses; package.json lists what stays installed.` },
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`${service.name}: esbuild warnings\n${text.join('\n')}`);
  }
  const inputs = Object.keys(result.metafile.inputs);
  // Our own code only from the product (contracts/, functions/), never tooling, emulators or tests.
  const foreign = inputs.filter((input) => packageOfInput(input) === undefined && !/^(contracts|functions)\//.test(input));
  if (foreign.length > 0) throw new Error(`${service.name}: the bundle inlines files outside contracts/ and functions/: ${foreign.join(', ')}`);
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  // Inlined: files of which something is left in index.js (esbuild parses, then drops, the rest).
  const kept = Object.entries(output.inputs).filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && packageOfInput(input) !== undefined);
  const versions = new Map<string, Set<string>>();
  for (const dir of new Set(kept.map(([input]) => packageDirOfInput(input)))) {
    const name = packageOfInput(dir + '/')!;
    versions.set(name, (versions.get(name) ?? new Set<string>()).add(packageVersion(path.join(repoRoot, dir))));
  }
  const bundled = Object.fromEntries([...versions.keys()].sort().map((name) => [name, [...versions.get(name)!].sort().join(', ')]));
  const imports = output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path));
  return { imports: [...new Set(imports)], bundled };
}

/** Writes the package-lock.json the buildpack's `npm ci` installs from, resolving nothing but the lock (no scripts, no node_modules). */
export async function writeLockfile(dir: string): Promise<void> {
  try {
    await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: dir,
      env: withoutNpmEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`npm could not write ${path.join(dir, 'package-lock.json')}: ${e.stderr || e.message}`, { cause: err });
  }
}

/** Builds one service's artifact into `<outDir>/<service>/`, replacing what was there. */
export async function buildArtifact(repoRoot: string, outDir: string, service: ServiceSpec): Promise<Artifact> {
  const dir = path.join(outDir, service.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const { imports, bundled } = await bundle(repoRoot, service, path.join(dir, 'index.js'));
  // Anything required but neither inlined nor to be installed (an optional require esbuild left alone)
  // would fail at runtime or pull an unreviewed package into the image.
  const unplanned = imports.filter((n) => !INSTALLED_PACKAGES.includes(n) && !(n in OPTIONAL_REQUIRES));
  if (unplanned.length > 0) throw new Error(`${service.name}: the bundle requires packages it neither inlines nor installs: ${unplanned.join(', ')}`);
  const names = [...new Set([...imports.filter((n) => !(n in OPTIONAL_REQUIRES)), FRAMEWORK])].sort();
  const forbidden = [...names, ...Object.keys(bundled)].filter((n) => FORBIDDEN_PACKAGES.test(n));
  if (forbidden.length > 0) throw new Error(`${service.name}: the bundle requires or inlines packages that must not be deployed: ${forbidden.join(', ')}`);
  const dependencies = Object.fromEntries(names.map((n) => [n, installedVersion(repoRoot, n)]));

  const root = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; license?: string };
  const manifest = {
    name: `pizzaflow-${service.name}`,
    version: root.version,
    private: true,
    description: `pizzaflow ${service.name} (functions framework target ${service.entryPoint}), built by tools/package`,
    ...(root.license ? { license: root.license } : {}),
    main: 'index.js',
    engines: { node: '>=20' },
    dependencies,
    // Not an npm field: what index.js inlines, for audits and vulnerability scans of the image.
    bundledPackages: bundled,
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const rel of RUNTIME_FILES[service.name] ?? []) {
    const from = path.join(repoRoot, rel);
    if (!fs.existsSync(from)) throw new Error(`${service.name}: runtime files ${rel} not found`);
    fs.cpSync(from, path.join(dir, rel), { recursive: true });
  }

  await writeLockfile(dir);

  return { ...service, dir, files: listFiles(dir), indexBytes: fs.statSync(path.join(dir, 'index.js')).size, dependencies, bundled };
}

export interface BuildOptions {
  repoRoot: string;
  /** Artifacts go to `<outDir>/<service>/`. */
  outDir: string;
  services?: ServiceSpec[];
}

/** Builds every service's artifact, concurrently (npm's lock resolution waits on its cache more than on the CPU); catalog order. */
export async function buildArtifacts(options: BuildOptions): Promise<Artifact[]> {
  return Promise.all((options.services ?? deployedServices()).map((service) => buildArtifact(options.repoRoot, options.outDir, service)));
}

/** One line per artifact: service, file count, index.js bytes, inlined and installed package counts, folder. */
export function describeArtifact(a: Artifact, relativeTo: string): string {
  return `${a.name.padEnd(12)} ${String(a.files.length).padStart(2)} files  index.js ${a.indexBytes.toLocaleString('en-US').padStart(9)} bytes  ${Object.keys(a.bundled).length} packages inlined, ${Object.keys(a.dependencies).length} installed  ${path.relative(relativeTo, a.dir) || a.dir}`;
}
