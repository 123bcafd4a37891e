// tabledata.list and tabledata.insertAll (streaming inserts with insertId de-duplication,
// skipInvalidRows, ignoreUnknownValues and BigQuery's insertErrors shape).
import { randomUUID } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requireTable } from './catalog';
import { type Context } from './context';
import { invalid, unimplemented } from './errors';
import { decodeOffset, encodeOffset } from './paging';
import { type TableResource } from './resources';
import { type Router } from './routes';
import { encodeRow } from './result-encoding';
import { type FieldSchema, duckType, quoteIdent } from './schema';
import { tablePath } from './store';
import { type RowError, validateRow } from './row-validation';

const DEDUPE_WINDOW_MS = 10 * 60_000;

interface InsertAllBody {
  rows?: { insertId?: string; json?: Record<string, unknown> }[];
  skipInvalidRows?: boolean;
  ignoreUnknownValues?: boolean;
  templateSuffix?: string;
}

export function registerTabledata(router: Router, ctx: Context): void {
  const base = '/projects/{projectId}/datasets/{datasetId}/tables/{tableId}';
  const seen = new Map<string, Map<string, number>>();

  router.add('GET', `${base}/data`, (req) =>
    ctx.store.exclusive(async () => {
      const { projectId, datasetId, tableId } = req.params;
      const t = await requireTable(ctx, projectId, datasetId, tableId);
      if (t.type !== 'TABLE') throw invalid(`Cannot list a table of type ${t.type}.`);
      let fields = t.schema?.fields ?? [];
      const selected = req.query.get('selectedFields');
      if (selected) {
        const names = selected.split(',').map((s) => s.trim().toLowerCase());
        fields = fields.filter((f) => names.includes(f.name.toLowerCase()));
      }
      const start = req.query.get('startIndex') ? Number(req.query.get('startIndex')) : decodeOffset(req.query.get('pageToken'));
      const max = req.query.get('maxResults') ? Number(req.query.get('maxResults')) : 100_000;
      const path = tablePath(projectId, t.tableReference.datasetId, t.tableReference.tableId);
      const total = Number((await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${path}`)).getRows()[0][0]);
      const cols = fields.map((f) => quoteIdent(f.name)).join(', ');
      const rows = cols ? (await ctx.store.conn.runAndReadAll(`SELECT ${cols} FROM ${path} LIMIT ${max} OFFSET ${start}`)).getRows() : [];
      const useInt64 = req.query.get('formatOptions.useInt64Timestamp') === 'true';
      const end = start + rows.length;
      return {
        body: {
          kind: 'bigquery#tableDataList',
          etag: t.etag,
          totalRows: String(total),
          ...(end < total ? { pageToken: encodeOffset(end) } : {}),
          ...(rows.length ? { rows: rows.map((r) => encodeRow(fields, r, { useInt64Timestamp: useInt64 })) } : {}),
        },
      };
    }),
  );

  router.add('POST', `${base}/insertAll`, (req) =>
    ctx.store.exclusive(async () => {
      const { projectId, datasetId, tableId } = req.params;
      const t = await requireTable(ctx, projectId, datasetId, tableId);
      if (t.type !== 'TABLE') throw invalid(`Cannot add rows to a table of type ${t.type}.`);
      const body = (req.body ?? {}) as InsertAllBody;
      if (body.templateSuffix) throw unimplemented('insertAll templateSuffix');
      if (!Array.isArray(body.rows) || body.rows.length === 0) throw invalid('No rows present in the request.', 'rows');
      const fields = t.schema?.fields ?? [];
      const errors: { index: number; errors: RowError[] }[] = [];
      const good: { index: number; row: Record<string, unknown>; insertId?: string }[] = [];
      body.rows.forEach((r, index) => {
        const result = validateRow(fields, r?.json, body.ignoreUnknownValues === true);
        if (result.errors.length) errors.push({ index, errors: result.errors });
        else good.push({ index, row: result.row, insertId: r.insertId });
      });
      if (errors.length && !body.skipInvalidRows) {
        const failed = new Set(errors.map((e) => e.index));
        const stopped = good.filter((g) => !failed.has(g.index)).map((g) => ({ index: g.index, errors: [{ reason: 'stopped', location: '', debugInfo: '', message: '' }] }));
        return { body: { kind: 'bigquery#tableDataInsertAllResponse', insertErrors: [...errors, ...stopped].sort((a, b) => a.index - b.index) } };
      }
      const key = t.id;
      const window = seen.get(key) ?? new Map<string, number>();
      seen.set(key, window);
      const now = Date.now();
      for (const [id, at] of window) if (now - at > DEDUPE_WINDOW_MS) window.delete(id);
      const fresh = good.filter((g) => {
        if (!g.insertId) return true;
        if (window.has(g.insertId)) return false;
        window.set(g.insertId, now);
        return true;
      });
      if (fresh.length) await appendRows(ctx, t, fields, fresh.map((g) => g.row));
      return { body: { kind: 'bigquery#tableDataInsertAllResponse', ...(errors.length ? { insertErrors: errors } : {}) } };
    }),
  );
}

/** Appends validated rows through DuckDB's JSON reader (much faster than row INSERTs). */
export async function appendRows(ctx: Context, t: TableResource, fields: FieldSchema[], rows: Record<string, unknown>[]): Promise<void> {
  const file = join(ctx.tmpDir, `insert-${randomUUID()}.ndjson`);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  try {
    // BYTES travel as base64 text and are decoded by DuckDB (top-level columns; nested BYTES are a known gap).
    const columns = fields.map((f) => `${quoteString(f.name)}: ${quoteString(f.type === 'BYTES' ? (f.mode === 'REPEATED' ? 'VARCHAR[]' : 'VARCHAR') : duckType(f))}`).join(', ');
    const { projectId, datasetId, tableId } = t.tableReference;
    const names = fields.map((f) => quoteIdent(f.name)).join(', ');
    const exprs = fields
      .map((f) => (f.type !== 'BYTES' ? quoteIdent(f.name) : f.mode === 'REPEATED' ? `list_transform(${quoteIdent(f.name)}, lambda b: from_base64(b))` : `from_base64(${quoteIdent(f.name)})`))
      .join(', ');
    await ctx.store.run(
      `INSERT INTO ${tablePath(projectId, datasetId, tableId)} (${names}) SELECT ${exprs} FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${columns}})`,
    );
  } finally {
    await rm(file, { force: true });
  }
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
