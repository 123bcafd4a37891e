// The demo end to end at small scale: generated traffic through the collector and the landing
// bucket, the catalog's schedules on an accelerated clock, the report. Beyond the report's own
// verdict, the marts are compared here with the generator's truth row by row, and the platform's
// metrics API answers for a merchant from what the scheduled transforms built.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigqueryClient } from '../../functions/runtime/clients';
import { createLogger } from '../../functions/runtime/logger';
import { runDemo } from '../../tools/demo/run-demo';
import type { DemoReport } from '../../tools/demo/report';

jest.setTimeout(300_000);
process.env.LOG_LEVEL = 'error';

const value = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);

describe('pizzaflow demo (2 stores × 4 h)', () => {
  let workDir: string;
  let report: DemoReport;
  let martRows: Record<string, unknown>[] = [];
  let metricsStatus = 0;
  let metricsRows = 0;
  let otherMerchantStatus = 0;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'pizzaflow-demo-e2e-'));
    report = await runDemo({
      stores: 2,
      hours: 4,
      start: '2026-11-23T18:00:00Z',
      seed: 11,
      faultRate: 0.05,
      rate: 6_000,
      workDir,
      inMemory: true,
      log: createLogger('demo-e2e', { level: 'error' }),
      beforeStop: async (platform, keys) => {
        const [rows] = await bigqueryClient(platform.config).query({ query: `select * from \`${platform.config.project}.marts.mart_store_sales_hourly\`` });
        martRows = rows as Record<string, unknown>[];
        const [merchant, key] = Object.entries(keys)[0]!;
        const other = Object.keys(keys).find((m) => m !== merchant) ?? 'm9999';
        const url = (m: string) => `${platform.metrics.url}/v1/merchants/${m}/metrics/sales?from=2026-11-23&to=2026-11-24&granularity=hour`;
        const res = await fetch(url(merchant), { headers: { 'x-api-key': key } });
        metricsStatus = res.status;
        metricsRows = ((await res.json()) as { rows?: unknown[] }).rows?.length ?? 0;
        otherMerchantStatus = (await fetch(url(other), { headers: { 'x-api-key': key } })).status;
      },
    });
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('accounts for every line, event and file, and says so', () => {
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const text = report.lines.join('\n');
    expect(text).toMatch(/reconciled: everything is accounted for/);
    expect(text).toMatch(/refused \(400\): .*invalid_json/);
    expect(text).toMatch(/POS files +loaded \d+/);
  });

  it('builds marts equal to the truth, hour by hour and store by store', () => {
    const truth = JSON.parse(readFileSync(join(workDir, 'data', 'expected', 'store_hourly.json'), 'utf8')) as Record<string, unknown>[];
    const key = (r: { store_id: unknown; hour: unknown; channel: unknown }) => `${String(r.store_id)}|${String(r.hour)}|${String(r.channel)}`;
    const mart = martRows.map((r) => ({
      store_id: r.store_id,
      hour: new Date(String(value(r.hour_at))).toISOString(),
      channel: r.channel,
      orders: r.orders,
      net_sales_cents: r.net_sales_cents,
    }));
    const want = truth.map((r) => ({ store_id: r.store_id, hour: r.hour, channel: r.channel, orders: r.orders, net_sales_cents: r.net_sales_cents }));
    expect(want.length).toBeGreaterThan(0);
    expect([...mart].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...want].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('measures freshness for every order that reached the marts', () => {
    expect(report.freshness.orders.events).toBeGreaterThan(0);
    expect(report.freshness.orders.notInMarts).toBe(0);
    expect(report.freshness.orders.p50Minutes).not.toBeNull();
  });

  it('counts every accepted order in the live counters within a minute, and each store-hour live equals the settled marts unless a late event missed its live hour', () => {
    const live = report.live!;
    expect(live.lag.events).toBeGreaterThan(0);
    expect(live.lag.notCounted).toBe(0);
    expect(live.lag.p99Seconds).toBeLessThanOrEqual(60);
    expect(live.versus.storeHours).toBeGreaterThan(0);
    expect(live.versus.differing).toEqual([]);
    expect(live.versus.matching + live.versus.explainedByLateEvents).toBe(live.versus.storeHours);
    expect(live.versus.matching).toBeGreaterThan(live.versus.explainedByLateEvents);
  });

  it('serves the merchant its metrics through the API, and nothing of another merchant', () => {
    expect(metricsStatus).toBe(200);
    expect(metricsRows).toBeGreaterThan(0);
    expect([403, 404]).toContain(otherMerchantStatus);
  });
});
