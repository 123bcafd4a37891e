// tables.insert/get/list/patch/update/delete, including views, partitioning and clustering.
import { checkPartitioning, requireDataset, requireTable, sweepExpired, syncTable } from './catalog';
import { type Context } from './context';
import { duplicate, invalid, unimplemented } from './errors';
import { page } from './paging';
import { LOCATION, type TableResource, type TimePartitioning, etag } from './resources';
import { type Request, type Response, type Router } from './routes';
import { type FieldSchema, columnDefinitions, duckType, normalizeFields, quoteIdent } from './schema';
import { tablePath } from './store';
import { translate } from './sql/translate';
import { logicalBytes } from './bytes-processed';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';

const TABLE_ID = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;

interface TableBody {
  tableReference?: { projectId?: string; datasetId?: string; tableId?: string };
  schema?: { fields?: FieldSchema[] };
  timePartitioning?: { type?: string; field?: string; expirationMs?: string | number; requirePartitionFilter?: boolean };
  rangePartitioning?: unknown;
  clustering?: { fields?: string[] } | null;
  requirePartitionFilter?: boolean;
  expirationTime?: string | number | null;
  description?: string | null;
  friendlyName?: string | null;
  labels?: Record<string, string>;
  view?: { query?: string; useLegacySql?: boolean };
  materializedView?: unknown;
  externalDataConfiguration?: unknown;
}

export function registerTables(router: Router, ctx: Context): void {
  const { store } = ctx;
  const base = '/projects/{projectId}/datasets/{datasetId}/tables';

  router.add('POST', base, (req) => store.exclusive(() => insertTable(ctx, req)));

  router.add('GET', base, (req) =>
    store.exclusive(async () => {
      const { projectId, datasetId } = req.params;
      await requireDataset(ctx, projectId, datasetId);
      await sweepExpired(ctx, projectId);
      const state = await store.project(projectId);
      const list = [...state.tables.values()]
        .filter((t) => t.tableReference.datasetId === datasetId)
        .sort((a, b) => a.tableReference.tableId.localeCompare(b.tableReference.tableId));
      const p = page(list, req.query.get('maxResults'), req.query.get('pageToken'));
      return {
        body: {
          kind: 'bigquery#tableList',
          etag: etag(),
          totalItems: list.length,
          ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
          tables: p.items.map((t) => ({
            kind: 'bigquery#table',
            id: t.id,
            tableReference: t.tableReference,
            type: t.type,
            creationTime: t.creationTime,
            ...(t.timePartitioning ? { timePartitioning: t.timePartitioning } : {}),
            ...(t.clustering ? { clustering: t.clustering } : {}),
            ...(t.expirationTime ? { expirationTime: t.expirationTime } : {}),
            ...(t.labels ? { labels: t.labels } : {}),
            ...(t.friendlyName ? { friendlyName: t.friendlyName } : {}),
            ...(t.view ? { view: { useLegacySql: false } } : {}),
          })),
        },
      };
    }),
  );

  router.add('GET', `${base}/{tableId}`, (req) =>
    store.exclusive(async () => {
      const t = await requireTable(ctx, req.params.projectId, req.params.datasetId, req.params.tableId);
      // view=BASIC leaves out storage statistics (numRows, numBytes), as BigQuery does: no table scan.
      return { body: req.query.get('view') === 'BASIC' ? t : await withStats(ctx, t) };
    }),
  );

  const update = (replace: boolean) => (req: Request): Promise<Response> => store.exclusive(() => patchTable(ctx, req, replace));
  router.add('PATCH', `${base}/{tableId}`, update(false));
  router.add('PUT', `${base}/{tableId}`, update(true));

  router.add('DELETE', `${base}/{tableId}`, (req) =>
    store.exclusive(async () => {
      const { projectId, datasetId, tableId } = req.params;
      const t = await requireTable(ctx, projectId, datasetId, tableId);
      const ref = t.tableReference;
      await store.run(`DROP ${t.type === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${tablePath(projectId, ref.datasetId, ref.tableId)}`);
      await store.removeTable(projectId, ref.datasetId, ref.tableId);
      return { status: 204 };
    }),
  );
}

async function insertTable(ctx: Context, req: Request): Promise<Response> {
  const { projectId, datasetId } = req.params;
  const body = (req.body ?? {}) as TableBody;
  const tableId = body.tableReference?.tableId;
  if (!tableId || !TABLE_ID.test(tableId)) throw invalid(`Invalid table ID "${tableId ?? ''}".`);
  if (body.rangePartitioning) throw unimplemented('rangePartitioning');
  if (body.materializedView) throw unimplemented('Materialized views');
  if (body.externalDataConfiguration) throw unimplemented('External tables');
  await requireDataset(ctx, projectId, datasetId);
  await sweepExpired(ctx, projectId);
  if (ctx.store.findTable(projectId, datasetId, tableId)) throw duplicate(`Table ${projectId}:${datasetId}.${tableId}`);
  const path = tablePath(projectId, datasetId, tableId);
  const now = String(Date.now());
  const resource: TableResource = {
    kind: 'bigquery#table',
    id: `${projectId}:${datasetId}.${tableId}`,
    etag: etag(),
    tableReference: { projectId, datasetId, tableId },
    type: body.view ? 'VIEW' : 'TABLE',
    creationTime: now,
    lastModifiedTime: now,
    location: LOCATION,
  };
  applyMutable(resource, body);
  if (body.view) {
    if (!body.view.query) throw invalid('View query is required');
    if (body.view.useLegacySql) throw unimplemented('Legacy SQL views');
    await ctx.store.use(quoteIdent(projectId));
    await ctx.store.run(`CREATE VIEW ${path} AS ${translateOrInvalid(body.view.query)}`);
    resource.view = { query: body.view.query, useLegacySql: false };
    const synced = await syncTable(ctx, projectId, datasetId, tableId, resource, { kind: 'VIEW' });
    return { body: synced };
  }
  const fields = normalizeFields(body.schema?.fields);
  const tp = partitioningFrom(body);
  const clustering = body.clustering?.fields;
  checkPartitioning(fields, tp, clustering);
  if (fields.some((f) => f.name.toUpperCase() === PARTITIONTIME_COLUMN || f.name.toUpperCase() === '_PARTITIONDATE')) {
    throw invalid('Field names starting with _PARTITION are reserved');
  }
  let cols = columnDefinitions(fields);
  if (tp && !tp.field) {
    const part = `${quoteIdent(PARTITIONTIME_COLUMN)} TIMESTAMPTZ DEFAULT date_trunc('${tp.type.toLowerCase()}', current_timestamp)`;
    cols = cols ? `${cols}, ${part}` : part;
  }
  if (!cols) cols = '"__pf_empty" BOOLEAN';
  await ctx.store.run(`CREATE TABLE ${path} (${cols})`);
  resource.schema = { fields };
  if (tp) resource.timePartitioning = tp;
  if (clustering?.length) resource.clustering = { fields: clustering };
  await ctx.store.putTable(resource);
  return { body: resource };
}

function translateOrInvalid(sql: string): string {
  try {
    return translate(sql);
  } catch (err) {
    throw invalid(`Invalid view query: ${(err as Error).message}`);
  }
}

function partitioningFrom(body: TableBody): TimePartitioning | undefined {
  return normaliseTimePartitioning(body.timePartitioning);
}

/** A request's timePartitioning as the table resource stores it (tables.insert and load jobs). */
export function normaliseTimePartitioning(tp: TableBody['timePartitioning']): TimePartitioning | undefined {
  if (!tp) return undefined;
  const out: TimePartitioning = { type: (tp.type ?? 'DAY').toUpperCase() as TimePartitioning['type'] };
  if (tp.field) out.field = tp.field;
  if (tp.expirationMs !== undefined) out.expirationMs = String(tp.expirationMs);
  if (tp.requirePartitionFilter !== undefined) out.requirePartitionFilter = tp.requirePartitionFilter;
  return out;
}

function applyMutable(t: TableResource, body: TableBody): void {
  if (body.description !== undefined) {
    if (body.description === null) delete t.description;
    else t.description = body.description;
  }
  if (body.friendlyName !== undefined) {
    if (body.friendlyName === null) delete t.friendlyName;
    else t.friendlyName = body.friendlyName;
  }
  if (body.labels !== undefined) t.labels = body.labels;
  if (body.expirationTime !== undefined) {
    if (body.expirationTime === null) delete t.expirationTime;
    else t.expirationTime = String(body.expirationTime);
  }
  if (body.requirePartitionFilter !== undefined) t.requirePartitionFilter = body.requirePartitionFilter;
}

async function patchTable(ctx: Context, req: Request, replace: boolean): Promise<Response> {
  const { projectId, datasetId, tableId } = req.params;
  const t = { ...(await requireTable(ctx, projectId, datasetId, tableId)) };
  const body = (req.body ?? {}) as TableBody;
  if (replace) {
    delete t.description;
    delete t.friendlyName;
    delete t.labels;
  }
  applyMutable(t, body);
  const path = tablePath(projectId, t.tableReference.datasetId, t.tableReference.tableId);
  if (body.view?.query && t.type === 'VIEW') {
    await ctx.store.use(quoteIdent(projectId));
    await ctx.store.run(`CREATE OR REPLACE VIEW ${path} AS ${translateOrInvalid(body.view.query)}`);
    t.view = { query: body.view.query, useLegacySql: false };
  }
  if (body.schema?.fields && t.type === 'TABLE') {
    const fields = normalizeFields(body.schema.fields);
    const old = t.schema?.fields ?? [];
    for (const o of old) {
      const n = fields.find((f) => f.name.toLowerCase() === o.name.toLowerCase());
      if (!n) throw invalid(`Provided Schema does not match Table ${t.id}. Field ${o.name} is missing in new schema`);
      if (n.type !== o.type) throw invalid(`Provided Schema does not match Table ${t.id}. Field ${o.name} has changed type from ${o.type} to ${n.type}`);
      if (JSON.stringify(n.fields ?? []) !== JSON.stringify(o.fields ?? []) && n.type === 'RECORD') {
        throw unimplemented('Changing the fields of a RECORD column');
      }
    }
    for (const n of fields.filter((f) => !old.some((o) => o.name.toLowerCase() === f.name.toLowerCase()))) {
      if (n.mode === 'REQUIRED') throw invalid(`Provided Schema does not match Table ${t.id}. Cannot add required field ${n.name}`);
      await ctx.store.run(`ALTER TABLE ${path} ADD COLUMN ${quoteIdent(n.name)} ${duckType(n)}`);
    }
    t.schema = { fields };
  }
  if (body.timePartitioning && t.timePartitioning) {
    if (body.timePartitioning.expirationMs !== undefined) t.timePartitioning.expirationMs = String(body.timePartitioning.expirationMs);
    if (body.timePartitioning.requirePartitionFilter !== undefined) t.timePartitioning.requirePartitionFilter = body.timePartitioning.requirePartitionFilter;
  } else if (body.timePartitioning && !t.timePartitioning) {
    throw invalid('Cannot change partitioning of an existing non-partitioned table');
  }
  if (body.clustering !== undefined) {
    if (body.clustering === null || !body.clustering.fields?.length) delete t.clustering;
    else {
      checkPartitioning(t.schema?.fields ?? [], undefined, body.clustering.fields);
      t.clustering = { fields: body.clustering.fields };
    }
  }
  t.lastModifiedTime = String(Date.now());
  t.etag = etag();
  await ctx.store.putTable(t);
  return { body: await withStats(ctx, t) };
}

async function withStats(ctx: Context, t: TableResource): Promise<TableResource> {
  if (t.type !== 'TABLE') return t;
  const { projectId, datasetId, tableId } = t.tableReference;
  const fields = t.schema?.fields ?? [];
  const size = await logicalBytes(ctx.store.conn, tablePath(projectId, datasetId, tableId), fields, undefined);
  const count = await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${tablePath(projectId, datasetId, tableId)}`);
  const out: TableResource = { ...t, numRows: String(count.getRows()[0][0]), numBytes: String(size) };
  return out;
}
