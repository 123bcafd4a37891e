// The query runner's shared shapes: a query job's input and outcome, and the state one query or
// script carries from statement to statement.
import { type DuckDBValue } from '@duckdb/node-api';
import { type Context } from './context';
import { type TableReference } from './resources';
import { type FieldSchema } from './schema';
import { type QueryParameter } from './sql/params';

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

export interface RunState {
  ctx: Context;
  input: QueryInput;
  /** Script variables by lower-cased name, each held as a GoogleSQL literal. */
  vars: Map<string, string>;
  /** A BEGIN TRANSACTION of this script is open (COMMIT or ROLLBACK ends it; so does the script's end). */
  transaction?: boolean;
  /** What the script created for itself (dropped when it ends): see script-objects.ts. */
  temps?: ScriptTemps;
}

export interface ScriptTemps {
  /** Temporary tables by lower-cased name. */
  tables: Set<string>;
  /** Temporary functions: the DuckDB macro name by lower-cased GoogleSQL name. */
  functions: Map<string, string>;
}
