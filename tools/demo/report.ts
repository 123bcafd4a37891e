// The demo's report, from what was sent, what the platform recorded and the generator's truth.
// Pure: it formats and judges; `ok` is false when anything sent is not accounted for or the marts
// disagree with the truth.
import type { PlatformCatalog } from '../../contracts/catalog';
import { formatCount } from '../cli/format';
import { reconcile } from '../../ops/reconcile/reconcile';
import type { JobRun } from '../scheduler';
import type { DemoReadback, HeadlineCounts } from './collect';
import { freshness, percentile, type FreshnessSummary, type LiveLagSummary, type LiveVersusSettled } from './freshness';
import type { TrafficTally } from './traffic';

export type Truth = HeadlineCounts;

export interface ReportInput {
  title: string;
  sent: { orderEvents: number; webhooks: number; posFiles: number };
  tally: TrafficTally;
  readback: DemoReadback;
  truth: Truth;
  runs: readonly JobRun[];
  skipped: Readonly<Record<string, number>>;
  transformJob: string;
  catalog: Pick<PlatformCatalog, 'subscriptions'>;
  /** The serving store's live counters: how soon orders counted, and whether they equal the settled marts. */
  live?: { lag: LiveLagSummary; versus: LiveVersusSettled };
}

export interface DemoReport {
  ok: boolean;
  lines: string[];
  problems: string[];
  freshness: { orders: FreshnessSummary; pos: FreshnessSummary };
  live?: { lag: LiveLagSummary; versus: LiveVersusSettled };
}

const money = (cents: number): string => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const minutes = (m: number | null): string => (m === null ? 'n/a' : `${m.toFixed(1)} min`);
const byCount = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${formatCount(n)}`)
    .join(', ') || 'none';

export function buildReport(input: ReportInput): DemoReport {
  const { tally, readback, truth } = input;
  const lines: string[] = [input.title, ''];
  const problems: string[] = [];

  const refusedOf = (flow: string): Record<string, number> =>
    Object.fromEntries(Object.entries(tally.refused).filter(([k]) => k.startsWith(`${flow}: `)).map(([k, n]) => [k.slice(flow.length + 2), n]));
  const refusedOrders = refusedOf('orders');
  const refusedWebhooks = refusedOf('webhooks');
  const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  lines.push('traffic (collector and landing bucket)');
  lines.push(`  order events  ${formatCount(input.sent.orderEvents).padStart(9)} sent  ${formatCount(tally.accepted.orders).padStart(9)} accepted  ${formatCount(sum(refusedOrders))} refused (400): ${byCount(refusedOrders)}`);
  lines.push(`  webhooks      ${formatCount(input.sent.webhooks).padStart(9)} sent  ${formatCount(tally.accepted.webhooks).padStart(9)} accepted  ${formatCount(sum(refusedWebhooks))} refused (400): ${byCount(refusedWebhooks)}`);
  lines.push(`  POS files     ${formatCount(tally.posUploaded).padStart(9)} uploaded;  ${formatCount(tally.requests)} collector requests, ${formatCount(tally.retries)} retried`);
  if (tally.accepted.orders + sum(refusedOrders) !== input.sent.orderEvents) problems.push(`order events: ${input.sent.orderEvents} sent, ${tally.accepted.orders} accepted + ${sum(refusedOrders)} refused`);
  if (tally.accepted.webhooks + sum(refusedWebhooks) !== input.sent.webhooks) problems.push(`webhooks: ${input.sent.webhooks} sent, ${tally.accepted.webhooks} accepted + ${sum(refusedWebhooks)} refused`);

  const rawOf = (source: string) => {
    const hours = readback.reconcile.raw.filter((r) => r.source === source);
    return { rows: hours.reduce((a, r) => a + r.rows, 0), ids: hours.reduce((a, r) => a + r.distinctIds, 0) };
  };
  lines.push('', 'ingestion');
  for (const [source, table] of [['online_orders', 'online_order_events'], ['delivery_events', 'delivery_events']] as const) {
    const r = rawOf(source);
    lines.push(`  raw.${table.padEnd(20)} ${formatCount(r.rows).padStart(9)} rows  ${formatCount(r.ids).padStart(9)} distinct events  ${formatCount(r.rows - r.ids)} duplicates (absorbed by staging)`);
  }
  const rejectedByReason: Record<string, number> = {};
  for (const r of readback.reconcile.rejected) rejectedByReason[`${r.source}/${r.reasonCode}`] = (rejectedByReason[`${r.source}/${r.reasonCode}`] ?? 0) + r.rows;
  lines.push(`  raw.rejected_events        ${byCount(rejectedByReason)}`);
  const m = readback.manifest;
  const manifestFiles = sum(m.byStatus);
  lines.push(`  POS files   ${byCount(m.byStatus)}`);
  if (Object.keys(m.quarantineReasons).length) lines.push(`  quarantined because: ${byCount(m.quarantineReasons)}`);
  const posRows = readback.reconcile.pos;
  lines.push(`  POS rows    ${formatCount(posRows.reduce((a, f) => a + f.rawTransactions, 0))} transactions, ${formatCount(posRows.reduce((a, f) => a + f.rawInventory, 0))} inventory movements in raw`);
  if (manifestFiles !== tally.posUploaded) problems.push(`POS: ${tally.posUploaded} files uploaded but ${manifestFiles} manifest rows`);

  lines.push('', 'schedules (simulated clock; runs take their real duration)');
  const jobs = [...new Set(input.runs.map((r) => r.job))].sort();
  for (const job of jobs) {
    const runs = input.runs.filter((r) => r.job === job);
    const failed = runs.filter((r) => !r.ok);
    const median = percentile(runs.map((r) => r.durationMs).sort((a, b) => a - b), 50) ?? 0;
    lines.push(`  ${job.padEnd(22)} ${String(runs.length).padStart(4)} runs, ${failed.length} failed, ${input.skipped[job] ?? 0} skipped (previous run still going), median ${(median / 1000).toFixed(1)} s`);
    for (const f of failed.slice(0, 3)) lines.push(`    failed at ${new Date(f.scheduledAt).toISOString().slice(11, 16)}: ${f.summary}`);
  }

  const recon = reconcile({ ...readback.reconcile, published: { online_orders: tally.accepted.orders, delivery_events: tally.accepted.webhooks } }, input.catalog);
  lines.push('', 'reconciliation (every accepted event in raw or rejected_events; every loaded POS file in raw once)');
  lines.push(...recon.lines.filter((l) => !/^\S+\s+\d{4}-\d{2}-\d{2}T/.test(l) && !l.startsWith('source ')).map((l) => `  ${l}`));
  problems.push(...recon.problems);

  const transforms = input.runs.filter((r) => r.job === input.transformJob);
  const fresh = { orders: freshness(readback.landed.orders, transforms), pos: freshness(readback.landed.pos, transforms) };
  lines.push('', 'freshness (event time → in the marts, simulated minutes)');
  for (const [label, f] of [['online orders', fresh.orders], ['POS sales', fresh.pos]] as const) {
    lines.push(`  ${label.padEnd(14)} p50 ${minutes(f.p50Minutes).padStart(9)}  p99 ${minutes(f.p99Minutes).padStart(9)}  max ${minutes(f.maxMinutes).padStart(9)}  (${formatCount(f.events)} events)`);
    if (f.notInMarts > 0) problems.push(`${label}: ${f.notInMarts} events in raw but no transform run picked them up`);
  }

  if (input.live) {
    const { lag, versus } = input.live;
    const secs = (s: number | null): string => (s === null ? 'n/a' : `${s.toFixed(2)} s`);
    lines.push(`  live counters  p50 ${secs(lag.p50Seconds).padStart(9)}  p99 ${secs(lag.p99Seconds).padStart(9)}  max ${secs(lag.maxSeconds).padStart(9)}  (${formatCount(lag.events)} order events, sent to the collector → counted in the serving store, real seconds; goal p99 ≤ 60 s)`);
    if (lag.notCounted > 0) problems.push(`live counters: ${lag.notCounted} accepted order events never reached raw, so were never counted`);
    const late = versus.explainedByLateEvents > 0 ? `; ${formatCount(versus.explainedByLateEvents)} differ because an order event arrived, or a POS file was loaded, after its hour stopped being live` : '';
    lines.push(`  live = settled: ${formatCount(versus.matching)} of ${formatCount(versus.storeHours)} store-hours (orders, units, net sales of every channel, POS included)${late}`);
    if (versus.differingCount > 0) problems.push(`live counters: ${versus.differingCount} store-hours differ from the marts with no late event to explain it`);
    for (const d of versus.differing) {
      const show = (h: typeof d.settled): string => (h ? `${h.orders} orders, ${h.units} units, ${money(h.netSalesCents)}` : 'nothing');
      lines.push(`    ${d.key}: marts ${show(d.settled)}, live ${show(d.live)}`);
    }
    if (versus.differingCount > versus.differing.length) lines.push(`    … and ${versus.differingCount - versus.differing.length} more`);
  }

  const mk = readback.marts;
  lines.push('', "marts (checked against the generator's truth)");
  const check = (label: string, got: number, want: number, show: (n: number) => string = formatCount): string => {
    if (got !== want) problems.push(`marts: ${label} is ${show(got)}, the truth is ${show(want)}`);
    return `${label} ${show(got)} ${got === want ? '✓' : `✗ (truth ${show(want)})`}`;
  };
  lines.push(`  ${check('orders', mk.orders, truth.orders)}   ${check('units', mk.units, truth.units)}   ${check('net sales', mk.netSalesCents, truth.netSalesCents, money)}   ${check('gross margin', mk.grossMarginCents, truth.grossMarginCents, money)}`);
  lines.push(`  ${check('deliveries', mk.deliveries, truth.deliveries)}   ${check('late deliveries', mk.lateDeliveries, truth.lateDeliveries)}`);
  lines.push(`  top products: ${mk.topProducts.map((p) => `${p.sku} (${formatCount(p.units)} units)`).join(', ') || 'none'}`);
  if (mk.busiestHour) lines.push(`  busiest hour: ${mk.busiestHour.hourAt} UTC with ${formatCount(mk.busiestHour.orders)} orders; promotions with a measured lift: ${mk.promotionsWithLift}`);

  lines.push('', problems.length === 0 ? 'RESULT: everything is accounted for, and the marts match the truth' : `RESULT: ${problems.length} problem(s)`);
  lines.push(...problems.map((p) => `  ${p}`));
  return { ok: problems.length === 0, lines, problems, freshness: fresh, ...(input.live ? { live: input.live } : {}) };
}
