// What the demo reads back from BigQuery after the run, through the official client: the
// reconciliation input, the POS manifest, the landed events' times (for freshness) and the
// headline mart numbers. Raw tables are read with a partition filter from the demo's start date.
import type { BigQuery } from '@google-cloud/bigquery';
import { collectReconcileInput } from '../../ops/reconcile/collect';
import type { ReconcileInput } from '../../ops/reconcile/reconcile';
import type { LandedEvent, LoadedPosTransaction, StoreHour } from './freshness';

export interface ManifestCounts {
  /** status → files. */
  byStatus: Record<string, number>;
  /** Quarantine reasons (first 60 characters) → files. */
  quarantineReasons: Record<string, number>;
}

/** The counts the demo checks, read from the marts or from the generator's truth. */
export interface HeadlineCounts {
  orders: number;
  units: number;
  netSalesCents: number;
  grossMarginCents: number;
  deliveries: number;
  lateDeliveries: number;
}

export interface MartHeadlines extends HeadlineCounts {
  topProducts: { sku: string; units: number }[];
  busiestHour: { hourAt: string; orders: number } | null;
  promotionsWithLift: number;
}

export interface DemoReadback {
  reconcile: ReconcileInput;
  manifest: ManifestCounts;
  landed: { orders: LandedEvent[]; pos: LandedEvent[] };
  /** Online order event id → when its first copy reached raw (wall clock, ms). */
  orderEventsIngestedAtMs: Map<string, number>;
  /** The marts' sales of every channel (online and POS) per store and UTC hour: what the live counters should have counted. */
  settled: StoreHour[];
  /** Every POS transaction in raw with its first load time (wall clock), to tell which were loaded after their hour stopped being live. */
  posTransactions: LoadedPosTransaction[];
  marts: MartHeadlines;
}

/** A quarantine reason without its line number, counts and detail: `sha256: trailer sha256 does not match the body`. */
export function reasonKind(reason: string): string {
  return reason
    .replace(/^line \d+: /, '')
    .replace(/\s*\(.*$/, '')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 80);
}

const plain = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);
const ms = (v: unknown): number => Date.parse(String(plain(v)));

export async function readBack(bq: BigQuery, project: string, sinceDate: string): Promise<DemoReadback> {
  const t = (dataset: string, table: string): string => `\`${project}.${dataset}.${table}\``;
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await bq.query({ query: sql }))[0] as Record<string, unknown>[];
  const since = `DATE(ingested_at) >= '${sinceDate}'`;

  const reconcile = await collectReconcileInput(bq, project, sinceDate);

  const manifest: ManifestCounts = { byStatus: {}, quarantineReasons: {} };
  for (const r of await rows(`SELECT status, reason, COUNT(*) AS n FROM ${t('ops', 'load_manifest')} WHERE DATE(recorded_at) >= '${sinceDate}' GROUP BY status, reason`)) {
    const n = Number(r.n);
    const status = String(r.status);
    manifest.byStatus[status] = (manifest.byStatus[status] ?? 0) + n;
    if (status === 'quarantined') {
      const reason = reasonKind(String(r.reason ?? 'no reason'));
      manifest.quarantineReasons[reason] = (manifest.quarantineReasons[reason] ?? 0) + n;
    }
  }

  const landedOf = async (sql: string): Promise<LandedEvent[]> => (await rows(sql)).map((r) => ({ eventMs: ms(r.event_time), ingestedRealMs: ms(r.ingested_at) }));
  const orders = await landedOf(`SELECT event_time, MIN(ingested_at) AS ingested_at FROM ${t('raw', 'online_order_events')} WHERE ${since} AND event_type = 'order.placed' GROUP BY event_id, event_time`);
  const ingestedAt = await rows(`SELECT event_id, MIN(ingested_at) AS ingested_at FROM ${t('raw', 'online_order_events')} WHERE ${since} GROUP BY event_id`);
  const settled = await rows(
    `SELECT merchant_id, store_id, hour_at, SUM(orders) AS orders, SUM(units) AS units, SUM(net_sales_cents) AS net FROM ${t('marts', 'mart_store_sales_hourly')} GROUP BY merchant_id, store_id, hour_at`,
  );
  const posTransactions = await rows(
    `SELECT merchant_id, store_id, transaction_id, transaction_type, original_transaction_id, event_time, MIN(ingested_at) AS ingested_at FROM ${t('raw', 'pos_transactions')} WHERE ${since} GROUP BY merchant_id, store_id, transaction_id, transaction_type, original_transaction_id, event_time`,
  );
  const pos = await landedOf(`SELECT event_time, MIN(ingested_at) AS ingested_at FROM ${t('raw', 'pos_transactions')} WHERE ${since} GROUP BY event_id, event_time`);

  const [sales] = await rows(
    `SELECT SUM(orders) AS orders, SUM(units) AS units, SUM(net_sales_cents) AS net, SUM(gross_margin_cents) AS margin FROM ${t('marts', 'mart_store_sales_hourly')}`,
  );
  const [delivery] = await rows(`SELECT SUM(deliveries) AS deliveries, SUM(late) AS late FROM ${t('marts', 'mart_delivery_performance')}`);
  const top = await rows(`SELECT sku, SUM(units) AS units FROM ${t('marts', 'mart_product_mix_daily')} GROUP BY sku ORDER BY units DESC, sku LIMIT 3`);
  const [busiest] = await rows(`SELECT hour_at, SUM(orders) AS orders FROM ${t('marts', 'mart_store_sales_hourly')} GROUP BY hour_at ORDER BY orders DESC, hour_at LIMIT 1`);
  const [lift] = await rows(`SELECT COUNTIF(lift IS NOT NULL) AS n FROM ${t('marts', 'mart_promotion_lift')}`);
  return {
    reconcile,
    manifest,
    landed: { orders, pos },
    orderEventsIngestedAtMs: new Map(ingestedAt.map((r) => [String(r.event_id), ms(r.ingested_at)])),
    settled: settled.map((r) => ({ merchantId: String(r.merchant_id), storeId: String(r.store_id), hourMs: ms(r.hour_at), orders: Number(r.orders), units: Number(r.units), netSalesCents: Number(r.net) })),
    posTransactions: posTransactions.map((r) => ({
      merchantId: String(r.merchant_id),
      storeId: String(r.store_id),
      transactionId: String(r.transaction_id),
      transactionType: String(r.transaction_type),
      originalTransactionId: r.original_transaction_id === null || r.original_transaction_id === undefined ? null : String(r.original_transaction_id),
      eventMs: ms(r.event_time),
      ingestedRealMs: ms(r.ingested_at),
    })),
    marts: {
      orders: Number(sales?.orders ?? 0),
      units: Number(sales?.units ?? 0),
      netSalesCents: Number(sales?.net ?? 0),
      grossMarginCents: Number(sales?.margin ?? 0),
      deliveries: Number(delivery?.deliveries ?? 0),
      lateDeliveries: Number(delivery?.late ?? 0),
      topProducts: top.map((r) => ({ sku: String(r.sku), units: Number(r.units) })),
      busiestHour: busiest ? { hourAt: new Date(ms(busiest.hour_at)).toISOString().slice(0, 16).replace('T', ' '), orders: Number(busiest.orders) } : null,
      promotionsWithLift: Number(lift?.n ?? 0),
    },
  };
}
