// `dataform compile` (the official CLI) compiles the project offline: no dataformCoreVersion in
// workflow_settings.yaml, so it installs nothing and loads @dataform/core from the project's
// node_modules. The CLI only looks inside the project folder (symlinks out of it are refused), so the
// test compiles a copy holding the repository's pinned core. Its graph must equal the in-process one:
// every action with the same target, type, dependencies and SQL.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compileProject } from '../../../tools/dataform';
import { comparableActions, installPinnedCore, officialCompile } from '../../../tools/testing/dataform-graph';

test('the official CLI compiles the project offline, to the same actions as the executor: targets, types, dependencies and SQL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-cli-'));
  try {
    cpSync('dataform', dir, { recursive: true });
    installPinnedCore(dir);
    const graph = await officialCompile(dir);
    const inProcess = compileProject('dataform');
    expect(graph.graphErrors?.compilationErrors ?? []).toEqual([]);

    const cliActions = comparableActions(graph);
    const executorActions = comparableActions(inProcess);
    // Not vacuous: the project's models, assertions and operations are all there, each with its SQL.
    const kinds = Object.keys(executorActions).map((k) => k.split(' ')[0]);
    for (const kind of ['table', 'assertion', 'operation', 'declaration']) expect(kinds).toContain(kind);
    expect(Object.keys(executorActions)).toContain('table pizzaflow-local.staging.stg_online_order_events');
    for (const t of inProcess.tables ?? []) expect({ table: t.target.name, query: Boolean(t.query?.trim()) }).toEqual({ table: t.target.name, query: true });

    expect(Object.keys(cliActions).sort()).toEqual(Object.keys(executorActions).sort());
    // Listed by name, each with both versions, so a failure says which actions differ.
    const differing = Object.keys(executorActions).filter((k) => !isDeepStrictEqual(cliActions[k], executorActions[k]));
    expect(differing.map((k) => ({ action: k, cli: cliActions[k], executor: executorActions[k] }))).toEqual([]);
    expect(readFileSync('dataform/workflow_settings.yaml', 'utf8')).not.toMatch(/^dataformCoreVersion/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
