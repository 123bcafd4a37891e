// Copies the repository's pinned @dataform/core into dataform/node_modules, where the official
// `dataform` CLI looks for it: the CLI refuses symlinks that leave the project folder, and without
// dataformCoreVersion in workflow_settings.yaml it installs nothing itself. Run by `npm install`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageInfo } from '../../functions/runtime/package-info';

function versionAt(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version : undefined;
}

export function installDataformCore(repoRoot: string = packageInfo().root): { version: string; copied: boolean } {
  const source = dirname(require.resolve('@dataform/core/package.json', { paths: [repoRoot] }));
  const target = join(repoRoot, 'dataform', 'node_modules', '@dataform', 'core');
  const version = versionAt(source) ?? 'unknown';
  if (versionAt(target) === version) return { version, copied: false };
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
  return { version, copied: true };
}

if (require.main === module) installDataformCore();
