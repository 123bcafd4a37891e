// Multi-statement transactions through the official client, as BigQuery runs them in a script:
// BEGIN TRANSACTION … COMMIT TRANSACTION is one unit; a failing statement, a ROLLBACK or a script
// that ends without COMMIT leaves the tables as they were.
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, startHarness, uniqueName } from './helpers';

describe('BigQuery emulator: multi-statement transactions', () => {
  let h: Harness;
  let ds: Dataset;
  let t: string;
  beforeAll(async () => {
    h = await startHarness();
    [ds] = await h.bq.createDataset(uniqueName('transactions'));
    t = `\`${ds.id}.sales\``;
    await h.bq.query(`CREATE TABLE ${t} (sales_date DATE, store STRING, net INT64) PARTITION BY sales_date`);
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const reset = async (): Promise<void> => {
    await h.bq.query(`DELETE FROM ${t} WHERE true`);
    await h.bq.query(`INSERT INTO ${t} VALUES (DATE '2026-12-01', 's1', 10), (DATE '2026-12-02', 's1', 20)`);
  };
  const rows = async (): Promise<string[]> => {
    const [r] = await h.bq.query(`SELECT CONCAT(CAST(sales_date AS STRING), '/', store, '/', CAST(net AS STRING)) AS row FROM ${t} ORDER BY 1`);
    return (r as { row: string }[]).map((x) => x.row);
  };

  it('a committed replacement of a partition shows the new rows and only them', async () => {
    await reset();
    await h.bq.query(`BEGIN TRANSACTION;
      DELETE FROM ${t} WHERE sales_date = DATE '2026-12-02';
      INSERT INTO ${t} VALUES (DATE '2026-12-02', 's1', 25), (DATE '2026-12-02', 's2', 5);
      COMMIT TRANSACTION;`);
    expect(await rows()).toEqual(['2026-12-01/s1/10', '2026-12-02/s1/25', '2026-12-02/s2/5']);
  });

  it('a statement failing between the DELETE and the INSERT leaves the old rows and fails the job', async () => {
    await reset();
    await expect(
      h.bq.query(`DECLARE d DATE DEFAULT DATE '2026-12-02';
        BEGIN TRANSACTION;
        DELETE FROM ${t} WHERE sales_date = d;
        INSERT INTO ${t} SELECT d, 's1', CAST(ERROR('killed between delete and insert') AS INT64);
        COMMIT TRANSACTION;`),
    ).rejects.toThrow(/killed between delete and insert/);
    expect(await rows()).toEqual(['2026-12-01/s1/10', '2026-12-02/s1/20']);
  });

  it('ROLLBACK TRANSACTION undoes the writes, and a script that ends without COMMIT is rolled back', async () => {
    await reset();
    await h.bq.query(`BEGIN TRANSACTION; DELETE FROM ${t} WHERE true; ROLLBACK TRANSACTION;`);
    expect(await rows()).toEqual(['2026-12-01/s1/10', '2026-12-02/s1/20']);
    await h.bq.query(`BEGIN TRANSACTION; DELETE FROM ${t} WHERE true;`);
    expect(await rows()).toEqual(['2026-12-01/s1/10', '2026-12-02/s1/20']);
  });

  it('refuses a nested BEGIN, a COMMIT without a transaction and DDL of a permanent table inside one', async () => {
    await expect(h.bq.query('BEGIN TRANSACTION; BEGIN TRANSACTION; COMMIT TRANSACTION;')).rejects.toThrow(/Nested transactions/);
    await expect(h.bq.query('COMMIT TRANSACTION;')).rejects.toThrow(/without an active transaction/);
    await expect(h.bq.query(`BEGIN TRANSACTION; CREATE TABLE \`${ds.id}.other\` (x INT64); COMMIT TRANSACTION;`)).rejects.toThrow(/not supported inside a multi-statement transaction/);
    const [tables] = await ds.getTables();
    expect(tables.map((x) => x.id)).not.toContain('other');
  });

  it('a query after a rolled-back write is billed for the rows that are there, not the undone ones', async () => {
    await reset();
    const bytesOf = async (query: string): Promise<number> => {
      const [job] = await h.bq.createQueryJob({ query });
      await job.getQueryResults();
      const [meta] = await job.getMetadata();
      return Number(meta.statistics.totalBytesProcessed);
    };
    const q = `SELECT store FROM ${t}`;
    const before = await bytesOf(q);
    await h.bq.query(`BEGIN TRANSACTION; INSERT INTO ${t} VALUES (DATE '2026-12-03', 'store-long-name', 1); ROLLBACK TRANSACTION;`);
    expect(await bytesOf(q)).toBe(before);
    await h.bq.query(`BEGIN TRANSACTION; INSERT INTO ${t} VALUES (DATE '2026-12-03', 'store-long-name', 1); COMMIT TRANSACTION;`);
    expect(await bytesOf(q)).toBe(before + 'store-long-name'.length + 2);
  });
});
