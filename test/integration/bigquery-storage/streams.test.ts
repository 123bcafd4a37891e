// Application-created streams through the official managed writer: COMMITTED with offsets, PENDING
// with BatchCommitWriteStreams, BUFFERED with FlushRows, and GetWriteStream's table schema.
// https://cloud.google.com/bigquery/docs/write-api#application-created_streams
// https://cloud.google.com/bigquery/docs/reference/storage/rpc/google.cloud.bigquery.storage.v1#appendrowsrequest (offset)
import { managedwriter } from '@google-cloud/bigquery-storage';
import { BASIC, FULL, PROJECT, type StorageHarness, type StreamConnection, type WriteStreamType, createTable, descriptorFor, query, startStorageHarness } from './helpers';

const ALREADY_EXISTS = 6;
const OUT_OF_RANGE = 11;

describe('Storage Write emulator: application-created streams', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    h = await startStorageHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function open(parent: string, streamType: WriteStreamType): Promise<{ writer: managedwriter.JSONWriter; connection: StreamConnection; streamId: string }> {
    const protoDescriptor = await descriptorFor(h, parent);
    const streamId = await h.writer.createWriteStream({ streamType, destinationTable: parent });
    const connection = await h.writer.createStreamConnection({ streamId });
    return { writer: new managedwriter.JSONWriter({ connection, protoDescriptor }), connection, streamId };
  }

  const count = async (datasetId: string, tableId: string): Promise<number> =>
    Number((await query<{ n: number }>(h, `SELECT COUNT(*) AS n FROM \`${PROJECT}.${datasetId}.${tableId}\``))[0].n);

  it('GetWriteStream FULL returns the table schema in storage-API types', async () => {
    const { parent } = await createTable(h, [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'n', type: 'INTEGER' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'item', type: 'RECORD', fields: [{ name: 'sku', type: 'STRING' }, { name: 'ok', type: 'BOOLEAN' }, { name: 'w', type: 'FLOAT' }] },
    ]);
    const ws = await h.writer.getWriteStream({ streamId: `${parent}/streams/_default`, view: FULL });
    expect(ws.name).toBe(`${parent}/streams/_default`);
    expect(ws.type).toBe('COMMITTED');
    expect(ws.tableSchema?.fields).toMatchObject([
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'n', type: 'INT64', mode: 'NULLABLE' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'item', type: 'STRUCT', mode: 'NULLABLE', fields: [{ name: 'sku', type: 'STRING' }, { name: 'ok', type: 'BOOL' }, { name: 'w', type: 'DOUBLE' }] },
    ]);
    const basic = await h.writer.getWriteStream({ streamId: `${parent}/streams/_default`, view: BASIC });
    expect(basic.tableSchema).toBeFalsy();
    await expect(h.writer.getWriteStream({ streamId: `${parent}/streams/nope`, view: FULL })).rejects.toMatchObject({ code: 5 });
  });

  it('COMMITTED stream: offsets are checked, a used offset is ALREADY_EXISTS, a gap OUT_OF_RANGE, no duplicate rows', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [{ name: 'id', type: 'INT64', mode: 'REQUIRED' }]);
    const { writer, streamId } = await open(parent, managedwriter.CommittedStream);
    try {
      const r0 = await writer.appendRows([{ id: 1 }, { id: 2 }], 0).getResult();
      expect(r0.error).toBeFalsy();
      expect(Number(r0.appendResult?.offset?.value)).toBe(0);
      expect(await count(datasetId, tableId)).toBe(2); // committed: visible at once
      const dup = await writer.appendRows([{ id: 1 }, { id: 2 }], 0).getResult();
      expect(dup.error?.code).toBe(ALREADY_EXISTS);
      const gap = await writer.appendRows([{ id: 9 }], 5).getResult();
      expect(gap.error?.code).toBe(OUT_OF_RANGE);
      const r2 = await writer.appendRows([{ id: 3 }], 2).getResult();
      expect(Number(r2.appendResult?.offset?.value)).toBe(2);
      const noOffset = await writer.appendRows([{ id: 4 }]).getResult();
      expect(Number(noOffset.appendResult?.offset?.value)).toBe(3);
    } finally {
      writer.close();
    }
    const fin = await h.writer.finalizeWriteStream({ name: streamId });
    expect(Number(fin?.rowCount)).toBe(4);
    const ids = await query<{ id: number }>(h, `SELECT id FROM \`${PROJECT}.${datasetId}.${tableId}\` ORDER BY id`);
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('answers pipelined appends in request order with consecutive offsets', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [{ name: 'id', type: 'INT64' }]);
    const { writer } = await open(parent, managedwriter.CommittedStream);
    try {
      const pending = Array.from({ length: 8 }, (_, i) => writer.appendRows([{ id: 2 * i }, { id: 2 * i + 1 }], 2 * i));
      const results = await Promise.all(pending.map((pw) => pw.getResult()));
      expect(results.map((r) => (r.error ? `error ${r.error.code}` : Number(r.appendResult?.offset?.value)))).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    } finally {
      writer.close();
    }
    const ids = await query<{ id: number }>(h, `SELECT id FROM \`${PROJECT}.${datasetId}.${tableId}\` ORDER BY id`);
    expect(ids.map((r) => r.id)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('PENDING streams are invisible until BatchCommitWriteStreams, then visible together', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [{ name: 'id', type: 'INT64' }]);
    const a = await open(parent, managedwriter.PendingStream);
    const b = await open(parent, managedwriter.PendingStream);
    try {
      expect((await a.writer.appendRows([{ id: 1 }, { id: 2 }], 0).getResult()).error).toBeFalsy();
      expect((await b.writer.appendRows([{ id: 3 }], 0).getResult()).error).toBeFalsy();
    } finally {
      a.writer.close();
      b.writer.close();
    }
    expect(await count(datasetId, tableId)).toBe(0);
    // Committing an unfinalized stream is refused and commits nothing.
    const early = await h.writer.batchCommitWriteStream({ parent, writeStreams: [a.streamId, b.streamId] });
    expect(early.commitTime).toBeFalsy();
    expect(early.streamErrors?.[0]).toMatchObject({ code: 'INVALID_STREAM_STATE', entity: a.streamId });
    await h.writer.finalizeWriteStream({ name: a.streamId });
    await h.writer.finalizeWriteStream({ name: b.streamId });
    expect(await count(datasetId, tableId)).toBe(0);
    const res = await h.writer.batchCommitWriteStream({ parent, writeStreams: [a.streamId, b.streamId] });
    expect(res.commitTime).toBeTruthy();
    expect(res.streamErrors ?? []).toHaveLength(0);
    expect(await count(datasetId, tableId)).toBe(3);
    const again = await h.writer.batchCommitWriteStream({ parent, writeStreams: [a.streamId] });
    expect(again.streamErrors?.[0]).toMatchObject({ code: 'STREAM_ALREADY_COMMITTED' });
    expect(await count(datasetId, tableId)).toBe(3);
  });

  it('BUFFERED stream: rows become visible up to the flushed offset', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [{ name: 'id', type: 'INT64' }]);
    const { writer, connection } = await open(parent, managedwriter.BufferedStream);
    try {
      await writer.appendRows([{ id: 1 }, { id: 2 }, { id: 3 }], 0).getResult();
      expect(await count(datasetId, tableId)).toBe(0);
      const flushed = await connection.flushRows({ offset: 1 });
      expect(Number(flushed?.offset)).toBe(1);
      expect(await count(datasetId, tableId)).toBe(2);
      await connection.flushRows({ offset: 2 });
      expect(await count(datasetId, tableId)).toBe(3);
      await expect(connection.flushRows({ offset: 7 })).rejects.toMatchObject({ code: OUT_OF_RANGE });
    } finally {
      writer.close();
    }
  });
});
