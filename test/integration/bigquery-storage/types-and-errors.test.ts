// Proto values → BigQuery types, and row errors. TIMESTAMP travels as int64 microseconds, DATE as
// int32 days, NUMERIC as a string (the managed writer's JSONEncoder, adapt/proto_mappings), nested
// messages as RECORDs and repeated fields as REPEATED columns.
// https://cloud.google.com/bigquery/docs/write-api#data_type_conversions
// https://cloud.google.com/bigquery/docs/reference/storage/rpc/google.cloud.bigquery.storage.v1#rowerror
import { adapt, managedwriter } from '@google-cloud/bigquery-storage';
import { PROJECT, type StorageHarness, createTable, descriptorFor, query, startStorageHarness } from './helpers';

const INVALID_ARGUMENT = 3;

describe('Storage Write emulator: types and row errors', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    h = await startStorageHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('round-trips TIMESTAMP, DATE, DATETIME, NUMERIC, BYTES, JSON, nested and repeated values', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'ordered_at', type: 'TIMESTAMP' },
      { name: 'order_date', type: 'DATE' },
      { name: 'local_at', type: 'DATETIME' },
      { name: 'amount', type: 'NUMERIC' },
      { name: 'payload', type: 'BYTES' },
      { name: 'doc_json', type: 'JSON' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      {
        name: 'items',
        type: 'RECORD',
        mode: 'REPEATED',
        fields: [
          { name: 'sku', type: 'STRING' },
          { name: 'qty', type: 'INT64' },
          { name: 'tags', type: 'STRING', mode: 'REPEATED' },
        ],
      },
      { name: 'store', type: 'RECORD', fields: [{ name: 'id', type: 'STRING' }, { name: 'opened', type: 'DATE' }] },
    ]);
    const protoDescriptor = await descriptorFor(h, parent);
    const connection = await h.writer.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: parent });
    const writer = new managedwriter.JSONWriter({ connection, protoDescriptor });
    const at = new Date('2026-03-01T18:30:15.123Z');
    try {
      const res = await writer
        .appendRows([
          {
            id: 'o1',
            ordered_at: at, // JSONEncoder: Date → int64 micros
            order_date: new Date('2026-03-01T00:00:00Z'), // → int32 days
            local_at: '2026-03-01 19:30:15.123456',
            amount: '12.340000001',
            payload: Buffer.from('pizza').toString('base64'), // protobufjs writes a base64 string as bytes
            doc_json: JSON.stringify({ a: 1 }),
            tags: ['x', 'y'],
            items: [
              { sku: 'margherita', qty: 2, tags: ['veg'] },
              { sku: 'cola', qty: 1 },
            ],
            store: { id: 's-1', opened: new Date('2020-01-02T00:00:00Z') },
          },
          { id: 'o2', ordered_at: 1_772_390_000_000_000 }, // a raw int64 micros value
        ])
        .getResult();
      expect(res.error).toBeFalsy();
    } finally {
      writer.close();
    }
    const rows = await query<Record<string, unknown>>(h, `SELECT id, ordered_at, order_date, local_at, amount, payload, doc_json, tags, items, store FROM \`${PROJECT}.${datasetId}.${tableId}\` ORDER BY id`);
    const value = (v: unknown): unknown => (v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);
    expect(value(rows[0].ordered_at)).toBe('2026-03-01T18:30:15.123Z');
    expect(value(rows[0].order_date)).toBe('2026-03-01');
    expect(value(rows[0].local_at)).toBe('2026-03-01T19:30:15.123456');
    expect(Buffer.from(rows[0].payload as Buffer).toString()).toBe('pizza');
    expect(JSON.parse(String(rows[0].doc_json))).toEqual({ a: 1 });
    expect(rows[0].tags).toEqual(['x', 'y']);
    expect(rows[0].items).toEqual([
      { sku: 'margherita', qty: 2, tags: ['veg'] },
      { sku: 'cola', qty: 1, tags: [] },
    ]);
    expect(rows[0].store).toMatchObject({ id: 's-1' });
    expect(value((rows[0].store as { opened: unknown }).opened)).toBe('2020-01-02');
    expect(String(rows[0].amount)).toBe('12.340000001');
    expect(value(rows[1].ordered_at)).toBe(new Date(1_772_390_000_000).toISOString());
    expect(rows[1]).toMatchObject({ id: 'o2', tags: [], items: [] });
  });

  it('answers rowErrors for rows that do not fit the table and writes none of the request', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'amount', type: 'NUMERIC' },
      { name: 'civil', type: 'DATETIME' },
    ]);
    // A writer whose schema is stale (id optional) can send a row without the REQUIRED column.
    const loose = adapt.convertStorageSchemaToProto2Descriptor(
      { fields: [{ name: 'id', type: 'STRING', mode: 'NULLABLE' }, { name: 'amount', type: 'NUMERIC', mode: 'NULLABLE' }, { name: 'civil', type: 'DATETIME', mode: 'NULLABLE' }] },
      'root',
    );
    const connection = await h.writer.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: parent });
    const writer = new managedwriter.JSONWriter({ connection, protoDescriptor: loose });
    try {
      const res = await writer.appendRows([{ id: 'ok' }, { amount: '1' }, { id: 'x', amount: 'lots' }, { id: 'y', civil: 'yesterday' }]).getResult();
      expect(res.error?.code).toBe(INVALID_ARGUMENT);
      const errs = (res.rowErrors ?? []).map((e) => ({ index: Number(e.index), code: e.code, message: e.message }));
      expect(errs.map((e) => e.index)).toEqual([1, 2, 3]);
      expect(errs[0]).toMatchObject({ code: 'FIELDS_ERROR' });
      expect(errs[0].message).toMatch(/required/i);
      expect(errs[1].message).toMatch(/NUMERIC/);
      expect(await query(h, `SELECT * FROM \`${PROJECT}.${datasetId}.${tableId}\``)).toEqual([]);
      // The connection stays usable.
      const good = await writer.appendRows([{ id: 'ok' }]).getResult();
      expect(good.error).toBeFalsy();
    } finally {
      writer.close();
    }
    expect(await query(h, `SELECT id FROM \`${PROJECT}.${datasetId}.${tableId}\``)).toEqual([{ id: 'ok' }]);
  });

  it('refuses a writer schema with fields the table does not have', async () => {
    const { parent } = await createTable(h, [{ name: 'id', type: 'STRING' }]);
    const extra = adapt.convertStorageSchemaToProto2Descriptor({ fields: [{ name: 'id', type: 'STRING', mode: 'NULLABLE' }, { name: 'ghost', type: 'INT64', mode: 'NULLABLE' }] }, 'root');
    const connection = await h.writer.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: parent });
    const writer = new managedwriter.JSONWriter({ connection, protoDescriptor: extra });
    try {
      const res = await writer.appendRows([{ id: 'a', ghost: 1 }]).getResult();
      expect(res.error?.code).toBe(INVALID_ARGUMENT);
      expect(res.error?.message).toMatch(/extra fields: 'ghost'/);
    } finally {
      writer.close();
    }
  });
});
