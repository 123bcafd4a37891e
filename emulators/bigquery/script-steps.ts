// The script interpreter: DECLARE and SET evaluate their expressions and keep the values as
// GoogleSQL literals; every other statement runs with the variables substituted in.
import { type DuckDBTimestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import { invalidQuery, unimplemented } from './errors';
import { type QueryOutcome, type RunState } from './query-types';
import { encodeScalar } from './result-encoding';
import { functionDdlOf } from './script-objects';
import { type FieldSchema } from './schema';
import { ScriptError, classifyStep, substituteWithTemplate } from './sql/script';
import { type StatementTemplate } from './sql/templates';
import { quoteString, tokenize } from './sql/tokens';

/**
 * Runs one statement (the runner's; passed in so this module need not import the runner). `sql` is
 * the statement with its variables substituted; `template`, when given, is the same statement with
 * their values as sentinels, for the translation only.
 */
export type StatementRunner = (state: RunState, sql: string, template?: StatementTemplate) => Promise<QueryOutcome>;

/** One script step; undefined for DECLARE and SET, which produce no result. */
export async function runScriptStep(state: RunState, stmt: string, runStatement: StatementRunner): Promise<QueryOutcome | undefined> {
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
    const value = step.defaultExpr ? await evaluate(state, step.defaultExpr, step.type, runStatement) : `CAST(NULL AS ${step.type})`;
    for (const name of step.names) state.vars.set(name.toLowerCase(), value);
    return undefined;
  }
  if (step.kind === 'transaction') return transactionStep(state, step.action);
  if (step.kind === 'set') {
    if (!state.vars.has(step.name.toLowerCase())) throw invalidQuery(`Unrecognized name: ${step.name}`);
    state.vars.set(step.name.toLowerCase(), await evaluate(state, step.expr, undefined, runStatement));
    return undefined;
  }
  const { sql, template } = substituteWithTemplate(tokenize(step.sql), statementVars(state, step.sql));
  return runStatement(state, sql, template);
}

/** The variables a statement sees: in a CREATE FUNCTION, its parameters hide variables of the same name. */
function statementVars(state: RunState, sql: string): Map<string, string> {
  if (state.vars.size === 0 || !/^\s*CREATE\b/i.test(sql)) return state.vars;
  const ddl = functionDdlOf(sql);
  if (ddl?.action !== 'create') return state.vars;
  const hidden = new Set(ddl.paramNames.map((n) => n.toLowerCase()));
  return new Map([...state.vars].filter(([k]) => !hidden.has(k)));
}

/**
 * BEGIN / COMMIT / ROLLBACK TRANSACTION, as BigQuery's multi-statement transactions: one at a time
 * per script, on the script's connection. Jobs run one after another, so another job never sees a
 * transaction's writes before COMMIT (nor an emptied partition between a DELETE and its INSERT).
 */
async function transactionStep(state: RunState, action: 'begin' | 'commit' | 'rollback'): Promise<undefined> {
  if (action === 'begin') {
    if (state.transaction) throw invalidQuery('Nested transactions are not supported');
    if (!state.input.dryRun) await state.ctx.store.run('BEGIN TRANSACTION');
    state.transaction = true;
    return undefined;
  }
  if (!state.transaction) throw invalidQuery(`${action.toUpperCase()} TRANSACTION without an active transaction`);
  state.transaction = false;
  if (!state.input.dryRun) await state.ctx.store.run(action === 'commit' ? 'COMMIT' : 'ROLLBACK');
  return undefined;
}

/** Ends a transaction the script left open (it failed, or it ended without COMMIT): its writes are undone. */
export async function rollbackOpenTransaction(state: RunState): Promise<void> {
  if (!state.transaction) return;
  state.transaction = false;
  if (!state.input.dryRun) await state.ctx.store.run('ROLLBACK');
}

/** Evaluates a scalar expression and returns it as a GoogleSQL literal. */
async function evaluate(state: RunState, expr: string, type: string | undefined, runStatement: StatementRunner): Promise<string> {
  const { field, value } = await evaluateValue(state, type ? `CAST((${expr}) AS ${type})` : `(${expr})`, runStatement);
  return valueLiteral(field, value);
}

/** Runs `SELECT <expr>` (variables substituted) and returns its one value and field. */
export async function evaluateValue(state: RunState, expr: string, runStatement: StatementRunner): Promise<{ field: FieldSchema; value: DuckDBValue }> {
  const out = await runQueryStep(state, `SELECT ${expr}`, runStatement);
  const field = out.schema?.[0];
  if (!field) throw invalidQuery('Variable expression has no value');
  return { field, value: out.rows[0]?.[0] ?? null };
}

/** Runs a query of the script for its rows (variables substituted): really, even in a dry run, and never into the job's destination table. */
export async function runQueryStep(state: RunState, query: string, runStatement: StatementRunner): Promise<QueryOutcome> {
  const { sql, template } = substituteWithTemplate(tokenize(query), state.vars);
  return runStatement({ ...state, input: { ...state.input, dryRun: false, destination: undefined } }, sql, template);
}

/** A row as a STRUCT literal (a FOR … IN loop variable): its fields must be scalars. */
export function rowLiteral(fields: FieldSchema[], row: DuckDBValue[]): string {
  return `STRUCT(${fields.map((f, k) => `${valueLiteral(f, row[k] ?? null)} AS \`${f.name}\``).join(', ')})`;
}

export function valueLiteral(field: FieldSchema, value: DuckDBValue): string {
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

/** The field's GoogleSQL type name (the REST API's INTEGER is INT64, and so on). */
function googleType(f: FieldSchema): string {
  const scalar = f.type === 'RECORD' ? `STRUCT<${(f.fields ?? []).map((c) => `${c.name} ${googleType(c)}`).join(', ')}>` : ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[f.type] ?? f.type;
  return f.mode === 'REPEATED' ? `ARRAY<${scalar}>` : scalar;
}
