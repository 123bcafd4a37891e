// Load jobs from gs:// objects in the storage emulator, driven by both official clients
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad,
// https://cloud.google.com/bigquery/docs/batch-loading-data: wildcards, gzip, dispositions,
// maxBadRecords, statistics.load).
import { gzipSync } from 'node:zlib';
import { type Dataset, type Job, type Table } from '@google-cloud/bigquery';
import { type Bucket, Storage } from '@google-cloud/storage';
import { type StorageEmulator, startStorage } from '@pizzaflow/emulators';
import { type Harness, startHarness, uniqueName } from './helpers';

interface JobMetadata {
  status: { state: string; errorResult?: { reason: string; message: string }; errors?: { reason: string; message: string; location?: string }[] };
  statistics: { load?: { inputFiles: string; inputFileBytes: string; outputRows: string; badRecords: string } };
}

const ndjson = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('BigQuery emulator: load jobs from the storage emulator', () => {
  let storageEmu: StorageEmulator;
  let h: Harness;
  let storage: Storage;
  let bucket: Bucket;
  let ds: Dataset;

  beforeAll(async () => {
    storageEmu = await startStorage({ port: 0, inMemory: true, logLevel: 'silent' });
    h = await startHarness({ storageHost: storageEmu.url });
    storage = new Storage({ apiEndpoint: storageEmu.url, projectId: 'test-project' });
    [bucket] = await storage.createBucket('landing');
    [ds] = await h.bq.createDataset(uniqueName('load'));
  });
  afterAll(async () => {
    await h.emulator.close();
    await storageEmu.close();
  });

  async function put(name: string, body: string | Buffer): Promise<void> {
    await bucket.file(name).save(body, { resumable: false });
  }

  async function loadUris(table: Table, uris: string[], cfg: Record<string, unknown>): Promise<JobMetadata> {
    const [job] = (await table.createLoadJob(uris.map((u) => storage.bucket(u.split('/')[2]).file(u.split('/').slice(3).join('/'))), cfg)) as unknown as [Job];
    const [meta] = (await job.getMetadata()) as unknown as [JobMetadata];
    return meta;
  }

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const [r] = await h.bq.query({ query: sql });
    return r as Record<string, unknown>[];
  }

  it('loads NEWLINE_DELIMITED_JSON with nested RECORD/REPEATED and TIMESTAMP through table.load(File)', async () => {
    await put(
      'orders/a.json',
      ndjson([
        { order_id: 'o1', placed_at: '2024-03-01T18:30:00Z', items: [{ sku: 'margherita', qty: 2 }, { sku: 'cola', qty: 1 }], total_cents: 2400 },
        { order_id: 'o2', placed_at: '2024-03-01 19:00:00 UTC', items: [], total_cents: '900' },
      ]),
    );
    const table = ds.table('orders');
    const [job] = (await table.load(bucket.file('orders/a.json'), {
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      schema: {
        fields: [
          { name: 'order_id', type: 'STRING', mode: 'REQUIRED' },
          { name: 'placed_at', type: 'TIMESTAMP' },
          { name: 'items', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'sku', type: 'STRING' }, { name: 'qty', type: 'INT64' }] },
          { name: 'total_cents', type: 'INT64' },
        ],
      },
    })) as unknown as [JobMetadata];
    expect(job.status.state).toBe('DONE');
    expect(job.statistics.load).toMatchObject({ inputFiles: '1', outputRows: '2', badRecords: '0' });
    const out = await rows(`SELECT order_id, UNIX_SECONDS(placed_at) AS s, ARRAY_LENGTH(items) AS n, total_cents FROM \`${ds.id}.orders\` ORDER BY order_id`);
    expect(out).toEqual([
      { order_id: 'o1', s: 1709317800, n: 2, total_cents: 2400 },
      { order_id: 'o2', s: 1709319600, n: 0, total_cents: 900 },
    ]);
  });

  it('loads CSV with skipLeadingRows, fieldDelimiter and quote, reporting statistics.load', async () => {
    await put('pos/store1.csv', 'store;sku;qty;note\n1;"marg;herita";2;"said ""hi"""\n1;cola;1;\n');
    const [table] = await ds.createTable('pos_csv', { schema: 'store:INT64,sku:STRING,qty:INT64,note:STRING' });
    const meta = await loadUris(table, ['gs://landing/pos/store1.csv'], { sourceFormat: 'CSV', skipLeadingRows: 1, fieldDelimiter: ';', quote: '"' });
    expect(meta.status.errorResult).toBeUndefined();
    expect(meta.statistics.load).toEqual(expect.objectContaining({ inputFiles: '1', outputRows: '2', badRecords: '0', inputFileBytes: String(Buffer.byteLength('store;sku;qty;note\n1;"marg;herita";2;"said ""hi"""\n1;cola;1;\n')) }));
    expect(await rows(`SELECT sku, qty, note FROM \`${ds.id}.pos_csv\` ORDER BY qty DESC`)).toEqual([
      { sku: 'marg;herita', qty: 2, note: 'said "hi"' },
      { sku: 'cola', qty: 1, note: null },
    ]);
  });

  it('expands wildcards and reads gzip by magic bytes, whatever the object name', async () => {
    await put('win/2024-03-01T1800/s1.json', gzipSync(ndjson([{ id: 1 }, { id: 2 }])));
    await put('win/2024-03-01T1800/s2.json', ndjson([{ id: 3 }]));
    await put('win/2024-03-01T1800/s3.json.gz', gzipSync(ndjson([{ id: 4 }])));
    await put('win/2024-03-01T1815/s1.json', ndjson([{ id: 99 }]));
    const table = ds.table('win');
    const [job] = await h.bq.createJob({
      configuration: {
        load: {
          sourceUris: ['gs://landing/win/2024-03-01T1800/*'],
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          destinationTable: { projectId: 'test-project', datasetId: ds.id!, tableId: table.id! },
          schema: { fields: [{ name: 'id', type: 'INT64' }] },
        },
      },
    });
    const [meta] = (await job.getMetadata()) as unknown as [JobMetadata];
    expect(meta.statistics.load).toMatchObject({ inputFiles: '3', outputRows: '4' });
    expect((await rows(`SELECT SUM(id) AS s FROM \`${ds.id}.win\``))[0]).toEqual({ s: 10 });
  });

  it('honours writeDisposition and createDisposition', async () => {
    await put('disp/a.json', ndjson([{ n: 1 }, { n: 2 }]));
    await put('disp/b.json', ndjson([{ n: 10 }]));
    const schema = { fields: [{ name: 'n', type: 'INT64' }] };
    const table = ds.table('disp');
    await table.load(bucket.file('disp/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema });
    await table.load(bucket.file('disp/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND' });
    expect((await rows(`SELECT COUNT(*) AS c FROM \`${ds.id}.disp\``))[0]).toEqual({ c: 4 });
    await table.load(bucket.file('disp/b.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE' });
    expect(await rows(`SELECT n FROM \`${ds.id}.disp\``)).toEqual([{ n: 10 }]);
    const empty = (await table.load(bucket.file('disp/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_EMPTY' }).catch((e: unknown) => e)) as { errors?: { reason: string }[] };
    expect(empty.errors?.[0]?.reason).toBe('duplicate');
    const never = (await ds
      .table('never_created')
      .load(bucket.file('disp/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', createDisposition: 'CREATE_NEVER', schema })
      .catch((e: unknown) => e)) as { errors?: { reason: string }[] };
    expect(never.errors?.[0]?.reason).toBe('notFound');
    const [exists] = await ds.table('never_created').exists();
    expect(exists).toBe(false);
  });

  it('skips up to maxBadRecords with per-record errors, and fails atomically beyond', async () => {
    const [table] = await ds.createTable('bad', {
      schema: { fields: [{ name: 'id', type: 'STRING', mode: 'REQUIRED' }, { name: 'qty', type: 'INT64' }, { name: 'at', type: 'TIMESTAMP' }] },
    });
    await put('bad/one.json', ndjson([{ id: 'a', qty: 1 }, { id: 'b', qty: 'many' }, { id: 'c', qty: 3, at: '2024-01-01 00:00:00' }]));
    await put('bad/two.json', ndjson([{ id: 'd', qty: 4 }, { qty: 5 }]) + '{not json\n');
    const ok = await loadUris(table, ['gs://landing/bad/one.json'], { sourceFormat: 'NEWLINE_DELIMITED_JSON', maxBadRecords: 1 });
    expect(ok.status.errorResult).toBeUndefined();
    expect(ok.statistics.load).toMatchObject({ outputRows: '2', badRecords: '1' });
    expect(ok.status.errors).toHaveLength(1);
    expect(ok.status.errors?.[0]).toMatchObject({ reason: 'invalid', location: 'gs://landing/bad/one.json' });
    expect(ok.status.errors?.[0]?.message).toMatch(/Cannot convert value to integer.*File: gs:\/\/landing\/bad\/one\.json/);

    const err = (await table
      .load(bucket.file('bad/two.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', maxBadRecords: 1 })
      .catch((e: unknown) => e)) as { message: string; errors: { reason: string; message: string }[] };
    expect(err.message).toMatch(/JSON table encountered too many errors, giving up\. Rows: 3; errors: 2/);
    expect(err.errors.map((e) => e.reason)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(err.errors[1].message).toMatch(/Missing required field: id/);
    expect(err.errors[2].message).toMatch(/JSON parsing error/);
    expect(await rows(`SELECT id FROM \`${ds.id}.bad\` ORDER BY id`)).toEqual([{ id: 'a' }, { id: 'c' }]);
  });

  it('refuses values DuckDB would coerce but BigQuery does not (1.5 into INT64, an object into STRING)', async () => {
    const [table] = await ds.createTable('coerce', { schema: 'id:STRING,qty:INT64' });
    await put('coerce/a.json', ndjson([{ id: 'a', qty: '7' }, { id: 'b', qty: 1.5 }, { id: { x: 1 }, qty: 1 }, { id: 'c', qty: true }]));
    const meta = await loadUris(table, ['gs://landing/coerce/a.json'], { sourceFormat: 'NEWLINE_DELIMITED_JSON', maxBadRecords: 5 });
    expect(meta.statistics.load).toMatchObject({ outputRows: '1', badRecords: '3' });
    expect(await rows(`SELECT id, qty FROM \`${ds.id}.coerce\``)).toEqual([{ id: 'a', qty: 7 }]);
  });

  it('refuses a CSV value that is not an integer for an INT64 column, record by record', async () => {
    const [table] = await ds.createTable('csv_bad', { schema: 'store:INT64,qty:INT64' });
    await put('csvbad/a.csv', '1,2\n1,1.5\n2, 3 \n');
    const meta = await loadUris(table, ['gs://landing/csvbad/a.csv'], { sourceFormat: 'CSV', maxBadRecords: 1 });
    expect(meta.statistics.load).toMatchObject({ outputRows: '2', badRecords: '1' });
    expect(meta.status.errors?.[0]?.message).toMatch(/Cannot convert value to integer.*position 4\. File: gs:\/\/landing\/csvbad\/a\.csv/);
    expect(await rows(`SELECT SUM(qty) AS s FROM \`${ds.id}.csv_bad\``)).toEqual([{ s: 5 }]);
  });

  it('rejects unknown fields unless ignoreUnknownValues, and takes the schema from the existing table', async () => {
    const [table] = await ds.createTable('unknown', { schema: 'id:INT64' });
    await put('unknown/a.json', ndjson([{ id: 1, extra: 'x' }]));
    const err = (await table.load(bucket.file('unknown/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON' }).catch((e: unknown) => e)) as { errors: { message: string }[] };
    expect(err.errors.map((e) => e.message).join('\n')).toMatch(/no such field: extra/);
    await table.load(bucket.file('unknown/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', ignoreUnknownValues: true });
    expect(await rows(`SELECT id FROM \`${ds.id}.unknown\``)).toEqual([{ id: 1 }]);
  });

  it('autodetects a schema for a new table', async () => {
    await put('auto/a.json', ndjson([{ name: 'x', n: 1, ok: true }, { name: 'y', n: 2, ok: false }]));
    const table = ds.table('auto');
    await table.load(bucket.file('auto/a.json'), { sourceFormat: 'NEWLINE_DELIMITED_JSON', autodetect: true });
    const [meta] = await table.getMetadata();
    expect((meta.schema.fields as { name: string; type: string }[]).map((f) => `${f.name}:${f.type}`)).toEqual(['name:STRING', 'n:INTEGER', 'ok:BOOLEAN']);
    expect(await rows(`SELECT name FROM \`${ds.id}.auto\` WHERE ok`)).toEqual([{ name: 'x' }]);
  });

  it('answers notFound for a missing object or an unmatched wildcard', async () => {
    const table = ds.table('missing');
    const a = (await loadUris(table, ['gs://landing/nope.json'], { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: { fields: [{ name: 'x', type: 'STRING' }] } }).catch((e: unknown) => e)) as JobMetadata | Error;
    const reasonA = 'status' in a ? a.status.errorResult?.reason : (a as { errors?: { reason: string }[] }).errors?.[0]?.reason;
    expect(reasonA).toBe('notFound');
    const [job] = await h.bq.createJob({
      configuration: { load: { sourceUris: ['gs://landing/zzz*'], destinationTable: { projectId: 'test-project', datasetId: ds.id!, tableId: 'missing' }, schema: { fields: [{ name: 'x', type: 'STRING' }] } } },
    });
    const [meta] = (await job.getMetadata()) as unknown as [JobMetadata];
    expect(meta.status.errorResult?.reason).toBe('notFound');
  });
});
