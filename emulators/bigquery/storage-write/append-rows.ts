// One AppendRows connection: the first request names the stream and carries the writer schema (a
// proto descriptor); later requests may omit both. Requests are answered strictly in order, each
// only after its rows are in DuckDB (or held by a PENDING/BUFFERED stream). Faults armed by a test
// (faults.ts) fail a request or hold its answer.
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { type Logger } from '../../lib/logger';
import { type GrpcError, invalidArgument, toGrpcError, unimplemented } from './errors';
import type { AppendFaults } from './faults';
import { messageTypeFromDescriptor } from './row-decoder';
import { type PreparedAppend, type WriteStreams } from './streams';

export interface AppendRowsRequest {
  writeStream?: string;
  offset?: { value?: string | number };
  protoRows?: { writerSchema?: { protoDescriptor?: unknown }; rows?: { serializedRows?: Uint8Array[] } };
  arrowRows?: unknown;
  traceId?: string;
}

export interface AppendRowsResponse {
  appendResult?: { offset?: { value: string } };
  error?: { code: number; message: string };
  rowErrors?: { index: string; code: string; message: string }[];
  writeStream?: string;
}

type AppendCall = grpc.ServerDuplexStream<AppendRowsRequest, AppendRowsResponse>;

export function handleAppendRows(call: AppendCall, streams: WriteStreams, log: Logger, faults?: AppendFaults): void {
  let stream: string | undefined;
  let type: protobuf.Type | undefined;
  let queue: Promise<void> = Promise.resolve();
  let failed = false;

  const fail = (e: GrpcError): void => {
    if (failed) return;
    failed = true;
    log.debug({ stream, code: e.code, message: e.message }, 'append connection closed with an error');
    call.emit('error', e.toStatus());
  };

  /** Connection-level checks; a violation ends the connection, as the service does. */
  const accept = (req: AppendRowsRequest): { name: string; type: protobuf.Type } => {
    if (req.arrowRows) throw unimplemented('Arrow rows in AppendRows');
    if (req.writeStream) {
      if (stream && req.writeStream !== stream) throw invalidArgument(`write_stream changed on the connection from ${stream} to ${req.writeStream}`);
      stream = req.writeStream;
    }
    if (!stream) throw invalidArgument('The first request on a connection must name write_stream.');
    // The schema counts only on a connection's first request; writers reconnect to change it.
    if (!type) {
      const descriptor = req.protoRows?.writerSchema?.protoDescriptor;
      if (!descriptor) throw invalidArgument('The first request on a connection must carry writer_schema.proto_descriptor.');
      try {
        type = messageTypeFromDescriptor(descriptor);
      } catch (e) {
        throw invalidArgument(`Invalid proto descriptor: ${(e as Error).message}`);
      }
    }
    return { name: stream, type };
  };

  /** Answers one request; `prepared` (decoding) may have started before earlier requests finished. */
  const answer = async (target: { name: string }, prepared: Promise<PreparedAppend>, offset: number | undefined): Promise<AppendRowsResponse> => {
    try {
      const out = await streams.commit(await prepared, offset);
      if (out.kind === 'rowErrors') {
        return {
          error: { code: grpc.status.INVALID_ARGUMENT, message: `Errors found in ${out.errors.length} row(s); no row of the request was written.` },
          rowErrors: out.errors.map((x) => ({ index: String(x.index), code: 'FIELDS_ERROR', message: x.message })),
          writeStream: target.name,
        };
      }
      return { appendResult: out.offset === undefined ? {} : { offset: { value: String(out.offset) } }, writeStream: target.name };
    } catch (e) {
      const err = toGrpcError(e);
      if (err.code === grpc.status.INTERNAL) log.error({ stream: target.name, err: e }, 'append failed');
      return { error: err.toRpcStatus(), writeStream: target.name };
    }
  };

  call.on('data', (req: AppendRowsRequest) => {
    if (failed) return;
    let target: { name: string; type: protobuf.Type };
    try {
      target = accept(req);
    } catch (e) {
      queue = queue.then(() => fail(toGrpcError(e)));
      return;
    }
    const send = (res: AppendRowsResponse): void => {
      if (!failed && !call.cancelled && !call.destroyed) call.write(res);
    };
    const fault = faults?.take();
    if (fault?.kind === 'fail') {
      queue = queue.then(() => send({ error: { code: fault.code, message: fault.message }, writeStream: target.name }));
      return;
    }
    const offset = req.offset?.value === undefined ? undefined : Number(req.offset.value);
    const prepared = streams.prepare(target.name, target.type, req.protoRows?.rows?.serializedRows ?? []);
    prepared.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
    queue = queue.then(async () => {
      if (failed) return;
      const res = await answer(target, prepared, offset);
      if (fault?.kind === 'hang') await new Promise<void>((resolve) => setTimeout(resolve, fault.ms).unref());
      send(res);
    });
  });
  call.on('end', () => {
    queue = queue.then(() => {
      if (!failed && !call.destroyed) call.end();
    });
  });
  call.on('error', () => undefined);
}
