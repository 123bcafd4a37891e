// The emulator keeps each statement's plan for a catalog version and each scan's bytes for a
// version of its table: a repeated query must still see every change, through the official client.
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, startHarness, uniqueName } from './helpers';

describe('BigQuery emulator: plans and bytes follow every change', () => {
  let h: Harness;
  let ds: Dataset;
  beforeAll(async () => {
    h = await startHarness();
    [ds] = await h.bq.createDataset(uniqueName('caches'));
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const bytesOf = async (query: string): Promise<number> => {
    const [job] = await h.bq.createQueryJob({ query });
    await job.getQueryResults();
    const [meta] = await job.getMetadata();
    return Number(meta.statistics.totalBytesProcessed);
  };
  const run = (query: string) => h.bq.query({ query });

  it('the bytes of a repeated query follow streaming inserts, DML and a table replaced by one of the same shape', async () => {
    const t = `\`${ds.id}.orders\``;
    await run(`CREATE TABLE ${t} (id STRING, n INT64)`);
    await ds.table('orders').insert([{ id: 'a', n: 1 }]);
    const q = `SELECT id FROM ${t}`;
    expect(await bytesOf(q)).toBe(3);
    expect(await bytesOf(q)).toBe(3);
    await ds.table('orders').insert([{ id: 'bb', n: 2 }]);
    expect(await bytesOf(q)).toBe(3 + 4);
    await run(`INSERT INTO ${t} (id, n) VALUES ('ccc', 3)`);
    expect(await bytesOf(q)).toBe(3 + 4 + 5);
    await run(`UPDATE ${t} SET id = 'x' WHERE n = 3`);
    expect(await bytesOf(q)).toBe(3 + 4 + 3);
    await run(`DELETE FROM ${t} WHERE n = 2`);
    expect(await bytesOf(q)).toBe(3 + 3);
    await run(`MERGE ${t} T USING (SELECT 'dddd' AS id, 9 AS n) S ON T.n = S.n WHEN NOT MATCHED THEN INSERT (id, n) VALUES (S.id, S.n)`);
    expect(await bytesOf(q)).toBe(3 + 3 + 6);
    await run(`CREATE OR REPLACE TABLE ${t} AS SELECT 'eeeee' AS id, 1 AS n`);
    expect(await bytesOf(q)).toBe(7);
    await run(`TRUNCATE TABLE ${t}`);
    expect(await bytesOf(q)).toBe(0);
  });

  it('a statement that writes what it reads is billed for the data before it (bytes are measured beside it)', async () => {
    const t = `\`${ds.id}.ledger\``;
    await run(`CREATE TABLE ${t} AS SELECT n FROM UNNEST(GENERATE_ARRAY(1, 100)) AS n`);
    // Reads n over 100 rows and doubles the table: 800 bytes, not 1,600.
    expect(await bytesOf(`INSERT INTO ${t} (n) SELECT n FROM ${t}`)).toBe(800);
    // Reads n over the 200 rows it then deletes: 1,600 bytes, not 0.
    expect(await bytesOf(`DELETE FROM ${t} WHERE n > 0`)).toBe(1600);
    expect(await bytesOf(`SELECT n FROM ${t}`)).toBe(0);
    await run(`INSERT INTO ${t} (n) VALUES (1), (2)`);
    expect(await bytesOf(`CREATE OR REPLACE TABLE ${t} AS SELECT n, n * 2 AS m FROM ${t}`)).toBe(16);
    expect(await bytesOf(`SELECT n, m FROM ${t}`)).toBe(32);
  });

  it('a view redefined with the same name is planned again', async () => {
    await run(`CREATE TABLE \`${ds.id}.items\` AS SELECT 'abc' AS name, 5 AS qty`);
    const view = ds.table('items_view');
    await view.create({ view: { query: `SELECT name FROM \`${ds.id}.items\``, useLegacySql: false } });
    const q = `SELECT * FROM \`${ds.id}.items_view\``;
    expect(await bytesOf(q)).toBe(5);
    await view.setMetadata({ view: { query: `SELECT qty FROM \`${ds.id}.items\``, useLegacySql: false } });
    expect(await bytesOf(q)).toBe(8);
  });

  it('requirePartitionFilter set after a query was planned refuses that query', async () => {
    await run(`CREATE TABLE \`${ds.id}.visits\` PARTITION BY d AS SELECT DATE '2024-01-01' AS d, 'x' AS who`);
    const q = `SELECT who FROM \`${ds.id}.visits\``;
    expect(await bytesOf(q)).toBe(3);
    await ds.table('visits').setMetadata({ requirePartitionFilter: true });
    await expect(run(q)).rejects.toMatchObject({ code: 400, message: expect.stringContaining("without a filter over column(s) 'd'") });
    expect(await bytesOf(`${q} WHERE d = '2024-01-01'`)).toBe(3 + 8);
  });

  it('a column added to a table is counted by a repeated SELECT *', async () => {
    await run(`CREATE TABLE \`${ds.id}.people\` AS SELECT 'ann' AS name`);
    const q = `SELECT * FROM \`${ds.id}.people\``;
    expect(await bytesOf(q)).toBe(5);
    const table = ds.table('people');
    const [meta] = await table.getMetadata();
    await table.setMetadata({ schema: { fields: [...meta.schema.fields, { name: 'age', type: 'INT64' }] } });
    await run(`UPDATE \`${ds.id}.people\` SET age = 40 WHERE TRUE`);
    expect(await bytesOf(q)).toBe(5 + 8);
  });
});
