// Reads what reconciliation compares: raw and rejected counts per hour, the POS manifest against raw
// per file, what replays brought back into raw, and (optionally) how many messages the generator's
// output published per source.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { REJECT_REASONS, REJECT_SOURCES } from '../../contracts/ops';
import type { LostRow, PosFileCheck, RawHour, RawLanding, ReconcileInput, RejectedHour, ReplayRun, StreamSource } from './reconcile';

const STREAM_TABLES = [['online_orders', 'online_order_events'], ['delivery_events', 'delivery_events']] as const;

/** Rows from `sinceDate` (YYYY-MM-DD) on; literal date filters, which every partitioned table accepts. */
export async function collectReconcileInput(bq: BigQuery, project: string, sinceDate: string): Promise<ReconcileInput> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(sinceDate)) throw new RangeError(`expected YYYY-MM-DD, got ${sinceDate}`);
  const t = (dataset: string, table: string) => `\`${project}.${dataset}.${table}\``;
  const rows = async (sql: string) => (await bq.query({ query: sql }))[0] as Record<string, unknown>[];
  const raw: RawHour[] = [];
  for (const [source, table] of STREAM_TABLES) {
    for (const r of await rows(`SELECT TIMESTAMP_TRUNC(ingested_at, HOUR) AS hour, COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}' GROUP BY hour`)) {
      raw.push({ source: source as StreamSource, hour: hourText(r.hour), rows: Number(r.n), distinctIds: Number(r.ids) });
    }
  }
  const rejected: RejectedHour[] = (
    await rows(
      `SELECT source, reason_code, TIMESTAMP_TRUNC(rejected_at, HOUR) AS hour, JSON_VALUE(attributes, '$.CloudPubSubDeadLetterSourceSubscription') AS dl_from,
              JSON_VALUE(attributes, '$.pizzaflow_replay_id') AS replay_id, COUNT(*) AS n
       FROM ${t('raw', 'rejected_events')} WHERE DATE(rejected_at) >= '${sinceDate}' GROUP BY source, reason_code, hour, dl_from, replay_id`,
    )
  ).map((r) => ({ source: String(r.source), reasonCode: String(r.reason_code), hour: hourText(r.hour), rows: Number(r.n), deadLetterFrom: (r.dl_from as string | null) ?? null, fromReplay: r.replay_id !== null && r.replay_id !== undefined }));
  const files = new Map<string, PosFileCheck>();
  const file = (uri: string): PosFileCheck => {
    let f = files.get(uri);
    if (!f) files.set(uri, (f = { sourceObject: uri, manifestTransactions: 0, manifestInventory: 0, rawTransactions: 0, rawInventory: 0 }));
    return f;
  };
  for (const r of await rows(`SELECT bucket, object_name, transaction_rows, inventory_rows FROM ${t('ops', 'load_manifest')} WHERE status = 'loaded' AND DATE(recorded_at) >= '${sinceDate}'`)) {
    const f = file(`gs://${String(r.bucket)}/${String(r.object_name)}`);
    f.manifestTransactions += Number(r.transaction_rows);
    f.manifestInventory += Number(r.inventory_rows);
  }
  for (const [table, key] of [['pos_transactions', 'rawTransactions'], ['inventory_movements', 'rawInventory']] as const) {
    for (const r of await rows(`SELECT source_object, COUNT(*) AS n FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}' GROUP BY source_object`)) {
      file(String(r.source_object))[key] += Number(r.n);
    }
  }
  // A message in raw (or rejected_events) more than once was redelivered: count each message once.
  const redelivered: Partial<Record<StreamSource, number>> = {};
  for (const [source, table] of STREAM_TABLES) {
    const [r] = await rows(
      `SELECT (SELECT COUNT(*) - COUNT(DISTINCT message_id) FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}')
            + (SELECT COUNT(message_id) - COUNT(DISTINCT message_id) FROM ${t('raw', 'rejected_events')} WHERE DATE(rejected_at) >= '${sinceDate}' AND source = '${source}') AS n`,
    );
    redelivered[source] = Number(r?.n ?? 0);
  }
  const replays = await collectReplays(rows, t, sinceDate);
  return { raw, rejected, redelivered, replays, pos: [...files.values()].sort((a, b) => a.sourceObject.localeCompare(b.sourceObject)) };
}

type Rows = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Only the rejected rows whose event id reached raw can have been replayed, so only those are read
 * one by one (a flood of refused junk stays in the hourly counts); with the raw messages of those
 * event ids and the replays that published.
 */
async function collectReplays(rows: Rows, t: (dataset: string, table: string) => string, sinceDate: string): Promise<NonNullable<ReconcileInput['replays']>> {
  const rejectedIds = `SELECT event_id FROM ${t('raw', 'rejected_events')} WHERE DATE(rejected_at) >= '${sinceDate}' AND source != 'pos' AND event_id IS NOT NULL`;
  const inRaw = STREAM_TABLES.map(([, table]) => `event_id IN (SELECT event_id FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}')`).join(' OR ');
  // A replayed copy refused again is no lost event of its own: dropped here rather than in the WHERE
  // clause, where `… AND JSON_VALUE(…) IS NULL` trips the local BigQuery emulator's translation.
  const lost: LostRow[] = (
    await rows(
      `SELECT source, reason_code, rejected_at, event_id, JSON_VALUE(attributes, '$.CloudPubSubDeadLetterSourceSubscription') AS dl_from,
              JSON_VALUE(attributes, '$.pizzaflow_replay_id') AS replay_id
       FROM ${t('raw', 'rejected_events')}
       WHERE DATE(rejected_at) >= '${sinceDate}' AND source != 'pos' AND event_id IS NOT NULL AND (${inRaw})`,
    )
  )
    .filter((r) => r.replay_id === null || r.replay_id === undefined)
    .map((r) => ({ source: oneOf(REJECT_SOURCES, r.source), reasonCode: oneOf(REJECT_REASONS, r.reason_code), rejectedAt: timestampText(r.rejected_at), eventId: String(r.event_id), deadLetterFrom: (r.dl_from as string | null) ?? null }));
  const landings: RawLanding[] = [];
  for (const [flow, table] of STREAM_TABLES) {
    for (const r of await rows(`SELECT event_id, message_id, MIN(ingested_at) AS first_at FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}' AND event_id IN (${rejectedIds}) GROUP BY event_id, message_id`)) {
      landings.push({ flow, eventId: String(r.event_id), messageId: String(r.message_id), ingestedAt: timestampText(r.first_at) });
    }
  }
  const runs: ReplayRun[] = (
    await rows(`SELECT replay_id, replayed_at, reason_codes, sources, rejected_from, rejected_to FROM ${t('ops', 'replays')} WHERE DATE(replayed_at) >= '${sinceDate}' AND NOT dry_run AND published > 0`)
  ).map((r) => ({
    replayId: String(r.replay_id),
    replayedAt: timestampText(r.replayed_at),
    reasonCodes: ((r.reason_codes as unknown[] | null) ?? []).map((c) => oneOf(REJECT_REASONS, c)),
    sources: ((r.sources as unknown[] | null) ?? []).map((s) => oneOf(REJECT_SOURCES, s)),
    rejectedFrom: timestampText(r.rejected_from),
    rejectedTo: timestampText(r.rejected_to),
  }));
  return { lost, landings, runs };
}

function oneOf<T extends string>(values: readonly T[], v: unknown): T {
  const text = String(v);
  if (!(values as readonly string[]).includes(text)) throw new RangeError(`unexpected value "${text}" (expected one of ${values.join(', ')})`);
  return text as T;
}

function timestampText(v: unknown): string {
  const text = v !== null && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : String(v);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** Messages per source in a `pizzaflow generate` output directory: one Pub/Sub payload per line. */
export function countPublished(outDir: string): Record<StreamSource, number> {
  const count = (dir: string): number => {
    if (!existsSync(dir)) return 0;
    let n = 0;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) n += count(path);
      else if (name.endsWith('.ndjson')) n += readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
    }
    return n;
  };
  return { online_orders: count(join(outDir, 'online')), delivery_events: count(join(outDir, 'deliveries')) };
}

function hourText(v: unknown): string {
  const text = timestampText(v);
  return Number.isNaN(Date.parse(text)) ? text : text.slice(0, 13) + ':00Z';
}
