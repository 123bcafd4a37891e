// datasets.insert/get/list/patch/update/delete. A dataset is a DuckDB schema in the project's database.
import { type Context } from './context';
import { BqError, duplicate, invalid, notFound } from './errors';
import { page } from './paging';
import { type DatasetResource, LOCATION, etag } from './resources';
import { type Request, type Response, type Router } from './routes';
import { META_SCHEMA } from './store';
import { quoteIdent } from './schema';

const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;

interface DatasetBody {
  datasetReference?: { projectId?: string; datasetId?: string };
  description?: string;
  friendlyName?: string;
  labels?: Record<string, string>;
  location?: string;
  defaultTableExpirationMs?: string | number;
  defaultPartitionExpirationMs?: string | number;
  access?: unknown[];
}

export function registerDatasets(router: Router, ctx: Context): void {
  const { store } = ctx;
  const base = '/projects/{projectId}/datasets';

  router.add('POST', base, (req) =>
    store.exclusive(async () => {
      const projectId = req.params.projectId;
      const body = (req.body ?? {}) as DatasetBody;
      const datasetId = body.datasetReference?.datasetId;
      if (!datasetId || !DATASET_ID.test(datasetId) || datasetId === META_SCHEMA) {
        throw invalid(`Invalid dataset ID "${datasetId ?? ''}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`);
      }
      const state = await store.project(projectId);
      if (state.datasets.has(datasetId)) throw duplicate(`Dataset ${projectId}:${datasetId}`);
      await store.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(projectId)}.${quoteIdent(datasetId)}`);
      const now = String(Date.now());
      const resource: DatasetResource = {
        kind: 'bigquery#dataset',
        id: `${projectId}:${datasetId}`,
        etag: etag(),
        datasetReference: { projectId, datasetId },
        creationTime: now,
        lastModifiedTime: now,
        location: body.location ?? LOCATION,
        type: 'DEFAULT',
      };
      applyMutable(resource, body);
      await store.putDataset(projectId, resource);
      return { body: resource };
    }),
  );

  router.add('GET', base, (req) =>
    store.exclusive(async () => {
      const state = await store.project(req.params.projectId);
      const all = req.query.get('all') === 'true';
      const list = [...state.datasets.values()]
        .filter((d) => all || !d.datasetReference.datasetId.startsWith('_'))
        .sort((a, b) => a.datasetReference.datasetId.localeCompare(b.datasetReference.datasetId));
      const p = page(list, req.query.get('maxResults'), req.query.get('pageToken'));
      return {
        body: {
          kind: 'bigquery#datasetList',
          etag: etag(),
          ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
          datasets: p.items.map((d) => ({
            kind: 'bigquery#dataset',
            id: d.id,
            datasetReference: d.datasetReference,
            location: d.location,
            ...(d.labels ? { labels: d.labels } : {}),
            ...(d.friendlyName ? { friendlyName: d.friendlyName } : {}),
          })),
        },
      };
    }),
  );

  router.add('GET', `${base}/{datasetId}`, (req) => store.exclusive(async () => ({ body: await getDataset(ctx, req) })));

  const update = (replace: boolean) => (req: Request): Promise<Response> =>
    store.exclusive(async () => {
      const d = await getDataset(ctx, req);
      const body = (req.body ?? {}) as DatasetBody;
      if (replace) {
        delete d.description;
        delete d.friendlyName;
        delete d.labels;
        delete d.defaultTableExpirationMs;
      }
      applyMutable(d, body);
      d.lastModifiedTime = String(Date.now());
      d.etag = etag();
      await store.putDataset(req.params.projectId, d);
      return { body: d };
    });
  router.add('PATCH', `${base}/{datasetId}`, update(false));
  router.add('PUT', `${base}/{datasetId}`, update(true));

  router.add('DELETE', `${base}/{datasetId}`, (req) =>
    store.exclusive(async () => {
      const { projectId, datasetId } = req.params;
      await getDataset(ctx, req);
      const state = await store.project(projectId);
      const tables = [...state.tables.values()].filter((t) => t.tableReference.datasetId === datasetId);
      if (tables.length > 0 && req.query.get('deleteContents') !== 'true') {
        throw new BqError(400, 'resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
      }
      await store.run(`DROP SCHEMA IF EXISTS ${quoteIdent(projectId)}.${quoteIdent(datasetId)} CASCADE`);
      for (const t of tables) await store.removeTable(projectId, datasetId, t.tableReference.tableId);
      await store.removeDataset(projectId, datasetId);
      return { status: 204 };
    }),
  );
}

async function getDataset(ctx: Context, req: Request): Promise<DatasetResource> {
  const { projectId, datasetId } = req.params;
  const state = await ctx.store.project(projectId);
  const d = state.datasets.get(datasetId);
  if (!d) throw notFound(`Dataset ${projectId}:${datasetId}`);
  return { ...d };
}

function applyMutable(d: DatasetResource, body: DatasetBody): void {
  if (body.description !== undefined) d.description = body.description;
  if (body.friendlyName !== undefined) d.friendlyName = body.friendlyName;
  if (body.labels !== undefined) d.labels = body.labels;
  if (body.access !== undefined) d.access = body.access;
  if (body.defaultTableExpirationMs !== undefined) d.defaultTableExpirationMs = String(body.defaultTableExpirationMs);
  if (body.defaultPartitionExpirationMs !== undefined) d.defaultPartitionExpirationMs = String(body.defaultPartitionExpirationMs);
}
