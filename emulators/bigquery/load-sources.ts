// The gs:// side of load jobs: expands wildcards and downloads each object to a local file through
// the official Storage client pointed at the storage emulator. Gzip is detected by magic bytes, as
// BigQuery does, and the local name gets a `.gz` suffix so DuckDB's readers decompress it.
import { open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { BqError, invalid, notFound } from './errors';

/** BigQuery's limit on source URIs per load job. */
export const MAX_SOURCE_URIS = 10_000;
const DOWNLOAD_CONCURRENCY = 16;

export interface GcsUri {
  bucket: string;
  object: string;
}

export interface LocalSource {
  uri: string;
  path: string;
  bytes: number;
  gzip: boolean;
}

export function parseGcsUri(uri: string): GcsUri {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw invalid(`Invalid source URI ${uri}: load jobs read gs://bucket/object URIs`, 'sourceUris');
  if (m[2].indexOf('*') !== m[2].lastIndexOf('*')) throw invalid(`Only one wildcard is allowed per URI: ${uri}`, 'sourceUris');
  return { bucket: m[1], object: m[2] };
}

/** A storage client for the emulator; accepts host:port or http://host:port. */
export function storageClient(host: string, projectId: string): Storage {
  const apiEndpoint = /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `http://${host}`;
  return new Storage({ apiEndpoint, projectId });
}

/** Expands wildcards (`gs://b/prefix*suffix`) into object names, in a stable order. */
export async function resolveUris(storage: Storage, uris: string[]): Promise<string[]> {
  if (uris.length === 0) throw invalid('Empty source uri list', 'sourceUris');
  if (uris.length > MAX_SOURCE_URIS) throw invalid(`Too many source URIs: ${uris.length} (at most ${MAX_SOURCE_URIS} per load job)`, 'sourceUris');
  const out: string[] = [];
  for (const uri of uris) {
    const { bucket, object } = parseGcsUri(uri);
    const star = object.indexOf('*');
    if (star < 0) {
      out.push(uri);
      continue;
    }
    const prefix = object.slice(0, star);
    const suffix = object.slice(star + 1);
    const [files] = await storage.bucket(bucket).getFiles({ prefix, autoPaginate: true }).catch((err: unknown) => {
      throw asStorageError(err, uri);
    });
    const matched = files.map((f) => f.name).filter((n) => n.endsWith(suffix) && n.length >= prefix.length + suffix.length && !n.endsWith('/'));
    if (matched.length === 0) throw notFound(`Uris List of uris (possibly truncated): ${uri}`);
    out.push(...matched.sort().map((n) => `gs://${bucket}/${n}`));
  }
  if (out.length > MAX_SOURCE_URIS) throw invalid(`Too many source URIs after wildcard expansion: ${out.length} (at most ${MAX_SOURCE_URIS})`, 'sourceUris');
  return out;
}

/** Downloads every URI into dir with bounded concurrency. */
export async function downloadAll(storage: Storage, uris: string[], dir: string): Promise<LocalSource[]> {
  const out: LocalSource[] = new Array(uris.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < uris.length) {
      const i = next++;
      out[i] = await downloadOne(storage, uris[i], join(dir, `src-${i}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(DOWNLOAD_CONCURRENCY, uris.length) }, worker));
  return out;
}

async function downloadOne(storage: Storage, uri: string, base: string): Promise<LocalSource> {
  const { bucket, object } = parseGcsUri(uri);
  await storage
    .bucket(bucket)
    .file(object)
    .download({ destination: base, validation: false })
    .catch((err: unknown) => {
      throw asStorageError(err, uri);
    });
  const bytes = (await stat(base)).size;
  const gzip = await hasGzipMagic(base);
  const path = gzip ? `${base}.gz` : base;
  if (gzip) await rename(base, path);
  return { uri, path, bytes, gzip };
}

async function hasGzipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function asStorageError(err: unknown, uri: string): BqError {
  const code = (err as { code?: unknown }).code;
  if (code === 404) return notFound(`URI ${uri}`);
  if (typeof code === 'number' && code >= 400 && code < 500) return new BqError(400, 'invalid', `Cannot read ${uri}: ${(err as Error).message}`);
  return new BqError(500, 'internalError', `Cannot read ${uri} from the storage emulator: ${(err as Error).message ?? String(err)}`);
}
