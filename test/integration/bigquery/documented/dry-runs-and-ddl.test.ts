// Two gaps the documented corpus cannot hold as a query and its result table: a dry run of a
// subtraction of DATEs (operators#datetime_subtraction) must type it INTERVAL as the run answers it, and
// CREATE TABLE with NOT NULL on STRUCT fields (data-definition-language#column_name_and_column_schema)
// must be accepted, as BigQuery accepts it.
import { type Harness, startHarness, uniqueName } from '../helpers';

interface Field {
  name: string;
  type: string;
  mode?: string;
  fields?: Field[];
}

describe('BigQuery emulator (plain mode): dry runs of DATE - DATE, NOT NULL inside STRUCT', () => {
  let h: Harness;
  let dataset: string;
  beforeAll(async () => {
    h = await startHarness({ strictGoogleSql: false });
    dataset = uniqueName('documented');
    await h.bq.createDataset(dataset);
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('types DATE - DATE and TIMESTAMP - TIMESTAMP as INTERVAL in a dry run and answers them in a run, over columns too; DATE - INT64 is still a DATE', async () => {
    const dates = "SELECT d1 - d2 AS i FROM UNNEST([STRUCT(DATE '2021-05-20' AS d1, DATE '2020-04-19' AS d2)])";
    const stamps = "SELECT t1 - t2 AS i FROM UNNEST([STRUCT(TIMESTAMP '2021-06-01 12:34:56+00' AS t1, TIMESTAMP '2021-05-31 00:00:00+00' AS t2)])";
    for (const [query, answer] of [[dates, '0-0 396 0:0:0'], [stamps, '0-0 0 36:34:56']]) {
      const [dry] = await h.bq.createQueryJob({ query, dryRun: true });
      expect((dry.metadata as { statistics: { query: { schema: { fields: Field[] } } } }).statistics.query.schema.fields.map((f) => f.type)).toEqual(['INTERVAL']);
      const [rows] = await h.bq.query({ query });
      expect(rows).toEqual([{ i: answer }]);
    }
    const [job] = await h.bq.createQueryJob({ query: "SELECT d - 1 AS prev, 5 - x AS n FROM UNNEST([STRUCT(DATE '2021-05-20' AS d, 2 AS x)])", dryRun: true });
    const fields = (job.metadata as { statistics: { query: { schema: { fields: Field[] } } } }).statistics.query.schema.fields;
    expect(fields.map((f) => `${f.name}:${f.type}`)).toEqual(['prev:DATE', 'n:INTEGER']);
  });

  it('accepts NOT NULL on STRUCT fields in CREATE TABLE, keeping a top-level NOT NULL as REQUIRED', async () => {
    await h.bq.query({ query: `CREATE TABLE ${dataset}.nested (id INT64 NOT NULL, s STRUCT<a INT64 NOT NULL, b ARRAY<STRUCT<c STRING NOT NULL>>>)` });
    const [meta] = await h.bq.dataset(dataset).table('nested').getMetadata();
    const fields = meta.schema.fields as Field[];
    expect(fields.map((f) => [f.name, f.type, f.mode ?? 'NULLABLE'])).toEqual([
      ['id', 'INTEGER', 'REQUIRED'],
      ['s', 'RECORD', 'NULLABLE'],
    ]);
    expect(fields[1].fields?.map((f) => f.name)).toEqual(['a', 'b']);
    await h.bq.query({ query: `INSERT INTO ${dataset}.nested (id, s) VALUES (1, STRUCT(2 AS a, [STRUCT('x' AS c)] AS b))` });
    const [rows] = await h.bq.query({ query: `SELECT id, s.a AS a, s.b[OFFSET(0)].c AS c FROM ${dataset}.nested` });
    expect(rows).toEqual([{ id: 1, a: 2, c: 'x' }]);
  });
});
