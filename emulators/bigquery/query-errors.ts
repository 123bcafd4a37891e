// Maps DuckDB's errors to BigQuery's: a missing table or schema is BigQuery's 404 for the table or
// dataset, a clash its 409, anything else invalidQuery with DuckDB's message.
import { BqError, invalidQuery, unimplemented } from './errors';
import { DATE_MINUS_DATE, SUBTRACTION_CHECK } from './sql/rewrites/raise-errors';

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
  // DATE - DATE, TIMESTAMP - TIMESTAMP: the subtraction check cannot bind (sql/rewrites/raise-errors.ts).
  if (message.includes(`Cannot deduce template type 'T' in function: '${SUBTRACTION_CHECK.toLowerCase()}(`)) return new BqError(501, 'notImplemented', DATE_MINUS_DATE);
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
  // DuckDB appends the offending line and a caret: BigQuery's message is the first line only.
  return invalidQuery(message.replace(/\nLINE [^]*$/, '').trim());
}
