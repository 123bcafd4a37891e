// The raw writer's core, free of I/O: coalesces rows from many concurrent callers into few appends
// (flush at maxRows, maxBytes or maxDelayMs), resolves each caller only once the append holding its
// rows has succeeded, rejects every caller of a failed append with a RetryableError, routes row
// errors to the caller owning the row, and bounds memory (callers wait while the buffer is full).
// The append function is injected, so the whole policy is testable with a fake.
import { PizzaflowError, RetryableError } from '../../runtime/errors';
import { RequestTooLargeError, type RowError, RowErrorsError } from './errors';
import { jsonByteLength } from './json-size';

/** What one append reports: row errors by index in the appended batch (none: all rows written). */
export interface AppendResult {
  rowErrors: { index: number; message: string }[];
}

/** Appends rows durably; rejects when the append failed (nothing written). */
export type AppendFn<Row> = (rows: Row[]) => Promise<AppendResult>;

export interface CoalescerOptions<Row> {
  /** Flush when this many rows are buffered. Default 500. */
  maxRows?: number;
  /** Flush when the buffered rows reach this many bytes. Default 5 MiB (AppendRows allows 10 MB). */
  maxBytes?: number;
  /** Flush this long after the first buffered row at the latest. Default 10 ms. */
  maxDelayMs?: number;
  /** Appends in flight at once. Default 4. */
  maxInFlight?: number;
  /** Bytes held (buffered + in flight) before callers wait. Default 64 MiB. */
  maxPendingBytes?: number;
  /** One caller's rows may never exceed this (one append carries them). Default 9 MiB. */
  maxRequestBytes?: number;
  /** Size estimate of a row; default its JSON length (larger than its protobuf encoding). */
  sizeOf?: (row: Row) => number;
}

export interface CoalescerStats {
  appends: number;
  rowsAppended: number;
  failedAppends: number;
  bufferedRows: number;
  pendingBytes: number;
  inFlight: number;
  waitingCallers: number;
}

interface Entry<Row> {
  rows: Row[];
  bytes: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

const defaults = {
  maxRows: 500,
  maxBytes: 5 * 1024 * 1024,
  maxDelayMs: 10,
  maxInFlight: 4,
  maxPendingBytes: 64 * 1024 * 1024,
  maxRequestBytes: 9 * 1024 * 1024,
};

export class Coalescer<Row> {
  private readonly opts: Required<Omit<CoalescerOptions<Row>, 'sizeOf'>>;
  private readonly sizeOf: (row: Row) => number;
  private buffer: Entry<Row>[] = [];
  private bufferedRows = 0;
  private bufferedBytes = 0;
  /** Bytes admitted and not yet settled (buffered + in flight): what back-pressure bounds. */
  private pendingBytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting: { bytes: number; admit: () => void }[] = [];
  private readonly idle: (() => void)[] = [];
  private closed = false;
  private readonly counters = { appends: 0, rowsAppended: 0, failedAppends: 0 };

  constructor(
    private readonly append: AppendFn<Row>,
    options: CoalescerOptions<Row> = {},
  ) {
    this.opts = { ...defaults, ...stripUndefined(options) };
    this.sizeOf = options.sizeOf ?? jsonByteLength;
    if (this.opts.maxBytes > this.opts.maxRequestBytes) throw new RangeError('maxBytes must not exceed maxRequestBytes');
  }

  /** Resolves once every row is durably appended; rejects with RowErrorsError (permanent, none of
   * these rows written), RequestTooLargeError, or RetryableError (the append failed). */
  write(rows: Row[]): Promise<void> {
    if (this.closed) return Promise.reject(new RetryableError('raw writer is closed'));
    if (rows.length === 0) return Promise.resolve();
    const bytes = rows.reduce((n, r) => n + this.sizeOf(r), 0);
    if (bytes > this.opts.maxRequestBytes) {
      return Promise.reject(new RequestTooLargeError(`rows of ${bytes} bytes exceed one append (${this.opts.maxRequestBytes} bytes)`, { bytes }));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Entry<Row> = { rows, bytes, resolve, reject };
      // Admitted at once when there is room (and nobody queued ahead), else when appends settle.
      if (this.waiting.length === 0 && this.fits(bytes)) {
        this.pendingBytes += bytes;
        this.enqueue(entry, false);
      } else this.waiting.push({ bytes, admit: () => this.enqueue(entry, false) });
    });
  }

  /** Sends everything held now, waiting callers included, and resolves when nothing is left. */
  async flush(): Promise<void> {
    if (this.isIdle()) return;
    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.drain(true);
    await done;
  }

  /** Flushes, then refuses further writes. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  stats(): CoalescerStats {
    return { ...this.counters, bufferedRows: this.bufferedRows, pendingBytes: this.pendingBytes, inFlight: this.inFlight, waitingCallers: this.waiting.length };
  }

  /** An oversized caller is admitted alone when nothing else is held, so it cannot wait forever. */
  private fits(bytes: number): boolean {
    return this.pendingBytes + bytes <= this.opts.maxPendingBytes || this.pendingBytes === 0;
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.buffer.length === 0 && this.waiting.length === 0;
  }

  private release(bytes: number): void {
    this.pendingBytes -= bytes;
    while (this.waiting.length) {
      const next = this.waiting[0];
      if (!this.fits(next.bytes)) break;
      this.waiting.shift();
      this.pendingBytes += next.bytes;
      next.admit();
    }
  }

  private enqueue(entry: Entry<Row>, front: boolean): void {
    if (front) this.buffer.unshift(entry);
    else this.buffer.push(entry);
    this.bufferedRows += entry.rows.length;
    this.bufferedBytes += entry.bytes;
    this.drain(false);
  }

  /** Starts appends while a batch is due (full, or forced) and a slot is free; else arms the timer. */
  private drain(forced: boolean): void {
    const force = forced || this.idle.length > 0;
    while (this.buffer.length && this.inFlight < this.opts.maxInFlight) {
      const full = this.bufferedRows >= this.opts.maxRows || this.bufferedBytes >= this.opts.maxBytes;
      if (!full && !force) break;
      this.send(this.takeBatch());
    }
    if (this.buffer.length && !this.timer && this.inFlight < this.opts.maxInFlight) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain(true);
      }, this.opts.maxDelayMs);
    }
    if (!this.buffer.length && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Whole callers, in arrival order, up to maxRows/maxBytes (at least one caller). */
  private takeBatch(): Entry<Row>[] {
    const batch: Entry<Row>[] = [];
    let rows = 0;
    let bytes = 0;
    while (this.buffer.length) {
      const e = this.buffer[0];
      if (batch.length && (rows + e.rows.length > this.opts.maxRows || bytes + e.bytes > this.opts.maxBytes)) break;
      this.buffer.shift();
      batch.push(e);
      rows += e.rows.length;
      bytes += e.bytes;
    }
    this.bufferedRows -= rows;
    this.bufferedBytes -= bytes;
    return batch;
  }

  private send(batch: Entry<Row>[]): void {
    this.inFlight += 1;
    const rows = batch.flatMap((e) => e.rows);
    let settled: Promise<AppendResult>;
    try {
      settled = this.append(rows);
    } catch (e) {
      settled = Promise.reject(e);
    }
    settled
      .then(
        (result) => this.settle(batch, rows.length, result),
        (e: unknown) => this.fail(batch, e),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.drain(false);
        if (this.isIdle()) for (const done of this.idle.splice(0)) done();
      });
  }

  private settle(batch: Entry<Row>[], total: number, result: AppendResult): void {
    if (!result.rowErrors.length) {
      this.counters.appends += 1;
      this.counters.rowsAppended += total;
      for (const e of batch) {
        this.release(e.bytes);
        e.resolve();
      }
      return;
    }
    // BigQuery writes no row of a request with row errors: fail the owners, send the others again.
    this.counters.failedAppends += 1;
    const byEntry = new Map<Entry<Row>, RowError[]>();
    let start = 0;
    const owners = batch.map((e) => {
      const range = { entry: e, start, end: start + e.rows.length };
      start += e.rows.length;
      return range;
    });
    for (const err of result.rowErrors) {
      const owner = owners.find((o) => err.index >= o.start && err.index < o.end);
      if (!owner) continue;
      const list = byEntry.get(owner.entry) ?? [];
      list.push({ index: err.index - owner.start, message: err.message });
      byEntry.set(owner.entry, list);
    }
    if (byEntry.size === 0) {
      this.fail(batch, new Error(`append reported row errors outside the batch: ${JSON.stringify(result.rowErrors).slice(0, 200)}`));
      return;
    }
    const retry: Entry<Row>[] = [];
    for (const e of batch) {
      const errors = byEntry.get(e);
      if (errors) {
        this.release(e.bytes);
        e.reject(new RowErrorsError(errors));
      } else retry.push(e);
    }
    for (const e of retry.reverse()) this.enqueue(e, true);
  }

  private fail(batch: Entry<Row>[], e: unknown): void {
    this.counters.failedAppends += 1;
    const err =
      e instanceof PizzaflowError && !(e instanceof RetryableError)
        ? e
        : e instanceof RetryableError
          ? e
          : new RetryableError(`append of ${batch.length} caller(s) failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
    for (const entry of batch) {
      this.release(entry.bytes);
      entry.reject(err);
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
