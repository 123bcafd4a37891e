// Reconciliation without I/O: every published message must be a raw row or a rejected row (R6), and
// every POS row the manifest says was loaded must be in raw exactly once.
import { TOPICS } from '../../contracts/catalog/platform';
import type { PlatformCatalog } from '../../contracts/catalog';

export type StreamSource = 'online_orders' | 'delivery_events';

export interface RawHour {
  source: StreamSource;
  hour: string;
  rows: number;
  distinctIds: number;
}

export interface RejectedHour {
  source: string;
  hour: string;
  reasonCode: string;
  rows: number;
  /** For dead_letter rows: the subscription the message was dead-lettered from. */
  deadLetterFrom: string | null;
}

export interface PosFileCheck {
  sourceObject: string;
  manifestTransactions: number;
  manifestInventory: number;
  rawTransactions: number;
  rawInventory: number;
}

export interface ReconcileInput {
  raw: RawHour[];
  rejected: RejectedHour[];
  pos: PosFileCheck[];
  /** Messages published per source, when known (e.g. counted from the generator's output). */
  published?: Partial<Record<StreamSource, number>>;
  /**
   * Rows per source that are a second copy of a message already in raw or rejected_events (same
   * Pub/Sub message id): a redelivery after an append that was durable but unanswered. They are
   * not published messages, so they do not count towards what is accounted for.
   */
  redelivered?: Partial<Record<StreamSource, number>>;
}

export interface ReconcileReport {
  ok: boolean;
  lines: string[];
  problems: string[];
}

const TOPIC_SOURCE: Record<string, StreamSource> = { [TOPICS.onlineOrders]: 'online_orders', [TOPICS.deliveryEvents]: 'delivery_events' };

export function reconcile(input: ReconcileInput, catalog: Pick<PlatformCatalog, 'subscriptions'>): ReconcileReport {
  const lines: string[] = [];
  const problems: string[] = [];
  const subscriptionSource = new Map(catalog.subscriptions.map((s) => [s.name, TOPIC_SOURCE[s.topic]]));
  lines.push('source           hour                 raw rows  distinct ids  rejected');
  const hours = [...new Set([...input.raw.map((r) => `${r.source}|${r.hour}`), ...input.rejected.filter((r) => r.source !== 'pos').map((r) => `${r.source}|${r.hour}`)])].sort();
  for (const key of hours) {
    const [source, hour] = key.split('|') as [string, string];
    const raw = input.raw.find((r) => r.source === source && r.hour === hour);
    const rejected = input.rejected.filter((r) => r.source === source && r.hour === hour);
    const byReason = rejected.map((r) => `${r.reasonCode}=${r.rows}`).join(', ') || '0';
    lines.push(`${source.padEnd(16)} ${hour.padEnd(20)} ${String(raw?.rows ?? 0).padStart(8)}  ${String(raw?.distinctIds ?? 0).padStart(12)}  ${byReason}`);
  }
  for (const source of ['online_orders', 'delivery_events'] as const) {
    const raw = sum(input.raw.filter((r) => r.source === source).map((r) => r.rows));
    const direct = sum(input.rejected.filter((r) => r.source === source).map((r) => r.rows));
    const deadLettered = sum(input.rejected.filter((r) => r.source === 'dead_letter' && r.deadLetterFrom !== null && subscriptionSource.get(r.deadLetterFrom) === source).map((r) => r.rows));
    const redelivered = input.redelivered?.[source] ?? 0;
    const accounted = raw + direct + deadLettered - redelivered;
    const published = input.published?.[source];
    const copies = redelivered ? ` - ${redelivered} redelivered copies` : '';
    lines.push(`${source}: ${raw} raw + ${direct} rejected + ${deadLettered} dead-lettered${copies} = ${accounted}${published === undefined ? '' : ` of ${published} published`}`);
    if (published !== undefined && published !== accounted) problems.push(`${source}: ${published} published but ${accounted} accounted for (${published > accounted ? `${published - accounted} missing` : `${accounted - published} more than published`})`);
  }
  const unknownDeadLetters = sum(input.rejected.filter((r) => r.source === 'dead_letter' && (r.deadLetterFrom === null || !subscriptionSource.get(r.deadLetterFrom))).map((r) => r.rows));
  if (unknownDeadLetters) lines.push(`dead_letter: ${unknownDeadLetters} rows from unknown subscriptions`);
  let posFiles = 0;
  for (const f of input.pos) {
    posFiles += 1;
    if (f.manifestTransactions !== f.rawTransactions) problems.push(`pos ${f.sourceObject}: manifest says ${f.manifestTransactions} transactions, raw has ${f.rawTransactions}`);
    if (f.manifestInventory !== f.rawInventory) problems.push(`pos ${f.sourceObject}: manifest says ${f.manifestInventory} inventory movements, raw has ${f.rawInventory}`);
  }
  lines.push(`pos: ${posFiles} files checked, ${sum(input.pos.map((f) => f.rawTransactions))} transactions, ${sum(input.pos.map((f) => f.rawInventory))} inventory movements in raw`);
  lines.push(problems.length ? `UNACCOUNTED: ${problems.length} problem(s)` : 'reconciled: everything is accounted for');
  return { ok: problems.length === 0, lines: [...lines, ...problems.map((p) => `  ${p}`)], problems };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
