// Reads what reconciliation compares: raw and rejected counts per hour, the POS manifest against raw
// per file, and (optionally) how many messages the generator's output published per source.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { PosFileCheck, RawHour, ReconcileInput, RejectedHour, StreamSource } from './reconcile';

/** Rows from `sinceDate` (YYYY-MM-DD) on; literal date filters, which every partitioned table accepts. */
export async function collectReconcileInput(bq: BigQuery, project: string, sinceDate: string): Promise<ReconcileInput> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(sinceDate)) throw new RangeError(`expected YYYY-MM-DD, got ${sinceDate}`);
  const t = (dataset: string, table: string) => `\`${project}.${dataset}.${table}\``;
  const rows = async (sql: string) => (await bq.query({ query: sql }))[0] as Record<string, unknown>[];
  const raw: RawHour[] = [];
  for (const [source, table] of [['online_orders', 'online_order_events'], ['delivery_events', 'delivery_events']] as const) {
    for (const r of await rows(`SELECT TIMESTAMP_TRUNC(ingested_at, HOUR) AS hour, COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}' GROUP BY hour`)) {
      raw.push({ source: source as StreamSource, hour: hourText(r.hour), rows: Number(r.n), distinctIds: Number(r.ids) });
    }
  }
  const rejected: RejectedHour[] = (
    await rows(
      `SELECT source, reason_code, TIMESTAMP_TRUNC(rejected_at, HOUR) AS hour, JSON_VALUE(attributes, '$.CloudPubSubDeadLetterSourceSubscription') AS dl_from, COUNT(*) AS n
       FROM ${t('raw', 'rejected_events')} WHERE DATE(rejected_at) >= '${sinceDate}' GROUP BY source, reason_code, hour, dl_from`,
    )
  ).map((r) => ({ source: String(r.source), reasonCode: String(r.reason_code), hour: hourText(r.hour), rows: Number(r.n), deadLetterFrom: (r.dl_from as string | null) ?? null }));
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
  for (const [source, table] of [['online_orders', 'online_order_events'], ['delivery_events', 'delivery_events']] as const) {
    const [r] = await rows(
      `SELECT (SELECT COUNT(*) - COUNT(DISTINCT message_id) FROM ${t('raw', table)} WHERE DATE(ingested_at) >= '${sinceDate}')
            + (SELECT COUNT(message_id) - COUNT(DISTINCT message_id) FROM ${t('raw', 'rejected_events')} WHERE DATE(rejected_at) >= '${sinceDate}' AND source = '${source}') AS n`,
    );
    redelivered[source] = Number(r?.n ?? 0);
  }
  return { raw, rejected, redelivered, pos: [...files.values()].sort((a, b) => a.sourceObject.localeCompare(b.sourceObject)) };
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
  const text = v !== null && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : String(v);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString().slice(0, 13) + ':00Z';
}
