// Resumable upload sessions (https://cloud.google.com/storage/docs/performing-resumable-uploads):
// a POST opens a session and answers its URI in `Location`; PUTs carry chunks with
// `Content-Range: bytes a-b/*` (answered 308 with `Range: bytes=0-b`) until the one naming the
// total size, which finalizes the object; `bytes */N` or `bytes */*` asks how much arrived.
// Sessions live in this process (a restart forgets them); their bytes are staged by the backend.
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Logger } from '../lib/logger';
import { type BlobWriter } from './backend';
import { GcsError, invalid } from './errors';
import { type Digests, parseGoogHash } from './hashing';
import { drain, headerString, pipeBody } from './http';
import { KeyedMutex } from './mutex';
import { type ObjectStore } from './object-store';
import { type Preconditions } from './preconditions';
import { parseUploadRange } from './range';
import { type ObjectFields, type ObjectRecord } from './records';

export interface SessionSpec {
  bucket: string;
  name: string;
  fields: ObjectFields;
  preconditions: Preconditions;
  expected: Partial<Digests>;
  /** X-Upload-Content-Length, when the client announced the size. */
  declaredSize?: number;
}

interface Session extends SessionSpec {
  id: string;
  writer: BlobWriter;
  finished?: ObjectRecord;
  touched: number;
}

export type ChunkOutcome = { kind: 'incomplete'; received: number } | { kind: 'finished'; object: ObjectRecord };

/** Sessions idle this long are dropped with their staged bytes (GCS keeps them a week). */
const IDLE_MS = 24 * 60 * 60 * 1000;

export class ResumableSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly locks = new KeyedMutex();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: ObjectStore,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async open(spec: SessionSpec): Promise<string> {
    const id = randomUUID().replace(/-/g, '');
    this.sessions.set(id, { ...spec, id, writer: await this.store.newWriter(), touched: Date.now() });
    this.log.debug({ uploadId: id, bucket: spec.bucket, object: spec.name }, 'resumable session opened');
    return id;
  }

  /** Handles one PUT to a session URI. */
  async put(id: string, bucket: string, req: IncomingMessage): Promise<ChunkOutcome> {
    return this.locks.run(id, async () => {
      const session = this.sessions.get(id);
      if (!session || session.bucket !== bucket) {
        await drain(req);
        throw new GcsError(404, 'notFound', 'No such upload session (it expired, was cancelled, or the emulator restarted).');
      }
      session.touched = Date.now();
      if (session.finished) {
        await drain(req);
        return { kind: 'finished', object: session.finished };
      }
      // A request that breaks off mid-chunk keeps what arrived: the client asks and resumes.
      return this.receive(session, req);
    });
  }

  async cancel(id: string): Promise<boolean> {
    return this.locks.run(id, async () => {
      const session = this.sessions.get(id);
      if (!session) return false;
      this.sessions.delete(id);
      if (!session.finished) await session.writer.abort();
      return true;
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const id of [...this.sessions.keys()]) await this.cancel(id);
  }

  private async receive(session: Session, req: IncomingMessage): Promise<ChunkOutcome> {
    const header = headerString(req, 'content-range');
    // No Content-Range: the body is the whole object.
    const range = header === undefined ? { first: 0, openEnded: true, total: undefined } : parseUploadRange(header);
    if (!range) {
      await drain(req);
      throw invalid(`Invalid Content-Range header: ${header}`, 'Content-Range');
    }
    const writer = session.writer;
    if (range.first !== undefined) {
      if (range.first > writer.size) {
        await drain(req);
        throw invalid(`Content-Range starts at ${range.first} but only ${writer.size} bytes have been received.`, 'Content-Range');
      }
      const skip = writer.size - range.first;
      const max = range.last === undefined ? undefined : range.last - range.first + 1 - skip;
      if (max !== undefined && max < 0) {
        await drain(req);
      } else {
        await pipeBody(req, writer, { skip, max });
      }
    } else {
      await drain(req);
    }
    const total = range.total ?? (range.openEnded ? writer.size : undefined);
    if (total !== undefined && session.declaredSize !== undefined && total !== session.declaredSize) {
      throw invalid(`The upload size ${total} differs from X-Upload-Content-Length ${session.declaredSize}.`);
    }
    if (total === undefined || writer.size < total) return { kind: 'incomplete', received: writer.size };
    if (writer.size > total) throw invalid(`Received ${writer.size} bytes, more than the declared total of ${total}.`);
    const declared = parseGoogHash(req.headers['x-goog-hash']);
    let object: ObjectRecord;
    try {
      object = await this.store.commitObject({
        bucket: session.bucket,
        name: session.name,
        writer,
        fields: session.fields,
        preconditions: session.preconditions,
        expected: { ...declared, ...session.expected },
      });
    } catch (err) {
      // The staged bytes are gone with a failed commit (precondition, checksum): so is the session.
      this.sessions.delete(session.id);
      throw err;
    }
    session.finished = object;
    this.log.debug({ uploadId: session.id, bucket: object.bucket, object: object.name, size: object.size }, 'resumable upload finished');
    return { kind: 'finished', object };
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [id, s] of this.sessions) {
      const ttl = s.finished ? 60 * 60 * 1000 : IDLE_MS;
      if (now - s.touched > ttl) await this.cancel(id).catch((err: unknown) => this.log.warn({ err, uploadId: id }, 'session sweep failed'));
    }
  }
}
