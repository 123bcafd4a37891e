// The Storage Write API emulator: gRPC google.cloud.bigquery.storage.v1.BigQueryWrite on its own
// port, writing into the REST emulator's DuckDB tables. The BigQueryRead service is not served.
import * as grpc from '@grpc/grpc-js';
import { type Context } from '../context';
import { type AppendRowsRequest, type AppendRowsResponse, handleAppendRows } from './append-rows';
import { toGrpcError } from './errors';
import { AppendFaults } from './faults';
import { bigQueryWriteService } from './protos';
import { type StorageFieldSchema, toStorageFields } from './storage-schema';
import { type StreamState, WriteStreams } from './streams';
import { type TableResource } from '../resources';

export interface StorageWriteOptions {
  host?: string;
  /** 0 picks a free port. Default 9060. */
  port?: number;
}

export interface RunningStorageWrite {
  host: string;
  port: number;
  /** Test-only: failures and late answers for the next appends (see faults.ts). None unless armed. */
  faults: AppendFaults;
  close(): Promise<void>;
}

interface WriteStreamMessage {
  name: string;
  type: string;
  createTime: Timestamp;
  commitTime?: Timestamp;
  tableSchema?: { fields: StorageFieldSchema[] };
  writeMode: 'INSERT';
  location: string;
}

interface Timestamp {
  seconds: string;
  nanos: number;
}

function timestamp(d: Date): Timestamp {
  const ms = d.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function writeStreamMessage(stream: StreamState, table: TableResource, full: boolean): WriteStreamMessage {
  return {
    name: stream.name,
    type: stream.type,
    createTime: timestamp(stream.createTime),
    ...(stream.commitTime ? { commitTime: timestamp(stream.commitTime) } : {}),
    ...(full ? { tableSchema: { fields: toStorageFields(table.schema?.fields ?? []) } } : {}),
    writeMode: 'INSERT',
    location: table.location,
  };
}

/** A unary handler whose errors become gRPC statuses. */
function unary<Req, Res>(fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (e: unknown) => {
        const err = toGrpcError(e);
        callback({ code: err.code, details: err.message, name: 'GrpcError', message: err.message });
      },
    );
  };
}

const FULL_VIEW = 2;

export async function startStorageWrite(ctx: Context, options: StorageWriteOptions = {}): Promise<RunningStorageWrite> {
  const streams = new WriteStreams(ctx);
  const faults = new AppendFaults();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
  server.addService(bigQueryWriteService(), {
    CreateWriteStream: unary(async (req: { parent?: string; writeStream?: { type?: string | number } }) => {
      const { stream, table } = await streams.create(req.parent ?? '', req.writeStream?.type);
      return writeStreamMessage(stream, table, true);
    }),
    GetWriteStream: unary(async (req: { name?: string; view?: string | number }) => {
      const { stream, table } = await streams.get(req.name ?? '');
      return writeStreamMessage(stream, table, req.view === FULL_VIEW || req.view === 'FULL');
    }),
    FinalizeWriteStream: unary(async (req: { name?: string }) => ({ rowCount: String(await streams.finalize(req.name ?? '')) })),
    FlushRows: unary(async (req: { writeStream?: string; offset?: { value?: string | number } }) => {
      const offset = req.offset?.value === undefined ? undefined : Number(req.offset.value);
      return { offset: String(await streams.flush(req.writeStream ?? '', offset)) };
    }),
    BatchCommitWriteStreams: unary(async (req: { parent?: string; writeStreams?: string[] }) => {
      const out = await streams.batchCommit(req.parent ?? '', req.writeStreams ?? []);
      return { ...(out.commitTime ? { commitTime: timestamp(out.commitTime) } : {}), streamErrors: out.streamErrors };
    }),
    AppendRows: ((call) => handleAppendRows(call, streams, ctx.log, faults)) as grpc.handleBidiStreamingCall<AppendRowsRequest, AppendRowsResponse>,
  });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 9060}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  ctx.log.info({ host, port }, 'bigquery storage write emulator listening');
  return {
    host,
    port,
    faults,
    close: async () => {
      // Open AppendRows connections would hold a graceful shutdown forever: give them a moment.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 200);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
