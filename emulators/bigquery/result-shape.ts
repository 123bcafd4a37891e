// A query result's schema as BigQuery reports it: DuckDB's columns as BigQuery fields, the
// ingestion-time pseudo column hidden unless asked for, numeric types as ZetaSQL resolved them.
import { DuckDBArrayValue, DuckDBListValue, DuckDBStructValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { invalidQuery } from './errors';
import { type FieldSchema, fieldFromDuck } from './schema';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';

export interface ShapedResult {
  schema: FieldSchema[];
  rows: DuckDBValue[][];
}

/**
 * The result's fields and rows. `hidePartitionTime` drops the column that stands in for
 * _PARTITIONTIME: BigQuery shows it only to a query that names it.
 */
export function shapeResult(names: string[], types: DuckDBType[], rows: DuckDBValue[][], hidePartitionTime: boolean): ShapedResult {
  const keep = names.map((n) => !(hidePartitionTime && n.toUpperCase() === PARTITIONTIME_COLUMN));
  const schema = names.map((n, i) => fieldFromDuck(n, types[i])).filter((_, i) => keep[i]);
  const out = keep.every(Boolean) ? rows : rows.map((r) => r.filter((_, i) => keep[i]));
  if (schema.some(holdsArray)) for (const row of out) schema.forEach((f, i) => refuseNullElements(f, row[i]));
  return { schema, rows: out };
}

function holdsArray(f: FieldSchema): boolean {
  return f.mode === 'REPEATED' || (f.fields ?? []).some(holdsArray);
}

/**
 * BigQuery fails a query whose result holds an ARRAY with a NULL element (ARRAY_AGG over NULLs,
 * [1, NULL], ARRAY(SELECT …)); DuckDB's lists hold NULLs (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#array_nulls).
 */
function refuseNullElements(f: FieldSchema, value: DuckDBValue | undefined): void {
  if (value === null || value === undefined) return;
  if (f.mode === 'REPEATED') {
    const items = value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items : [];
    if (items.some((v) => v === null)) throw invalidQuery(`Array cannot have a null element; error in writing field ${f.name}`);
    if (f.type === 'RECORD') for (const item of items) refuseNullElements({ ...f, mode: 'NULLABLE' }, item);
  } else if (f.type === 'RECORD' && value instanceof DuckDBStructValue) {
    for (const c of f.fields ?? []) refuseNullElements(c, value.entries[c.name]);
  }
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
