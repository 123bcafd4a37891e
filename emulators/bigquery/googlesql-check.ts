// Strict mode: ZetaSQL analyses each statement against the emulator's catalog first, and what it
// rejects fails as BigQuery would (a missing table or dataset as BigQuery's 404).
import { type BqError, invalidQuery, notFound } from './errors';
import { type CatalogTable, GoogleSqlRejection, buildCatalog } from './googlesql/checker';
import { type RunState } from './query-types';
import { type FieldSchema } from './schema';

/** The result fields ZetaSQL resolved, or undefined when strict mode is off. */
export async function checkGoogleSql(state: RunState, stmt: string): Promise<FieldSchema[] | undefined> {
  const checker = state.ctx.googleSql;
  if (!checker) return undefined;
  const { ctx, input } = state;
  const tables: CatalogTable[] = [];
  for (const projectId of ctx.store.attachedProjects()) {
    const project = await ctx.store.project(projectId);
    for (const t of project.tables.values()) {
      const { datasetId, tableId } = t.tableReference;
      tables.push({ projectId, datasetId, tableId, fields: t.schema?.fields ?? [], ingestionTime: Boolean(t.timePartitioning && !t.timePartitioning.field) });
    }
  }
  const catalog = buildCatalog(tables, { projectId: input.projectId, defaultDataset: input.defaultDataset?.datasetId });
  try {
    return await checker.check(stmt, catalog);
  } catch (err) {
    if (err instanceof GoogleSqlRejection) throw (await tableNotFound(state, err.message)) ?? invalidQuery(err.message);
    throw err;
  }
}

/** ZetaSQL's "Table not found: d.t" is BigQuery's 404 for the table, or for its dataset. */
async function tableNotFound(state: RunState, message: string): Promise<BqError | undefined> {
  const m = /^Table not found: (\S+?);?(?: |$)/.exec(message);
  if (!m) return undefined;
  const parts = m[1].replace(/`/g, '').split('.');
  const table = parts.pop() as string;
  const dataset = parts.pop() ?? state.input.defaultDataset?.datasetId;
  const project = parts.pop() ?? state.input.defaultDataset?.projectId ?? state.input.projectId;
  if (!dataset) return undefined;
  const store = state.ctx.store;
  const datasets = store.attachedProjects().includes(project) ? [...(await store.project(project)).datasets.keys()] : [];
  const datasetExists = datasets.some((d) => d.toLowerCase() === dataset.toLowerCase());
  return datasetExists
    ? notFound(`Table ${project}:${dataset}.${table} was not found in location US`)
    : notFound(`Dataset ${project}:${dataset} was not found in location US`);
}
