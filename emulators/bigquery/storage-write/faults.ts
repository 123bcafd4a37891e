// Test-only fault injection for AppendRows: the next appends fail, or are written and answered late,
// on demand, so tests can prove what ingestion does when the service errs or outlives a deadline.
// Nothing is injected unless a test asks; faults apply in the order they were armed, one per append.
import { status } from '@grpc/grpc-js';

export type AppendFault = { kind: 'fail'; code: status; message: string } | { kind: 'hang'; ms: number };

export class AppendFaults {
  private readonly armed: AppendFault[] = [];
  private counts = { failed: 0, hung: 0 };

  /** The next `n` AppendRows requests write nothing and are answered with `code` (in the response's
   * `error`, the connection stays open, as the service reports a failed request). */
  failNext(n: number, code: status = status.UNAVAILABLE, message = 'injected by the emulator: the service is unavailable'): void {
    for (let i = 0; i < n; i++) this.armed.push({ kind: 'fail', code, message });
  }

  /** The next `n` AppendRows requests are written at once but answered only `ms` later: past a
   * client's deadline the append looks failed although its rows are durable (the ambiguous case). */
  hangNext(n: number, ms: number): void {
    for (let i = 0; i < n; i++) this.armed.push({ kind: 'hang', ms });
  }

  /** Disarms whatever has not fired yet. */
  clear(): void {
    this.armed.length = 0;
  }

  /** Faults armed and not yet fired. */
  pending(): number {
    return this.armed.length;
  }

  /** Faults fired so far, by kind. */
  injected(): { failed: number; hung: number } {
    return { ...this.counts };
  }

  /** The fault for the append arriving now, if any (the emulator's AppendRows handler calls this). */
  take(): AppendFault | undefined {
    const fault = this.armed.shift();
    if (fault?.kind === 'fail') this.counts.failed++;
    if (fault?.kind === 'hang') this.counts.hung++;
    return fault;
  }
}
