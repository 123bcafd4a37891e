// Output streams, all synchronous and buffered so a run's bytes depend only on its data: NDJSON
// files, JSON arrays written one element at a time, and hour buckets that hold events until their
// arrival hour is complete and then write them in arrival order.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const made = new Set<string>();
/** Forgets which directories exist (a new run may write where an old one was deleted). */
export function forgetDirs(): void {
  made.clear();
}
export function ensureDir(dir: string): void {
  if (made.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  made.add(dir);
}

const FLUSH_AT = 1 << 20;

/** A file written through a string buffer. */
export class BufferedFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(readonly path: string) {
    ensureDir(dirname(path));
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes `[`, then elements one per line, then `]`, never holding the array. */
export class JsonArrayWriter<T> {
  private readonly file: BufferedFile;
  private count = 0;

  constructor(path: string) {
    this.file = new BufferedFile(path);
    this.file.write('[');
  }

  get length(): number {
    return this.count;
  }

  push(row: T): void {
    this.file.write(`${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`);
    this.count++;
  }

  close(): void {
    this.file.write(this.count === 0 ? ']\n' : '\n]\n');
    this.file.close();
  }
}

export function writeNdjson(path: string, rows: Iterable<unknown>): number {
  const file = new BufferedFile(path);
  let n = 0;
  for (const row of rows) {
    file.write(`${JSON.stringify(row)}\n`);
    n++;
  }
  file.close();
  return n;
}

export function writeJson(path: string, value: unknown): void {
  const file = new BufferedFile(path);
  file.write(`${JSON.stringify(value, null, 2)}\n`);
  file.close();
}

/** One line waiting for its arrival hour. `seq` keeps ties in insertion order. */
export interface Arrival<M> {
  arrivalMs: number;
  seq: number;
  text: string;
  meta: M | null;
}

/** Lines grouped by UTC arrival hour; an hour is written once no later input can arrive in it. */
export class HourBuckets<M> {
  private readonly buckets = new Map<number, Arrival<M>[]>();
  private seq = 0;

  add(arrivalMs: number, text: string, meta: M | null = null): void {
    const hour = Math.floor(arrivalMs / 3_600_000) * 3_600_000;
    let bucket = this.buckets.get(hour);
    if (!bucket) {
      bucket = [];
      this.buckets.set(hour, bucket);
    }
    bucket.push({ arrivalMs, seq: this.seq++, text, meta });
  }

  /** Removes and returns, by hour, every bucket up to and including `hourMs`, each in arrival order. */
  take(upToHourMs: number): [number, Arrival<M>[]][] {
    const hours = [...this.buckets.keys()].filter((h) => h <= upToHourMs).sort((a, b) => a - b);
    return hours.map((h) => {
      const lines = this.buckets.get(h)!;
      this.buckets.delete(h);
      lines.sort((a, b) => a.arrivalMs - b.arrivalMs || a.seq - b.seq);
      return [h, lines];
    });
  }

  get pendingHours(): number[] {
    return [...this.buckets.keys()].sort((a, b) => a - b);
  }
}
