// The load fast path's guard: one read_json_objects pass that finds records DuckDB's typed reader
// would coerce where BigQuery refuses them (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { jsonViolations } from '../../../../emulators/bigquery/load-job';
import { type FieldSchema } from '../../../../emulators/bigquery/schema';

const fields: FieldSchema[] = [
  { name: 'id', type: 'INTEGER', mode: 'NULLABLE' },
  { name: 'name', type: 'STRING', mode: 'NULLABLE' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  { name: 'rec', type: 'RECORD', mode: 'NULLABLE', fields: [{ name: 'x', type: 'INTEGER', mode: 'NULLABLE' }] },
  { name: 'at', type: 'TIMESTAMP', mode: 'NULLABLE' },
];

describe('load fast-path guard', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  let dir: string;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    dir = mkdtempSync(join(tmpdir(), 'pf-load-guard-'));
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  async function bad(line: unknown, ignoreUnknown = false): Promise<boolean> {
    const file = join(dir, 'f.json');
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    const r = await conn.runAndReadAll(`SELECT count(*) FROM read_json_objects('${file}', format = 'newline_delimited') WHERE ${jsonViolations(fields, ignoreUnknown)}`);
    return Number(r.getRows()[0][0]) > 0;
  }

  it('lets through what BigQuery accepts', async () => {
    expect(await bad({ id: 1, name: 'a', tags: ['x'], rec: { x: 1 }, at: '2024-01-01 00:00:00' })).toBe(false);
    expect(await bad({ id: ' -12 ', name: 5 })).toBe(false);
    expect(await bad({ id: null, tags: null })).toBe(false);
    expect(await bad({ id: 1, extra: true }, true)).toBe(false);
  });

  it('stops what DuckDB would coerce or BigQuery refuses', async () => {
    expect(await bad({ id: 1.5 })).toBe(true);
    expect(await bad({ id: true })).toBe(true);
    expect(await bad({ id: '1.5' })).toBe(true);
    expect(await bad({ name: { a: 1 } })).toBe(true);
    expect(await bad({ tags: 'x' })).toBe(true);
    expect(await bad({ rec: [1] })).toBe(true);
    expect(await bad({ at: 1709251200 })).toBe(true);
    expect(await bad({ id: 1, extra: true })).toBe(true);
    expect(await bad([1, 2])).toBe(true);
  });
});
