// The property the emulator's bytes measurement relies on (bytes-accounting `measured`): a transaction
// on a second connection that has touched a database keeps seeing that database as it was, while
// the first connection writes and commits. Merely BEGIN, or touching another database, is not enough.
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

describe('DuckDB snapshots of a second connection', () => {
  let db: DuckDBInstance;
  let writer: DuckDBConnection;
  let reader: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:', { threads: '1' });
    writer = await db.connect();
    reader = await db.connect();
    await writer.run("ATTACH ':memory:' AS p");
    await writer.run("ATTACH ':memory:' AS q");
    await writer.run('CREATE TABLE p.main.t AS SELECT range AS n FROM range(10)');
    await writer.run('CREATE TABLE p.main.u AS SELECT 1 AS x');
    await writer.run('CREATE TABLE q.main.v AS SELECT 1 AS x');
  });
  afterAll(() => {
    reader.closeSync();
    writer.closeSync();
    db.closeSync();
  });

  const count = async (): Promise<bigint> => (await reader.runAndReadAll('SELECT count(*) FROM p.main.t')).getRows()[0]![0] as bigint;

  it('is taken at the first access to the database, not at BEGIN', async () => {
    await reader.run('BEGIN TRANSACTION');
    await reader.run('(SELECT 1 FROM q.main.v LIMIT 0)');
    await writer.run('INSERT INTO p.main.t SELECT range FROM range(5)');
    expect(await count()).toBe(15n);
    await reader.run('COMMIT');
  });

  it('holds the data as it was once a table of the database was touched', async () => {
    const before = (await writer.runAndReadAll('SELECT count(*) FROM p.main.t')).getRows()[0]![0] as bigint;
    await reader.run('BEGIN TRANSACTION');
    await reader.run('(SELECT 1 FROM p.main.u LIMIT 0) UNION ALL (SELECT 1 FROM p.main.t LIMIT 0)');
    await writer.run('DELETE FROM p.main.t WHERE n < 3');
    await writer.run('INSERT INTO p.main.t SELECT range FROM range(100)');
    expect(await count()).toBe(before);
    await reader.run('COMMIT');
    expect(await count()).toBe(before - 6n + 100n);
  });
});
