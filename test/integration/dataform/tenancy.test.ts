// Tenancy: producers are not bound to a tenant, so ids chosen by one merchant (order ids, event ids,
// delivery ids) can collide with another merchant's. Staging must key events on (merchant_id,
// event_id) and every join on an order must include the merchant: one merchant's events must never
// cancel, pre-empt or de-duplicate away another merchant's orders.
//
// Scenario (on top of a small generated data set, loaded into raw on the BigQuery emulator):
//  - tenancy-o1: m0001 places it (event tenancy-e1). m0002 sends an order.cancelled for tenancy-o1
//    with the SAME event id tenancy-e1, ingested earlier (it would win an event_id-only de-duplication).
//  - tenancy-o2: m0001 places it (tenancy-e2); m0002 places its own tenancy-o2 (tenancy-e3) and
//    cancels it (tenancy-e4). Both merchants deliver their tenancy-o2 with the same delivery id and a
//    colliding webhook event id.
// The colliding rows arrive after a first run over the generated data, so the incremental path (the
// one production takes) handles them; a full refresh must then agree. After each, m0001's orders are
// counted, not cancelled, and m0002's cancellations affect m0002 only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import type { RunReport } from '../../../tools/dataform';
import { generate } from '../../../tools/generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from '../../../tools/testing/raw-loader';
import { runTransform } from '../../../tools/testing/run-transform';

const PROJECT = 'pizzaflow-local';
const START = '2026-11-23T00:00:00Z';

let emulator: RunningEmulator;
let bq: BigQuery;
let dir: string;
let vars: Record<string, string>;
let newestMs: number;
let runError: unknown = null;

const arrival = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);
const value = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);
const iso = (ms: number): string => new Date(ms).toISOString();

async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const [rows] = await bq.query({ query: sql });
  return (rows as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(v)])));
}

function run(options: { fullRefresh?: boolean } = {}): Promise<RunReport> {
  return runTransform(bq, { vars, fullRefresh: options.fullRefresh });
}

/** The colliding rows of the scenario, shaped after real generated rows of each merchant. */
function collidingRows(rows: RawRows): Partial<Record<RawTable, RawRow[]>> {
  const online = rows.online_order_events;
  const placedOf = (merchant: string): RawRow => {
    const r = online.find((x) => x.merchant_id === merchant && x.event_type === 'order.placed' && x.fulfilment === 'delivery');
    if (!r) throw new Error(`no delivery order.placed of ${merchant} in the generated data`);
    return r;
  };
  const p1 = placedOf('m0001');
  const p2 = placedOf('m0002');
  const cancelTemplate = online.find((x) => x.event_type === 'order.cancelled');
  if (!cancelTemplate) throw new Error('no order.cancelled in the generated data');
  const cancelOf = (placed: RawRow, extra: RawRow): RawRow => ({
    ...cancelTemplate,
    merchant_id: placed.merchant_id,
    store_id: placed.store_id,
    channel: placed.channel,
    customer: placed.customer,
    ...extra,
  });
  const base = newestMs + 60_000;
  const at = (i: number): Record<string, unknown> => ({ ingested_at: iso(base + i * 1000), published_at: iso(base + i * 1000), message_id: `tenancy-${i}`, delivery_attempt: 1 });
  const later = (r: RawRow, minutes: number): string => iso(Date.parse(r.event_time as string) + minutes * 60_000);

  const onlineRows: RawRow[] = [
    // m0002's cancel with m0001's event id arrives first.
    cancelOf(p2, { event_id: 'tenancy-e1', order_id: 'tenancy-o1', event_time: later(p1, 5), ...at(0) }),
    { ...p1, event_id: 'tenancy-e1', order_id: 'tenancy-o1', ...at(1) },
    { ...p1, event_id: 'tenancy-e2', order_id: 'tenancy-o2', ...at(2) },
    { ...p2, event_id: 'tenancy-e3', order_id: 'tenancy-o2', event_time: p1.event_time, ...at(3) },
    cancelOf(p2, { event_id: 'tenancy-e4', order_id: 'tenancy-o2', event_time: later(p1, 5), ...at(4) }),
  ];

  const deliveryTemplate = rows.delivery_events.find((x) => x.status === 'assigned');
  if (!deliveryTemplate) throw new Error('no assigned delivery event in the generated data');
  const assigned = (placed: RawRow, i: number): RawRow => ({
    ...deliveryTemplate,
    event_id: 'tenancy-d1',
    delivery_id: 'tenancy-delivery-1',
    order_id: 'tenancy-o2',
    merchant_id: placed.merchant_id,
    store_id: placed.store_id,
    event_time: later(p1, 2),
    ...at(i),
  });
  return { online_order_events: onlineRows, delivery_events: [assigned(p2, 5), assigned(p1, 6)] };
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  dir = mkdtempSync(join(tmpdir(), 'pizzaflow-tenancy-'));
  // Four stores: merchants own 1-3 stores each, so at least m0001 and m0002 exist.
  await generate({ stores: 4, hours: 24, start: START, seed: 11, outDir: dir, faultRate: 0 });
  const rows = await rawRowsOf(dir);
  newestMs = Math.max(...Object.values(rows).flat().map(arrival));
  const extra = collidingRows(rows);
  vars = { freshness_reference_at: iso(newestMs + 10 * 60_000), freshness_max_minutes: '1440' };
  emulator = await start({ port: 0, logLevel: 'silent', strictGoogleSql: true });
  bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  await createRawTables(bq);
  await loadReference(bq, dir);
  for (const table of Object.keys(rows) as RawTable[]) await insertRows(bq, table, rows[table]);
  await run();
  for (const table of Object.keys(extra) as RawTable[]) await insertRows(bq, table, extra[table]!);
  // A failed check must not hide what the tables hold: the tests below read them either way.
  try {
    const report = await run();
    expect(report.results.find((r) => r.action === 'staging.stg_online_order_events')!.mode).toBe('incremental');
  } catch (e) {
    runError = e;
  }
}, 300_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ordersOf = async (orderId: string): Promise<Record<string, unknown>[]> =>
  rowsOf(`select merchant_id, order_id, status, is_counted from \`${PROJECT}.marts.fct_orders\` where order_id = '${orderId}' order by merchant_id`);

describe('events of two merchants with colliding event ids and order ids', () => {
  test('the incremental run succeeds: every uniqueKey and reference check holds', () => {
    expect(runError === null ? null : String((runError as Error).message)).toBeNull();
  });

  test('staging keeps each merchant’s copy of a colliding event id', async () => {
    const events = await rowsOf(`select merchant_id, event_type from \`${PROJECT}.staging.stg_online_order_events\` where event_id = 'tenancy-e1' order by merchant_id`);
    expect(events).toEqual([
      { merchant_id: 'm0001', event_type: 'order.placed' },
      { merchant_id: 'm0002', event_type: 'order.cancelled' },
    ]);
  });

  test('another merchant’s cancel with a colliding event id neither de-duplicates away nor cancels m0001’s order', async () => {
    expect(await ordersOf('tenancy-o1')).toEqual([{ merchant_id: 'm0001', order_id: 'tenancy-o1', status: 'placed', is_counted: true }]);
  });

  test('the same order id at two merchants: m0002’s cancellation affects m0002 only', async () => {
    expect(await ordersOf('tenancy-o2')).toEqual([
      { merchant_id: 'm0001', order_id: 'tenancy-o2', status: 'placed', is_counted: true },
      { merchant_id: 'm0002', order_id: 'tenancy-o2', status: 'cancelled', is_counted: false },
    ]);
    const lines = await rowsOf(`select merchant_id, count(*) as n from \`${PROJECT}.marts.fct_order_lines\` where order_id = 'tenancy-o2' group by merchant_id order by merchant_id`);
    expect(lines.map((r) => r.merchant_id)).toEqual(['m0001', 'm0002']);
    const placed = await rowsOf(`select merchant_id, array_length(lines) as n from \`${PROJECT}.staging.stg_online_orders\` where order_id = 'tenancy-o2' order by merchant_id`);
    expect(lines.map((r) => r.n)).toEqual(placed.map((r) => r.n));
  });

  test('a colliding delivery id and order id: each merchant’s delivery stays its own, with its own promise', async () => {
    const deliveries = await rowsOf(`select merchant_id, order_id, promised_at from \`${PROJECT}.marts.fct_deliveries\` where delivery_id = 'tenancy-delivery-1' order by merchant_id`);
    const promised = await rowsOf(`select merchant_id, promised_at from \`${PROJECT}.staging.stg_online_orders\` where order_id = 'tenancy-o2' order by merchant_id`);
    expect(deliveries.map((r) => r.merchant_id)).toEqual(['m0001', 'm0002']);
    expect(deliveries.map((r) => r.promised_at)).toEqual(promised.map((r) => r.promised_at));
  });

  test('a full refresh gives the same answer', async () => {
    await run({ fullRefresh: true });
    expect(await ordersOf('tenancy-o1')).toEqual([{ merchant_id: 'm0001', order_id: 'tenancy-o1', status: 'placed', is_counted: true }]);
    expect((await ordersOf('tenancy-o2')).map((r) => [r.merchant_id, r.is_counted])).toEqual([
      ['m0001', true],
      ['m0002', false],
    ]);
  }, 120_000);
});
