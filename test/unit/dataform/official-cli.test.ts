// `dataform compile` (the official CLI) compiles the project offline: no dataformCoreVersion in
// workflow_settings.yaml, so it installs nothing and loads @dataform/core from the project's
// node_modules. The CLI only looks inside the project folder (symlinks out of it are refused), so the
// test compiles a copy holding the repository's pinned core. Its graph must equal the in-process one.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { compileProject } from '../../../tools/dataform';

test('the official CLI compiles the project offline, to the same actions as the executor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-cli-'));
  try {
    cpSync('dataform', dir, { recursive: true });
    mkdirSync(join(dir, 'node_modules', '@dataform'), { recursive: true });
    cpSync(dirname(require.resolve('@dataform/core/package.json')), join(dir, 'node_modules', '@dataform', 'core'), { recursive: true });
    const cli = join(dirname(require.resolve('@dataform/cli/package.json')), 'bundle.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'compile', dir, '--json'], { env: { ...process.env, npm_config_offline: 'true' }, maxBuffer: 64 << 20 });
    const graph = JSON.parse(stdout) as { tables: { target: { name: string } }[]; assertions: unknown[]; operations: unknown[] };
    const inProcess = compileProject('dataform');
    expect(graph.tables.map((t) => t.target.name).sort()).toEqual(inProcess.tables!.map((t) => t.target.name).sort());
    expect(graph.assertions.length).toBe(inProcess.assertions!.length);
    expect(graph.operations.length).toBe(inProcess.operations!.length);
    expect(readFileSync('dataform/workflow_settings.yaml', 'utf8')).not.toMatch(/^dataformCoreVersion/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
