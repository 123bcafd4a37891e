// The promotion-lift formula on a range long enough for same-weekday baseline days (16 days):
// mart_promotion_lift equals the generator's expected/promotions.json, non-null lifts included.
// (marts-match-truth covers the other marts; its 3-day range has no baseline days.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import { compileProject, runGraph } from '../../../tools/dataform';
import { generate } from '../../../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawTable } from '../../../tools/testing/raw-loader';

const PROJECT = 'pizzaflow-local';
let emulator: RunningEmulator;
let bq: BigQuery;
let dir: string;

const value = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pizzaflow-lift-'));
  await generate({ stores: 2, hours: 16 * 24, start: '2026-11-02T00:00:00Z', seed: 5, outDir: dir, faultRate: 0 });
  const rows = await rawRowsOf(dir);
  emulator = await start({ port: 0, logLevel: 'silent' });
  bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  await createRawTables(bq);
  await loadReference(bq, dir);
  for (const table of Object.keys(rows) as RawTable[]) await insertRows(bq, table, rows[table]);
  const newest = Object.values(rows).flat().reduce((max: number, r: RawRow) => Math.max(max, Date.parse((r.ingested_at ?? r.rejected_at) as string)), 0);
  const graph = compileProject('dataform', { vars: { freshness_reference_at: new Date(newest + 600_000).toISOString(), freshness_max_minutes: '1440' } });
  await runGraph({ bigquery: bq, graph, fullRefresh: true, concurrency: 2 });
}, 240_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('promotion lift against same-weekday baseline days equals the truth, non-null lifts included', async () => {
  const truth = JSON.parse(readFileSync(join(dir, 'expected', 'promotions.json'), 'utf8')) as Record<string, unknown>[];
  expect(truth.filter((t) => t.lift !== null).length).toBeGreaterThan(0);
  const [raw] = await bq.query({ query: `select * from \`${PROJECT}.marts.mart_promotion_lift\`` });
  const mart = (raw as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(v)])));
  const ints = ['promo_days', 'promo_units', 'promo_net_sales_cents', 'baseline_days', 'baseline_units', 'baseline_net_sales_cents'];
  const pick = (r: Record<string, unknown>) => Object.fromEntries(['promotion_id', 'promotion_type', 'starts_on', 'ends_on', ...ints].map((k) => [k, r[k]]));
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.promotion_id).localeCompare(String(b.promotion_id));
  expect([...mart].sort(byId).map(pick)).toEqual([...truth].sort(byId).map(pick));
  const martById = new Map(mart.map((r) => [String(r.promotion_id), r]));
  for (const t of truth) {
    const lift = martById.get(String(t.promotion_id))!.lift;
    if (t.lift === null) expect(lift).toBeNull();
    else expect(lift as number).toBeCloseTo(t.lift as number, 9);
  }
}, 60_000);
