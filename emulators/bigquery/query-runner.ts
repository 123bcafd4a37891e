// Runs a GoogleSQL query or script against DuckDB: binds parameters, keeps script variables,
// translates each statement, records DDL metadata, enforces requirePartitionFilter and measures
// totalBytesProcessed from the plan. Call inside Store.exclusive().
import { type DuckDBType, type DuckDBValue, type DuckDBTimestampTZValue } from '@duckdb/node-api';
import { requireDataset, sweepExpired, syncTable } from './catalog';
import { type Context } from './context';
import { BqError, duplicate, invalidQuery, notFound, unimplemented } from './errors';
import { type TableReference, type TableResource, partitionColumn, requiresPartitionFilter } from './resources';
import { type FieldSchema, fieldFromDuck, quoteIdent } from './schema';
import { tablePath } from './store';
import { logicalBytesOfScans, measureScanBytes, mentionedColumns, pendingScanBytes, scansFromPlan, type ScanBytesMemo, type TableScanBytes } from './bytes-processed';
import { DdlError, type DdlInfo, readDdl } from './sql/ddl';
import { LiteralError } from './sql/literals';
import { ParameterError, type QueryParameter, bindParameters } from './sql/params';
import { ScriptError, classifyStep, substituteVariables } from './sql/script';
import { join, quoteString, splitStatements, tokenize, isKeyword, nextSignificant } from './sql/tokens';
import { TranslateError, translate } from './sql/translate';
import { tableKey } from './data-versions';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';
import { encodeScalar } from './result-encoding';
import { type CatalogTable, GoogleSqlRejection, buildCatalog } from './googlesql/checker';

export interface QueryInput {
  projectId: string;
  query: string;
  parameterMode?: 'NAMED' | 'POSITIONAL';
  queryParameters?: QueryParameter[];
  defaultDataset?: { projectId?: string; datasetId: string };
  dryRun?: boolean;
  destination?: TableReference;
  writeDisposition?: string;
  createDisposition?: string;
}

export interface QueryOutcome {
  schema?: FieldSchema[];
  rows: DuckDBValue[][];
  statementType: string;
  numDmlAffectedRows?: bigint;
  totalBytesProcessed: bigint;
  ddlOperationPerformed?: string;
  ddlTargetTable?: TableReference;
}

interface RunState {
  ctx: Context;
  input: QueryInput;
  vars: Map<string, string>;
}

export async function runQuery(ctx: Context, input: QueryInput): Promise<QueryOutcome> {
  await ctx.store.project(input.projectId);
  await sweepExpired(ctx, input.projectId);
  const dd = input.defaultDataset;
  if (dd?.datasetId) {
    await requireDataset(ctx, dd.projectId ?? input.projectId, dd.datasetId);
    await ctx.store.use(`${quoteIdent(dd.projectId ?? input.projectId)}.${quoteIdent(dd.datasetId)}`);
  } else {
    await ctx.store.use(quoteIdent(input.projectId));
  }
  let bound: string;
  try {
    bound = join(bindParameters(tokenize(input.query), input.queryParameters ?? [], input.parameterMode));
  } catch (err) {
    if (err instanceof ParameterError || err instanceof LiteralError) throw invalidQuery(err.message);
    throw err;
  }
  const statements = splitStatements(bound);
  if (statements.length === 0) throw invalidQuery('Syntax error: Unexpected end of script');
  const state: RunState = { ctx, input, vars: new Map() };
  const script = statements.length > 1;
  if (script && input.destination) throw invalidQuery('configuration.query.destinationTable cannot be set for scripts');
  let last: QueryOutcome | undefined;
  let bytes = 0n;
  for (const stmt of statements) {
    const outcome = await runStep(state, stmt);
    if (!outcome) continue;
    bytes += outcome.totalBytesProcessed;
    if (!script || outcome.schema) last = outcome;
  }
  const result = last ?? { rows: [], statementType: 'SCRIPT', totalBytesProcessed: 0n };
  return script ? { ...result, statementType: 'SCRIPT', totalBytesProcessed: bytes } : result;
}

async function runStep(state: RunState, stmt: string): Promise<QueryOutcome | undefined> {
  let step;
  try {
    step = classifyStep(stmt);
  } catch (err) {
    if (err instanceof ScriptError) throw err.unsupported ? unimplemented(err.message) : invalidQuery(err.message);
    throw err;
  }
  if (step.kind === 'declare') {
    for (const name of step.names) {
      if (state.vars.has(name.toLowerCase())) throw invalidQuery(`Variable ${name} is already declared`);
    }
    const value = step.defaultExpr ? await evaluate(state, step.defaultExpr, step.type) : `CAST(NULL AS ${step.type})`;
    for (const name of step.names) state.vars.set(name.toLowerCase(), value);
    return undefined;
  }
  if (step.kind === 'set') {
    if (!state.vars.has(step.name.toLowerCase())) throw invalidQuery(`Unrecognized name: ${step.name}`);
    state.vars.set(step.name.toLowerCase(), await evaluate(state, step.expr, undefined));
    return undefined;
  }
  const sql = join(substituteVariables(tokenize(step.sql), state.vars));
  return runStatement(state, sql);
}

/** Evaluates a scalar expression and returns it as a GoogleSQL literal. */
async function evaluate(state: RunState, expr: string, type: string | undefined): Promise<string> {
  const sql = join(substituteVariables(tokenize(`SELECT ${type ? `CAST((${expr}) AS ${type})` : `(${expr})`}`), state.vars));
  const out = await runStatement({ ...state, input: { ...state.input, dryRun: false, destination: undefined } }, sql);
  const field = out.schema?.[0];
  if (!field) throw invalidQuery('Variable expression has no value');
  return valueLiteral(field, out.rows[0]?.[0] ?? null);
}

function valueLiteral(field: FieldSchema, value: DuckDBValue): string {
  const gtype = googleType(field);
  if (value === null) return `CAST(NULL AS ${gtype})`;
  if (field.mode === 'REPEATED' || field.type === 'RECORD') throw unimplemented('ARRAY and STRUCT script variables');
  if (field.type === 'TIMESTAMP') return `TIMESTAMP_MICROS(${(value as DuckDBTimestampTZValue).micros})`;
  const text = encodeScalar(field.type, value, { useInt64Timestamp: true });
  switch (field.type) {
    case 'INTEGER':
    case 'FLOAT':
      return `CAST(${quoteString(text)} AS ${gtype})`;
    case 'BOOLEAN':
      return text.toUpperCase();
    case 'STRING':
      return quoteString(text);
    case 'BYTES':
      return `FROM_BASE64(${quoteString(text)})`;
    default:
      return `${gtype} ${quoteString(text)}`;
  }
}

function googleType(f: FieldSchema): string {
  const scalar = f.type === 'RECORD' ? `STRUCT<${(f.fields ?? []).map((c) => `${c.name} ${googleType(c)}`).join(', ')}>` : ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[f.type] ?? f.type;
  return f.mode === 'REPEATED' ? `ARRAY<${scalar}>` : scalar;
}

function firstKeyword(sql: string): string {
  const tokens = tokenize(sql);
  const i = nextSignificant(tokens, 0);
  return tokens[i]?.text === '(' ? 'SELECT' : (tokens[i]?.text ?? '').toUpperCase();
}

async function runStatement(state: RunState, stmt: string): Promise<QueryOutcome> {
  const { ctx, input } = state;
  let ddl: DdlInfo;
  try {
    ddl = readDdl(stmt);
  } catch (err) {
    if (err instanceof DdlError) throw err.unsupported ? unimplemented(err.message) : invalidQuery(err.message);
    throw err;
  }
  const head = firstKeyword(stmt);
  const kind = ddl.statement !== 'OTHER' ? ddl.statement : head === 'WITH' ? 'SELECT' : head;
  if (!['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'CREATE_TABLE', 'CREATE_VIEW', 'DROP_TABLE', 'DROP_VIEW', 'TRUNCATE'].includes(kind)) {
    if (['ALTER', 'GRANT', 'REVOKE', 'EXPORT', 'LOAD', 'CALL', 'EXECUTE', 'UNDROP', 'CREATE', 'DROP'].includes(head)) throw unimplemented(`Statement ${head}`);
    throw invalidQuery(`Syntax error: Unexpected keyword ${head || 'end of statement'} at [1:1]`);
  }
  const googleFields = await checkGoogleSql(state, stmt);
  let duckSql: string;
  try {
    duckSql = translate(ddl.sql);
  } catch (err) {
    if (err instanceof TranslateError) throw invalidQuery(`Syntax error: ${err.message}`);
    throw err;
  }
  if (kind.startsWith('CREATE') || kind.startsWith('DROP')) return runDdl(state, ddl, duckSql);
  if (kind === 'TRUNCATE') {
    if (input.dryRun) return { rows: [], statementType: 'TRUNCATE_TABLE', totalBytesProcessed: 0n };
    await guard(ctx, input.projectId, () => ctx.store.run(duckSql));
    return { rows: [], statementType: 'TRUNCATE_TABLE', totalBytesProcessed: 0n };
  }
  if (kind !== 'SELECT') {
    if (input.dryRun) return { rows: [], statementType: kind, totalBytesProcessed: await planBytes(ctx, input.projectId, duckSql) };
    const { result: r, bytes } = await measured(ctx, input.projectId, duckSql, true, () => guard(ctx, input.projectId, () => ctx.store.run(duckSql)));
    return { rows: [], statementType: kind, totalBytesProcessed: bytes, numDmlAffectedRows: BigInt(r.rowsChanged) };
  }
  const hidePartitionTime = !/_PARTITION(TIME|DATE)/i.test(stmt);
  if (input.dryRun) {
    const bytes = await planBytes(ctx, input.projectId, duckSql);
    const probe = await guard(ctx, input.projectId, () => ctx.store.conn.runAndReadAll(`SELECT * FROM (${duckSql}) LIMIT 0`));
    const { schema } = shape(probe.columnNames(), probe.columnTypes(), [], hidePartitionTime);
    return { schema: alignNumericTypes(schema, googleFields), rows: [], statementType: 'SELECT', totalBytesProcessed: bytes };
  }
  if (input.destination) return selectInto(state, duckSql, await planBytes(ctx, input.projectId, duckSql), hidePartitionTime);
  const { result: reader, bytes } = await measured(ctx, input.projectId, duckSql, false, () => guard(ctx, input.projectId, () => ctx.store.conn.runAndReadAll(duckSql)));
  const { schema, rows } = shape(reader.columnNames(), reader.columnTypes(), reader.getRows(), hidePartitionTime);
  return { schema: alignNumericTypes(schema, googleFields), rows, statementType: 'SELECT', totalBytesProcessed: bytes };
}

const NUMBERS = ['INTEGER', 'FLOAT', 'NUMERIC', 'BIGNUMERIC'];

/**
 * DuckDB types some arithmetic differently (NUMERIC / INT64 is DOUBLE there, 1.5 a DECIMAL): in
 * strict mode a top-level numeric column takes the type ZetaSQL resolved, as BigQuery reports it.
 */
export function alignNumericTypes(schema: FieldSchema[], google: FieldSchema[] | undefined): FieldSchema[] {
  if (!google || google.length !== schema.length) return schema;
  return schema.map((f, i) => {
    const g = google[i];
    const scalar = f.mode !== 'REPEATED' && g.mode !== 'REPEATED';
    return scalar && f.type !== g.type && NUMBERS.includes(f.type) && NUMBERS.includes(g.type) && g.type !== 'INTEGER' ? { ...f, type: g.type } : f;
  });
}

function shape(names: string[], types: DuckDBType[], rows: DuckDBValue[][], hidePartitionTime: boolean): { schema: FieldSchema[]; rows: DuckDBValue[][] } {
  const keep = names.map((n) => !(hidePartitionTime && n.toUpperCase() === PARTITIONTIME_COLUMN));
  const schema = names.map((n, i) => fieldFromDuck(n, types[i])).filter((_, i) => keep[i]);
  const out = keep.every(Boolean) ? rows : rows.map((r) => r.filter((_, i) => keep[i]));
  return { schema, rows: out };
}

async function selectInto(state: RunState, duckSql: string, bytes: bigint, hidePartitionTime: boolean): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const dest = input.destination as TableReference;
  const destProject = dest.projectId ?? input.projectId;
  await requireDataset(ctx, destProject, dest.datasetId);
  const path = tablePath(destProject, dest.datasetId, dest.tableId);
  const existing = ctx.store.findTable(destProject, dest.datasetId, dest.tableId);
  const write = input.writeDisposition ?? 'WRITE_EMPTY';
  if (!existing && input.createDisposition === 'CREATE_NEVER') throw notFound(`Table ${destProject}:${dest.datasetId}.${dest.tableId}`);
  await guard(ctx, input.projectId, () => ctx.store.run(`CREATE OR REPLACE TEMP TABLE pf_query_result AS ${duckSql}`));
  try {
    const reader = await ctx.store.conn.runAndReadAll('SELECT * FROM temp.pf_query_result');
    const { schema, rows } = shape(reader.columnNames(), reader.columnTypes(), reader.getRows(), hidePartitionTime);
    if (!existing) {
      await ctx.store.run(`CREATE TABLE ${path} AS SELECT * FROM temp.pf_query_result`);
      await syncTable(ctx, destProject, dest.datasetId, dest.tableId, {}, { kind: 'TABLE' });
    } else if (write === 'WRITE_TRUNCATE') {
      await ctx.store.run(`DELETE FROM ${path}`);
      await guard(ctx, input.projectId, () => ctx.store.run(`INSERT INTO ${path} BY NAME SELECT * FROM temp.pf_query_result`));
    } else {
      if (write === 'WRITE_EMPTY') {
        const n = await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${path}`);
        if (Number(n.getRows()[0][0]) > 0) throw duplicate(`Table ${destProject}:${dest.datasetId}.${dest.tableId}`);
      }
      await guard(ctx, input.projectId, () => ctx.store.run(`INSERT INTO ${path} BY NAME SELECT * FROM temp.pf_query_result`));
    }
    return { schema, rows, statementType: 'SELECT', totalBytesProcessed: bytes };
  } finally {
    await ctx.store.run('DROP TABLE IF EXISTS temp.pf_query_result');
  }
}

async function runDdl(state: RunState, ddl: DdlInfo, duckSql: string): Promise<QueryOutcome> {
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
    await guard(ctx, projectId, () => ctx.store.run(duckSql));
    await syncTable(ctx, projectId, datasetId, name.table);
    return { rows: [], statementType, totalBytesProcessed: 0n, ddlOperationPerformed: existing ? 'DROP' : 'SKIP', ddlTargetTable: ref };
  }
  if (existing && ddl.ifNotExists) return { rows: [], statementType, totalBytesProcessed: 0n, ddlOperationPerformed: 'SKIP', ddlTargetTable: ref };
  if (existing && !ddl.orReplace) throw duplicate(`Table ${projectId}:${datasetId}.${name.table}`);
  const run = () => guard(ctx, projectId, () => ctx.store.run(duckSql));
  const createBytes = statementType === 'CREATE_TABLE_AS_SELECT' ? (await measured(ctx, projectId, duckSql, true, run)).bytes : (await run(), 0n);
  const extra = tableOptions(ddl);
  if (extra.timePartitioning && !extra.timePartitioning.field) {
    const p = `date_trunc('${extra.timePartitioning.type.toLowerCase()}', current_timestamp)`;
    await ctx.store.run(`ALTER TABLE ${tablePath(projectId, datasetId, name.table)} ADD COLUMN ${quoteIdent(PARTITIONTIME_COLUMN)} TIMESTAMPTZ DEFAULT ${p}`);
  }
  try {
    await syncTable(ctx, projectId, datasetId, name.table, extra, { kind: ddl.statement === 'CREATE_VIEW' ? 'VIEW' : 'TABLE', replaced: Boolean(existing) });
  } catch (err) {
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

function bytesMemo(ctx: Context): ScanBytesMemo {
  return { versionOf: (key) => ctx.store.versions.of(key), known: ctx.scanBytes };
}

/** Bytes the statement reads, from the tables its plan scans; enforces requirePartitionFilter. */
async function planBytes(ctx: Context, projectId: string, duckSql: string): Promise<bigint> {
  const scans = await planScans(ctx, projectId, duckSql);
  return logicalBytesOfScans(ctx.store.conn, scans, bytesMemo(ctx));
}

/**
 * Runs the statement (`execute`, on the store's connection) while the bytes it reads are measured
 * on the reader connection: DuckDB runs the two side by side. For a statement that writes, the
 * reader first opens a transaction and touches every scanned table (DuckDB takes a database's
 * snapshot at its first access), so the bytes are those of the data before the statement, as
 * BigQuery counts them. Enforces requirePartitionFilter before anything runs.
 */
async function measured<T>(ctx: Context, projectId: string, duckSql: string, writes: boolean, execute: () => Promise<T>): Promise<{ result: T; bytes: bigint }> {
  const pending = pendingScanBytes(await planScans(ctx, projectId, duckSql), bytesMemo(ctx));
  if (pending.todo.length === 0) return { result: await execute(), bytes: pending.known };
  const reader = ctx.store.reader;
  if (writes) {
    await reader.run('BEGIN TRANSACTION');
    try {
      await reader.run(pending.todo.map((t) => `(SELECT 1 FROM ${t.scan.path} LIMIT 0)`).join(' UNION ALL '));
    } catch (err) {
      await reader.run('ROLLBACK');
      throw err;
    }
  }
  try {
    const [bytes, result] = await Promise.allSettled([measureScanBytes(reader, pending), execute()]);
    if (result.status === 'rejected') throw result.reason;
    if (bytes.status === 'rejected') throw bytes.reason;
    return { result: result.value, bytes: bytes.value };
  } finally {
    // The transaction only read: COMMIT ends it without counting as a write (ROLLBACK would).
    if (writes) await reader.run('COMMIT');
  }
}

/**
 * What the statement reads: per table, the columns and the partitions its plan scans. The plan is
 * taken without statistics, so it depends on the statement, the default schema and the catalog's
 * shapes, never on the rows: it is cached for the catalog version (a scheduled transform sends the
 * same statements every run). Refusing a table that requires a partition filter is never cached.
 */
async function planScans(ctx: Context, projectId: string, duckSql: string): Promise<TableScanBytes[]> {
  const { store } = ctx;
  const version = store.catalogVersion;
  const key = `${store.currentSchema ?? ''}\u0000${duckSql}`;
  const cached = ctx.plans.get(version, key);
  if (cached) return cached;
  const explain = await planWithoutStatistics(ctx, () => guard(ctx, projectId, () => store.conn.runAndReadAll(`EXPLAIN (FORMAT JSON) ${duckSql}`)));
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

/** Strict mode: ZetaSQL must accept the statement against the emulator's catalog. */
async function checkGoogleSql(state: RunState, stmt: string): Promise<FieldSchema[] | undefined> {
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

/** Runs DuckDB work and maps its errors to BigQuery's. */
async function guard<T>(_ctx: Context, projectId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BqError) throw err;
    throw mapDuckError(projectId, (err as Error).message ?? String(err));
  }
}

export function mapDuckError(projectId: string, message: string): BqError {
  const table = /Table with name ([^\s!]+) does not exist/.exec(message);
  if (table) return new BqError(404, 'notFound', `Not found: Table ${projectId}:${table[1]} was not found in location US`);
  const schema = /Schema with name "?([^\s"!]+)"? does not exist/.exec(message);
  if (schema) return new BqError(404, 'notFound', `Not found: Dataset ${projectId}:${schema[1]} was not found in location US`);
  if (/already exists/i.test(message)) return new BqError(409, 'duplicate', `Already Exists: ${message.replace(/^[A-Za-z ]+Error: /, '')}`);
  return invalidQuery(message.replace(/\nLINE [^]*$/, '').trim());
}

export function isSelectLike(sql: string): boolean {
  const t = tokenize(sql);
  const i = nextSignificant(t, 0);
  return isKeyword(t[i], 'SELECT') || isKeyword(t[i], 'WITH');
}
