// The totalBytesProcessed model (https://cloud.google.com/bigquery/pricing#data: per-type sizes;
// https://cloud.google.com/bigquery/docs/querying-partitioned-tables: pruning), on an in-process
// DuckDB: per-type logical sizes, column and partition selection from the plan, billing rounding.
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { logicalBytes, mentionedColumns, scansFromPlan, sizeExpr, splitName } from '../../../../emulators/bigquery/bytes-processed';
import { billed } from '../../../../emulators/bigquery/jobs';
import { type FieldSchema } from '../../../../emulators/bigquery/schema';

const f = (name: string, type: string, mode: FieldSchema['mode'] = 'NULLABLE', fields?: FieldSchema[]): FieldSchema => ({ name, type, mode, ...(fields ? { fields } : {}) });

describe('bytes-processed model', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    await conn.run(`CREATE TABLE t (i BIGINT, s VARCHAR, b BOOLEAN, n DECIMAL(38, 9), d DATE, r STRUCT(x BIGINT, y VARCHAR), a BIGINT[])`);
    await conn.run(`INSERT INTO t VALUES (1, 'abc', true, 1.5, DATE '2024-03-01', {'x': 1, 'y': 'é'}, [1, 2, 3]),
      (NULL, NULL, NULL, NULL, DATE '2024-03-02', NULL, [])`);
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
  });

  const bytes = (fields: FieldSchema[], where?: string): Promise<bigint> => logicalBytes(conn, 't', fields, where);

  it('sizes values by type: INT64 8, STRING 2 + UTF-8 bytes, BOOL 1, NUMERIC 16, NULL 0', async () => {
    expect(await bytes([f('i', 'INTEGER')])).toBe(8n);
    expect(await bytes([f('s', 'STRING')])).toBe(5n);
    expect(await bytes([f('b', 'BOOLEAN')])).toBe(1n);
    expect(await bytes([f('n', 'NUMERIC')])).toBe(16n);
    expect(await bytes([f('d', 'DATE')])).toBe(16n);
  });

  it('sums RECORD fields and REPEATED elements', async () => {
    expect(await bytes([f('r', 'RECORD', 'NULLABLE', [f('x', 'INTEGER'), f('y', 'STRING')])])).toBe(8n + 2n + 2n);
    expect(await bytes([f('a', 'INTEGER', 'REPEATED')])).toBe(24n);
  });

  it('counts only the rows a partition filter keeps, and nothing for no columns', async () => {
    expect(await bytes([f('i', 'INTEGER'), f('d', 'DATE')], `d = DATE '2024-03-02'`)).toBe(8n);
    expect(await bytes([])).toBe(0n);
    expect(sizeExpr(f('j', 'JSON'), 'j')).toContain('strlen');
  });

  it('reads scans, projections and filters from the JSON plan', async () => {
    const plan = (await conn.runAndReadAll(`EXPLAIN (FORMAT JSON) SELECT s FROM t WHERE d = DATE '2024-03-02'`)).getRows().find((r) => r[0] === 'physical_plan')?.[1];
    const scans = scansFromPlan(String(plan));
    expect(scans).toHaveLength(1);
    expect(scans[0].name[scans[0].name.length - 1]).toBe('t');
    const cols = [...scans[0].projections, ...scans[0].filters].flatMap((e) => mentionedColumns(e, ['i', 's', 'd']));
    expect(new Set(cols)).toEqual(new Set(['s', 'd']));
  });

  it('splits quoted DuckDB names and finds columns outside string literals', () => {
    expect(splitName('"p-1"."d"."t.""x"""')).toEqual(['p-1', 'd', 't."x"']);
    expect(mentionedColumns(`(d = '2024-01-01' AND "S" IS NOT NULL) OR 'i' = x`, ['i', 's', 'd'])).toEqual(['s', 'd']);
  });

  it('bills whole megabytes with a 10 MB minimum, and nothing for 0 bytes', () => {
    const mb = 1n << 20n;
    expect(billed(0n)).toBe(0n);
    expect(billed(1n)).toBe(10n * mb);
    expect(billed(10n * mb + 1n)).toBe(11n * mb);
  });
});
