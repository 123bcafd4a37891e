// The Dataform project as a developer workspace compiles it: the official CLI's --schema-suffix sets
// the same projectConfigOverride.schemaSuffix as the repository's workspaceCompilationOverrides.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledGraph } from '../../../tools/dataform';
import { installPinnedCore, officialCompile } from '../../../tools/testing/dataform-graph';

/** Compiles a copy of dataform/ offline with the official CLI and this schema suffix. */
export async function compileWorkspace(schemaSuffix: string): Promise<CompiledGraph> {
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-dataform-workspace-'));
  try {
    cpSync('dataform', dir, { recursive: true });
    installPinnedCore(dir);
    const graph = await officialCompile(dir, `--schema-suffix=${schemaSuffix}`);
    const errors = graph.graphErrors?.compilationErrors ?? [];
    if (errors.length > 0) throw new Error(`workspace compile failed: ${errors.map((e) => `${e.fileName}: ${e.message}`).join('; ')}`);
    return graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
