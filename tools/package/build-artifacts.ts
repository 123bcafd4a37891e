// Builds one deployable folder per service, exactly what Google's Node.js functions buildpack
// consumes: `index.js` (an esbuild bundle of `<source>/index.ts`, our own code inlined, npm packages
// left as requires), a `package.json` whose `main` is index.js and whose dependencies are exactly the
// packages the bundle requires, at the versions installed here, a `package-lock.json` for the
// buildpack's `npm ci`, and the non-code files the service reads at runtime. Client libraries stay
// installed packages: they read their proto files relative to their own folders.
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
  /** What package.json declares: package → exact installed version. */
  dependencies: Record<string, string>;
}

/** Non-code files a service reads at runtime, copied to the same relative path inside its artifact. */
export const RUNTIME_FILES: Readonly<Record<string, readonly string[]>> = {
  // Served by functions/metrics-api/server.ts (defaultDashboardDir).
  [FUNCTIONS.metricsApi]: ['functions/metrics-api/dashboard'],
};

/** Packages no artifact may depend on: the emulators' engines, infrastructure, sandboxing and dev tools. */
export const FORBIDDEN_PACKAGES =
  /^(@duckdb\/|@fivetrandevelopers\/zetasql|@polyglot-sql\/|@pulumi\/|vm2$|@dataform\/|@pizzaflow\/|typescript$|ts-jest$|jest$|@jest\/|esbuild$|@esbuild\/|eslint$|@eslint\/|typescript-eslint$|@typescript-eslint\/|dependency-cruiser$|fast-check$|playwright-core$)/;

/** The framework every artifact starts with, whatever the bundle imports. */
const FRAMEWORK = '@google-cloud/functions-framework';

/** Every deployed service: the catalog's functions (the merchant metrics API among them). */
export function deployedServices(catalog: PlatformCatalog = loadCatalog()): ServiceSpec[] {
  return catalog.functions.map((f) => ({ name: f.name, source: f.source, entryPoint: f.entryPoint, signature: f.signature }));
}

/** `@scope/name` or `name` of an import specifier such as `ajv/dist/2020`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function installedVersion(repoRoot: string, pkg: string): string {
  // Read the file: several packages' `exports` do not expose ./package.json to require().
  const file = path.join(repoRoot, 'node_modules', pkg, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`${pkg} is imported but not installed in ${path.join(repoRoot, 'node_modules')}`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
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

/**
 * Leaves npm packages external like `packages: 'external'`, and marks them free of side effects so
 * that an import only unused code needed is dropped with that code: functions/runtime/clients.ts
 * imports all four client libraries, and the collector, which uses Pub/Sub only, would otherwise
 * require (and install) them all. A bare `import 'pkg'` of such a package makes esbuild warn, and a
 * warning fails the build.
 */
const packagesWithoutSideEffects: esbuild.Plugin = {
  name: 'packages-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (isBuiltin(args.path) ? undefined : { path: args.path, external: true, sideEffects: false }));
  },
};

async function bundle(repoRoot: string, service: ServiceSpec, outfile: string): Promise<{ imports: string[] }> {
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
    packages: 'external',
    plugins: [packagesWithoutSideEffects],
    tsconfig: path.join(repoRoot, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
    banner: { js: `// pizzaflow ${service.name}: bundled by tools/package from ${service.source}/index.ts; npm packages are the dependencies in package.json.` },
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`${service.name}: esbuild warnings\n${text.join('\n')}`);
  }
  // Our own code only: the product (contracts/, functions/), never tooling, emulators or tests.
  const foreign = Object.keys(result.metafile.inputs).filter((input) => !/^(contracts|functions)\//.test(input));
  if (foreign.length > 0) throw new Error(`${service.name}: the bundle inlines files outside contracts/ and functions/: ${foreign.join(', ')}`);
  const output = Object.values(result.metafile.outputs)[0]!;
  const imports = output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path));
  return { imports: [...new Set(imports)] };
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

  const { imports } = await bundle(repoRoot, service, path.join(dir, 'index.js'));
  const names = [...new Set([...imports, FRAMEWORK])].sort();
  const forbidden = names.filter((n) => FORBIDDEN_PACKAGES.test(n));
  if (forbidden.length > 0) throw new Error(`${service.name}: the bundle requires packages that must not be deployed: ${forbidden.join(', ')}`);
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
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const rel of RUNTIME_FILES[service.name] ?? []) {
    const from = path.join(repoRoot, rel);
    if (!fs.existsSync(from)) throw new Error(`${service.name}: runtime files ${rel} not found`);
    fs.cpSync(from, path.join(dir, rel), { recursive: true });
  }

  await writeLockfile(dir);

  return { ...service, dir, files: listFiles(dir), indexBytes: fs.statSync(path.join(dir, 'index.js')).size, dependencies };
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

/** One line per artifact: service, file count, index.js bytes, dependency count, folder. */
export function describeArtifact(a: Artifact, relativeTo: string): string {
  return `${a.name.padEnd(12)} ${String(a.files.length).padStart(2)} files  index.js ${a.indexBytes.toLocaleString('en-US').padStart(9)} bytes  ${Object.keys(a.dependencies).length} dependencies  ${path.relative(relativeTo, a.dir) || a.dir}`;
}
