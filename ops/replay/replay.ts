// `pizzaflow replay`: puts rejected events back through the pipeline after the cause is fixed — a
// BigQuery outage that outlasted the retries (dead_lettered), a contract fixed to accept what it
// refused. Selected rows of raw.rejected_events (by reason, source and time) are published again to
// the topic of the flow they came from, with `pizzaflow_replay_id`; ingest writes them to raw as any
// message, and staging keeps one row per event, so replaying twice still counts each event once.
// A dry run says what would be published; every run is recorded in ops.replays.
import { randomUUID } from 'node:crypto';
import { TOPICS, type PlatformCatalog } from '../../contracts/catalog';
import type { RejectedEvent, ReplayRecord } from '../../contracts/ops';

export type ReplayableRow = Pick<RejectedEvent, 'rejected_at' | 'source' | 'reason_code' | 'event_id' | 'message_id' | 'subscription' | 'attributes' | 'payload'>;

export interface ReplayFilter {
  reasons: RejectedEvent['reason_code'][];
  /** Empty: every source. */
  sources: RejectedEvent['source'][];
  /** ISO timestamps: rejected_at in [from, to). */
  from: string;
  to: string;
}

export interface ReplayPorts {
  selectRejected(filter: ReplayFilter): Promise<ReplayableRow[]>;
  publish(topic: string, data: Buffer, attributes: Record<string, string>): Promise<string>;
  record(row: ReplayRecord): Promise<void>;
}

export interface ReplayPlanItem {
  row: ReplayableRow;
  topic?: string;
  /** Why the row cannot go back through Pub/Sub (then `topic` is absent). */
  skip?: string;
}

export interface ReplayReport {
  replayId: string;
  dryRun: boolean;
  selected: number;
  published: number;
  skipped: { eventId: string | null; why: string }[];
  /** `<source>/<reason> → <topic>` → count. */
  byRoute: Record<string, number>;
}

const DEAD_LETTER_ATTRIBUTE = /^CloudPubSubDeadLetter/;
const FLOW_TOPICS: Partial<Record<RejectedEvent['source'], string>> = { online_orders: TOPICS.onlineOrders, delivery_events: TOPICS.deliveryEvents };

/** The topic a rejected row goes back to, or why it cannot. Pure. */
export function routeOf(row: ReplayableRow, catalog: Pick<PlatformCatalog, 'subscriptions'>): ReplayPlanItem {
  if (row.source === 'pos') return { row, skip: 'POS rows come from files: land the corrected file again instead' };
  const direct = FLOW_TOPICS[row.source];
  if (direct) return { row, topic: direct };
  // A dead letter: back to the topic of the subscription that gave up on it.
  const from = row.attributes?.CloudPubSubDeadLetterSourceSubscription ?? '';
  const name = from.split('/').pop() ?? '';
  const sub = catalog.subscriptions.find((s) => s.name === name && s.topic !== TOPICS.deadLetter);
  return sub ? { row, topic: sub.topic } : { row, skip: `dead-lettered from an unknown subscription "${from}"` };
}

/** Attributes of the replayed message: the original ones without the dead-letter bookkeeping, plus the replay id. */
export function replayAttributes(row: ReplayableRow, replayId: string): Record<string, string> {
  const kept = Object.entries(row.attributes ?? {}).filter(([k]) => !DEAD_LETTER_ATTRIBUTE.test(k));
  return { ...Object.fromEntries(kept), pizzaflow_replay_id: replayId };
}

export function checkFilter(f: ReplayFilter): string | undefined {
  if (f.reasons.length === 0) return 'give at least one --reason (dead_lettered, schema_violation, …)';
  const from = Date.parse(f.from);
  const to = Date.parse(f.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return '--from and --to must be timestamps (2026-12-06T00:00:00Z) or dates';
  if (from >= to) return `--from (${f.from}) must be before --to (${f.to})`;
  return undefined;
}

export async function replay(ports: ReplayPorts, catalog: Pick<PlatformCatalog, 'subscriptions'>, filter: ReplayFilter, options: { dryRun: boolean; now?: () => Date; replayId?: string }): Promise<ReplayReport> {
  const problem = checkFilter(filter);
  if (problem) throw new RangeError(problem);
  const replayId = options.replayId ?? `replay-${randomUUID()}`;
  const rows = await ports.selectRejected(filter);
  const plan = rows.map((row) => routeOf(row, catalog));
  const report: ReplayReport = { replayId, dryRun: options.dryRun, selected: rows.length, published: 0, skipped: [], byRoute: {} };
  for (const item of plan) {
    if (!item.topic) {
      report.skipped.push({ eventId: item.row.event_id, why: item.skip! });
      continue;
    }
    const route = `${item.row.source}/${item.row.reason_code} → ${item.topic}`;
    report.byRoute[route] = (report.byRoute[route] ?? 0) + 1;
    if (options.dryRun) continue;
    await ports.publish(item.topic, Buffer.from(item.row.payload, 'utf8'), replayAttributes(item.row, replayId));
    report.published++;
  }
  await ports.record({
    replayed_at: (options.now?.() ?? new Date()).toISOString(),
    replay_id: replayId,
    dry_run: options.dryRun,
    reason_codes: filter.reasons,
    sources: filter.sources,
    rejected_from: new Date(filter.from).toISOString(),
    rejected_to: new Date(filter.to).toISOString(),
    selected: report.selected,
    published: report.published,
    skipped: report.skipped.length,
  });
  return report;
}
