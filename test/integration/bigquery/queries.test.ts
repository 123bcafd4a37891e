// Streaming inserts, queries, DML, DDL, dry runs and bytes processed through the official client.
import { BigQuery, type Dataset } from '@google-cloud/bigquery';
import { type Harness, startHarness, uniqueName } from './helpers';

interface PartialFailure {
  name: string;
  errors: { errors: { reason: string; message: string }[]; row: unknown }[];
}

describe('BigQuery emulator: data and queries', () => {
  let h: Harness;
  let ds: Dataset;
  beforeAll(async () => {
    h = await startHarness();
    [ds] = await h.bq.createDataset(uniqueName('ds'));
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('insertAll de-duplicates by insertId and reports BigQuery-shaped insertErrors', async () => {
    const [t] = await ds.createTable('events', { schema: [{ name: 'id', type: 'STRING', mode: 'REQUIRED' }, { name: 'n', type: 'INT64' }] });
    await t.insert([{ insertId: 'a', json: { id: 'a', n: 1 } }, { insertId: 'a', json: { id: 'a', n: 1 } }], { raw: true });
    await t.insert([{ insertId: 'a', json: { id: 'a', n: 1 } }], { raw: true });
    // One bad row fails the whole request: the valid row is 'stopped', each bad one 'invalid' with why.
    await expect(t.insert([{ id: 'b', n: 2 }, { id: 'c', n: 'x' }, { n: 3 }])).rejects.toMatchObject<PartialFailure>({
      name: 'PartialFailureError',
      errors: [
        { errors: [{ reason: 'stopped', message: '' }], row: { id: 'b', n: 2 } },
        { errors: [{ reason: 'invalid', message: expect.stringContaining('integer') }], row: { id: 'c', n: 'x' } },
        { errors: [{ reason: 'invalid', message: 'Missing required field: id.' }], row: { n: 3 } },
      ],
    });
    const [rows] = await t.getRows();
    expect(rows).toEqual([{ id: 'a', n: 1 }]);
    // skipInvalidRows: the valid row is written, the invalid one still reported.
    await expect(t.insert([{ id: 'd', n: 4 }, { id: 'e', extra: true }], { skipInvalidRows: true })).rejects.toMatchObject<PartialFailure>({
      name: 'PartialFailureError',
      errors: [{ errors: [{ reason: 'invalid', message: 'no such field: extra.' }], row: { id: 'e', extra: true } }],
    });
    // ignoreUnknownValues: the unknown field is dropped and the row written, with no insertErrors.
    await expect(t.insert([{ id: 'f', extra: true }], { ignoreUnknownValues: true })).resolves.toEqual([{ kind: 'bigquery#tableDataInsertAllResponse' }]);
    const [after] = await h.bq.query({ query: `SELECT id FROM \`${ds.id}.events\` ORDER BY id` });
    expect(after.map((r: { id: string }) => r.id)).toEqual(['a', 'd', 'f']);
  });

  it('round-trips every BigQuery type through insertAll and a query', async () => {
    const schema = [
      { name: 'i', type: 'INT64' },
      { name: 'f', type: 'FLOAT64' },
      { name: 'n', type: 'NUMERIC' },
      { name: 'bn', type: 'BIGNUMERIC' },
      { name: 'b', type: 'BOOL' },
      { name: 's', type: 'STRING' },
      { name: 'by', type: 'BYTES' },
      { name: 'd', type: 'DATE' },
      { name: 'dt', type: 'DATETIME' },
      { name: 't', type: 'TIME' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'j', type: 'JSON' },
      { name: 'arr', type: 'INT64', mode: 'REPEATED' },
      { name: 'rec', type: 'RECORD', fields: [{ name: 'x', type: 'STRING' }, { name: 'at', type: 'TIMESTAMP', mode: 'REPEATED' }] },
    ];
    const [t] = await ds.createTable('types', { schema });
    await t.insert([
      {
        i: '9007199254740993',
        f: 1.5,
        n: '12345.678901234',
        bn: '1.5',
        b: true,
        s: 'héllo',
        by: Buffer.from([0, 1, 254, 92]).toString('base64'),
        d: '2024-02-29',
        dt: '2024-02-29T10:11:12.123456',
        t: '23:59:59.5',
        ts: '2024-02-29T10:11:12.123456Z',
        j: '{"a":[1,2]}',
        arr: [1, 2, 3],
        rec: { x: 'y', at: ['2024-01-01T00:00:00Z'] },
      },
    ]);
    const [rows] = await h.bq.query({ query: `SELECT * FROM \`${ds.id}.types\``, wrapIntegers: true });
    const r = rows[0];
    expect(r.i.value).toBe('9007199254740993');
    expect(r.f).toBe(1.5);
    expect(r.n.toString()).toBe('12345.678901234');
    expect(r.bn.toString()).toBe('1.5');
    expect(r.b).toBe(true);
    expect(r.s).toBe('héllo');
    expect(Buffer.from(r.by).equals(Buffer.from([0, 1, 254, 92]))).toBe(true);
    expect(r.d.value).toBe('2024-02-29');
    expect(r.dt.value).toBe('2024-02-29T10:11:12.123456');
    expect(r.t.value).toBe('23:59:59.500000');
    // the client prints TIMESTAMPs with nanosecond digits
    expect(r.ts.value).toBe('2024-02-29T10:11:12.123456000Z');
    expect(JSON.parse(r.j)).toEqual({ a: [1, 2] });
    expect(r.arr.map((x: { value: string }) => x.value)).toEqual(['1', '2', '3']);
    expect(r.rec.x).toBe('y');
    expect(r.rec.at[0].value).toBe('2024-01-01T00:00:00.000Z');
    const [listed] = await t.getRows({ wrapIntegers: true });
    expect(listed[0].ts.value).toBe('2024-02-29T10:11:12.123456000Z');
  });

  it('binds named and positional parameters, including ARRAY, STRUCT, TIMESTAMP and DATE', async () => {
    const [rows] = await h.bq.query({
      query: 'SELECT @n + 1 AS n, @s AS s, ARRAY_LENGTH(@arr) AS len, @st.a AS a, @ts AS ts, DATE_ADD(@d, INTERVAL 1 DAY) AS d',
      params: { n: 41, s: "it's", arr: [1, 2, 3], st: { a: 'x' }, ts: BigQuery.timestamp('2024-01-01T00:00:00Z'), d: BigQuery.date('2024-01-31') },
    });
    expect(rows[0]).toMatchObject({ n: 42, s: "it's", len: 3, a: 'x' });
    expect(rows[0].ts.value).toBe('2024-01-01T00:00:00.000Z');
    expect(rows[0].d.value).toBe('2024-02-01');
    const [pos] = await h.bq.query({ query: 'SELECT ? * 2 AS x', params: [21] });
    expect(pos).toEqual([{ x: 42 }]);
    await expect(h.bq.query({ query: 'SELECT @missing', params: { other: 1 } })).rejects.toMatchObject({ code: 400 });
  });

  it('pages query results', async () => {
    const [job] = await h.bq.createQueryJob({ query: 'SELECT x FROM UNNEST(GENERATE_ARRAY(1, 25)) AS x ORDER BY x' });
    const [page1, next] = await job.getQueryResults({ maxResults: 10, autoPaginate: false });
    expect(page1).toHaveLength(10);
    expect(next).toBeTruthy();
    const [all] = await job.getQueryResults();
    expect(all.map((r: { x: number }) => r.x)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await expect(h.bq.createQueryJob({ query: 'SELECT 1', jobId: job.id })).rejects.toMatchObject({ code: 409 });
  });

  it('runs DML and MERGE with numDmlAffectedRows', async () => {
    const q = async (sql: string) => {
      const [job] = await h.bq.createQueryJob({ query: sql, defaultDataset: { datasetId: ds.id } });
      const [meta] = await job.getMetadata();
      return meta.statistics.query;
    };
    await q('CREATE TABLE stock (sku STRING, qty INT64)');
    expect((await q("INSERT INTO stock (sku, qty) VALUES ('a', 1), ('b', 2)")).numDmlAffectedRows).toBe('2');
    expect((await q("UPDATE stock SET qty = qty + 10 WHERE sku = 'a'")).numDmlAffectedRows).toBe('1');
    const merge = await q(
      "MERGE stock T USING (SELECT 'b' AS sku, 5 AS qty UNION ALL SELECT 'c', 7) S ON T.sku = S.sku WHEN MATCHED THEN UPDATE SET qty = S.qty WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (S.sku, S.qty)",
    );
    expect(merge.statementType).toBe('MERGE');
    expect(merge.numDmlAffectedRows).toBe('2');
    expect((await q("DELETE FROM stock WHERE sku = 'c'")).numDmlAffectedRows).toBe('1');
    const [rows] = await h.bq.query({ query: `SELECT sku, qty FROM \`${ds.id}.stock\` ORDER BY sku` });
    expect(rows).toEqual([{ sku: 'a', qty: 11 }, { sku: 'b', qty: 5 }]);
  });

  it('runs scripts with DECLARE and SET', async () => {
    const [rows] = await h.bq.query({ query: "DECLARE x INT64 DEFAULT 2; DECLARE d DATE DEFAULT '2024-01-31'; SET x = x * 21; SELECT x AS x, DATE_ADD(d, INTERVAL 1 DAY) AS d" });
    expect(rows[0].x).toBe(42);
    expect(rows[0].d.value).toBe('2024-02-01');
  });

  it('records partitioning and clustering from DDL and prunes bytes processed', async () => {
    const ddl = `CREATE OR REPLACE TABLE \`${ds.id}.sales\` PARTITION BY DATE(ts) CLUSTER BY store OPTIONS(description='sales', require_partition_filter=TRUE) AS
      SELECT TIMESTAMP_SECONDS(1704067200 + 86400 * DIV(x, 10)) AS ts, 'store' AS store, x AS amount
      FROM UNNEST(GENERATE_ARRAY(0, 29)) AS x`;
    const [job] = await h.bq.createQueryJob({ query: ddl });
    expect((await job.getMetadata())[0].statistics.query.statementType).toBe('CREATE_TABLE_AS_SELECT');
    const [meta] = await ds.table('sales').getMetadata();
    expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
    expect(meta.clustering).toEqual({ fields: ['store'] });
    expect(meta.requirePartitionFilter).toBe(true);
    await expect(h.bq.query({ query: `SELECT SUM(amount) FROM \`${ds.id}.sales\`` })).rejects.toMatchObject({ code: 400 });
    const dry = async (where: string) => {
      const [j] = await h.bq.createQueryJob({ query: `SELECT amount FROM \`${ds.id}.sales\` WHERE ${where}`, dryRun: true }).catch((e: Error) => {
        throw new Error(`${where}: ${e.message}`);
      });
      return Number(j.metadata.statistics.totalBytesProcessed);
    };
    // amount INT64 (8 bytes) for the 10 rows of one day; ts INT64-sized TIMESTAMP (8) is read by the filter too.
    expect(await dry("DATE(ts) = '2024-01-02'")).toBe(10 * 16);
    expect(await dry("ts >= TIMESTAMP '2024-01-01' AND ts < TIMESTAMP '2024-01-03'")).toBe(20 * 16);
    // A filter every row passes still names the partition column: BigQuery accepts it (and scans all).
    expect(await dry("ts >= TIMESTAMP '2000-01-01'")).toBe(30 * 16);
    const [rows] = await h.bq.query({ query: `SELECT SUM(amount) AS s FROM \`${ds.id}.sales\` WHERE DATE(ts) = '2024-01-02'` });
    expect(rows[0].s).toBe(145);
  });

  it('answers BigQuery errors for bad SQL and unknown tables without crashing', async () => {
    await expect(h.bq.query({ query: 'SELEC 1' })).rejects.toMatchObject({ code: 400 });
    await expect(h.bq.query({ query: `SELECT * FROM \`${ds.id}.nope\`` })).rejects.toMatchObject({ code: 404 });
    const [rows] = await h.bq.query({ query: "SELECT JSON_VALUE('{\"a\":\"x\"}', '$.a') AS v, SAFE.PARSE_DATE('%Y-%m-%d', 'bad') AS d" });
    expect(rows).toEqual([{ v: 'x', d: null }]);
  });
});
