// `npm run package`: writes dist/deploy/<service>/ for every deployed service (see build-artifacts.ts),
// one line per artifact; exits non-zero when any artifact cannot be built.
//   node dist/tools/package/main.js [--out <dir>] [service…]
import * as path from 'node:path';
import { packageInfo } from '../../functions/runtime/package-info';
import { buildArtifacts, deployedServices, describeArtifact } from './build-artifacts';

async function main(argv: string[]): Promise<void> {
  const repoRoot = packageInfo().root;
  let outDir = path.join(repoRoot, 'dist', 'deploy');
  const wanted: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') {
      const value = argv[++i];
      if (!value) throw new Error('--out needs a folder');
      outDir = path.resolve(value);
    } else wanted.push(argv[i]!);
  }
  const all = deployedServices();
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length > 0) throw new Error(`unknown service ${unknown.join(', ')}; expected one of ${all.map((s) => s.name).join(', ')}`);
  const services = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;
  const started = Date.now();
  const artifacts = await buildArtifacts({ repoRoot, outDir, services });
  for (const a of artifacts) process.stdout.write(`${describeArtifact(a, repoRoot)}\n`);
  process.stdout.write(`${artifacts.length} artifacts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`package: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
