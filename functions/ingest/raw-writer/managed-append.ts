// The raw writer's I/O: one append = one AppendRows request on the table's `_default` stream through
// the official managed writer (JSONWriter). Opens lazily (schema from GetWriteStream FULL), reports
// BigQuery's rowErrors as data, turns every other failure into a RetryableError, and drops the
// connection after a stream error so the next append reconnects with a fresh schema.
import * as grpc from '@grpc/grpc-js';
import { adapt, managedwriter, protos } from '@google-cloud/bigquery-storage';
import { RetryableError } from '../../runtime/errors';
import { type Logger } from '../../runtime/logger';
import { type AppendFn, type AppendResult } from './coalescer';

export type RawValue = string | number | bigint | boolean | Date | null | RawValue[] | { [column: string]: RawValue };
export type RawRow = { [column: string]: RawValue };

type StreamConnection = Awaited<ReturnType<managedwriter.WriterClient['createStreamConnection']>>;

export interface ManagedAppendOptions {
  client: managedwriter.WriterClient;
  /** `projects/P/datasets/D/tables/T`. */
  table: string;
  log?: Logger;
  /** Deadline of GetWriteStream when (re)connecting; the client's default retries for 10 minutes. Default 10 s. */
  connectTimeoutMs?: number;
  /** An append not answered by then fails (RetryableError) and the connection is dropped. Default 60 s. */
  appendTimeoutMs?: number;
}

export interface ManagedAppend {
  append: AppendFn<RawRow>;
  /** Closes the connection (the WriterClient stays the caller's). */
  close(): void;
}

/** WriterClient options for an endpoint `host:port`: insecure, unauthenticated (emulators); none
 * for Google Cloud. The managed writer has no emulator variable of its own. */
export function writerClientOptions(endpoint?: string): { servicePath?: string; port?: number; sslCreds?: grpc.ChannelCredentials } {
  if (!endpoint) return {};
  const m = /^(?:https?:\/\/)?(.+):(\d+)\/?$/.exec(endpoint);
  if (!m) throw new RangeError(`expected host:port, got ${endpoint}`);
  return { servicePath: m[1], port: Number(m[2]), sslCreds: grpc.credentials.createInsecure() };
}

type StorageField = protos.google.cloud.bigquery.storage.v1.ITableFieldSchema;

interface Open {
  connection: StreamConnection;
  writer: managedwriter.JSONWriter;
  fields: StorageField[];
}

// Looked up on first use, not at load: a top-level reference into the Storage API's protos would keep
// @google-cloud/bigquery-storage (≈ 25 MB with its dependencies) in every function's deploy artifact
// that imports the runtime library, not just ingest's.
let required: readonly unknown[] | undefined;
const isRequired = (mode: unknown): boolean => (required ??= [protos.google.cloud.bigquery.storage.v1.TableFieldSchema.Mode.REQUIRED, 'REQUIRED']).includes(mode);

/** Missing REQUIRED values, found before encoding: the proto2 encoder would throw for the whole
 * batch, where BigQuery answers a row error owned by one row. */
export function missingRequired(fields: StorageField[], row: RawRow, prefix = ''): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const v = row[f.name ?? ''];
    const path = `${prefix}${f.name}`;
    if ((v === undefined || v === null) && isRequired(f.mode)) out.push(path);
    else if (v && typeof v === 'object' && !(v instanceof Date) && f.fields?.length) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date)) out.push(...missingRequired(f.fields, item, `${path}.`));
      }
    }
  }
  return out;
}

/** Top-level columns some row sets (not undefined, not null) that the stream's schema lacks. */
export function unknownColumns(fields: StorageField[], rows: readonly RawRow[]): string[] {
  const known = new Set(fields.map((f) => (f.name ?? '').toLowerCase()));
  const out = new Set<string>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) if (value !== undefined && value !== null && !known.has(name.toLowerCase())) out.add(name);
  }
  return [...out];
}

export function managedAppend(options: ManagedAppendOptions): ManagedAppend {
  const { client, table, log } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const appendTimeoutMs = options.appendTimeoutMs ?? 60_000;
  let current: Promise<Open> | undefined;

  const drop = (open: Promise<Open> | undefined): void => {
    if (!open || open !== current) return;
    current = undefined;
    open.then(
      (o) => {
        cancelCall(o.connection);
        o.writer.close();
      },
      () => undefined,
    );
  };

  const connect = async (): Promise<Open> => {
    const view = protos.google.cloud.bigquery.storage.v1.WriteStreamView.FULL;
    // Retries are the caller's (Pub/Sub redelivers): one quick retry, then a RetryableError.
    const stream = await withDeadline(client.getWriteStream({ streamId: `${table}/streams/_default`, view }, { maxRetries: 1 }), connectTimeoutMs);
    const protoDescriptor = adapt.convertStorageSchemaToProto2Descriptor(stream.tableSchema ?? {}, 'root');
    const connection = await client.createStreamConnection({ streamId: managedwriter.DefaultStream, destinationTable: table });
    const opened = current;
    // Without a listener, a non-retryable stream error would be thrown as an unhandled 'error' event.
    connection.onConnectionError((err: Error) => {
      log?.warn({ table, err: err.message }, 'storage write connection error; reconnecting on next append');
      drop(opened);
    });
    return { connection, writer: new managedwriter.JSONWriter({ connection, protoDescriptor }), fields: stream.tableSchema?.fields ?? [] };
  };

  const append = async (rows: RawRow[]): Promise<AppendResult> => {
    let open = (current ??= connect());
    let response: protos.google.cloud.bigquery.storage.v1.IAppendRowsResponse;
    try {
      let opened = await open;
      // The JSON writer encodes with the schema the stream opened with and would drop a column it
      // does not know without a word. A row naming one means the table gained columns since (an
      // additive contract change, docs/contracts.md): reopen once with its current schema; if the
      // table still lacks them, fail (Pub/Sub redelivers) rather than lose the values.
      if (unknownColumns(opened.fields, rows).length > 0) {
        drop(open);
        open = current ??= connect();
        opened = await open;
        const unknown = unknownColumns(opened.fields, rows);
        if (unknown.length > 0) throw new Error(`rows carry columns the table does not have: ${unknown.join(', ')} (apply the table change before the contract that adds them)`);
      }
      const { writer, fields } = opened;
      const missing = rows.flatMap((row, index) => {
        const paths = missingRequired(fields, row);
        return paths.length ? [{ index, message: `Missing required field: ${paths.join(', ')}.` }] : [];
      });
      if (missing.length) return { rowErrors: missing };
      response = await withDeadline(writer.appendRows(rows).getResult(), appendTimeoutMs);
    } catch (e) {
      drop(open);
      throw new RetryableError(`append to ${table} failed: ${(e as Error).message}`, { table, code: (e as { code?: unknown }).code }, { cause: e });
    }
    if (response.rowErrors?.length) {
      return { rowErrors: response.rowErrors.map((r) => ({ index: Number(r.index), message: r.message ?? 'row refused' })) };
    }
    if (response.error) {
      throw new RetryableError(`append to ${table} failed: ${response.error.message ?? ''}`, { table, code: response.error.code });
    }
    return { rowErrors: [] };
  };

  return {
    append,
    close: () => drop(current),
  };
}

/** StreamConnection.close() ends and destroys its stream without cancelling the gRPC call, so a
 * call with answers still unread (the appends behind a failed or timed-out one) stays open on the
 * channel until the server or a keepalive ends it. Cancelling first releases it at once. The
 * connection's call is not public: when the field is missing, close() alone still runs. */
function cancelCall(connection: StreamConnection): void {
  (connection as unknown as { _connection?: { cancel?: () => void } | null })._connection?.cancel?.();
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
