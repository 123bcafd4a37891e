// Keeps table metadata in step with DuckDB: derives schemas of tables made by SQL, checks
// partitioning and clustering specs, and drops tables whose expirationTime has passed.
import { type Context } from './context';
import { invalid, notFound } from './errors';
import { LOCATION, type TableResource, type TimePartitioning, etag } from './resources';
import { type FieldSchema, fieldFromDuck } from './schema';
import { tablePath } from './store';
import { quoteString } from './sql/tokens';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';

export interface Relation {
  kind: 'TABLE' | 'VIEW';
  fields: FieldSchema[];
}

/**
 * What DuckDB has under that name (case-insensitive), or undefined. `kind`, when the caller knows
 * it (it has just created a table or a view), saves the catalog lookup: this runs after every DDL
 * statement, and `duckdb_columns()` over the whole catalog cost several times the statement.
 */
export async function describeRelation(
  ctx: Context,
  projectId: string,
  datasetId: string,
  tableId: string,
  kind?: Relation['kind'],
): Promise<Relation | undefined> {
  const path = tablePath(projectId, datasetId, tableId);
  let info;
  try {
    info = await ctx.store.conn.runAndReadAll(`PRAGMA table_info(${quoteString(path)})`);
  } catch (err) {
    if (/does not exist/i.test((err as Error).message)) return undefined;
    throw err;
  }
  const notNull = new Set(info.getRows().filter((r) => r[3] === true).map((r) => String(r[1])));
  const probe = await ctx.store.conn.runAndReadAll(`SELECT * FROM ${path} LIMIT 0`);
  const names = probe.columnNames();
  const types = probe.columnTypes();
  const fields = names
    .map((n, i) => fieldFromDuck(n, types[i], notNull.has(n)))
    .filter((f) => f.name.toUpperCase() !== PARTITIONTIME_COLUMN);
  return { kind: kind ?? ((await isView(ctx, projectId, datasetId, tableId)) ? 'VIEW' : 'TABLE'), fields };
}

async function isView(ctx: Context, projectId: string, datasetId: string, tableId: string): Promise<boolean> {
  const found = await ctx.store.conn.runAndReadAll(
    'SELECT 1 FROM duckdb_views() WHERE database_name = $1 AND lower(schema_name) = lower($2) AND lower(view_name) = lower($3)',
    [projectId, datasetId, tableId],
  );
  return found.getRows().length > 0;
}

export interface SyncOptions {
  /** What SQL just created, when known (saves a catalog lookup). */
  kind?: Relation['kind'];
  /** The relation was replaced: build a new resource instead of updating the old one. */
  replaced?: boolean;
}

/** Creates, refreshes or removes the metadata of a table after SQL touched it. */
export async function syncTable(
  ctx: Context,
  projectId: string,
  datasetId: string,
  tableId: string,
  extra: Partial<TableResource> = {},
  options: SyncOptions = {},
): Promise<TableResource | undefined> {
  const rel = await describeRelation(ctx, projectId, datasetId, tableId, options.kind);
  const found = ctx.store.findTable(projectId, datasetId, tableId);
  if (!rel) {
    if (found) await ctx.store.removeTable(projectId, found.tableReference.datasetId, found.tableReference.tableId);
    return undefined;
  }
  // A replaced relation starts afresh (new creation time, no old descriptions or options); its
  // metadata is put in place of the old in one step, under the name the statement gave it.
  if (found && options.replaced) {
    const old = found.tableReference;
    if (old.datasetId !== datasetId || old.tableId !== tableId) await ctx.store.removeTable(projectId, old.datasetId, old.tableId);
  }
  const existing = options.replaced ? undefined : found;
  const ref = existing?.tableReference ?? { projectId, datasetId, tableId };
  const now = String(Date.now());
  const fields = mergeDescriptions(rel.fields, existing?.schema?.fields ?? []);
  const t: TableResource = {
    ...(existing ?? {
      kind: 'bigquery#table',
      id: `${ref.projectId}:${ref.datasetId}.${ref.tableId}`,
      tableReference: ref,
      creationTime: now,
      location: LOCATION,
    }),
    ...extra,
    type: rel.kind,
    schema: { fields },
    etag: etag(),
    lastModifiedTime: now,
  } as TableResource;
  if (t.timePartitioning || t.clustering) checkPartitioning(fields, t.timePartitioning, t.clustering?.fields);
  await ctx.store.putTable(t);
  return t;
}

function mergeDescriptions(fields: FieldSchema[], old: FieldSchema[]): FieldSchema[] {
  return fields.map((f) => {
    const prev = old.find((o) => o.name.toLowerCase() === f.name.toLowerCase());
    const out: FieldSchema = { ...f };
    if (prev?.description !== undefined) out.description = prev.description;
    if (prev?.mode === 'REQUIRED' && f.mode === 'NULLABLE') out.mode = 'REQUIRED';
    if (f.fields) out.fields = mergeDescriptions(f.fields, prev?.fields ?? []);
    return out;
  });
}

export function checkPartitioning(fields: FieldSchema[], tp: TimePartitioning | undefined, clustering: string[] | undefined): void {
  if (tp) {
    if (!['DAY', 'HOUR', 'MONTH', 'YEAR'].includes(tp.type)) throw invalid(`Invalid time partitioning type ${tp.type}`);
    if (tp.field) {
      const f = fields.find((x) => x.name.toLowerCase() === tp.field!.toLowerCase());
      if (!f) throw invalid(`The field specified for time partitioning can only be a top-level field. Field ${tp.field} was not found.`);
      if (!['DATE', 'TIMESTAMP', 'DATETIME'].includes(f.type) || f.mode === 'REPEATED') {
        throw invalid(`Partitioning field ${tp.field} must be of type DATE, TIMESTAMP or DATETIME, not ${f.type}.`);
      }
      if (f.type === 'DATE' && tp.type === 'HOUR') throw invalid(`HOUR partitioning is not supported on DATE field ${tp.field}.`);
    }
  }
  if (clustering) {
    if (clustering.length > 4) throw invalid('Too many clustering fields: at most 4 are allowed.');
    for (const c of clustering) {
      const f = fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
      if (!f) throw invalid(`The field specified for clustering cannot be found in the schema. Invalid field: ${c}.`);
      if (f.type === 'RECORD' || f.mode === 'REPEATED' || f.type === 'JSON' || f.type === 'FLOAT') {
        throw invalid(`Field ${c} is of type ${f.type} which is not supported for clustering.`);
      }
    }
  }
}

/** Drops tables whose expirationTime has passed, as BigQuery does. */
export async function sweepExpired(ctx: Context, projectId: string): Promise<void> {
  const state = await ctx.store.project(projectId);
  const now = Date.now();
  for (const t of [...state.tables.values()]) {
    if (t.expirationTime && Number(t.expirationTime) <= now) {
      const { datasetId, tableId } = t.tableReference;
      await ctx.store.run(`DROP ${t.type === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${tablePath(projectId, datasetId, tableId)}`);
      await ctx.store.removeTable(projectId, datasetId, tableId);
      ctx.log.info({ projectId, datasetId, tableId }, 'table expired');
    }
  }
}

export async function requireTable(ctx: Context, projectId: string, datasetId: string, tableId: string): Promise<TableResource> {
  await sweepExpired(ctx, projectId);
  const t = ctx.store.findTable(projectId, datasetId, tableId);
  if (!t) throw notFound(`Table ${projectId}:${datasetId}.${tableId}`);
  return t;
}

export async function requireDataset(ctx: Context, projectId: string, datasetId: string): Promise<void> {
  const state = await ctx.store.project(projectId);
  if (!state.datasets.has(datasetId)) throw notFound(`Dataset ${projectId}:${datasetId}`);
}
