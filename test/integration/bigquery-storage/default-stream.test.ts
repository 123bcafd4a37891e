// The official managed writer (JSONWriter) on a table's _default stream; rows are read back through
// the official REST client. https://cloud.google.com/bigquery/docs/write-api#default_stream
import { managedwriter } from '@google-cloud/bigquery-storage';
import { PROJECT, type StorageHarness, createTable, descriptorFor, query, startStorageHarness } from './helpers';

describe('Storage Write emulator: default stream', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    h = await startStorageHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('appends rows visible to REST queries at once', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'qty', type: 'INT64' },
      { name: 'price', type: 'NUMERIC' },
      { name: 'ok', type: 'BOOL' },
      { name: 'score', type: 'FLOAT64' },
    ]);
    const protoDescriptor = await descriptorFor(h, parent);
    const connection = await h.writer.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: parent });
    const writer = new managedwriter.JSONWriter({ connection, protoDescriptor });
    try {
      const first = await writer.appendRows([{ id: 'a', qty: 1, price: '1.50', ok: true, score: 0.5 }, { id: 'b', qty: 2 }]).getResult();
      expect(first.error).toBeFalsy();
      expect(first.rowErrors ?? []).toHaveLength(0);
      const second = await writer.appendRows([{ id: 'c', qty: 3 }]).getResult();
      expect(second.error).toBeFalsy();
    } finally {
      writer.close();
    }
    const rows = await query(h, `SELECT id, qty, price, ok, score FROM \`${PROJECT}.${datasetId}.${tableId}\` ORDER BY id`);
    expect(rows.map((r) => ({ ...r, price: r.price === null ? null : String(r.price) }))).toEqual([
      { id: 'a', qty: 1, price: '1.5', ok: true, score: 0.5 },
      { id: 'b', qty: 2, price: null, ok: null, score: null },
      { id: 'c', qty: 3, price: null, ok: null, score: null },
    ]);
  });
});
