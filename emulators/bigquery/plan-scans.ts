// What a statement reads, from DuckDB's plan: per table, the columns and partition filters its
// scans use. Refuses a table that requires a partition filter when no scan of it prunes.
import { mentionedColumns, scansFromPlan, type TableScanBytes } from './bytes-processed';
import { type Context } from './context';
import { tableKey } from './data-versions';
import { invalidQuery } from './errors';
import { guard } from './query-errors';
import { type TableResource, partitionColumn, requiresPartitionFilter } from './resources';
import { tablePath } from './store';

const planning = new WeakMap<object, Promise<unknown>>();

/**
 * Plans with DuckDB's statistics propagation off. With it on, the plan depends on the rows: DuckDB
 * drops a filter the table's min/max prove always true (`ingested_at >= <a date before every row>`),
 * so the plan would show no partition filter where BigQuery sees one and requirePartitionFilter
 * would wrongly refuse the query, and an empty table plans as an empty result. Plans are taken one
 * at a time so one plan's RESET cannot land inside another's window; statements running meanwhile
 * are only optimised less, never answered differently.
 */
async function planWithoutStatistics<T>(ctx: Context, plan: () => Promise<T>): Promise<T> {
  const conn = ctx.store.conn;
  const previous = planning.get(conn) ?? Promise.resolve();
  const run = previous.then(async () => {
    await conn.run("SET disabled_optimizers = 'statistics_propagation'");
    try {
      return await plan();
    } finally {
      await conn.run('RESET disabled_optimizers');
    }
  });
  planning.set(conn, run.catch(() => undefined));
  return run;
}

/** The scan's filters on the partition column alone: what prunes partitions. */
function pruningFilters(table: TableResource, filters: readonly string[]): string[] {
  const part = partitionColumn(table);
  if (!part) return [];
  const names = (table.schema?.fields ?? []).map((f) => f.name);
  const allNames = table.timePartitioning?.field ? names : [...names, part];
  return filters.filter((f) => {
    const used = mentionedColumns(f, allNames);
    return used.length > 0 && used.every((c) => c.toLowerCase() === part.toLowerCase());
  });
}

/**
 * What the statement reads: per table, the columns and the partitions its plan scans. The plan is
 * taken without statistics, so it depends on the statement, the default schema and the catalog's
 * shapes, never on the rows: it is cached for the catalog version (a scheduled transform sends the
 * same statements every run). Refusing a table that requires a partition filter is never cached.
 */
export async function planScans(ctx: Context, projectId: string, duckSql: string): Promise<TableScanBytes[]> {
  const { store } = ctx;
  const version = store.catalogVersion;
  const key = `${store.currentSchema ?? ''}\u0000${duckSql}`;
  const cached = ctx.plans.get(version, key);
  if (cached) return cached;
  const explain = await planWithoutStatistics(ctx, () => guard(projectId, () => store.conn.runAndReadAll(`EXPLAIN (FORMAT JSON) ${duckSql}`)));
  const plan = explain.getRows().find((r) => r[0] === 'physical_plan')?.[1];
  if (typeof plan !== 'string') return [];
  const { scans, cacheable } = scansOfPlan(ctx, plan);
  if (cacheable) ctx.plans.set(version, key, scans);
  return scans;
}

/** The table scans of a plan, merged per table; `cacheable` unless it scans something the catalog does not describe. */
function scansOfPlan(ctx: Context, plan: string): { scans: TableScanBytes[]; cacheable: boolean } {
  let cacheable = true;
  const perTable = new Map<string, { table: TableResource; columns: Set<string>; where: (string | undefined)[] }>();
  for (const scan of scansFromPlan(plan)) {
    const table = scan.name.length === 3 ? ctx.store.findTable(scan.name[0]!, scan.name[1]!, scan.name[2]!) : undefined;
    if (!table || table.type !== 'TABLE') {
      cacheable = false;
      continue;
    }
    const names = (table.schema?.fields ?? []).map((f) => f.name);
    const part = partitionColumn(table);
    const columns = new Set<string>([...scan.projections.flatMap((pr) => mentionedColumns(pr, names)), ...scan.filters.flatMap((f) => mentionedColumns(f, names))]);
    const pruning = pruningFilters(table, scan.filters);
    if (requiresPartitionFilter(table) && pruning.length === 0) {
      const { datasetId, tableId } = table.tableReference;
      throw invalidQuery(`Cannot query over table '${datasetId}.${tableId}' without a filter over column(s) '${part}' that can be used for partition elimination`);
    }
    const key = scan.name.join('.');
    const entry = perTable.get(key) ?? { table, columns: new Set<string>(), where: [] };
    columns.forEach((c) => entry.columns.add(c));
    // A scan without a pruning filter reads every partition, so the table's filter is then none at all.
    entry.where.push(pruning.length ? pruning.map((f) => `(${f})`).join(' AND ') : undefined);
    perTable.set(key, entry);
  }
  const scans = [...perTable.values()].map(({ table, columns, where }) => {
    const { projectId: p, datasetId: d, tableId: t } = table.tableReference;
    return {
      key: tableKey([p, d, t]),
      path: tablePath(p, d, t),
      fields: (table.schema?.fields ?? []).filter((f) => columns.has(f.name)),
      where: where.some((w) => w === undefined) ? undefined : where.join(' OR '),
    };
  });
  return { scans, cacheable };
}
