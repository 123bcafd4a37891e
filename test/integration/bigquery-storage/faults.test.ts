// The emulator's test-only fault hook (emulator.writeFaults) seen through the official managed writer:
// an injected failure writes nothing and leaves the connection usable; a held answer comes late
// although the rows are already in the table.
import { status } from '@grpc/grpc-js';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { PROJECT, type StorageHarness, createTable, descriptorFor, query, startStorageHarness } from './helpers';

describe('Storage Write emulator: injected faults', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    h = await startStorageHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => h.emulator.writeFaults.clear());

  const open = async () => {
    const { parent, datasetId, tableId } = await createTable(h, [{ name: 'id', type: 'STRING', mode: 'REQUIRED' }]);
    const protoDescriptor = await descriptorFor(h, parent);
    const connection = await h.writer.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: parent });
    const ids = async () => (await query<{ id: string }>(h, `SELECT id FROM \`${PROJECT}.${datasetId}.${tableId}\` ORDER BY id`)).map((r) => r.id);
    return { writer: new managedwriter.JSONWriter({ connection, protoDescriptor }), ids };
  };

  it('fails the next appends with the given code, writes nothing, and keeps the connection', async () => {
    const { writer, ids } = await open();
    try {
      h.emulator.writeFaults.failNext(1, status.UNAVAILABLE);
      const failed = await writer.appendRows([{ id: 'lost' }]).getResult().then(() => undefined, (e: unknown) => e as { code?: number });
      expect(failed?.code).toBe(status.UNAVAILABLE);
      const next = await writer.appendRows([{ id: 'kept' }]).getResult();
      expect(next.error).toBeFalsy();
      expect(await ids()).toEqual(['kept']);
      expect(h.emulator.writeFaults.injected()).toMatchObject({ failed: 1 });
      expect(h.emulator.writeFaults.pending()).toBe(0);
    } finally {
      writer.close();
    }
  });

  it('writes a held append at once and answers it only later', async () => {
    const { writer, ids } = await open();
    try {
      h.emulator.writeFaults.hangNext(1, 1_500);
      const started = Date.now();
      let answered = false;
      const result = writer.appendRows([{ id: 'held' }]).getResult().finally(() => (answered = true));
      for (let i = 0; i < 50 && (await ids()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await ids()).toEqual(['held']);
      expect(answered).toBe(false);
      expect((await result).error).toBeFalsy();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      writer.close();
    }
  });
});
