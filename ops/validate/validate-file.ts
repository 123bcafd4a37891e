// Streams a file of records (NDJSON, optionally gzip) through a contract and yields one verdict per
// line. Garbage never throws: unreadable bytes, bad JSON and truncated gzip all become verdicts.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { Readable } from 'node:stream';
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
  const first = file === '-' ? await peekStdin() : await readHead(file);
  const raw: Readable = file === '-' ? (first.length === 0 ? Readable.from([]) : process.stdin) : fs.createReadStream(file);
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    // validateStream listens for the gunzip error and reports it as a verdict; this listener only
    // keeps an error raised before it attaches from crashing the process.
    return raw.pipe(createGunzip()).on('error', () => undefined);
  }
  return raw;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads stdin's first chunk and puts it back, so the caller still sees every byte. */
function peekStdin(): Promise<Buffer> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = stdin.read() as Buffer | null;
      cleanup();
      if (chunk) stdin.unshift(chunk);
      resolve(chunk ?? Buffer.alloc(0));
    };
    const onError = (err: Error) => (cleanup(), reject(err));
    const cleanup = () => {
      stdin.off('readable', onReadable);
      stdin.off('error', onError);
    };
    stdin.on('readable', onReadable);
    stdin.on('error', onError);
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
