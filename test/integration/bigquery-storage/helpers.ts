// Starts the BigQuery emulator (REST + Storage Write gRPC) in-process on free ports and hands out the
// official REST client and the official managed writer pointed at it.
import * as grpc from '@grpc/grpc-js';
import { BigQuery, type TableField } from '@google-cloud/bigquery';
import { adapt, managedwriter, protos } from '@google-cloud/bigquery-storage';
import { type BigqueryEmulator as RunningEmulator, startBigquery as start } from '@pizzaflow/emulators';

export const PROJECT = 'storage-project';

export interface StorageHarness {
  emulator: RunningEmulator;
  bq: BigQuery;
  writer: managedwriter.WriterClient;
  close(): Promise<void>;
}

export async function startStorageHarness(): Promise<StorageHarness> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const emulator = await start({ port: 0, grpcPort: 0, logLevel: 'silent' });
  const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  const writer = new managedwriter.WriterClient({
    projectId: PROJECT,
    servicePath: emulator.grpcHost,
    port: emulator.grpcPort,
    sslCreds: grpc.credentials.createInsecure(),
  });
  return {
    emulator,
    bq,
    writer,
    close: async () => {
      writer.close();
      await writer.getClient().close();
      await emulator.close();
    },
  };
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/** Creates a dataset and table through REST and returns the table's Storage API name. */
export async function createTable(h: StorageHarness, schema: TableField[]): Promise<{ parent: string; datasetId: string; tableId: string }> {
  const datasetId = uniqueName('ds');
  const tableId = uniqueName('t');
  const [ds] = await h.bq.createDataset(datasetId);
  await ds.createTable(tableId, { schema });
  return { parent: `projects/${PROJECT}/datasets/${datasetId}/tables/${tableId}`, datasetId, tableId };
}

/** The table's writer descriptor, as a managed-writer user builds it (GetWriteStream FULL → adapt). */
export const FULL = protos.google.cloud.bigquery.storage.v1.WriteStreamView.FULL;
export const BASIC = protos.google.cloud.bigquery.storage.v1.WriteStreamView.BASIC;
export type StreamConnection = Awaited<ReturnType<managedwriter.WriterClient['createStreamConnection']>>;
export type WriteStreamType = Parameters<managedwriter.WriterClient['createWriteStream']>[0]['streamType'];

export async function descriptorFor(h: StorageHarness, parent: string): Promise<protos.google.protobuf.IDescriptorProto> {
  const ws = await h.writer.getWriteStream({ streamId: `${parent}/streams/_default`, view: FULL });
  return adapt.convertStorageSchemaToProto2Descriptor(ws.tableSchema ?? {}, 'root');
}

export async function query<T = Record<string, unknown>>(h: StorageHarness, sql: string): Promise<T[]> {
  const [rows] = await h.bq.query({ query: sql });
  return rows as T[];
}
