// Streams a file of records (NDJSON, optionally gzip) through a contract and yields one verdict per
// line. Garbage never throws: unreadable bytes, bad JSON and truncated gzip all become verdicts.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PosFileChecker, type LineVerdict } from '../../contracts/pos-file';
import { isRecordKind, RECORD_KINDS, type RecordKindName } from '../../contracts/registry';
import { validateJsonText } from '../../contracts/verdict';

export const FILE_KINDS = ['pos-file'] as const;
export type ValidateKind = RecordKindName | (typeof FILE_KINDS)[number];

export function isValidateKind(kind: string): kind is ValidateKind {
  return isRecordKind(kind) || (FILE_KINDS as readonly string[]).includes(kind);
}

export function describeKinds(): string {
  const rows = Object.entries(RECORD_KINDS).map(([name, k]) => `  ${name.padEnd(20)} ${k.description}`);
  return [...rows, `  ${'pos-file'.padEnd(20)} a whole POS batch file: header, body lines, trailer row count and sha256`].join('\n');
}

/** Opens a path (or `-` for stdin), transparently gunzipping when the bytes start with gzip's magic. */
export async function openMaybeGzip(file: string): Promise<Readable> {
  const raw: Readable = file === '-' ? process.stdin : fs.createReadStream(file);
  const first = await peek(raw);
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return raw.pipe(createGunzip()).on('error', () => undefined);
  return raw;
}

function peek(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = stream.read() as Buffer | null;
      cleanup();
      if (chunk) stream.unshift(chunk);
      resolve(chunk ?? Buffer.alloc(0));
    };
    const onEnd = () => (cleanup(), resolve(Buffer.alloc(0)));
    const onError = (err: Error) => (cleanup(), reject(err));
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export async function* validateStream(kind: ValidateKind, input: Readable): AsyncGenerator<LineVerdict> {
  const checker = kind === 'pos-file' ? new PosFileChecker() : undefined;
  let streamError: Error | undefined;
  let lineNo = 0;
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const captured = new Promise<void>((resolve) => {
    input.once('error', (err: Error) => {
      streamError = err;
      lines.close();
      resolve();
    });
    input.once('end', resolve);
  });
  try {
    for await (const text of lines) {
      if (checker) {
        yield checker.line(text);
      } else {
        lineNo += 1;
        yield { line: lineNo, ...validateJsonText(kind as RecordKindName, text) };
      }
    }
  } catch (err) {
    streamError = err instanceof Error ? err : new Error(String(err));
  }
  await Promise.race([captured, new Promise((r) => setImmediate(r))]);
  if (checker) {
    yield* checker.finish(streamError);
  } else if (streamError) {
    yield { line: lineNo + 1, ok: false, code: 'schema_violation', path: null, reason: `file is truncated or corrupt: ${streamError.message}` };
  }
}
