// The raw writer (coalescing core + managed writer on the _default stream) against the emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { RetryableError } from '../../../functions/runtime/errors';
import { RowErrorsError, createRawWriter } from '../../../functions/ingest/raw-writer';
import { startBigquery as start } from '@pizzaflow/emulators';
import { PROJECT, type StorageHarness, createTable, query, startStorageHarness } from './helpers';

describe('raw writer on the Storage Write emulator', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    h = await startStorageHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves 1,000 concurrent callers with few appends, acknowledging only durable rows; row errors reach their owner', async () => {
    const { parent, datasetId, tableId } = await createTable(h, [
      { name: 'event_id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'store_id', type: 'STRING' },
      { name: 'amount_cents', type: 'INT64' },
      { name: 'occurred_at', type: 'TIMESTAMP' },
    ]);
    const writer = createRawWriter({ client: h.writer, table: parent, maxRows: 250, maxDelayMs: 5 });
    const count = async (): Promise<number> => Number((await query<{ n: number }>(h, `SELECT COUNT(*) AS n FROM \`${PROJECT}.${datasetId}.${tableId}\``))[0].n);
    try {
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          writer
            .write([{ event_id: i === 500 ? null : `e-${i}`, store_id: `s-${i % 7}`, amount_cents: i, occurred_at: new Date(1_772_000_000_000 + i) }])
            .then(async () => {
              // Acknowledged means durable: the row is already visible to a query (checked for a few).
              if (i % 250 === 0) expect(Number((await query<{ n: number }>(h, `SELECT COUNT(*) AS n FROM \`${PROJECT}.${datasetId}.${tableId}\` WHERE event_id = 'e-${i}'`))[0].n)).toBe(1);
              return 'ok';
            }, (e: unknown) => e),
        ),
      );
      const failed = results.flatMap((r, i) => (r === 'ok' ? [] : [{ i, r }]));
      expect(failed).toHaveLength(1);
      expect(failed[0].i).toBe(500);
      expect(failed[0].r).toBeInstanceOf(RowErrorsError);
      expect((failed[0].r as RowErrorsError).rowErrors).toEqual([{ index: 0, message: expect.stringMatching(/required.*event_id/i) }]);
      expect(await count()).toBe(999);
      const stats = writer.stats();
      expect(stats.rowsAppended).toBe(999);
      expect(stats.appends).toBeLessThanOrEqual(12);
    } finally {
      await writer.close();
    }
  });

  it('fails its callers with RetryableError while the service is down and reconnects when it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pizzaflow-rw-'));
    let emulator = await start({ port: 0, grpcPort: 0, dataDir, logLevel: 'silent' });
    const ports = { port: emulator.port, grpcPort: emulator.grpcPort };
    const client = new managedwriter.WriterClient({ projectId: PROJECT, servicePath: emulator.grpcHost, port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure() });
    const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
    const [ds] = await bq.createDataset('reconnect');
    await ds.createTable('events', { schema: [{ name: 'id', type: 'INT64' }] });
    const writer = createRawWriter({ client, table: `projects/${PROJECT}/datasets/reconnect/tables/events`, maxDelayMs: 1, connectTimeoutMs: 2000 });
    try {
      await writer.write([{ id: 1 }]);
      await emulator.close();
      const down = await writer.write([{ id: 2 }]).then(() => 'ok', (e: unknown) => e);
      expect(down).toBeInstanceOf(RetryableError);
      emulator = await start({ ...ports, dataDir, logLevel: 'silent' });
      let back: unknown;
      for (let attempt = 0; attempt < 20; attempt++) {
        back = await writer.write([{ id: 3 }]).then(() => 'ok', (e: unknown) => e);
        if (back === 'ok') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(back).toBe('ok');
      const [rows] = await bq.query('SELECT id FROM `' + PROJECT + '.reconnect.events` ORDER BY id');
      expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
    } finally {
      await writer.close();
      client.close();
      await client.getClient().close();
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
