// What a script defines besides variables: temporary tables (CREATE TEMP TABLE, DuckDB temp tables
// on the script's connection), temporary and persistent SQL functions (DuckDB macros: temporary ones
// in DuckDB's temp schema, persistent ones in the dataset's schema, as the dataset's routines), and
// CREATE TABLE with a column list AS query. Temporary objects are dropped when the script ends.
import { type DuckDBType } from '@duckdb/node-api';
import { requireDataset, syncTable } from './catalog';
import { type Context } from './context';
import { BqError, duplicate, invalidQuery, notFound, unimplemented } from './errors';
import { measured } from './bytes-accounting';
import { guard } from './query-errors';
import { type QueryOutcome, type RunState } from './query-types';
import { fieldFromDuck, quoteIdent } from './schema';
import { type DdlInfo } from './sql/ddl';
import { type FunctionDdl, FunctionDdlError, functionCalls, readFunctionDdl } from './sql/functions';
import { type Token, join, tokenize } from './sql/tokens';
import { TranslateError, translate } from './sql/translate';
import { tablePath } from './store';

/** The DuckDB macro name of a temporary function. */
export function tempFunctionMacro(name: string): string {
  return `udf_temp_${name.toLowerCase()}`;
}

/** The placeholder a persistent function's call carries through translation (sql/translate.ts passes unknown calls). */
const PLACEHOLDER = /^udf_ref_(\d+)$/i;

/**
 * Persistent functions (`project.dataset.name`, lower-cased) per store. Reading DuckDB's function
 * list takes tens of milliseconds, so it is read once, and again only after a CREATE/DROP FUNCTION
 * or when another project's database is attached. A dropped dataset takes its functions with it:
 * entries of datasets that no longer exist are left out.
 */
const persistent = new WeakMap<object, { projects: string; names: Map<string, [string, string, string]> }>();

async function persistentFunctions(ctx: Context): Promise<Map<string, [string, string, string]>> {
  const projects = ctx.store.attachedProjects().join('\u0000');
  let known = persistent.get(ctx.store);
  if (!known || known.projects !== projects) {
    const r = await ctx.store.conn.runAndReadAll(
      "SELECT database_name, schema_name, function_name FROM duckdb_functions() WHERE function_type = 'macro' AND database_name NOT IN ('system', 'temp', 'memory') AND NOT internal",
    );
    const names = new Map<string, [string, string, string]>();
    for (const [p, d, f] of r.getRows()) names.set(`${String(p)}.${String(d)}.${String(f)}`.toLowerCase(), [String(p), String(d), String(f)]);
    known = { projects, names };
    persistent.set(ctx.store, known);
  }
  const live = new Map<string, [string, string, string]>();
  for (const [key, path] of known.names) {
    if ((await ctx.store.project(path[0])).datasets.has(path[1])) live.set(key, path);
  }
  return live;
}

function forgetPersistentFunctions(ctx: Context): void {
  persistent.delete(ctx.store);
}

export interface BoundCalls {
  /** The statement with user function calls renamed (temporary ones to their macro, persistent ones to placeholders). */
  sql: string;
  /** The DuckDB path of each placeholder, by its number. */
  paths: string[];
  /** Whether anything was renamed. */
  changed: boolean;
}

/**
 * Renames the calls of the script's temporary functions and of the datasets' persistent functions
 * (qualified, or unqualified with a default dataset) so they reach their DuckDB macros.
 */
export async function bindFunctionCalls(state: RunState, sql: string): Promise<BoundCalls> {
  const tokens = tokenize(sql);
  const calls = functionCalls(tokens);
  if (calls.length === 0) return { sql, paths: [], changed: false };
  const temps = state.temps?.functions ?? new Map<string, string>();
  const paths: string[] = [];
  const replaced = new Map<number, { end: number; text: string }>();
  let functions: Map<string, [string, string, string]> | undefined;
  const dd = state.input.defaultDataset;
  for (const call of calls) {
    const parts = call.parts;
    if (parts.length === 1 && temps.has(parts[0].toLowerCase())) {
      replaced.set(call.start, { end: call.end, text: temps.get(parts[0].toLowerCase())! });
      continue;
    }
    if (parts.length === 1 && !dd?.datasetId) continue;
    functions ??= await persistentFunctions(state.ctx);
    if (functions.size === 0) break;
    const full = parts.length === 3 ? parts : parts.length === 2 ? [state.input.projectId, ...parts] : [dd?.projectId ?? state.input.projectId, dd!.datasetId, parts[0]];
    const found = functions.get(full.join('.').toLowerCase());
    if (!found) continue;
    replaced.set(call.start, { end: call.end, text: `udf_ref_${paths.length}` });
    paths.push(found.map(quoteIdent).join('.'));
  }
  if (replaced.size === 0) return { sql, paths, changed: false };
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const r = replaced.get(i);
    if (r) {
      out.push({ kind: 'ident', text: r.text });
      i = r.end - 1;
    } else out.push(tokens[i]);
  }
  return { sql: join(out), paths, changed: true };
}

/** The translated statement with each placeholder put back as its DuckDB path. */
export function restoreFunctionPaths(duckSql: string, paths: string[]): string {
  if (paths.length === 0) return duckSql;
  return join(tokenize(duckSql).map((t) => {
    const m = t.kind === 'ident' ? PLACEHOLDER.exec(t.text) : null;
    return m && paths[Number(m[1])] ? { kind: 'ident', text: paths[Number(m[1])] } : t;
  }));
}

/** The CREATE/DROP FUNCTION a statement is (BigQuery's error for a form the emulator refuses), or undefined. */
export function functionDdlOf(sql: string): FunctionDdl | undefined {
  try {
    return readFunctionDdl(sql);
  } catch (err) {
    if (err instanceof FunctionDdlError) throw err.unsupported ? unimplemented(err.message) : invalidQuery(err.message);
    throw err;
  }
}

function translated(googleSql: string): string {
  try {
    return translate(googleSql);
  } catch (err) {
    if (err instanceof TranslateError) throw invalidQuery(`Syntax error: ${err.message}`);
    throw err;
  }
}

/** DuckDB column definitions for a GoogleSQL list `name type, …` (translated as a CREATE TABLE's columns). */
function duckColumns(list: string): string {
  if (!list.trim()) return '';
  const duck = translated(`CREATE TABLE __pf_columns (${list})`);
  const open = duck.indexOf('(');
  return duck.slice(open + 1, duck.lastIndexOf(')')).trim();
}

export async function runFunctionDdl(state: RunState, ddl: FunctionDdl): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const temps = state.temps!;
  const temporary = ddl.action === 'create' ? ddl.temporary : !ddl.name.dataset && temps.functions.has(ddl.name.name.toLowerCase());
  if (state.transaction && !temporary) throw invalidQuery(`${ddl.action === 'create' ? 'CREATE' : 'DROP'}_FUNCTION of a persistent function is not supported inside a multi-statement transaction`);
  if (ddl.action === 'drop') {
    const { name } = ddl;
    const temp = !name.dataset && temps.functions.get(name.name.toLowerCase());
    if (temp) {
      if (!input.dryRun) await ctx.store.run(`DROP MACRO IF EXISTS temp.main.${quoteIdent(temp)}`);
      temps.functions.delete(name.name.toLowerCase());
      return { rows: [], statementType: 'DROP_FUNCTION', totalBytesProcessed: 0n, ddlOperationPerformed: 'DROP' };
    }
    const [projectId, datasetId] = routineDataset(state, ddl.name);
    await requireDataset(ctx, projectId, datasetId);
    const exists = (await persistentFunctions(ctx)).get(`${projectId}.${datasetId}.${name.name}`.toLowerCase());
    if (!exists && !ddl.ifExists) throw notFound(`Function ${projectId}:${datasetId}.${name.name}`);
    if (exists && !input.dryRun) {
      await ctx.store.run(`DROP MACRO ${exists.map(quoteIdent).join('.')}`);
      forgetPersistentFunctions(ctx);
    }
    return { rows: [], statementType: 'DROP_FUNCTION', totalBytesProcessed: 0n, ddlOperationPerformed: exists ? 'DROP' : 'SKIP' };
  }
  const params = duckColumns(ddl.params);
  const ret = ddl.returns ? duckColumns(`__pf_result ${ddl.returns}`).replace(/^__pf_result\s+/, '') : undefined;
  const bound = await bindFunctionCalls(state, ddl.body);
  // Named, so the body is not given a result column name (f0_) of its own.
  const bodySql = restoreFunctionPaths(translated(`SELECT ${bound.sql} AS pf_body`), bound.paths);
  const parts = /^SELECT ([\s\S]*) AS pf_body$/i.exec(bodySql);
  if (!parts) throw invalidQuery(`Syntax error: Cannot read the function body ${ddl.body}`);
  const body = parts[1]!;
  let macro: string;
  let projectId: string | undefined;
  let datasetId: string | undefined;
  let existed: boolean;
  if (ddl.temporary) {
    macro = `temp.main.${quoteIdent(tempFunctionMacro(ddl.name.name))}`;
    existed = temps.functions.has(ddl.name.name.toLowerCase());
  } else {
    [projectId, datasetId] = routineDataset(state, ddl.name);
    await requireDataset(ctx, projectId, datasetId);
    const found = (await persistentFunctions(ctx)).get(`${projectId}.${datasetId}.${ddl.name.name}`.toLowerCase());
    existed = Boolean(found);
    macro = (found ?? [projectId, datasetId, ddl.name.name]).map(quoteIdent).join('.');
  }
  const outcome = (op: string): QueryOutcome => ({ rows: [], statementType: 'CREATE_FUNCTION', totalBytesProcessed: 0n, ddlOperationPerformed: op });
  if (existed && ddl.ifNotExists) return outcome('SKIP');
  if (existed && !ddl.orReplace) throw duplicate(ddl.temporary ? `Function ${ddl.name.name}` : `Function ${projectId}:${datasetId}.${ddl.name.name}`);
  // The body's type, from a probe macro called with typed NULLs (nothing runs): it must be
  // coercible to the declared RETURNS type, as BigQuery checks when the function is created.
  const probe = `temp.main.${quoteIdent('udf_probe')}`;
  await guard(input.projectId, () => ctx.store.run(`CREATE OR REPLACE TEMP MACRO ${quoteIdent('udf_probe')}(${params}) AS ${body}`));
  let bodyType: DuckDBType;
  try {
    const nulls = paramTypes(params).map((t) => `CAST(NULL AS ${t})`).join(', ');
    const r = await guard(input.projectId, () => ctx.store.conn.runAndReadAll(`SELECT * FROM (SELECT ${probe}(${nulls}) AS v) LIMIT 0`));
    bodyType = r.columnTypes()[0];
  } finally {
    await ctx.store.run(`DROP MACRO IF EXISTS ${probe}`);
  }
  let finalBody = body;
  if (ret) {
    const declared = await duckTypeOf(ctx, ret);
    if (!coercible(bodyType, declared)) {
      throw invalidQuery(`Function declared to return ${bqTypeName(declared)} but the function body produces incompatible type ${bqTypeName(bodyType)}`);
    }
    finalBody = `(CAST(${body} AS ${ret}))`;
  }
  if (input.dryRun) return outcome(existed ? 'REPLACE' : 'CREATE');
  await guard(input.projectId, () => ctx.store.run(`CREATE OR REPLACE ${ddl.temporary ? 'TEMP ' : ''}MACRO ${ddl.temporary ? quoteIdent(tempFunctionMacro(ddl.name.name)) : macro}(${params}) AS ${finalBody}`));
  if (ddl.temporary) temps.functions.set(ddl.name.name.toLowerCase(), tempFunctionMacro(ddl.name.name));
  else forgetPersistentFunctions(ctx);
  return outcome(existed ? 'REPLACE' : 'CREATE');
}

function routineDataset(state: RunState, name: { project?: string; dataset?: string; name: string }): [string, string] {
  const dd = state.input.defaultDataset;
  const datasetId = name.dataset ?? dd?.datasetId;
  if (!datasetId) throw invalidQuery(`Function "${name.name}" must be qualified with a dataset (e.g. dataset.function), or be a TEMP function.`);
  const projectId = name.project ?? (name.dataset ? state.input.projectId : (dd?.projectId ?? state.input.projectId));
  return [projectId, datasetId];
}

/** The types of a DuckDB parameter list `name TYPE, …` (types may hold commas inside parentheses). */
function paramTypes(params: string): string[] {
  if (!params) return [];
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of params) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((p) => p.trim().replace(/^("(?:[^"]|"")*"|\S+)\s+/, ''));
}

async function duckTypeOf(ctx: Context, duckType: string): Promise<DuckDBType> {
  const r = await ctx.store.conn.runAndReadAll(`SELECT CAST(NULL AS ${duckType}) LIMIT 0`);
  return r.columnTypes()[0];
}

const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];

/** Whether BigQuery coerces a value of type `from` to `to` (same type, INT64 to NUMERIC/BIGNUMERIC/FLOAT64, NUMERIC to BIGNUMERIC/FLOAT64, NULL to anything). */
export function coercible(from: DuckDBType, to: DuckDBType): boolean {
  const f = String(from);
  const t = String(to);
  if (f === t || f === '"NULL"' || f === 'NULL') return true;
  const bqFrom = bqTypeName(from);
  const bqTo = bqTypeName(to);
  if (bqFrom === bqTo) return true;
  if (INTEGERS.includes(f)) return t === 'DOUBLE' || t.startsWith('DECIMAL');
  if (f.startsWith('DECIMAL')) return t === 'DOUBLE' || t.startsWith('DECIMAL');
  return false;
}

/** The GoogleSQL name of a DuckDB type, as BigQuery's messages name it. */
export function bqTypeName(t: DuckDBType): string {
  const field = fieldFromDuck('x', t);
  const name = (f: typeof field): string => {
    const base = f.type === 'RECORD' ? `STRUCT<${(f.fields ?? []).map((c) => `${c.name} ${name(c)}`).join(', ')}>` : ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[f.type] ?? f.type;
    return f.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
  };
  return name(field);
}

/**
 * CREATE TEMP TABLE (with a query, a column list, or both) and DROP TABLE of a temporary table: on
 * DuckDB's temp schema of the script's connection, never in the catalog. Undefined when the DDL is
 * about a table of a dataset.
 */
export async function runTempTableDdl(state: RunState, ddl: DdlInfo, duckSql: string, duckQuery?: string): Promise<QueryOutcome | undefined> {
  const { ctx, input } = state;
  const temps = state.temps!;
  const name = ddl.name!;
  if (ddl.statement === 'DROP_TABLE' && !name.dataset && temps.tables.has(name.table.toLowerCase())) {
    if (!input.dryRun) await guard(input.projectId, () => ctx.store.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(name.table)}`));
    temps.tables.delete(name.table.toLowerCase());
    return { rows: [], statementType: 'DROP_TABLE', totalBytesProcessed: 0n, ddlOperationPerformed: 'DROP' };
  }
  if (!ddl.temporary) return undefined;
  if (name.dataset) throw invalidQuery(`Temporary table ${name.dataset}.${name.table} cannot be qualified: temporary tables are named by a single identifier`);
  const key = name.table.toLowerCase();
  const statementType = ddl.query !== undefined || ddl.asQuery ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE';
  const existed = temps.tables.has(key);
  const outcome = (op: string, bytes = 0n): QueryOutcome => ({ rows: [], statementType, totalBytesProcessed: bytes, ddlOperationPerformed: op });
  if (existed && ddl.ifNotExists) return outcome('SKIP');
  if (existed && !ddl.orReplace) throw duplicate(`Table ${name.table}`);
  if (input.dryRun) return outcome(existed ? 'REPLACE' : 'CREATE');
  const target = `temp.main.${quoteIdent(name.table)}`;
  if (duckQuery === undefined) {
    const run = () => guard(input.projectId, () => ctx.store.run(duckSql));
    const bytes = statementType === 'CREATE_TABLE_AS_SELECT' ? (await measured(ctx, input.projectId, duckSql, true, run)).bytes : (await run(), 0n);
    temps.tables.add(key);
    return outcome(existed ? 'REPLACE' : 'CREATE', bytes);
  }
  await checkColumnsTakeQuery(ctx, input.projectId, ddl.columns ?? '', duckQuery);
  await guard(input.projectId, () => ctx.store.run(duckSql));
  temps.tables.add(key);
  const bytes = await insertQuery(ctx, input.projectId, target, duckQuery);
  return outcome(existed ? 'REPLACE' : 'CREATE', bytes);
}

/**
 * CREATE TABLE dataset.t (columns) AS query: the table as its column list says, then the query's
 * rows in it by position (after checking the query's types fit the columns, as BigQuery does).
 */
export async function runColumnListAsQuery(
  state: RunState,
  ddl: DdlInfo,
  duckQuery: string,
  create: () => Promise<QueryOutcome>,
): Promise<QueryOutcome> {
  const { ctx, input } = state;
  await checkColumnsTakeQuery(ctx, input.projectId, ddl.columns ?? '', duckQuery);
  const created = await create();
  if (input.dryRun || created.ddlOperationPerformed === 'SKIP') return { ...created, statementType: 'CREATE_TABLE_AS_SELECT' };
  const ref = created.ddlTargetTable!;
  const bytes = await insertQuery(ctx, input.projectId, tablePath(ref.projectId, ref.datasetId, ref.tableId), duckQuery);
  await syncTable(ctx, ref.projectId, ref.datasetId, ref.tableId);
  return { ...created, statementType: 'CREATE_TABLE_AS_SELECT', totalBytesProcessed: bytes };
}

async function insertQuery(ctx: Context, projectId: string, target: string, duckQuery: string): Promise<bigint> {
  const sql = `INSERT INTO ${target} SELECT * FROM (${duckQuery})`;
  return (await measured(ctx, projectId, sql, true, () => guard(projectId, () => ctx.store.run(sql)))).bytes;
}

/** The column list (GoogleSQL, with its parentheses) against the query's result types: same count, each coercible. */
async function checkColumnsTakeQuery(ctx: Context, projectId: string, columns: string, duckQuery: string): Promise<void> {
  const probeName = quoteIdent('__pf_column_list');
  const create = translated(`CREATE TEMP TABLE __pf_column_list ${columns}`);
  await guard(projectId, () => ctx.store.run(create));
  let targetNames: string[];
  let targetTypes: DuckDBType[];
  try {
    const t = await ctx.store.conn.runAndReadAll(`SELECT * FROM temp.main.${probeName} LIMIT 0`);
    targetNames = t.columnNames();
    targetTypes = t.columnTypes();
  } finally {
    await ctx.store.run(`DROP TABLE IF EXISTS temp.main.${probeName}`);
  }
  const q = await guard(projectId, () => ctx.store.conn.runAndReadAll(`SELECT * FROM (${duckQuery}) LIMIT 0`));
  const types = q.columnTypes();
  if (types.length !== targetTypes.length) {
    throw invalidQuery(`The query produces ${types.length} columns but the column list of the table has ${targetTypes.length}`);
  }
  types.forEach((from, i) => {
    if (!coercible(from, targetTypes[i])) {
      throw invalidQuery(`Query column ${i + 1} has type ${bqTypeName(from)} which cannot be inserted into column ${targetNames[i]}, which has type ${bqTypeName(targetTypes[i])}`);
    }
  });
}

/** Drops what the script created for itself; never fails the job (it has its outcome already). */
export async function dropScriptTemps(state: RunState): Promise<void> {
  const temps = state.temps;
  if (!temps) return;
  for (const t of temps.tables) await ignore(() => state.ctx.store.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(t)}`));
  for (const f of temps.functions.values()) await ignore(() => state.ctx.store.run(`DROP MACRO IF EXISTS temp.main.${quoteIdent(f)}`));
  temps.tables.clear();
  temps.functions.clear();
}

async function ignore(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof BqError) && !(err instanceof Error)) throw err;
  }
}
