// bench/artifacts: what each deploy artifact (tools/package) costs once the buildpack has installed
// it, and how fast it starts.
// (1) Unpacked size after `npm ci --omit=dev` in a clean folder outside the repository: index.js
//     (our code and the npm packages it uses, inlined), node_modules (what stays installed: the
//     functions framework), the whole folder; against the 50 MB budget per image.
// (2) Cold start: from spawning the functions framework's binary to the first answered request
//     (the service's own cheap request: a 401, 400, 405 or /healthz, which wires the clients where
//     the service does so on its first request), median of ROUNDS. Baselines in the same run, measured
//     the same way and interleaved round by round:
//     - `dist`: the same service from the unbundled compiled tree in the repository
//       (`functions-framework --source=dist/functions/<service>`, the repository's node_modules).
//       Same code and probe, so the difference is what bundling and the slim install change.
//     - `hello`: a one-line function in an identical temporary folder with only the same
//       functions framework installed: the floor nothing of ours can go under.
// The clients point at in-process emulators, as in the deploy test; no request reaches them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBigquery, startPubsub, startStorage } from '@pizzaflow/emulators';
import { packageInfo } from '../functions/runtime/package-info';
import { ARTIFACT_BUDGET_BYTES, buildArtifacts, writeLockfile, type Artifact } from '../tools/package/build-artifacts';
import { buildpackLaunch, directoryBytes, installArtifact, removeTree, startFunction, type StartOptions } from '../tools/package/run-artifact';
import { writeReport } from './report';

const ROUNDS = 3;
const LIMIT_BYTES = ARTIFACT_BUDGET_BYTES;
const PROJECT = 'pizzaflow-bench';

/** Each service's first request: cheap, answered by our handler (not the framework's 404). */
const PROBES: Record<string, (url: string) => Promise<Response>> = {
  collector: (url) => fetch(`${url}/v1/orders/events`, { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json' } }),
  ingest: (url) => fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
  'pos-loader': (url) => fetch(`${url}/run`),
  'metrics-api': (url) => fetch(`${url}/healthz`),
};
const helloProbe = (url: string): Promise<Response> => fetch(url);

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round1 = (x: number): number => Math.round(x * 10) / 10;

function largestPackages(nodeModules: string, n: number): { name: string; bytes: number }[] {
  const sizes: { name: string; bytes: number }[] = [];
  for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@') ? fs.readdirSync(path.join(nodeModules, entry.name)).map((d) => path.join(entry.name, d)) : [entry.name];
    for (const d of dirs) sizes.push({ name: d, bytes: directoryBytes(path.join(nodeModules, d)) });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes).slice(0, n);
}

/** A one-line hello function with only the functions framework, as an artifact folder. */
async function helloArtifact(dir: string, frameworkVersion: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.js'), "require('@google-cloud/functions-framework').http('hello', (req, res) => res.send('ok'));\n");
  const pkg = { name: 'hello', version: '1.0.0', private: true, main: 'index.js', engines: { node: '>=20' }, dependencies: { '@google-cloud/functions-framework': frameworkVersion } };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await writeLockfile(dir);
  return dir;
}

async function coldStartMs(options: StartOptions): Promise<number> {
  const fn = await startFunction(options);
  try {
    if (fn.first.status >= 500) throw new Error(`first answer ${fn.first.status}:\n${fn.output()}`);
    return fn.readyMs;
  } finally {
    await fn.stop();
  }
}

async function main(): Promise<void> {
  const repoRoot = packageInfo().root;
  const distEntry = (a: Artifact): string => path.join(repoRoot, 'dist', a.source);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-bench-artifacts-'));
  const pubsub = await startPubsub({ port: 0, project: PROJECT, logLevel: 'silent' });
  const storage = await startStorage({ port: 0, inMemory: true, pubsubHost: pubsub.url, logLevel: 'silent' });
  const bigquery = await startBigquery({ port: 0, grpcPort: 0, storageHost: storage.url, project: PROJECT, logLevel: 'silent' });
  try {
    const t0 = Date.now();
    const artifacts = await buildArtifacts({ repoRoot, outDir: path.join(repoRoot, 'dist', 'deploy') });
    const packageMs = Date.now() - t0;
    const framework = artifacts[0]!.dependencies['@google-cloud/functions-framework']!;

    const installedDirs = new Map<string, { dir: string; installMs: number }>();
    for (const a of artifacts) installedDirs.set(a.name, await installArtifact(a.dir, path.join(tmp, a.name)));
    const hello = await installArtifact(await helloArtifact(path.join(tmp, 'hello-src'), framework), path.join(tmp, 'hello'));

    const env: Record<string, string> = {
      NODE_ENV: 'production',
      GOOGLE_CLOUD_PROJECT: PROJECT,
      PUBSUB_EMULATOR_HOST: pubsub.url,
      STORAGE_EMULATOR_HOST: storage.url,
      BIGQUERY_EMULATOR_HOST: bigquery.url,
      BIGQUERY_STORAGE_EMULATOR_HOST: `${bigquery.grpcHost}:${bigquery.grpcPort}`,
      PIZZAFLOW_PII_KEY: 'bench-artifacts-pii-key-0123',
      PIZZAFLOW_API_KEYS: 'portal[*]=bench-key',
      PIZZAFLOW_MERCHANT_API_KEYS: 'm0001=bench-merchant-key',
      METADATA_SERVER_DETECTION: 'none',
      LOG_LEVEL: 'warn',
    };
    const repoFramework = path.join(repoRoot, 'node_modules', '.bin', 'functions-framework');

    const samples = new Map<string, { artifact: number[]; dist: number[] }>(artifacts.map((a) => [a.name, { artifact: [], dist: [] }]));
    const helloSamples: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const helloLaunch = buildpackLaunch(hello.dir, { entryPoint: 'hello', signature: 'http' });
      helloSamples.push(await coldStartMs({ ...helloLaunch, env: { ...env, ...helloLaunch.env }, probe: helloProbe }));
      for (const a of artifacts) {
        const probe = PROBES[a.name] ?? helloProbe;
        const launch = buildpackLaunch(installedDirs.get(a.name)!.dir, a);
        samples.get(a.name)!.artifact.push(await coldStartMs({ ...launch, env: { ...env, ...launch.env }, probe }));
        // The same launch environment, the framework pointed at the compiled folder in the repository.
        samples.get(a.name)!.dist.push(await coldStartMs({ command: repoFramework, args: [`--source=${distEntry(a)}`], cwd: repoRoot, env: { ...env, ...launch.env }, probe }));
      }
    }

    const helloBytes = directoryBytes(hello.dir);
    const helloMs = round1(median(helloSamples));
    const results = artifacts.map((a) => {
      const dir = installedDirs.get(a.name)!.dir;
      const nodeModulesBytes = directoryBytes(path.join(dir, 'node_modules'));
      const totalBytes = directoryBytes(dir);
      const s = samples.get(a.name)!;
      return {
        service: a.name,
        dependencies: a.dependencies,
        inlinedPackages: Object.keys(a.bundled).length,
        indexJsBytes: a.indexBytes,
        nodeModulesBytes,
        totalBytes,
        withinLimit: totalBytes <= LIMIT_BYTES,
        installMs: installedDirs.get(a.name)!.installMs,
        largestPackages: largestPackages(path.join(dir, 'node_modules'), 6),
        coldStartMs: { artifact: round1(median(s.artifact)), dist: round1(median(s.dist)), hello: helloMs, samples: { artifact: s.artifact.map(round1), dist: s.dist.map(round1) } },
      };
    });

    const lines = [
      `artifacts: ${artifacts.length} built in ${(packageMs / 1000).toFixed(1)} s; installed with npm ci --omit=dev; cold start = spawn → first answer, median of ${ROUNDS}`,
      `${'service'.padEnd(12)} ${'index.js'.padStart(10)} ${'node_modules'.padStart(13)} ${'total'.padStart(9)}  ≤50 MB  ${'artifact'.padStart(9)} ${'dist'.padStart(8)} ${'hello'.padStart(8)}`,
      ...results.map(
        (r) =>
          `${r.service.padEnd(12)} ${r.indexJsBytes.toLocaleString('en-US').padStart(10)} ${`${mb(r.nodeModulesBytes)} MB`.padStart(13)} ${`${mb(r.totalBytes)} MB`.padStart(9)}  ${(r.withinLimit ? 'yes' : 'NO').padEnd(6)}  ${`${r.coldStartMs.artifact} ms`.padStart(9)} ${`${r.coldStartMs.dist} ms`.padStart(8)} ${`${helloMs} ms`.padStart(8)}`,
      ),
      `${'hello'.padEnd(12)} ${'-'.padStart(10)} ${`${mb(directoryBytes(path.join(hello.dir, 'node_modules')))} MB`.padStart(13)} ${`${mb(helloBytes)} MB`.padStart(9)}  ${(helloBytes <= LIMIT_BYTES ? 'yes' : 'NO').padEnd(6)}  ${`${helloMs} ms`.padStart(9)}`,
      'largest installed packages:',
      ...results.map((r) => `  ${r.service.padEnd(12)} ${r.largestPackages.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ')}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = writeReport(
      {
        benchmark: 'artifacts',
        description:
          'Deploy artifacts (npm packages inlined in index.js, the functions framework installed) after npm ci --omit=dev (bytes, apparent size) and cold start (spawn of functions-framework to the first answered request, median); baselines: the same service from the unbundled dist/ tree with the repository node_modules, and a one-line hello function with only the functions framework.',
        results: { limitBytes: LIMIT_BYTES, rounds: ROUNDS, packageMs, hello: { nodeModulesBytes: directoryBytes(path.join(hello.dir, 'node_modules')), totalBytes: helloBytes, coldStartMs: helloMs, samples: helloSamples.map(round1) }, artifacts: results },
      },
      path.join(repoRoot, 'bench', 'results'),
    );
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await Promise.allSettled([pubsub.close(), storage.close(), bigquery.close()]);
    await removeTree(tmp);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:artifacts: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
