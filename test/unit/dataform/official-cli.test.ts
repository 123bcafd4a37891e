// `dataform compile` (the official CLI) compiles the project offline: no dataformCoreVersion in
// workflow_settings.yaml, so it installs nothing and loads @dataform/core from the project's
// node_modules. The CLI only looks inside the project folder (symlinks out of it are refused), so the
// test compiles a copy holding the repository's pinned core. Its graph must equal the in-process one:
// every action with the same target, type, dependencies and SQL.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { compileProject, type CompiledGraph, type Target } from '../../../tools/dataform';

/** Whitespace is not part of what a statement does (SQLX templating leaves blank lines and indentation). */
const sql = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim();
const sqls = (texts: string[] | undefined) => texts?.map((t) => sql(t));
const targetOf = (t: Target) => `${t.database ?? ''}.${t.schema}.${t.name}`;
const dependencies = (ts: Target[] | undefined) => (ts ?? []).map(targetOf).sort();

/** What the executor runs for each action, keyed by kind and full target. */
function actions(graph: CompiledGraph): Record<string, object> {
  const out: Record<string, object> = {};
  const add = (key: string, action: object) => {
    if (key in out) throw new Error(`two actions named ${key}`);
    out[key] = action;
  };
  for (const t of graph.tables ?? []) {
    add(`table ${targetOf(t.target)}`, {
      type: t.enumType ?? t.type,
      dependencies: dependencies(t.dependencyTargets),
      query: sql(t.query),
      incrementalQuery: sql(t.incrementalQuery),
      preOps: sqls(t.preOps),
      postOps: sqls(t.postOps),
      incrementalPreOps: sqls(t.incrementalPreOps),
      incrementalPostOps: sqls(t.incrementalPostOps),
      bigquery: t.bigquery,
      uniqueKey: t.uniqueKey,
      tags: t.tags,
      disabled: t.disabled ?? false,
    });
  }
  for (const a of graph.assertions ?? []) {
    add(`assertion ${targetOf(a.target)}`, { dependencies: dependencies(a.dependencyTargets), query: sql(a.query), parentAction: a.parentAction && targetOf(a.parentAction), tags: a.tags, disabled: a.disabled ?? false });
  }
  for (const o of graph.operations ?? []) {
    add(`operation ${targetOf(o.target)}`, { dependencies: dependencies(o.dependencyTargets), queries: sqls(o.queries), hasOutput: o.hasOutput ?? false, tags: o.tags, disabled: o.disabled ?? false });
  }
  for (const d of graph.declarations ?? []) add(`declaration ${targetOf(d.target)}`, {});
  return out;
}

test('the official CLI compiles the project offline, to the same actions as the executor: targets, types, dependencies and SQL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-cli-'));
  try {
    cpSync('dataform', dir, { recursive: true });
    mkdirSync(join(dir, 'node_modules', '@dataform'), { recursive: true });
    cpSync(dirname(require.resolve('@dataform/core/package.json')), join(dir, 'node_modules', '@dataform', 'core'), { recursive: true });
    const cli = join(dirname(require.resolve('@dataform/cli/package.json')), 'bundle.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'compile', dir, '--json'], { env: { ...process.env, npm_config_offline: 'true' }, maxBuffer: 64 << 20 });
    const graph = JSON.parse(stdout) as CompiledGraph;
    const inProcess = compileProject('dataform');
    expect(graph.graphErrors?.compilationErrors ?? []).toEqual([]);

    const cliActions = actions(graph);
    const executorActions = actions(inProcess);
    // Not vacuous: the project's models, assertions and operations are all there, each with its SQL.
    const kinds = Object.keys(executorActions).map((k) => k.split(' ')[0]);
    for (const kind of ['table', 'assertion', 'operation', 'declaration']) expect(kinds).toContain(kind);
    expect(Object.keys(executorActions)).toContain('table pizzaflow-local.staging.stg_online_order_events');
    for (const t of inProcess.tables ?? []) expect({ table: t.target.name, query: Boolean(sql(t.query)) }).toEqual({ table: t.target.name, query: true });

    expect(Object.keys(cliActions).sort()).toEqual(Object.keys(executorActions).sort());
    // Listed by name, each with both versions, so a failure says which actions differ.
    const differing = Object.keys(executorActions).filter((k) => !isDeepStrictEqual(cliActions[k], executorActions[k]));
    expect(differing.map((k) => ({ action: k, cli: cliActions[k], executor: executorActions[k] }))).toEqual([]);
    expect(readFileSync('dataform/workflow_settings.yaml', 'utf8')).not.toMatch(/^dataformCoreVersion/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
