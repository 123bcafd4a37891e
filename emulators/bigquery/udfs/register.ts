// GoogleSQL functions DuckDB has no exact counterpart for, written in TypeScript and registered on
// the emulator's DuckDB instance as scalar functions (named pf_…; the rewrites in sql/rewrites call
// them). Each is a plain per-row function of JS values, tested without DuckDB; this module adapts
// it to DuckDB's vectors. Nothing here reaches the network or the file system.
import { BIGINT, BLOB, BOOLEAN, DOUBLE, type DuckDBConnection, type DuckDBType, DuckDBScalarFunction, VARCHAR, blobValue, listValue, DuckDBListType, DuckDBBlobValue, DuckDBListValue } from '@duckdb/node-api';

/** The argument and result types the functions use (DuckDB's types by their JS value). */
export const T = { string: VARCHAR, bytes: BLOB, int: BIGINT, float: DOUBLE, bool: BOOLEAN, strings: new DuckDBListType(VARCHAR), bytesList: new DuckDBListType(BLOB) } as const;
type TypeName = keyof typeof T;

/** JS value of each type: string; Uint8Array; bigint; number; boolean; string[]; Uint8Array[]. */
export interface JsFunction {
  /** The DuckDB name, pf_<what it is>. */
  name: string;
  parameters: readonly TypeName[];
  returns: TypeName;
  /** One row: its arguments (never NULL unless `nullArguments`); undefined or null answers NULL. */
  call: (...args: never[]) => unknown;
  /** The function sees NULL arguments (as null) instead of answering NULL for them. */
  nullArguments?: boolean;
}

/** Raised by a function for a row BigQuery refuses (the query fails with this message). */
export class FunctionError extends Error {}

function fromDuckDb(value: unknown): unknown {
  if (value instanceof DuckDBBlobValue) return value.bytes;
  if (value instanceof DuckDBListValue) return value.items.map(fromDuckDb);
  return value;
}

function toDuckDb(value: unknown, type: TypeName): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'bytes') return blobValue(value as Uint8Array);
  if (type === 'strings') return listValue(value as string[]);
  if (type === 'bytesList') return listValue((value as Uint8Array[]).map((b) => blobValue(b)));
  return value;
}

/** Registers the functions on the connection's database (every connection of the instance sees them). */
export function registerFunctions(conn: DuckDBConnection, functions: readonly JsFunction[]): void {
  for (const fn of functions) {
    const call = fn.call as (...args: unknown[]) => unknown;
    conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: fn.name,
        returnType: T[fn.returns] as DuckDBType,
        parameterTypes: fn.parameters.map((p) => T[p] as DuckDBType),
        specialHandling: fn.nullArguments === true,
        mainFunction: (info, input, output) => {
          const columns = fn.parameters.map((_, k) => input.getColumnVector(k));
          try {
            for (let row = 0; row < input.rowCount; row++) {
              const args = columns.map((c) => fromDuckDb(c.getItem(row)));
              // DuckDB calls the function for every row; a NULL argument answers NULL here.
              const skip = fn.nullArguments !== true && args.some((a) => a === null || a === undefined);
              output.setItem(row, (skip ? null : toDuckDb(call(...args), fn.returns)) as never);
            }
            output.flush();
          } catch (err) {
            info.setError(err instanceof FunctionError ? err.message : `${fn.name}: ${String(err)}`);
          }
        },
      }),
    );
  }
}
