// Write streams and what each type does with appended rows: COMMITTED (and the table's `_default`
// stream) write to the DuckDB table at once; PENDING holds rows until BatchCommitWriteStreams makes
// them visible in one transaction; BUFFERED holds them until FlushRows. Offsets count rows per stream.
// Every operation runs inside the store's exclusive section, so offsets and inserts are atomic.
import { randomBytes } from 'node:crypto';
import type * as protobuf from 'protobufjs';
import { requireTable } from '../catalog';
import { type Context } from '../context';
import { type TableReference, type TableResource } from '../resources';
import { appendRows } from '../tabledata';
import { DEFAULT_STREAM, parseStreamName, parseTableName, streamName, tableName } from './names';
import { type DecodedRowError, type DecodedRows, decodeRows, extraFields } from './row-decoder';
import { GrpcError, alreadyExists, invalidArgument, notFound, outOfRange, toGrpcError } from './errors';

export type StreamType = 'COMMITTED' | 'PENDING' | 'BUFFERED';

export interface StreamState {
  name: string;
  table: TableReference;
  type: StreamType;
  createTime: Date;
  commitTime?: Date;
  finalized: boolean;
  /** Rows accepted so far: the next offset. */
  rowCount: number;
  /** PENDING: every accepted row until commit; BUFFERED: accepted rows not flushed yet. */
  held: Record<string, unknown>[];
  /** BUFFERED: rows already visible (the offset of the first held row). */
  flushed: number;
}

export type AppendOutcome = { kind: 'appended'; offset?: number } | { kind: 'rowErrors'; errors: DecodedRowError[] };

export interface PreparedAppend {
  name: string;
  decoded: DecodedRows;
}

export interface StreamErrorEntry {
  code: string;
  entity: string;
  errorMessage: string;
}

export class WriteStreams {
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly ctx: Context) {}

  create(parent: string, type: string | number | undefined): Promise<{ stream: StreamState; table: TableResource }> {
    return this.exclusive(async () => {
      const ref = parseTableName(parent);
      if (!ref) throw invalidArgument(`Invalid table name: ${parent}`);
      const table = await this.table(ref);
      const t = streamType(type);
      const id = randomBytes(12).toString('hex');
      const stream: StreamState = { name: streamName(table.tableReference, id), table: table.tableReference, type: t, createTime: new Date(), finalized: false, rowCount: 0, held: [], flushed: 0 };
      this.streams.set(stream.name, stream);
      return { stream, table };
    });
  }

  /** The stream (a transient COMMITTED view for `_default`) and its table. */
  get(name: string): Promise<{ stream: StreamState; table: TableResource }> {
    return this.exclusive(() => this.resolve(name));
  }

  append(name: string, offset: number | undefined, type: protobuf.Type, serialized: Uint8Array[]): Promise<AppendOutcome> {
    return this.prepare(name, type, serialized).then((p) => this.commit(p, offset));
  }

  /** Decodes a request's rows against the table (outside the exclusive section, so a connection
   * can decode its next request while DuckDB inserts the previous one). */
  async prepare(name: string, type: protobuf.Type, serialized: Uint8Array[]): Promise<PreparedAppend> {
    const table = this.peekTable(name) ?? (await this.get(name)).table;
    const fields = table.schema?.fields ?? [];
    const extra = extraFields(type, fields);
    if (extra.length) throw invalidArgument(`Input schema has more fields than BigQuery schema, extra fields: '${extra.join("', '")}'`);
    if (serialized.length === 0) throw invalidArgument('No rows in the request.');
    return { name, decoded: decodeRows(type, fields, serialized) };
  }

  /** Checks the stream's state and offset, then writes (or holds) the decoded rows. */
  commit(prepared: PreparedAppend, offset: number | undefined): Promise<AppendOutcome> {
    const { name, decoded } = prepared;
    return this.exclusive(async () => {
      const { stream, table } = await this.resolve(name);
      const isDefault = parseStreamName(name)?.streamId === DEFAULT_STREAM;
      if (stream.finalized) throw invalidArgument(`Stream is finalized: ${stream.name}`);
      if (stream.commitTime) throw invalidArgument(`Stream is already committed: ${stream.name}`);
      const fields = table.schema?.fields ?? [];
      if (offset !== undefined) {
        if (isDefault) throw invalidArgument('The offset is not supported on the default stream.');
        if (offset < stream.rowCount) throw alreadyExists(`The offset is within stream, expected offset ${stream.rowCount}, received ${offset}. Entity: ${stream.name}`);
        if (offset > stream.rowCount) throw outOfRange(`The offset is beyond stream, expected offset ${stream.rowCount}, received ${offset}. Entity: ${stream.name}`);
      }
      if (decoded.errors.length) return { kind: 'rowErrors', errors: decoded.errors };
      const first = stream.rowCount;
      if (stream.type === 'COMMITTED') await appendRows(this.ctx, table, fields, decoded.rows);
      else for (const r of decoded.rows) stream.held.push(r);
      stream.rowCount += decoded.rows.length;
      return { kind: 'appended', ...(isDefault ? {} : { offset: first }) };
    });
  }

  finalize(name: string): Promise<number> {
    return this.exclusive(async () => {
      const { stream } = await this.resolve(name);
      if (parseStreamName(name)?.streamId === DEFAULT_STREAM) throw invalidArgument('The default stream cannot be finalized.');
      stream.finalized = true;
      return stream.rowCount;
    });
  }

  flush(name: string, offset: number | undefined): Promise<number> {
    return this.exclusive(async () => {
      const { stream, table } = await this.resolve(name);
      if (stream.type !== 'BUFFERED') throw invalidArgument(`FlushRows is only supported on BUFFERED streams; ${stream.name} is ${stream.type}.`);
      const upTo = offset ?? stream.rowCount - 1;
      if (upTo >= stream.rowCount) throw outOfRange(`Offset ${upTo} is beyond the end of stream ${stream.name} (${stream.rowCount} rows).`);
      const count = upTo + 1 - stream.flushed;
      if (count > 0) {
        await appendRows(this.ctx, table, table.schema?.fields ?? [], stream.held.slice(0, count));
        stream.held.splice(0, count);
        stream.flushed += count;
      }
      return upTo;
    });
  }

  /** Commits finalized PENDING streams atomically; any problem leaves every stream uncommitted. */
  batchCommit(parent: string, names: string[]): Promise<{ commitTime?: Date; streamErrors: StreamErrorEntry[] }> {
    return this.exclusive(async () => {
      const ref = parseTableName(parent);
      if (!ref) throw invalidArgument(`Invalid table name: ${parent}`);
      if (names.length === 0) throw invalidArgument('No write streams to commit.');
      const table = await this.table(ref);
      const errors: StreamErrorEntry[] = [];
      const toCommit: StreamState[] = [];
      for (const n of names) {
        const s = this.streams.get(n);
        if (!s) errors.push({ code: 'STREAM_NOT_FOUND', entity: n, errorMessage: `Stream not found: ${n}` });
        else if (tableName(s.table) !== tableName(table.tableReference)) errors.push({ code: 'INVALID_STREAM_STATE', entity: n, errorMessage: `Stream ${n} does not belong to ${parent}` });
        else if (s.type !== 'PENDING') errors.push({ code: 'INVALID_STREAM_TYPE', entity: n, errorMessage: `Stream ${n} is ${s.type}, only PENDING streams are committed` });
        else if (s.commitTime) errors.push({ code: 'STREAM_ALREADY_COMMITTED', entity: n, errorMessage: `Stream ${n} is already committed` });
        else if (!s.finalized) errors.push({ code: 'INVALID_STREAM_STATE', entity: n, errorMessage: `Stream ${n} is not finalized` });
        else toCommit.push(s);
      }
      if (errors.length) return { streamErrors: errors };
      const fields = table.schema?.fields ?? [];
      await this.ctx.store.run('BEGIN TRANSACTION');
      try {
        for (const s of toCommit) if (s.held.length) await appendRows(this.ctx, table, fields, s.held);
        await this.ctx.store.run('COMMIT');
      } catch (e) {
        await this.ctx.store.run('ROLLBACK');
        throw e;
      }
      const commitTime = new Date();
      for (const s of toCommit) {
        s.commitTime = commitTime;
        s.held = [];
      }
      return { commitTime, streamErrors: [] };
    });
  }

  /** The stream's table from memory, without waiting for the exclusive section (commit re-checks). */
  private peekTable(name: string): TableResource | undefined {
    const parsed = parseStreamName(name);
    const ref = parsed?.streamId === DEFAULT_STREAM ? parsed.table : this.streams.get(name)?.table;
    const t = ref && this.ctx.store.findTable(ref.projectId, ref.datasetId, ref.tableId);
    return t && t.type === 'TABLE' ? t : undefined;
  }

  private async resolve(name: string): Promise<{ stream: StreamState; table: TableResource }> {
    const parsed = parseStreamName(name);
    if (!parsed) throw invalidArgument(`Invalid stream name: ${name}`);
    if (parsed.streamId === DEFAULT_STREAM) {
      const table = await this.table(parsed.table);
      const stream: StreamState = { name: streamName(table.tableReference, DEFAULT_STREAM), table: table.tableReference, type: 'COMMITTED', createTime: new Date(Number(table.creationTime)), finalized: false, rowCount: 0, held: [], flushed: 0 };
      return { stream, table };
    }
    const stream = this.streams.get(name);
    if (!stream) throw notFound(`Requested entity was not found. Entity: ${name}`);
    return { stream, table: await this.table(stream.table) };
  }

  private async table(ref: TableReference): Promise<TableResource> {
    const t = await requireTable(this.ctx, ref.projectId, ref.datasetId, ref.tableId);
    if (t.type !== 'TABLE') throw invalidArgument(`Cannot write to a ${t.type}: ${tableName(ref)}`);
    return t;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.ctx.store.exclusive(async () => {
      try {
        return await fn();
      } catch (e) {
        throw e instanceof GrpcError ? e : toGrpcError(e);
      }
    });
  }
}

function streamType(type: string | number | undefined): StreamType {
  switch (type) {
    case 'COMMITTED':
    case 1:
      return 'COMMITTED';
    case 'PENDING':
    case 2:
      return 'PENDING';
    case 'BUFFERED':
    case 3:
      return 'BUFFERED';
    default:
      throw invalidArgument(`Invalid write stream type: ${String(type)}`);
  }
}
