// CREATE and DROP of tables and views: runs the translated DDL, then records the table's BigQuery
// metadata (partitioning, clustering, options, view query) in the catalog.
import { requireDataset, syncTable } from './catalog';
import { duplicate, invalidQuery } from './errors';
import { measured } from './bytes-accounting';
import { guard } from './query-errors';
import { type QueryOutcome, type RunState } from './query-types';
import { type TableReference, type TableResource } from './resources';
import { quoteIdent } from './schema';
import { type DdlInfo } from './sql/ddl';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';
import { tablePath } from './store';

export async function runDdl(state: RunState, ddl: DdlInfo, duckSql: string): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const name = ddl.name!;
  const projectId = name.project ?? input.projectId;
  const datasetId = name.dataset ?? input.defaultDataset?.datasetId;
  if (!datasetId) throw invalidQuery(`Table "${name.table}" must be qualified with a dataset (e.g. dataset.table).`);
  await ctx.store.project(projectId);
  await requireDataset(ctx, projectId, datasetId);
  const ref: TableReference = { projectId, datasetId, tableId: name.table };
  const statementType = ddl.statement === 'CREATE_TABLE' ? (/\bAS\b/i.test(ddl.sql.replace(/\([^]*\)/, '')) ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE') : ddl.statement;
  const existing = ctx.store.findTable(projectId, datasetId, name.table);
  if (input.dryRun) return { rows: [], statementType, totalBytesProcessed: 0n, ddlTargetTable: ref };
  if (ddl.statement.startsWith('DROP')) {
    await guard(projectId, () => ctx.store.run(duckSql));
    await syncTable(ctx, projectId, datasetId, name.table);
    return { rows: [], statementType, totalBytesProcessed: 0n, ddlOperationPerformed: existing ? 'DROP' : 'SKIP', ddlTargetTable: ref };
  }
  if (existing && ddl.ifNotExists) return { rows: [], statementType, totalBytesProcessed: 0n, ddlOperationPerformed: 'SKIP', ddlTargetTable: ref };
  if (existing && !ddl.orReplace) throw duplicate(`Table ${projectId}:${datasetId}.${name.table}`);
  const run = () => guard(projectId, () => ctx.store.run(duckSql));
  // Only CREATE TABLE … AS SELECT reads data, so only it is billed.
  const createBytes = statementType === 'CREATE_TABLE_AS_SELECT' ? (await measured(ctx, projectId, duckSql, true, run)).bytes : (await run(), 0n);
  const extra = tableOptions(ddl);
  if (extra.timePartitioning && !extra.timePartitioning.field) {
    // Ingestion-time partitioning: a hidden column stands in for _PARTITIONTIME, set on insert.
    const p = `date_trunc('${extra.timePartitioning.type.toLowerCase()}', current_timestamp)`;
    await ctx.store.run(`ALTER TABLE ${tablePath(projectId, datasetId, name.table)} ADD COLUMN ${quoteIdent(PARTITIONTIME_COLUMN)} TIMESTAMPTZ DEFAULT ${p}`);
  }
  try {
    await syncTable(ctx, projectId, datasetId, name.table, extra, { kind: ddl.statement === 'CREATE_VIEW' ? 'VIEW' : 'TABLE', replaced: Boolean(existing) });
  } catch (err) {
    // Metadata the catalog refuses must not leave a table behind that BigQuery would not have.
    await ctx.store.run(`DROP ${ddl.statement === 'CREATE_VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${tablePath(projectId, datasetId, name.table)}`);
    await syncTable(ctx, projectId, datasetId, name.table);
    throw err;
  }
  return {
    rows: [],
    statementType,
    totalBytesProcessed: createBytes,
    ddlOperationPerformed: existing ? 'REPLACE' : 'CREATE',
    ddlTargetTable: ref,
  };
}

/** The table resource fields the DDL's PARTITION BY, CLUSTER BY, OPTIONS and view query set. */
function tableOptions(ddl: DdlInfo): Partial<TableResource> {
  const o = ddl.options ?? {};
  const extra: Partial<TableResource> = {};
  if (ddl.statement === 'CREATE_VIEW') {
    const m = /\bAS\b([^]*)$/i.exec(ddl.sql);
    extra.view = { query: m ? m[1].trim() : '', useLegacySql: false };
  }
  if (ddl.partition) {
    extra.timePartitioning = { type: ddl.partition.type, ...(ddl.partition.field ? { field: ddl.partition.field } : {}) };
    if (o.partition_expiration_days != null) extra.timePartitioning.expirationMs = String(Math.round(Number(o.partition_expiration_days) * 86_400_000));
  }
  if (ddl.clustering?.length) extra.clustering = { fields: ddl.clustering };
  if (typeof o.description === 'string') extra.description = o.description;
  if (typeof o.friendly_name === 'string') extra.friendlyName = o.friendly_name;
  if (o.require_partition_filter === true) extra.requirePartitionFilter = true;
  if (o.expiration_timestamp != null) {
    const ms = Date.parse(String(o.expiration_timestamp).replace(/^TIMESTAMP\s*/i, '').replace(/^'|'$/g, '').replace(' UTC', 'Z'));
    if (Number.isNaN(ms)) throw invalidQuery(`Invalid expiration_timestamp ${o.expiration_timestamp}`);
    extra.expirationTime = String(ms);
  }
  return extra;
}
