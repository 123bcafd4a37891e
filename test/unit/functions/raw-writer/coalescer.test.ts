// The raw writer's coalescing core against a fake append: no sockets, no timers beyond maxDelayMs.
import { RetryableError } from '../../../../functions/runtime/errors';
import { type AppendResult, Coalescer } from '../../../../functions/ingest/raw-writer/coalescer';
import { RequestTooLargeError, RowErrorsError } from '../../../../functions/ingest/raw-writer/errors';

interface Row {
  caller: number;
  i: number;
  bad?: boolean;
}

interface Call {
  rows: Row[];
  settle(result?: AppendResult): void;
  fail(e: Error): void;
}

/** An append whose calls the test settles by hand. */
function manualAppend(): { append: (rows: Row[]) => Promise<AppendResult>; calls: Call[] } {
  const calls: Call[] = [];
  const append = (rows: Row[]): Promise<AppendResult> =>
    new Promise<AppendResult>((resolve, reject) => {
      calls.push({ rows: [...rows], settle: (r = { rowErrors: [] }) => resolve(r), fail: reject });
    });
  return { append, calls };
}

/** An append that succeeds at once, recording the batches; fails or reports row errors on demand. */
function recordingAppend(behaviour: (rows: Row[], n: number) => AppendResult | Error = () => ({ rowErrors: [] })) {
  const batches: Row[][] = [];
  const append = async (rows: Row[]): Promise<AppendResult> => {
    batches.push([...rows]);
    await new Promise((r) => setImmediate(r));
    const out = behaviour(rows, batches.length);
    if (out instanceof Error) throw out;
    return out;
  };
  return { append, batches };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const outcome = (p: Promise<void>) => p.then(() => 'ok' as const, (e: unknown) => e);

describe('raw writer coalescer', () => {
  it('serves 1,000 concurrent callers with a bounded number of appends', async () => {
    const { append, batches } = recordingAppend();
    const c = new Coalescer<Row>(append, { maxRows: 100, maxDelayMs: 5, maxInFlight: 4 });
    await Promise.all(Array.from({ length: 1000 }, (_, caller) => c.write([{ caller, i: 0 }])));
    expect(batches.length).toBeLessThanOrEqual(12);
    expect(batches.flat()).toHaveLength(1000);
    expect(new Set(batches.flat().map((r) => r.caller)).size).toBe(1000);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    expect(c.stats()).toMatchObject({ appends: batches.length, rowsAppended: 1000, pendingBytes: 0, bufferedRows: 0 });
  });

  it('acknowledges nobody before the append holding their rows has succeeded', async () => {
    const { append, calls } = manualAppend();
    const c = new Coalescer<Row>(append, { maxRows: 10, maxDelayMs: 1, maxInFlight: 1 });
    const acked: number[] = [];
    const writes = Array.from({ length: 20 }, (_, caller) => c.write([{ caller, i: 0 }]).then(() => acked.push(caller)));
    await tick();
    expect(calls).toHaveLength(1); // one in flight at most
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toEqual([]);
    calls[0].settle();
    await tick();
    await tick();
    expect(acked.sort((a, b) => a - b)).toEqual(calls[0].rows.map((r) => r.caller));
    expect(calls).toHaveLength(2);
    calls[1].settle();
    await Promise.all(writes);
    expect(acked).toHaveLength(20);
  });

  it('fails exactly the callers of a failed append, with a RetryableError', async () => {
    const { append, batches } = recordingAppend((_rows, n) => (n === 2 ? new Error('UNAVAILABLE: connection reset') : { rowErrors: [] }));
    const c = new Coalescer<Row>(append, { maxRows: 10, maxDelayMs: 1, maxInFlight: 1 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, caller) => outcome(c.write([{ caller, i: 0 }, { caller, i: 1 }]))));
    const failedCallers = new Set(batches[1].map((r) => r.caller));
    expect(failedCallers.size).toBe(5);
    results.forEach((r, caller) => {
      if (failedCallers.has(caller)) {
        expect(r).toBeInstanceOf(RetryableError);
        expect((r as RetryableError).cause).toBeInstanceOf(Error);
      } else expect(r).toBe('ok');
    });
    expect(c.stats().failedAppends).toBe(1);
  });

  it('never splits one caller across appends', async () => {
    const { append, batches } = recordingAppend();
    const c = new Coalescer<Row>(append, { maxRows: 10, maxDelayMs: 1 });
    await Promise.all(Array.from({ length: 12 }, (_, caller) => c.write(Array.from({ length: 3 }, (_, i) => ({ caller, i })))));
    for (let caller = 0; caller < 12; caller++) expect(batches.filter((b) => b.some((r) => r.caller === caller))).toHaveLength(1);
  });

  it('returns row errors to the caller owning the rows and writes everyone else', async () => {
    const { append, batches } = recordingAppend((rows) => ({ rowErrors: rows.flatMap((r, index) => (r.bad ? [{ index, message: `bad row ${r.caller}/${r.i}` }] : [])) }));
    const c = new Coalescer<Row>(append, { maxRows: 100, maxDelayMs: 1 });
    const results = await Promise.all([
      outcome(c.write([{ caller: 0, i: 0 }])),
      outcome(c.write([{ caller: 1, i: 0 }, { caller: 1, i: 1, bad: true }, { caller: 1, i: 2 }])),
      outcome(c.write([{ caller: 2, i: 0 }])),
    ]);
    expect(results[0]).toBe('ok');
    expect(results[2]).toBe('ok');
    const err = results[1] as RowErrorsError;
    expect(err).toBeInstanceOf(RowErrorsError);
    expect(err.rowErrors).toEqual([{ index: 1, message: 'bad row 1/1' }]);
    // The refused request wrote nothing; the retry carries callers 0 and 2 only.
    expect(batches).toHaveLength(2);
    expect(batches[1].map((r) => r.caller)).toEqual([0, 2]);
  });

  it('flushes after maxDelayMs when the batch is not full, and at maxBytes when it is large', async () => {
    const { append, batches } = recordingAppend();
    const c = new Coalescer<Row>(append, { maxRows: 1000, maxDelayMs: 30, maxBytes: 1000, maxRequestBytes: 2000, sizeOf: () => 300 });
    const started = Date.now();
    await c.write([{ caller: 0, i: 0 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await Promise.all([0, 1, 2, 3, 4, 5].map((caller) => c.write([{ caller, i: 0 }])));
    expect(batches.slice(1).map((b) => b.length)).toEqual([3, 3]); // 3 × 300 bytes fit under 1000
  });

  it('applies back-pressure: pending bytes stay bounded and callers wait', async () => {
    const { append, calls } = manualAppend();
    const c = new Coalescer<Row>(append, { maxRows: 5, maxDelayMs: 1, maxInFlight: 2, maxBytes: 500, maxPendingBytes: 1000, sizeOf: () => 100 });
    let done = 0;
    const writes = Array.from({ length: 50 }, (_, caller) => c.write([{ caller, i: 0 }]).then(() => done++));
    expect(c.stats()).toMatchObject({ pendingBytes: 1000, waitingCallers: 40 });
    let peak = 0;
    const t0 = Date.now();
    while (done < 50 && Date.now() - t0 < 10_000) {
      await tick();
      peak = Math.max(peak, c.stats().pendingBytes);
      expect(c.stats().pendingBytes).toBeLessThanOrEqual(1000);
      const open = calls.find((x) => !(x as Call & { done?: boolean }).done);
      if (open) {
        (open as Call & { done?: boolean }).done = true;
        open.settle();
      }
    }
    await Promise.all(writes);
    expect(peak).toBe(1000);
    expect(done).toBe(50);
  });

  it('refuses a caller whose rows cannot fit one append', async () => {
    const c = new Coalescer<Row>(async () => ({ rowErrors: [] }), { maxRequestBytes: 1000, maxBytes: 1000, sizeOf: () => 600 });
    await expect(c.write([{ caller: 0, i: 0 }, { caller: 0, i: 1 }])).rejects.toBeInstanceOf(RequestTooLargeError);
  });

  it('flush() waits for buffered and in-flight rows; close() refuses later writes', async () => {
    const { append, batches } = recordingAppend();
    const c = new Coalescer<Row>(append, { maxRows: 1000, maxDelayMs: 10_000 });
    const w = c.write([{ caller: 0, i: 0 }]);
    await c.close();
    await w;
    expect(batches).toHaveLength(1);
    await expect(c.write([{ caller: 1, i: 0 }])).rejects.toBeInstanceOf(RetryableError);
  });
});
