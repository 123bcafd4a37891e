// The official Dataform CLI and the comparable shape of a compiled graph, for tests that hold the
// in-process compile, the official CLI and a published release tree to the same actions.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CompiledGraph, Target } from '../dataform';

/** Whitespace is not part of what a statement does (SQLX templating leaves blank lines and indentation). */
const sql = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim();
const sqls = (texts: string[] | undefined) => texts?.map((t) => sql(t));
const targetOf = (t: Target) => `${t.database ?? ''}.${t.schema}.${t.name}`;
const dependencies = (ts: Target[] | undefined) => (ts ?? []).map(targetOf).sort();

/** Each action by kind and full target: what it builds, from what, with which SQL. */
export function comparableActions(graph: CompiledGraph): Record<string, object> {
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
  for (const a of graph.assertions ?? []) add(`assertion ${targetOf(a.target)}`, { dependencies: dependencies(a.dependencyTargets), query: sql(a.query), parentAction: a.parentAction && targetOf(a.parentAction), tags: a.tags, disabled: a.disabled ?? false });
  for (const o of graph.operations ?? []) add(`operation ${targetOf(o.target)}`, { dependencies: dependencies(o.dependencyTargets), queries: sqls(o.queries), hasOutput: o.hasOutput ?? false, tags: o.tags, disabled: o.disabled ?? false });
  for (const d of graph.declarations ?? []) add(`declaration ${targetOf(d.target)}`, {});
  return out;
}

/** What install-core does: the repository's pinned @dataform/core in a project's node_modules. */
export function installPinnedCore(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '@dataform'), { recursive: true });
  cpSync(dirname(require.resolve('@dataform/core/package.json')), join(dir, 'node_modules', '@dataform', 'core'), { recursive: true });
}

/** `dataform compile <dir> --json` with the official CLI (node_modules/.bin/dataform runs this bundle), offline. */
export async function officialCompile(dir: string, ...flags: string[]): Promise<CompiledGraph> {
  const cli = join(dirname(require.resolve('@dataform/cli/package.json')), 'bundle.js');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'compile', dir, '--json', ...flags], { env: { ...process.env, npm_config_offline: 'true' }, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as CompiledGraph;
}
