// Reconciliation without I/O: every published message must be a raw row, a rejected row (R6) or a
// rejected row since replayed into raw, and every POS row the manifest says was loaded must be in raw
// exactly once.
import { TOPICS } from '../../contracts/catalog/platform';
import type { PlatformCatalog } from '../../contracts/catalog';
import { accountReplays, STREAM_SOURCES, type LostDay, type LostEvent, type LostTotal, type RawLanding, type ReplayRun, type StreamSource } from './replayed';

export type { LostDay, LostEvent, RawLanding, ReplayRun, StreamSource } from './replayed';

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
  /**
   * A message `pizzaflow replay` published (attribute pizzaflow_replay_id) refused again: not a
   * published message, so it does not count towards what is accounted for.
   */
  fromReplay?: boolean;
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
  /**
   * What replays brought back: rejected rows whose event id is in raw, those raw messages, and the
   * replays that published. Without it nothing counts as replayed.
   */
  replays?: { lost: LostRow[]; landings: RawLanding[]; runs: ReplayRun[] };
}

/** A rejected_events row whose event id also occurs in raw, as stored (dead letters not yet resolved to their flow). */
export type LostRow = Omit<LostEvent, 'flow'> & { deadLetterFrom: string | null };

export interface SourceAccount {
  source: StreamSource;
  /** Raw messages that are not replays' copies. */
  raw: number;
  replayed: number;
  stillRejected: number;
  stillDeadLettered: number;
  /** Raw messages that are replays of an event counted in `replayed`. */
  replayCopies: number;
  /** Replayed messages refused again (in rejected_events, not counted). */
  refusedAgain: number;
  redelivered: number;
  accounted: number;
  published?: number;
}

export interface ReconcileReport {
  ok: boolean;
  lines: string[];
  problems: string[];
  /** Per source, published messages accounted for. */
  sources: SourceAccount[];
  /** Per source and day of rejection: rejected and dead-lettered events, replayed or still lost. */
  lost: LostDay[];
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
    const reasons = new Map<string, number>();
    for (const r of rejected) reasons.set(r.reasonCode, (reasons.get(r.reasonCode) ?? 0) + r.rows);
    const byReason = [...reasons].map(([reason, rows]) => `${reason}=${rows}`).join(', ') || '0';
    lines.push(`${source.padEnd(16)} ${hour.padEnd(20)} ${String(raw?.rows ?? 0).padStart(8)}  ${String(raw?.distinctIds ?? 0).padStart(12)}  ${byReason}`);
  }
  const flowOf = (r: RejectedHour): StreamSource | undefined =>
    r.source === 'dead_letter' ? (r.deadLetterFrom === null ? undefined : subscriptionSource.get(subscriptionName(r.deadLetterFrom))) : STREAM_SOURCES.find((s) => s === r.source);
  const totals: LostTotal[] = [];
  for (const r of input.rejected) {
    const flow = flowOf(r);
    if (flow && !r.fromReplay) totals.push({ flow, day: r.hour.slice(0, 10), deadLettered: r.source === 'dead_letter', rows: r.rows });
  }
  const candidates: LostEvent[] = [];
  for (const { deadLetterFrom, ...row } of input.replays?.lost ?? []) {
    const flow = flowOf({ source: row.source, deadLetterFrom, hour: '', reasonCode: row.reasonCode, rows: 1 });
    if (flow) candidates.push({ ...row, flow });
  }
  const account = accountReplays(totals, candidates, input.replays?.landings ?? [], input.replays?.runs ?? []);
  const sources: SourceAccount[] = [];
  for (const source of STREAM_SOURCES) {
    const days = account.days.filter((d) => d.flow === source);
    const replayCopies = account.replayCopies[source];
    const raw = sum(input.raw.filter((r) => r.source === source).map((r) => r.rows)) - replayCopies;
    const replayed = sum(days.map((d) => d.replayed));
    const stillRejected = sum(days.map((d) => d.stillRejected));
    const stillDeadLettered = sum(days.map((d) => d.stillDeadLettered));
    const refusedAgain = sum(input.rejected.filter((r) => r.fromReplay && flowOf(r) === source).map((r) => r.rows));
    const redelivered = input.redelivered?.[source] ?? 0;
    const accounted = raw + replayed + stillRejected + stillDeadLettered - redelivered;
    const published = input.published?.[source];
    sources.push({ source, raw, replayed, stillRejected, stillDeadLettered, replayCopies, refusedAgain, redelivered, accounted, ...(published === undefined ? {} : { published }) });
    const copies = redelivered ? ` - ${redelivered} redelivered copies` : '';
    lines.push(`${source}: ${raw} raw + ${replayed} replayed + ${stillRejected} still rejected + ${stillDeadLettered} still dead-lettered${copies} = ${accounted}${published === undefined ? '' : ` of ${published} published`}`);
    if (replayCopies || refusedAgain) lines.push(`  not counted again: ${replayCopies} replayed copies in raw, ${refusedAgain} replayed messages refused again`);
    if (published !== undefined && published !== accounted) problems.push(`${source}: ${published} published but ${accounted} accounted for (${published > accounted ? `${published - accounted} missing` : `${accounted - published} more than published`})`);
  }
  if (account.days.length) {
    lines.push('lost events by day rejected (replayed: rejected or dead-lettered, replayed, now in raw):');
    lines.push('  source           day         rejected  dead-lettered  replayed  still rejected  still dead-lettered');
    for (const d of account.days) {
      lines.push(`  ${d.flow.padEnd(16)} ${d.day.padEnd(10)} ${String(d.rejected).padStart(9)}  ${String(d.deadLettered).padStart(13)}  ${String(d.replayed).padStart(8)}  ${String(d.stillRejected).padStart(14)}  ${String(d.stillDeadLettered).padStart(19)}`);
    }
  }
  const unknownDeadLetters = sum(input.rejected.filter((r) => r.source === 'dead_letter' && !flowOf(r)).map((r) => r.rows));
  if (unknownDeadLetters) lines.push(`dead_letter: ${unknownDeadLetters} rows from unknown subscriptions`);
  let posFiles = 0;
  for (const f of input.pos) {
    posFiles += 1;
    if (f.manifestTransactions !== f.rawTransactions) problems.push(`pos ${f.sourceObject}: manifest says ${f.manifestTransactions} transactions, raw has ${f.rawTransactions}`);
    if (f.manifestInventory !== f.rawInventory) problems.push(`pos ${f.sourceObject}: manifest says ${f.manifestInventory} inventory movements, raw has ${f.rawInventory}`);
  }
  lines.push(`pos: ${posFiles} files checked, ${sum(input.pos.map((f) => f.rawTransactions))} transactions, ${sum(input.pos.map((f) => f.rawInventory))} inventory movements in raw`);
  lines.push(problems.length ? `UNACCOUNTED: ${problems.length} problem(s)` : 'reconciled: everything is accounted for');
  return { ok: problems.length === 0, lines: [...lines, ...problems.map((p) => `  ${p}`)], problems, sources, lost: account.days };
}

/** The attribute holds `projects/<p>/subscriptions/<name>`; the catalog names subscriptions by `<name>`. */
function subscriptionName(path: string): string {
  return path.split('/').pop() ?? path;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
