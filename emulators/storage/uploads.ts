// objects.insert: `uploadType=media` (bytes only), `multipart` (metadata part, then media part,
// streamed) and `resumable` (opens a session; chunks go to resumable.ts).
import { type BlobWriter } from './backend';
import { type CustomerEncryption, readCustomerKey } from './encryption';
import { GcsError, invalid, required, unimplemented } from './errors';
import { type Digests, parseGoogHash } from './hashing';
import { type Context, drain, headerString, parseJsonObject, pipeBody, readJson, sendEmpty, sendJson } from './http';
import { MultipartError, MultipartParser, multipartBoundary } from './multipart';
import { type Preconditions, readPreconditions } from './preconditions';
import { type ObjectFields } from './records';
import { type Json, newObjectFields, objectResource, readObjectFields, validateObjectName } from './resources';
import { type Services } from './services';

const MAX_METADATA_PART = 1024 * 1024;

export async function insertObject(ctx: Context, svc: Services, bucket: string): Promise<void> {
  const uploadType = ctx.query.get('uploadType') ?? 'media';
  if (ctx.query.get('kmsKeyName')) throw unimplemented('Customer-managed encryption keys (kmsKeyName)');
  const key = readCustomerKey(ctx.req, 'x-goog-');
  svc.store.getBucket(bucket);
  if (uploadType === 'media') return mediaUpload(ctx, svc, bucket, key);
  if (uploadType === 'multipart') return multipartUpload(ctx, svc, bucket, key);
  if (uploadType === 'resumable') return openResumable(ctx, svc, bucket, key);
  throw invalid(`Invalid uploadType: ${uploadType}`, 'uploadType');
}

async function mediaUpload(ctx: Context, svc: Services, bucket: string, key: CustomerEncryption | undefined): Promise<void> {
  const name = ctx.query.get('name');
  if (!name) throw required('name');
  validateObjectName(name);
  const preconditions = readPreconditions(ctx.query);
  svc.store.checkWrite(bucket, name, preconditions);
  const fields: ObjectFields = {
    contentType: headerString(ctx.req, 'content-type') ?? 'application/octet-stream',
    ...(ctx.query.get('contentEncoding') ? { contentEncoding: ctx.query.get('contentEncoding')! } : {}),
    ...(key ? { customerEncryption: key } : {}),
  };
  const writer = await svc.store.newWriter();
  await receiveInto(writer, () => pipeBody(ctx.req, writer));
  await finish(ctx, svc, { bucket, name, writer, fields, preconditions, expected: parseGoogHash(ctx.req.headers['x-goog-hash']) });
}

async function multipartUpload(ctx: Context, svc: Services, bucket: string, key: CustomerEncryption | undefined): Promise<void> {
  const boundary = multipartBoundary(headerString(ctx.req, 'content-type'));
  if (!boundary) throw invalid('A multipart upload needs Content-Type: multipart/related with a boundary.');
  const parser = new MultipartParser(boundary);
  const preconditions = readPreconditions(ctx.query);
  let part = 0;
  let metadataBytes: Buffer[] = [];
  let metadataSize = 0;
  let mediaType: string | undefined;
  let writer: BlobWriter | undefined;
  let spec: { name: string; fields: ObjectFields; expected: Partial<Digests> } | undefined;

  const onMetadataComplete = async (): Promise<void> => {
    const body = parseJsonObject(Buffer.concat(metadataBytes));
    metadataBytes = [];
    const name = ctx.query.get('name') ?? (typeof body.name === 'string' ? body.name : undefined);
    if (!name) throw required('name');
    validateObjectName(name);
    svc.store.checkWrite(bucket, name, preconditions);
    spec = { name, fields: newObjectFields(readObjectFields(body, 'the upload metadata')), expected: declaredDigests(body) };
    writer = await svc.store.newWriter();
  };

  try {
    // destroyOnReturn: false keeps the socket when we stop early, so the error can still be sent.
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
      for (const ev of parser.push(chunk as Buffer)) {
        if (ev.type === 'part') {
          part++;
          const encoding = ev.headers['content-transfer-encoding'];
          if (encoding && !/^(binary|8bit|7bit)$/i.test(encoding)) throw unimplemented(`Content-Transfer-Encoding: ${encoding} in a multipart upload`);
          if (part === 2) {
            await onMetadataComplete();
            mediaType = ev.headers['content-type'];
          } else if (part > 2) {
            throw invalid('A multipart upload has exactly two parts: metadata, then media.');
          }
        } else if (ev.type === 'data') {
          if (part === 1) {
            metadataSize += ev.data.length;
            if (metadataSize > MAX_METADATA_PART) throw invalid('Metadata part is too large.');
            metadataBytes.push(Buffer.from(ev.data));
          } else if (writer) {
            await writer.write(ev.data);
          }
        }
      }
    }
    parser.finish();
    if (part < 2 || !writer || !spec) throw invalid('A multipart upload has exactly two parts: metadata, then media.');
  } catch (err) {
    await writer?.abort();
    await drain(ctx.req).catch(() => undefined);
    if (err instanceof MultipartError) throw new GcsError(400, 'badRequest', err.message);
    throw err;
  }
  const fields: ObjectFields = {
    ...spec.fields,
    contentType: spec.fields.contentType ?? mediaType ?? 'application/octet-stream',
    ...(key ? { customerEncryption: key } : {}),
  };
  await finish(ctx, svc, { bucket, name: spec.name, writer, fields, preconditions, expected: spec.expected });
}

async function openResumable(ctx: Context, svc: Services, bucket: string, key: CustomerEncryption | undefined): Promise<void> {
  const body: Json = await readJson(ctx.req);
  const name = ctx.query.get('name') ?? (typeof body.name === 'string' ? body.name : undefined);
  if (!name) throw required('name');
  validateObjectName(name);
  // Preconditions are checked when the upload completes (412 then), not when the session opens:
  // GCS accepts the session and refuses the final request.
  const preconditions = readPreconditions(ctx.query);
  const fields = newObjectFields(readObjectFields(body, 'the upload metadata'));
  fields.contentType ??= headerString(ctx.req, 'x-upload-content-type') ?? 'application/octet-stream';
  if (ctx.query.get('contentEncoding') && !fields.contentEncoding) fields.contentEncoding = ctx.query.get('contentEncoding')!;
  if (key) fields.customerEncryption = key;
  const lengthHeader = headerString(ctx.req, 'x-upload-content-length');
  const declaredSize = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declaredSize !== undefined && (!Number.isInteger(declaredSize) || declaredSize < 0)) throw invalid('Invalid X-Upload-Content-Length');
  const id = await svc.sessions.open({ bucket, name, fields, preconditions, expected: declaredDigests(body), declaredSize });
  const location = `${ctx.base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
  sendEmpty(ctx, 200, { location, 'x-guploader-uploadid': id });
}

/** A PUT to a session URI. */
export async function uploadChunk(ctx: Context, svc: Services, bucket: string, uploadId: string): Promise<void> {
  const outcome = await svc.sessions.put(uploadId, bucket, ctx.req);
  if (outcome.kind === 'finished') return sendJson(ctx, 200, objectResource(outcome.object, ctx.base, svc.store.getBucket(outcome.object.bucket)));
  const headers: Record<string, string> = {};
  if (outcome.received > 0) headers.range = `bytes=0-${outcome.received - 1}`;
  // 308 "Resume Incomplete", as GCS answers; the client reads `Range` for the next offset.
  sendEmpty(ctx, 308, headers);
}

export async function cancelUpload(ctx: Context, svc: Services, uploadId: string): Promise<void> {
  await drain(ctx.req);
  if (!(await svc.sessions.cancel(uploadId))) throw new GcsError(404, 'notFound', 'No such upload session.');
  // GCS answers a cancelled session with 499 (https://cloud.google.com/storage/docs/performing-resumable-uploads#cancel-upload).
  sendEmpty(ctx, 499);
}

interface Finish {
  bucket: string;
  name: string;
  writer: BlobWriter;
  fields: ObjectFields;
  preconditions: Preconditions;
  expected: Partial<Digests>;
}

async function finish(ctx: Context, svc: Services, f: Finish): Promise<void> {
  const record = await svc.store.commitObject({ ...f, fields: { ...f.fields } });
  sendJson(ctx, 200, objectResource(record, ctx.base, svc.store.getBucket(record.bucket)));
}

async function receiveInto(writer: BlobWriter, receive: () => Promise<unknown>): Promise<void> {
  try {
    await receive();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

function declaredDigests(body: Json): Partial<Digests> {
  const out: Partial<Digests> = {};
  if (typeof body.md5Hash === 'string') out.md5Hash = body.md5Hash;
  if (typeof body.crc32c === 'string') out.crc32c = body.crc32c;
  return out;
}
