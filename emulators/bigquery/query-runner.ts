// Runs a GoogleSQL query or script against DuckDB: binds parameters, runs each statement (script
// steps, DDL, DML, SELECT) through the modules that do that job. Call inside Store.exclusive().
import { requireDataset, sweepExpired } from './catalog';
import { type Context } from './context';
import { invalidQuery } from './errors';
import { planBytes, measured } from './bytes-accounting';
import { runDdl } from './ddl-statements';
import { checkGoogleSql } from './googlesql-check';
import { guard } from './query-errors';
import { type QueryInput, type QueryOutcome, type RunState } from './query-types';
import { alignNumericTypes, shapeResult } from './result-shape';
import { quoteIdent } from './schema';
import { rollbackOpenTransaction, runScriptStep } from './script-steps';
import { selectInto } from './select-into';
import { LiteralError } from './sql/literals';
import { ParameterError, bindParameters } from './sql/params';
import { join, splitStatements, tokenize } from './sql/tokens';
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
  const statements = splitStatements(bound);
  if (statements.length === 0) throw invalidQuery('Syntax error: Unexpected end of script');
  const state: RunState = { ctx, input, vars: new Map() };
  const script = statements.length > 1;
  if (script && input.destination) throw invalidQuery('configuration.query.destinationTable cannot be set for scripts');
  let last: QueryOutcome | undefined;
  let bytes = 0n;
  try {
    for (const stmt of statements) {
      const outcome = await runScriptStep(state, stmt, runStatement);
      if (!outcome) continue;
      bytes += outcome.totalBytesProcessed;
      // A script's result is its last statement that returns rows, billed for every statement.
      if (!script || outcome.schema) last = outcome;
    }
  } finally {
    // BigQuery rolls back a transaction the script did not commit, when a statement fails or the script ends.
    await rollbackOpenTransaction(state);
  }
  const result = last ?? { rows: [], statementType: 'SCRIPT', totalBytesProcessed: 0n };
  return script ? { ...result, statementType: 'SCRIPT', totalBytesProcessed: bytes } : result;
}

/**
 * One statement (variables already substituted): checked, translated, then run by its kind. Only
 * the translation sees `template` (the statement with its variables' values as sentinels).
 */
async function runStatement(state: RunState, stmt: string, template?: StatementTemplate): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const { ddl, kind } = classifyStatement(stmt);
  if (state.transaction && (kind.startsWith('CREATE') || kind.startsWith('DROP') || kind.startsWith('ALTER') || kind === 'TRUNCATE') && !/^\s*(CREATE|DROP)\s+(OR\s+REPLACE\s+)?TEMP/i.test(stmt)) {
    throw invalidQuery(`${kind} of a permanent table is not supported inside a multi-statement transaction`);
  }
  const googleFields = await checkGoogleSql(state, stmt);
  let duckSql: string;
  try {
    duckSql = ctx.translationTemplates === false ? translate(ddl.sql) : templateTranslations.translate(ddl.sql, templateOfDdlText(stmt, ddl.sql, template));
  } catch (err) {
    if (err instanceof TranslateError) throw invalidQuery(`Syntax error: ${err.message}`);
    throw err;
  }
  if (kind.startsWith('CREATE') || kind.startsWith('DROP')) return runDdl(state, ddl, duckSql);
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
