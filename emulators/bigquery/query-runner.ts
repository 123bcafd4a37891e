// Runs a GoogleSQL query or script against DuckDB: binds parameters, runs each statement (script
// steps, DDL, DML, SELECT) through the modules that do that job. Call inside Store.exclusive().
import { requireDataset, sweepExpired } from './catalog';
import { type Context } from './context';
import { invalidQuery, unimplemented } from './errors';
import { planBytes, measured } from './bytes-accounting';
import { runDdl } from './ddl-statements';
import { checkGoogleSql } from './googlesql-check';
import { guard } from './query-errors';
import { type QueryInput, type QueryOutcome, type RunState } from './query-types';
import { alignNumericTypes, shapeResult } from './result-shape';
import { quoteIdent } from './schema';
import { rollbackOpenTransaction } from './script-steps';
import { runScript } from './script-flow';
import { bindFunctionCalls, dropScriptTemps, functionDdlOf, restoreFunctionPaths, runColumnListAsQuery, runFunctionDdl, runTempTableDdl } from './script-objects';
import { ScriptError } from './sql/script';
import { type ScriptNode, isSingleStatement, parseScript } from './sql/script-parse';
import { selectInto } from './select-into';
import { LiteralError } from './sql/literals';
import { ParameterError, bindParameters } from './sql/params';
import { join, tokenize } from './sql/tokens';
import { type StatementTemplate, templateOfDdlText } from './sql/templates';
import { TranslateError, templateTranslations, translate } from './sql/translate';
import { classifyStatement } from './statement-kind';

export type { QueryInput, QueryOutcome } from './query-types';

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
  let nodes: ScriptNode[];
  try {
    nodes = parseScript(bound);
  } catch (err) {
    if (err instanceof ScriptError) throw err.unsupported ? unimplemented(err.message) : invalidQuery(err.message);
    throw err;
  }
  if (nodes.length === 0) throw invalidQuery('Syntax error: Unexpected end of script');
  const state: RunState = { ctx, input, vars: new Map(), temps: { tables: new Set(), functions: new Map() } };
  const script = !isSingleStatement(nodes);
  if (script && input.destination) throw invalidQuery('configuration.query.destinationTable cannot be set for scripts');
  let last: QueryOutcome | undefined;
  let bytes = 0n;
  try {
    await runScript(state, nodes, runStatement, (outcome) => {
      bytes += outcome.totalBytesProcessed;
      // A script's result is its last statement that returns rows, billed for every statement.
      if (!script || outcome.schema) last = outcome;
    });
  } finally {
    // BigQuery rolls back a transaction the script did not commit, when a statement fails or the script ends.
    await rollbackOpenTransaction(state);
    // Temporary tables and functions live as long as their script.
    await dropScriptTemps(state);
  }
  const result = last ?? { rows: [], statementType: 'SCRIPT', totalBytesProcessed: 0n };
  return script ? { ...result, statementType: 'SCRIPT', totalBytesProcessed: bytes } : result;
}

/**
 * One statement (variables already substituted): checked, translated, then run by its kind. Only
 * the translation sees `template` (the statement with its variables' values as sentinels).
 */
async function runStatement(state: RunState, written: string, writtenTemplate?: StatementTemplate): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const functionDdl = functionDdlOf(written);
  if (functionDdl) return runFunctionDdl(state, functionDdl);
  // Calls of user functions renamed to their DuckDB macros (then the template no longer fits).
  const calls = await bindFunctionCalls(state, written);
  const stmt = calls.sql;
  const template = calls.changed ? undefined : writtenTemplate;
  const { ddl, kind } = classifyStatement(stmt);
  if (state.transaction && (kind.startsWith('CREATE') || kind.startsWith('DROP') || kind.startsWith('ALTER') || kind === 'TRUNCATE') && !/^\s*(CREATE|DROP)\s+(OR\s+REPLACE\s+)?TEMP/i.test(stmt)) {
    throw invalidQuery(`${kind} of a permanent table is not supported inside a multi-statement transaction`);
  }
  // ZetaSQL's catalog knows neither the script's temporary objects nor user functions.
  const scriptObjects = calls.changed || ddl.temporary || (state.temps?.tables.size ?? 0) > 0;
  const googleFields = scriptObjects ? undefined : await checkGoogleSql(state, stmt);
  let duckSql: string;
  let duckQuery: string | undefined;
  try {
    const tpl = ddl.query === undefined ? templateOfDdlText(stmt, ddl.sql, template) : undefined;
    duckSql = ctx.translationTemplates === false ? translate(ddl.sql) : templateTranslations.translate(ddl.sql, tpl);
    duckSql = restoreFunctionPaths(duckSql, calls.paths);
    if (ddl.query !== undefined) duckQuery = restoreFunctionPaths(translate(ddl.query), calls.paths);
  } catch (err) {
    if (err instanceof TranslateError) throw invalidQuery(`Syntax error: ${err.message}`);
    throw err;
  }
  if (kind.startsWith('CREATE') || kind.startsWith('DROP')) {
    const temp = await runTempTableDdl(state, ddl, duckSql, duckQuery);
    if (temp) return temp;
    if (duckQuery !== undefined) return runColumnListAsQuery(state, ddl, duckQuery, () => runDdl(state, ddl, duckSql));
    return runDdl(state, ddl, duckSql);
  }
  if (kind === 'TRUNCATE') {
    if (input.dryRun) return { rows: [], statementType: 'TRUNCATE_TABLE', totalBytesProcessed: 0n };
    await guard(input.projectId, () => ctx.store.run(duckSql));
    return { rows: [], statementType: 'TRUNCATE_TABLE', totalBytesProcessed: 0n };
  }
  if (kind !== 'SELECT') {
    if (input.dryRun) return { rows: [], statementType: kind, totalBytesProcessed: await planBytes(ctx, input.projectId, duckSql) };
    const { result: r, bytes } = await measured(ctx, input.projectId, duckSql, true, () => guard(input.projectId, () => ctx.store.run(duckSql)));
    return { rows: [], statementType: kind, totalBytesProcessed: bytes, numDmlAffectedRows: BigInt(r.rowsChanged) };
  }
  const hidePartitionTime = !/_PARTITION(TIME|DATE)/i.test(stmt);
  if (input.dryRun) {
    const bytes = await planBytes(ctx, input.projectId, duckSql);
    // A dry run reports the schema without reading rows: the query wrapped to return none.
    const probe = await guard(input.projectId, () => ctx.store.conn.runAndReadAll(`SELECT * FROM (${duckSql}) LIMIT 0`));
    const { schema } = shapeResult(probe.columnNames(), probe.columnTypes(), [], hidePartitionTime);
    return { schema: alignNumericTypes(schema, googleFields), rows: [], statementType: 'SELECT', totalBytesProcessed: bytes };
  }
  if (input.destination) return selectInto(state, duckSql, await planBytes(ctx, input.projectId, duckSql), hidePartitionTime);
  const { result: reader, bytes } = await measured(ctx, input.projectId, duckSql, false, () => guard(input.projectId, () => ctx.store.conn.runAndReadAll(duckSql)));
  const { schema, rows } = shapeResult(reader.columnNames(), reader.columnTypes(), reader.getRows(), hidePartitionTime);
  return { schema: alignNumericTypes(schema, googleFields), rows, statementType: 'SELECT', totalBytesProcessed: bytes };
}
