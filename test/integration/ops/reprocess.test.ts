// `reprocess` on the emulator: a backfill of one day after nothing changed reports no partition; after
// a raw change it reports exactly the partitions whose rows differ (checked here against full-row
// snapshots, independently of the fingerprints reprocess uses).
import type { BigQuery } from '@google-cloud/bigquery';
import { Command } from 'commander';
import { registerReprocessCommand } from '../../../tools/cli/reprocess-command';
import { reprocess, WHOLE_TABLE, type ReprocessReport, type TransformRunner } from '../../../ops/reprocess';
import { localTransformRunner, type RunEvent, type RunReport } from '../../../tools/dataform';
import { insertRows, type RawRow } from '../../../tools/testing/raw-loader';
import { buildFixture, PROJECT, type Fixture } from '../../../tools/testing/marts-fixture';

let fx: Fixture;
const DAY = '2026-11-24';

beforeAll(async () => {
  fx = await buildFixture({ stores: 3 });
}, 180_000);

afterAll(async () => {
  await fx?.close();
});

const plain = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);

/** Every row of every marts table as JSON, grouped by (table, partition). */
async function snapshot(bq: BigQuery): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const [tables] = await bq.dataset('marts').getTables();
  for (const table of tables) {
    const [meta] = await table.getMetadata();
    const field: string | undefined = meta.timePartitioning?.field;
    const [rows] = await bq.query({ query: `select * from \`${PROJECT}.marts.${table.id}\`` });
    const groups = new Map<string, string[]>();
    for (const row of rows as Record<string, unknown>[]) {
      const partition = field ? String(plain(row[field])).slice(0, 10) : WHOLE_TABLE;
      const json = JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(plain(v))])));
      groups.set(partition, [...(groups.get(partition) ?? []), json]);
    }
    for (const [partition, list] of groups) out.set(`${table.id}|${partition}`, list.sort().join('\n'));
  }
  return out;
}

function differing(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
}

const transform = (onEvent?: (e: RunEvent) => void): TransformRunner<RunReport> => localTransformRunner({ bigquery: fx.bq, project: PROJECT, concurrency: 2, onEvent });

const changedKeys = (report: ReprocessReport): string[] => report.changed.map((c) => `${c.table}|${c.partition}`).sort();

const backfill = (): Promise<ReprocessReport<RunReport>> => reprocess({ bigquery: fx.bq, project: PROJECT, transform: transform(), from: DAY, to: DAY, vars: fx.vars });

test('a backfill of one day over unchanged raw reports no changed partition', async () => {
  const events: string[] = [];
  const report = await reprocess({
    bigquery: fx.bq,
    project: PROJECT,
    transform: transform((e) => events.push(e.type)),
    from: DAY,
    to: DAY,
    vars: fx.vars,
    onEvent: (e) => events.push(`${e.type}-${e.phase}`),
  });
  expect(report.run.ok).toBe(true);
  expect(report.mode).toBe('backfill');
  // The backfill recorded itself (record_transform_run) and left the watermark where it was.
  expect(report.recorded).toMatchObject({ kind: 'backfill' });
  expect(report.compared).toBeGreaterThan(10);
  expect(report.changed).toEqual([]);
  expect(events[0]).toBe('fingerprint-before');
  expect(events).toContain('action-end');
  expect(events[events.length - 1]).toBe('fingerprint-after');
}, 120_000);

test('after a raw change on that day, it reports exactly the partitions whose rows changed', async () => {
  // One more pickup order placed mid-day (UTC and store-local dates agree), arriving a minute later.
  const template = fx.rows.online_order_events.find(
    (r) => r.event_type === 'order.placed' && r.fulfilment === 'pickup' && String(r.event_time).startsWith(`${DAY}T16`),
  ) as RawRow;
  expect(template).toBeDefined();
  const extra: RawRow = {
    ...template,
    event_id: `${String(template.event_id)}-reprocess`,
    order_id: `${String(template.order_id)}-reprocess`,
    ...('message_id' in template ? { message_id: 'reprocess-test' } : {}),
    ingested_at: new Date(Date.parse(String(template.event_time)) + 60_000).toISOString(),
  };
  await insertRows(fx.bq, 'online_order_events', [extra]);

  const before = await snapshot(fx.bq);
  const report = await backfill();
  const after = await snapshot(fx.bq);

  const truth = differing(before, after);
  expect(truth).toContain(`mart_store_sales_hourly|${DAY}`);
  expect(truth).toContain(`mart_product_mix_daily|${DAY}`);
  expect(changedKeys(report)).toEqual(truth);
  expect(report.changed.find((c) => c.table === 'fct_orders')!.after!.rows).toBe(report.changed.find((c) => c.table === 'fct_orders')!.before!.rows + 1);

  // Running it again changes nothing more.
  expect((await backfill()).changed).toEqual([]);
}, 120_000);

test('a full refresh over unchanged raw reports no changed partition across all history', async () => {
  const report = await reprocess({ bigquery: fx.bq, project: PROJECT, transform: transform(), fullRefresh: true, vars: fx.vars });
  expect(report.mode).toBe('full-refresh');
  expect(report.recorded).toMatchObject({ kind: 'full_refresh' });
  expect(report.changed).toEqual([]);
  expect(new Set(report.run.results.filter((r) => r.kind === 'table').map((r) => r.mode))).toEqual(new Set(['create']));
}, 120_000);

test('bad ranges are refused before the transform runs', async () => {
  const calls: unknown[] = [];
  const recording: TransformRunner<RunReport> = async (request) => {
    calls.push(request);
    throw new Error('the transform must not run for a bad range');
  };
  await expect(reprocess({ bigquery: fx.bq, project: PROJECT, transform: recording, from: '2026-11-25', to: '2026-11-24' })).rejects.toThrow(/after/);
  await expect(reprocess({ bigquery: fx.bq, project: PROJECT, transform: recording, from: DAY, to: DAY, fullRefresh: true })).rejects.toThrow(/without --from/);
  await expect(reprocess({ bigquery: fx.bq, project: PROJECT, transform: recording, from: '2026-13-01', to: DAY })).rejects.toThrow(/YYYY-MM-DD/);
  expect(calls).toEqual([]);
});

test('`pizzaflow reprocess` reaches the endpoint BIGQUERY_EMULATOR_HOST names and prints the changed partitions', async () => {
  const saved = { host: process.env.BIGQUERY_EMULATOR_HOST, project: process.env.GOOGLE_CLOUD_PROJECT };
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    process.env.BIGQUERY_EMULATOR_HOST = fx.emulator.url;
    process.env.GOOGLE_CLOUD_PROJECT = PROJECT;
    const program = new Command('pizzaflow').exitOverride();
    registerReprocessCommand(program);
    const vars = Object.entries(fx.vars).map(([k, v]) => `${k}=${v}`).join(',');
    await program.parseAsync(['node', 'pizzaflow', 'reprocess', '--from', DAY, '--to', DAY, '--vars', vars, '--concurrency', '2']);
    expect(out.join('')).toMatch(/^backfill 2026-11-24\.\.2026-11-24: run [0-9a-f-]{36} succeeded/);
    expect(out.join('')).toMatch(/no partition changed \(\d+ compared\)/);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/\[\d+\/\d+\] ok/);
  } finally {
    write.mockRestore();
    err.mockRestore();
    for (const [k, v] of [['BIGQUERY_EMULATOR_HOST', saved.host], ['GOOGLE_CLOUD_PROJECT', saved.project]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}, 120_000);
