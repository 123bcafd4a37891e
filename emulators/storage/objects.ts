// objects.get (metadata and media), patch/update, delete, list, rewrite/copy, compose, move and restore.
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Context, headerString, queryFlag, readJson, sendEmpty, sendJson } from './http';
import { keyMatches, readCustomerKey } from './encryption';
import { GcsError, invalid, required, unimplemented } from './errors';
import { compileGlob, GlobError } from './glob';
import { InvalidPageToken } from './listing';
import { type ObjectFields, type ObjectRecord } from './records';
import { contentRange, resolveRange } from './range';
import { readPreconditions } from './preconditions';
import { applyObjectPatch, type Json, newObjectFields, objectEtag, objectResource, readObjectFields, validateObjectName } from './resources';
import { checkRetentionChange } from './retention';
import { type Services } from './services';

export async function getObject(ctx: Context, svc: Services, bucket: string, name: string): Promise<void> {
  if (queryFlag(ctx.query, 'softDeleted')) return getSoftDeleted(ctx, svc, bucket, name);
  const object = svc.store.getObject({
    bucket,
    name,
    generation: ctx.query.get('generation') ?? undefined,
    preconditions: readPreconditions(ctx.query),
  });
  const key = readCustomerKey(ctx.req, 'x-goog-');
  if (ctx.query.get('alt') === 'media' || ctx.surface === 'download') {
    keyMatches(object.customerEncryption, key, true);
    return sendMedia(ctx, svc, object);
  }
  if (ctx.query.get('alt') && ctx.query.get('alt') !== 'json') throw invalid(`Unsupported alt=${ctx.query.get('alt')}`, 'alt');
  const hideHashes = !keyMatches(object.customerEncryption, key, false);
  sendJson(ctx, 200, objectResource(object, ctx.base, svc.store.getBucket(object.bucket), hideHashes));
}

/** objects.get?softDeleted=true: the metadata of one soft-deleted version; `generation` is required, its bytes cannot be read. */
function getSoftDeleted(ctx: Context, svc: Services, bucket: string, name: string): void {
  const generation = ctx.query.get('generation');
  if (!generation) throw required('generation');
  if (ctx.query.get('alt') === 'media' || ctx.surface === 'download') throw invalid('A soft-deleted object cannot be read; restore it first.', 'softDeleted');
  const object = svc.store.getSoftDeleted({ bucket, name, generation, restoreToken: ctx.query.get('restoreToken') ?? undefined });
  sendJson(ctx, 200, objectResource(object, ctx.base, undefined, object.customerEncryption !== undefined));
}

/** objects.restore (https://cloud.google.com/storage/docs/json_api/v1/objects/restore): `generation` is required. */
export async function restoreObject(ctx: Context, svc: Services, bucket: string, name: string): Promise<void> {
  await readJson(ctx.req);
  const generation = ctx.query.get('generation');
  if (!generation) throw required('generation');
  const record = await svc.store.restoreObject({
    bucket,
    name,
    generation,
    restoreToken: ctx.query.get('restoreToken') ?? undefined,
    preconditions: readPreconditions(ctx.query),
  });
  sendJson(ctx, 200, objectResource(record, ctx.base, svc.store.getBucket(bucket), record.customerEncryption !== undefined));
}

async function sendMedia(ctx: Context, svc: Services, object: ObjectRecord): Promise<void> {
  const headers: Record<string, string | number> = {
    'content-type': object.contentType ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${objectEtag(object)}"`,
    'last-modified': new Date(object.updated).toUTCString(),
    'x-goog-generation': object.generation,
    'x-goog-metageneration': object.metageneration,
    'x-goog-stored-content-length': object.size,
    'x-goog-stored-content-encoding': object.contentEncoding ?? 'identity',
    'x-goog-storage-class': object.storageClass,
    'x-goog-hash': object.componentCount === undefined ? `crc32c=${object.crc32c},md5=${object.md5Hash}` : `crc32c=${object.crc32c}`,
  };
  if (object.contentDisposition) headers['content-disposition'] = object.contentDisposition;
  if (object.contentLanguage) headers['content-language'] = object.contentLanguage;
  if (object.cacheControl) headers['cache-control'] = object.cacheControl;
  for (const [k, v] of Object.entries(object.metadata ?? {})) {
    if (/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k)) headers[`x-goog-meta-${k}`] = encodeHeaderValue(v);
  }

  // Decompressive transcoding: a gzip object goes to a client that cannot take gzip decompressed,
  // and then Range does not apply (https://cloud.google.com/storage/docs/transcoding).
  const acceptsGzip = /\bgzip\b/i.test(headerString(ctx.req, 'accept-encoding') ?? '');
  if (object.contentEncoding === 'gzip' && !acceptsGzip) {
    delete headers['accept-ranges'];
    ctx.res.writeHead(200, headers);
    if (ctx.method === 'HEAD') return void ctx.res.end();
    await pipeline(svc.store.read(object), createGunzip(), ctx.res);
    return;
  }
  if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;

  const range = resolveRange(headerString(ctx.req, 'range'), object.size);
  if (range.kind === 'unsatisfiable') {
    const err = new GcsError(416, 'requestedRangeNotSatisfiable', 'Request range not satisfiable');
    err.headers['content-range'] = `bytes */${object.size}`;
    throw err;
  }
  let status = 200;
  let start: number | undefined;
  let end: number | undefined;
  if (range.kind === 'partial') {
    status = 206;
    ({ start, end } = range.range);
    headers['content-range'] = contentRange(range.range, object.size);
    headers['content-length'] = range.range.end - range.range.start + 1;
  } else {
    headers['content-length'] = object.size;
  }
  ctx.res.writeHead(status, headers);
  if (ctx.method === 'HEAD' || object.size === 0) return void ctx.res.end();
  await pipeline(svc.store.read(object, start, end), ctx.res);
}

function encodeHeaderValue(v: string): string {
  // Header values must be Latin-1 without control characters; GCS percent-encodes the rest.
  return /^[\x20-\x7e]*$/.test(v) ? v : encodeURIComponent(v);
}

export async function patchObject(ctx: Context, svc: Services, bucket: string, name: string, replace: boolean): Promise<void> {
  const body = await readJson(ctx.req);
  const patch = readObjectFields(body, replace ? 'objects.update' : 'objects.patch');
  const record = await svc.store.updateObject(
    { bucket, name, generation: ctx.query.get('generation') ?? undefined, preconditions: readPreconditions(ctx.query) },
    (o) => {
      if (replace) {
        for (const k of ['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl', 'metadata'] as const) delete o[k];
      }
      const held = o.eventBasedHold === true;
      const retention = o.retention;
      applyObjectPatch(o, patch);
      checkRetentionChange(svc.store.getBucket(bucket), retention, o.retention, queryFlag(ctx.query, 'overrideUnlockedRetention'));
      // Releasing an event-based hold starts the retention period (https://cloud.google.com/storage/docs/object-holding).
      if (held && o.eventBasedHold !== true) o.retentionStart = svc.store.nowIso();
    },
  );
  const hideHashes = !keyMatches(record.customerEncryption, readCustomerKey(ctx.req, 'x-goog-'), false);
  sendJson(ctx, 200, objectResource(record, ctx.base, svc.store.getBucket(record.bucket), hideHashes));
}

export async function deleteObject(ctx: Context, svc: Services, bucket: string, name: string): Promise<void> {
  await svc.store.deleteObject({ bucket, name, generation: ctx.query.get('generation') ?? undefined, preconditions: readPreconditions(ctx.query) });
  sendEmpty(ctx, 204);
}

export async function listObjects(ctx: Context, svc: Services, bucket: string): Promise<void> {
  const q = ctx.query;
  const softDeleted = queryFlag(q, 'softDeleted');
  const glob = q.get('matchGlob');
  let match: ((name: string) => boolean) | undefined;
  try {
    match = glob ? compileGlob(glob) : undefined;
  } catch (err) {
    if (err instanceof GlobError) throw invalid(err.message, 'matchGlob');
    throw err;
  }
  const maxRaw = q.get('maxResults');
  const maxResults = maxRaw === null || maxRaw === '' ? undefined : Number(maxRaw);
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 0)) throw invalid(`Invalid value for maxResults: ${maxRaw}`, 'maxResults');
  let page;
  try {
    const params = {
      prefix: q.get('prefix') ?? undefined,
      delimiter: q.get('delimiter') ?? undefined,
      startOffset: q.get('startOffset') ?? undefined,
      endOffset: q.get('endOffset') ?? undefined,
      pageToken: q.get('pageToken') ?? undefined,
      maxResults: maxResults === 0 ? undefined : maxResults,
      includeTrailingDelimiter: q.get('includeTrailingDelimiter') === 'true',
      match,
    };
    // softDeleted=true lists only soft-deleted versions, every generation of them.
    page = softDeleted ? svc.store.listSoftDeleted(bucket, params) : svc.store.listObjects(bucket, params, q.get('versions') === 'true');
  } catch (err) {
    if (err instanceof InvalidPageToken) throw invalid('Invalid page token', 'pageToken');
    throw err;
  }
  const owner = svc.store.getBucket(bucket);
  sendJson(ctx, 200, {
    kind: 'storage#objects',
    nextPageToken: page.nextPageToken,
    prefixes: page.prefixes.length ? page.prefixes : undefined,
    items: page.items.length ? page.items.map((o) => objectResource(o, ctx.base, softDeleted ? undefined : owner, o.customerEncryption !== undefined)) : undefined,
  });
}

/** rewriteTo and copyTo: the whole object in one call (`done: true`, no rewriteToken). */
export async function rewriteObject(
  ctx: Context,
  svc: Services,
  r: { bucket: string; object: string; destBucket: string; destObject: string },
  kind: 'rewrite' | 'copy',
): Promise<void> {
  const body = await readJson(ctx.req);
  if (ctx.query.get('rewriteToken')) throw invalid('Invalid rewrite token: the emulator completes every rewrite in one call.', 'rewriteToken');
  if (ctx.query.get('destinationKmsKeyName')) throw unimplemented('Customer-managed encryption keys (destinationKmsKeyName)');
  validateObjectName(r.destObject);
  const source = svc.store.getObject({
    bucket: r.bucket,
    name: r.object,
    generation: ctx.query.get('sourceGeneration') ?? undefined,
    preconditions: readPreconditions(ctx.query, true),
  });
  // Customer-supplied keys: the source's in x-goog-copy-source-encryption-*, the destination's
  // (none = not encrypted) in x-goog-encryption-*; rotating a key is a rewrite onto itself.
  keyMatches(source.customerEncryption, readCustomerKey(ctx.req, 'x-goog-copy-source-'), true);
  const destinationKey = readCustomerKey(ctx.req, 'x-goog-');
  const overrides = readObjectFields(body, `objects.${kind}`);
  // A body with metadata replaces the source's metadata; an empty body copies it.
  const fields =
    Object.keys(overrides).length > 0
      ? newObjectFields(overrides)
      : newObjectFields({}, pickFields(source));
  if (destinationKey) fields.customerEncryption = destinationKey;
  const preconditions = readPreconditions(ctx.query);
  svc.store.checkWrite(r.destBucket, r.destObject, preconditions);
  const writer = await svc.store.newWriter();
  try {
    for await (const chunk of svc.store.read(source)) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const record = await svc.store.commitObject({ bucket: r.destBucket, name: r.destObject, writer, fields, preconditions });
  const resource = objectResource(record, ctx.base, svc.store.getBucket(record.bucket));
  if (kind === 'copy') return sendJson(ctx, 200, resource);
  sendJson(ctx, 200, {
    kind: 'storage#rewriteResponse',
    totalBytesRewritten: String(record.size),
    objectSize: String(record.size),
    done: true,
    resource,
  });
}

export async function composeObject(ctx: Context, svc: Services, bucket: string, name: string): Promise<void> {
  const body = await readJson(ctx.req);
  validateObjectName(name);
  if (ctx.query.get('kmsKeyName')) throw unimplemented('Customer-managed encryption keys (kmsKeyName)');
  const sources = body.sourceObjects;
  if (!Array.isArray(sources) || sources.length === 0) throw required('sourceObjects');
  if (sources.length > 32) throw invalid('The number of source components provided (more than 32) exceeds the maximum (32).', 'sourceObjects');
  const destination = (body.destination ?? {}) as Json;
  if (typeof destination !== 'object' || Array.isArray(destination)) throw invalid('Invalid destination', 'destination');
  const fields = newObjectFields(readObjectFields(destination, 'objects.compose destination'));
  // Sources encrypted with a customer-supplied key need that key, which the composite gets too.
  const key = readCustomerKey(ctx.req, 'x-goog-');
  if (key) fields.customerEncryption = key;
  const records = sources.map((s: unknown, i: number) => {
    const src = (s ?? {}) as Json;
    if (typeof src.name !== 'string') throw required(`sourceObjects[${i}].name`);
    const generation = src.generation === undefined ? undefined : String(src.generation);
    const record = svc.store.getObject({ bucket, name: src.name, generation });
    if (record.customerEncryption) keyMatches(record.customerEncryption, key, true);
    const cond = src.objectPreconditions as Json | undefined;
    if (cond?.ifGenerationMatch !== undefined && String(cond.ifGenerationMatch) !== record.generation) {
      throw new GcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.', `sourceObjects[${i}]`);
    }
    return record;
  });
  const componentCount = records.reduce((n, r) => n + (r.componentCount ?? 1), 0);
  if (componentCount > 1024) throw invalid('The composite object would have more than 1024 components.', 'sourceObjects');
  const preconditions = readPreconditions(ctx.query);
  svc.store.checkWrite(bucket, name, preconditions);
  const writer = await svc.store.newWriter();
  try {
    for (const r of records) for await (const chunk of svc.store.read(r)) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const record = await svc.store.commitObject({ bucket, name, writer, fields, preconditions, componentCount });
  sendJson(ctx, 200, objectResource(record, ctx.base, svc.store.getBucket(record.bucket)));
}

export async function moveObject(ctx: Context, svc: Services, bucket: string, name: string, destination: string): Promise<void> {
  await readJson(ctx.req);
  validateObjectName(destination);
  const record = await svc.store.moveObject(
    bucket,
    { bucket, name, preconditions: readPreconditions(ctx.query, true) },
    destination,
    readPreconditions(ctx.query),
  );
  sendJson(ctx, 200, objectResource(record, ctx.base, svc.store.getBucket(record.bucket)));
}

export function pickFields(o: ObjectRecord): ObjectFields {
  return {
    contentType: o.contentType,
    contentEncoding: o.contentEncoding,
    contentDisposition: o.contentDisposition,
    contentLanguage: o.contentLanguage,
    cacheControl: o.cacheControl,
    customTime: o.customTime,
    metadata: o.metadata ? { ...o.metadata } : undefined,
  };
}
