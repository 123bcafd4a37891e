// A query result holding an ARRAY with a NULL element fails as BigQuery's does
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#array_nulls), at any
// depth; DuckDB's lists hold NULLs. Real DuckDB values, from a real result.
import { DuckDBInstance } from '@duckdb/node-api';
import { shapeResult } from '../../../../emulators/bigquery/result-shape';

async function shape(sql: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(sql);
    return shapeResult(r.columnNames(), r.columnTypes(), r.getRows(), true);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('BigQuery emulator: ARRAYs with NULL elements in a result', () => {
  it('fails naming the field, for a top-level array, one in a STRUCT and one in an array of STRUCTs', async () => {
    await expect(shape('SELECT [1, NULL] AS a')).rejects.toMatchObject({ code: 400, reason: 'invalidQuery', message: 'Array cannot have a null element; error in writing field a' });
    await expect(shape("SELECT {'inner': [NULL, 'x']} AS s")).rejects.toThrow('error in writing field inner');
    await expect(shape("SELECT [{'deep': [1]}, {'deep': [NULL]}] AS s")).rejects.toThrow('error in writing field deep');
  });

  it('passes NULL arrays, empty arrays, NULLs outside arrays and arrays of STRUCTs holding NULL fields', async () => {
    const { rows } = await shape("SELECT CAST(NULL AS INT[]) AS a, []::INT[] AS e, NULL AS n, [{'x': NULL}] AS s");
    expect(rows).toHaveLength(1);
  });
});
