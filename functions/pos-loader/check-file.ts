// Judges one landed POS file without I/O: gunzip (streamed, with an output cap), header, every body
// line against the contract, trailer row count and sha256 (contracts/pos-file.ts, the same checker
// `pizzaflow validate` uses), then the plausibility of its times relative to the run.
// A valid file yields its body rows per target table, `record_type` removed.
//
// Hostile input is bounded: the inflated size, the length of a line and the number of lines are
// capped, and judging stops at the first problem, so a gzip bomb (a few KiB of newlines, a MiB of
// spaces) costs at most the caps in memory and time, not the bomb's size.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { PosFileChecker } from '../../contracts/pos-file';
import type { PosFileHeader } from '../../contracts/pos';

export type PosTable = 'pos_transactions' | 'inventory_movements';
export const POS_TABLES: readonly PosTable[] = ['pos_transactions', 'inventory_movements'];

/** Why a file is quarantined (the prefix of the manifest reason and `pizzaflow_reason_code`). */
export type QuarantineCode =
  | 'too_large'
  | 'inflated_too_large'
  | 'line_too_long'
  | 'too_many_lines'
  | 'corrupt'
  | 'invalid'
  | 'implausible_time'
  | 'path_mismatch'
  | 'load_failed';

/** Refusals from the size limits: decided (and recorded) before the file is judged any further. */
export const LIMIT_CODES: ReadonlySet<QuarantineCode> = new Set(['too_large', 'inflated_too_large', 'line_too_long', 'too_many_lines']);

export interface PosFileLimits {
  /** Bytes once gunzipped. */
  maxInflatedBytes: number;
  /** Bytes of one line (without its "\n"). */
  maxLineBytes: number;
  /** Lines in the file, header and trailer included. */
  maxLines: number;
}

/** Event times accepted relative to the run: not older than maxAgeMs, not further ahead than maxFutureMs. */
export interface TimeWindow {
  now: number;
  maxAgeMs: number;
  maxFutureMs: number;
}

export const DEFAULT_FILE_LIMITS: PosFileLimits = { maxInflatedBytes: 64 * 2 ** 20, maxLineBytes: 256 * 2 ** 10, maxLines: 200_000 };

export interface PosFileVerdict {
  ok: boolean;
  /** What kind of problem; null when ok. */
  code: QuarantineCode | null;
  /** First problem, naming the line and the field; null when ok. */
  reason: string | null;
  header: PosFileHeader | null;
  /** sha256 of the body lines (each followed by "\n"); null when the file was not read to its end. */
  contentSha256: string | null;
  /** Body rows per table, `record_type` removed (empty unless ok). */
  rows: Record<PosTable, Record<string, unknown>[]>;
  /** Bytes after gunzip (as far as the file was read). */
  inflatedBytes: number;
}

const TABLE_OF: Record<string, PosTable> = { transaction: 'pos_transactions', inventory_movement: 'inventory_movements' };
const NEWLINE = 0x0a;
const empty = (): Record<PosTable, Record<string, unknown>[]> => ({ pos_transactions: [], inventory_movements: [] });

/** Feeds inflated bytes line by line to the contract checker; stops at the first limit or problem. */
class PosFileReader {
  private readonly checker = new PosFileChecker();
  private readonly lines: string[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private lineCount = 0;
  inflated = 0;
  refusal: { code: QuarantineCode; reason: string } | null = null;

  constructor(private readonly limits: PosFileLimits) {}

  /** false once the file is refused: the caller stops reading. */
  push(chunk: Buffer): boolean {
    if (this.refusal) return false;
    this.inflated += chunk.length;
    if (this.inflated > this.limits.maxInflatedBytes) return this.refuse('inflated_too_large', `file inflates past ${this.limits.maxInflatedBytes} bytes`);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.partialBytes + (end - start) > this.limits.maxLineBytes) {
        return this.refuse('line_too_long', `line ${this.lineCount + 1} is longer than ${this.limits.maxLineBytes} bytes`);
      }
      if (nl === -1) {
        if (end > start) {
          this.partial.push(chunk.subarray(start, end));
          this.partialBytes += end - start;
        }
        return true;
      }
      const line = this.partial.length ? Buffer.concat([...this.partial, chunk.subarray(start, end)]).toString('utf8') : chunk.toString('utf8', start, end);
      this.partial = [];
      this.partialBytes = 0;
      if (!this.line(line)) return false;
      start = nl + 1;
    }
  }

  /** The verdict once the input ended (or was cut short by a stream error). */
  finish(streamError: Error | null, window?: TimeWindow): PosFileVerdict {
    const header = this.checker.headerRecord ?? null;
    const refused = (code: QuarantineCode, reason: string, sha: string | null = null): PosFileVerdict => ({ ok: false, code, reason, header, contentSha256: sha, rows: empty(), inflatedBytes: this.inflated });
    if (this.refusal) return refused(this.refusal.code, this.refusal.reason);
    if (streamError) {
      const v = this.checker.finish(streamError)[0];
      return refused('corrupt', v && !v.ok ? v.reason : 'unreadable file');
    }
    if (this.partialBytes > 0) {
      const last = Buffer.concat(this.partial).toString('utf8');
      this.partial = [];
      this.partialBytes = 0;
      if (!this.line(last)) return refused(this.refusal!.code, this.refusal!.reason);
    }
    for (const v of this.checker.finish()) if (!v.ok) return refused('invalid', `line ${v.line}: ${v.reason}`);
    const body = bodyLines(this.lines);
    const contentSha256 = sha256Lines(body);
    if (!this.checker.ok) return refused('invalid', 'invalid file', contentSha256);
    const rows = empty();
    for (const line of body) {
      const { record_type: type, ...row } = JSON.parse(line) as Record<string, unknown>;
      rows[TABLE_OF[String(type)]!].push(row);
    }
    if (window && header) {
      const problem = implausibleTime(header, rows, window);
      if (problem) return refused('implausible_time', problem, contentSha256);
    }
    return { ok: true, code: null, reason: null, header, contentSha256, rows, inflatedBytes: this.inflated };
  }

  /** zlib stopped at its output cap. */
  refuseInflated(): void {
    this.refuse('inflated_too_large', `file inflates past ${this.limits.maxInflatedBytes} bytes`);
  }

  private line(text: string): boolean {
    this.lineCount += 1;
    if (this.lineCount > this.limits.maxLines) return this.refuse('too_many_lines', `more than ${this.limits.maxLines} lines`);
    const v = this.checker.line(text);
    if (!v.ok) return this.refuse('invalid', `line ${v.line}: ${v.reason}`);
    this.lines.push(text);
    return true;
  }

  private refuse(code: QuarantineCode, reason: string): false {
    this.refusal ??= { code, reason };
    return false;
  }
}

/** Judges a whole file held in memory (tests, tools): gunzip with zlib's output cap. */
export function checkPosFile(bytes: Buffer, options: { limits?: PosFileLimits; window?: TimeWindow } = {}): PosFileVerdict {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const reader = new PosFileReader(limits);
  let inflated: Buffer;
  try {
    inflated = isGzip(bytes) ? gunzipSync(bytes, { maxOutputLength: limits.maxInflatedBytes + 1 }) : bytes;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      reader.refuseInflated();
      return reader.finish(null);
    }
    return reader.finish(err as Error);
  }
  for (let i = 0; i < inflated.length; i += 64 * 1024) if (!reader.push(inflated.subarray(i, i + 64 * 1024))) break;
  return reader.finish(null, options.window);
}

/**
 * Judges a file as it streams: the gunzip output is read chunk by chunk and the stream destroyed at
 * the first limit or problem, so memory stays within the caps whatever the file inflates to.
 */
export async function checkPosStream(bytes: Buffer, options: { limits?: PosFileLimits; window?: TimeWindow } = {}): Promise<PosFileVerdict> {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const reader = new PosFileReader(limits);
  // Compressed input in small slices: zlib inflates a whole input chunk before it honours
  // backpressure, so a slice bounds what one step can inflate (~1,000× its size at worst).
  const slices = Readable.from(slicesOf(bytes, COMPRESSED_SLICE), { objectMode: false });
  const source: Readable = isGzip(bytes) ? slices.pipe(createGunzip({ chunkSize: 64 * 1024 })) : slices;
  try {
    for await (const chunk of source) {
      if (!reader.push(chunk as Buffer)) break;
    }
  } catch (err) {
    return reader.finish(err as Error);
  } finally {
    source.destroy();
  }
  return reader.finish(null, options.window);
}

const COMPRESSED_SLICE = 2 * 1024;

function* slicesOf(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function implausibleTime(header: PosFileHeader, rows: Record<PosTable, Record<string, unknown>[]>, w: TimeWindow): string | null {
  const oldest = w.now - w.maxAgeMs;
  const latest = w.now + w.maxFutureMs;
  const check = (what: string, value: unknown): string | null => {
    if (typeof value !== 'string') return null;
    const ms = Date.parse(value);
    if (ms < oldest) return `${what} ${value} is more than ${Math.round(w.maxAgeMs / 86_400_000)} days before the run`;
    if (ms > latest) return `${what} ${value} is more than ${Math.round(w.maxFutureMs / 3_600_000)} hours after the run`;
    return null;
  };
  for (const field of ['window_start', 'window_end', 'created_at'] as const) {
    const p = check(`header ${field}`, header[field]);
    if (p) return p;
  }
  for (const table of POS_TABLES) {
    for (const row of rows[table]) {
      const p = check(`${table} ${String(row.event_id)} event_time`, row.event_time);
      if (p) return p;
    }
  }
  return null;
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Lines between the header and a trailing trailer line. */
function bodyLines(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  const hasTrailer = lines.length > 1 && last !== undefined && /"record_type"\s*:\s*"trailer"/.test(last);
  return lines.slice(1, hasTrailer ? -1 : undefined);
}

function sha256Lines(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
