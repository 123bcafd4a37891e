// Maps DuckDB's errors to BigQuery's: a missing table or schema is BigQuery's 404 for the table or
// dataset, a clash its 409, anything else invalidQuery with DuckDB's message.
import { BqError, invalidQuery, unimplemented } from './errors';

/** Runs DuckDB work and maps its errors to BigQuery's; a BqError passes through unchanged. */
export async function guard<T>(projectId: string, fn: () => Promise<T>): Promise<T> {
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
  // A BigQuery function DuckDB lacks and no rewrite supplies: the emulator's 501 naming it (DuckDB's
  // own message suggests a DuckDB function, which reads like a typo in the query).
  const missing = /(?:Scalar|Aggregate|Table) Function with name "?([A-Za-z_][\w.]*)"? does not exist/.exec(message);
  if (missing) return unimplemented(`Function ${missing[1].toUpperCase()}`);
  // A DuckDB parser limit on a construct BigQuery has (INTERVAL '1:2' HOUR TO MINUTE).
  const parserLimit = /Parser Error: ([^\n]+?) is not supported/.exec(message);
  if (parserLimit) return unimplemented(parserLimit[1]);
  // A refusal raised inside DuckDB by a rewrite (by ERROR(), or a failing cast of its text) is the emulator's 501, as in translation.
  const castRefusal = /Could not convert string '([^']*is not supported by the BigQuery emulator)'/.exec(message);
  if (castRefusal) return new BqError(501, 'notImplemented', castRefusal[1]);
  const refused = /([^:]*is not supported by the BigQuery emulator[^\n]*)/.exec(message);
  if (refused) return new BqError(501, 'notImplemented', refused[1].trim());
  // A user function (a DuckDB macro, script-objects.ts) called with arguments its typed parameters do not take.
  const udf = /Macro (?:udf_temp_)?([A-Za-z_]\w*)\(\) does not support the supplied arguments/.exec(message);
  if (udf) return invalidQuery(`No matching signature for function ${udf[1]}`);
  // DuckDB appends the offending line and a caret: BigQuery's message is the first line only. An
  // error a rewrite raises with ERROR() or a function of udfs/ refuses a row with is BigQuery's own
  // message: DuckDB's class prefix goes.
  return invalidQuery(message.replace(/\nLINE [^]*$/, '').replace(/^Invalid Input Error: /, '').trim());
}
