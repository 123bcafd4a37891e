// Request/response helpers shared by the handlers: JSON in and out, bodies streamed into a blob
// writer, and the context every handler receives.
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from '../lib/logger';
import { type BlobWriter } from './backend';
import { GcsError, invalid } from './errors';
import { applySelection, type Selection } from './fields';
import { type Json } from './resources';

export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  query: URLSearchParams;
  /** `http://host:port` as the client addressed us: links in resources point back here. */
  base: string;
  /** `upload` or `download` when the path carried that prefix. */
  surface: 'json' | 'upload' | 'download';
  log: Logger;
  /** The `fields` selection (partial response), parsed before the request is handled. */
  fields?: Selection;
}

const MAX_JSON = 1024 * 1024;

/** teeny-request parses a body as JSON only for these exact content types. */
const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(ctx: Context, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(ctx.fields && status < 300 ? applySelection(body, ctx.fields) : body);
  ctx.res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  ctx.res.end(ctx.method === 'HEAD' ? undefined : text);
}

export function sendEmpty(ctx: Context, status: number, headers: Record<string, string | number> = {}): void {
  ctx.res.writeHead(status, { 'content-length': 0, ...headers });
  ctx.res.end();
}

export function sendError(res: ServerResponse, err: GcsError, headers: Record<string, string | number> = {}): void {
  if (err.code === 304) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(err.toJSON());
  res.writeHead(err.code, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads a small JSON body (metadata); an empty body is `{}`. */
export async function readJson(req: IncomingMessage, limit = MAX_JSON): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw invalid('Request body too large for a metadata request');
    chunks.push(chunk as Buffer);
  }
  return parseJsonObject(Buffer.concat(chunks));
}

export function parseJsonObject(raw: Buffer): Json {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GcsError(400, 'badRequest', 'Invalid JSON payload received.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GcsError(400, 'badRequest', 'The request body must be a JSON object.');
  return parsed as Json;
}

/** Bodies up to this size that a refused request still sends are read and dropped, keeping the connection. */
export const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * After a request is refused before its body was read: drains a body of up to DRAIN_LIMIT bytes so
 * the kept-alive connection can carry the next request, or says the connection must close (a
 * larger body, or one still arriving past the limit). Returns true when the connection is reusable.
 */
export async function settleRefusedBody(req: IncomingMessage): Promise<boolean> {
  if (req.readableEnded || req.destroyed) return !req.destroyed;
  const declared = Number(headerString(req, 'content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT) return false;
  return new Promise<boolean>((resolve) => {
    let seen = 0;
    const done = (reusable: boolean): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve(reusable);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) done(false);
    };
    const onEnd = (): void => done(true);
    const onError = (): void => done(false);
    const onClose = (): void => done(req.readableEnded);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    req.resume();
  });
}

/** Discards whatever body remains so the connection can be reused. */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  for await (const _ of req) void _;
}

/**
 * Streams the request body into `writer`, first dropping `skip` bytes (a resumable chunk the
 * server already has) and refusing more than `max` bytes. Returns the bytes written.
 */
export async function pipeBody(req: IncomingMessage, writer: BlobWriter, opts: { skip?: number; max?: number } = {}): Promise<number> {
  let skip = opts.skip ?? 0;
  let written = 0;
  for await (const raw of req.iterator({ destroyOnReturn: false })) {
    let chunk = raw as Buffer;
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.length);
      chunk = chunk.subarray(dropped);
      skip -= dropped;
    }
    if (chunk.length === 0) continue;
    if (opts.max !== undefined && written + chunk.length > opts.max) {
      throw invalid('The request body is longer than its Content-Range says.');
    }
    await writer.write(chunk);
    written += chunk.length;
  }
  return written;
}

export function queryFlag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1' || v === '';
}

export function headerString(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
