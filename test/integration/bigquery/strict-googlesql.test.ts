// Strict mode: ZetaSQL (BigQuery's analyzer) checks every statement against the emulator's
// catalog, so SQL only DuckDB accepts answers invalidQuery as BigQuery would
// (https://cloud.google.com/bigquery/docs/error-messages: invalidQuery, HTTP 400).
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, PROJECT, startHarness, uniqueName } from './helpers';

interface ApiErr {
  code: number;
  message: string;
  errors: { reason: string }[];
}

describe('BigQuery emulator: strict GoogleSQL mode', () => {
  let h: Harness;
  let ds: Dataset;
  beforeAll(async () => {
    h = await startHarness({ strictGoogleSql: true });
    [ds] = await h.bq.createDataset(uniqueName('strict'));
    await ds.createTable('orders', { schema: 'id:INT64,store:STRING,placed_at:TIMESTAMP', timePartitioning: { type: 'DAY' } });
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const reject = async (query: string): Promise<ApiErr> => (await h.bq.query({ query }).then(() => ({ code: 0, message: 'accepted', errors: [] }), (e: unknown) => e)) as ApiErr;

  it('accepts GoogleSQL naming tables every way BigQuery allows', async () => {
    for (const from of [`\`${PROJECT}.${ds.id}.orders\``, `\`${ds.id}.orders\``, `${ds.id}.orders`, `\`${PROJECT}\`.${ds.id}.orders`]) {
      const [rows] = await h.bq.query({ query: `SELECT COUNT(*) AS n FROM ${from} WHERE _PARTITIONDATE >= '2024-01-01'` });
      expect(rows).toEqual([{ n: 0 }]);
    }
    const [rows] = await h.bq.query({ query: 'SELECT COUNT(*) AS n FROM orders', defaultDataset: { datasetId: ds.id! } });
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('rejects what only DuckDB accepts, with invalidQuery and a BigQuery-style location', async () => {
    const fn = await reject('SELECT list_value(1, 2) AS l');
    expect(fn.code).toBe(400);
    expect(fn.errors[0].reason).toBe('invalidQuery');
    expect(fn.message).toMatch(/^Function not found: list_value.* at \[1:8\]$/);
    expect((await reject('SELECT 1::INT64 AS x')).errors[0].reason).toBe('invalidQuery');
    expect((await reject(`SELECT nope FROM ${ds.id}.orders`)).message).toMatch(/Unrecognized name: nope/);
    const table = await reject(`SELECT id FROM ${ds.id}.missing`);
    expect([table.code, table.errors[0].reason, table.message]).toEqual([404, 'notFound', `Not found: Table ${PROJECT}:${ds.id}.missing was not found in location US`]);
    const dataset = await reject('SELECT id FROM nodataset.missing');
    expect([dataset.code, dataset.message]).toEqual([404, `Not found: Dataset ${PROJECT}:nodataset was not found in location US`]);
  });

  it('reports numeric columns with the types ZetaSQL resolves (NUMERIC / INT64 is NUMERIC, 1.5 is FLOAT64)', async () => {
    const [job] = await h.bq.createQueryJob({ query: 'SELECT CAST(1 AS NUMERIC) / 4 AS n, 1.5 * 2 AS f, 7 AS i' });
    const [rows, , response] = await job.getQueryResults({ autoPaginate: false });
    const fields = (response as { schema: { fields: { name: string; type: string }[] } }).schema.fields;
    expect(fields.map((f) => `${f.name}:${f.type}`)).toEqual(['n:NUMERIC', 'f:FLOAT', 'i:INTEGER']);
    expect(String((rows[0] as { n: unknown }).n)).toBe('0.25');
    expect((rows[0] as { f: unknown }).f).toBe(3);
  });

  it('checks DML, DDL and scripts, and keeps their behaviour', async () => {
    const [job] = await h.bq.createQueryJob({
      query: `DECLARE n INT64 DEFAULT 2;
        CREATE TABLE ${ds.id}.t AS SELECT x FROM UNNEST(GENERATE_ARRAY(1, n)) AS x;
        INSERT INTO ${ds.id}.t (x) VALUES (10);
        UPDATE ${ds.id}.t SET x = x + 1 WHERE x = 10;
        SELECT SUM(x) AS s FROM ${ds.id}.t;`,
    });
    const [rows] = await job.getQueryResults();
    expect(rows).toEqual([{ s: 14 }]);
    expect((await reject(`INSERT INTO ${ds.id}.t (x) VALUES ('a')`)).errors[0].reason).toBe('invalidQuery');
  });
});
