// Replay after a fix: a producer sends online orders as schema_version 2 while ingest still runs the
// version 1 contract and raw.online_order_events still has the version 1 columns. The event is
// refused as unsupported_schema_version (its reason names the accepted versions); the upgrade adds
// the NULLABLE version 2 columns through the local stack's apply path (rows already there stay) and
// lets ingest accept version 2; `pizzaflow replay` then lands the refused event, with its service
// fee, once in staging however often it is replayed.
import * as catalogModule from '../../../contracts/catalog';
import { loadCatalog, type PlatformCatalog } from '../../../contracts/catalog';
import { orderPlaced, orderPlacedV2 } from '../../../contracts/examples';
import { ONLINE_ORDER_V2_FIELDS } from '../../../contracts/online-order';
import { setAcceptedSchemaVersions } from '../../../functions/ingest';
import { packageInfo } from '../../../functions/runtime/package-info';
import { replayPorts } from '../../../ops/replay/gcp-ports';
import { replay, type ReplayFilter } from '../../../ops/replay/replay';
import { compileProject, runGraph } from '../../../tools/dataform';
import { deployLocalStack } from '../../../tools/local/local-stack';
import { API_KEY, eventually, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

const ALL = "DATE(ingested_at) >= '2020-01-01'";
const V1_EVENT = 'vu-v1-0';
const V2_EVENT = 'vu-v2-0';
const V2_COLUMNS: readonly string[] = ONLINE_ORDER_V2_FIELDS;

/** The catalog as it was before version 2: raw.online_order_events without the version 2 columns. */
function versionOneCatalog(real: typeof catalogModule.loadCatalog): jest.SpyInstance {
  return jest.spyOn(catalogModule, 'loadCatalog').mockImplementation((settings) => {
    const c: PlatformCatalog = real(settings);
    return {
      ...c,
      tables: c.tables.map((t) => (t.dataset === 'raw' && t.name === 'online_order_events' ? { ...t, schema: t.schema.filter((f) => !V2_COLUMNS.includes(f.name)) } : t)),
    };
  });
}

describe('a schema_version 2 event refused by the version 1 platform, replayed after the upgrade', () => {
  let p: Platform;
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    const spy = versionOneCatalog(catalogModule.loadCatalog);
    try {
      p = await startPlatform();
    } finally {
      spy.mockRestore();
    }
    setAcceptedSchemaVersions({ online_orders: [1] });
  }, 60_000);

  afterAll(async () => {
    setAcceptedSchemaVersions(undefined);
    await p?.close();
  });

  const post = async (event: Record<string, unknown>): Promise<void> => {
    const res = await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body: JSON.stringify({ events: [event] }), headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } });
    expect(res.status).toBe(202);
  };
  const columns = async (): Promise<string[]> => {
    const [meta] = await p.bigquery.dataset('raw').table('online_order_events').getMetadata();
    return (meta.schema.fields as { name: string }[]).map((f) => f.name);
  };
  const rawRows = () =>
    query<{ event_id: string; schema_version: number; service_fee_cents: number | null; delivery_note: string | null }>(
      p.bigquery,
      `SELECT event_id, schema_version, service_fee_cents, delivery_note FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE 'vu-%' ORDER BY event_id, ingested_at`,
    );

  it('refuses v2 as unsupported before the upgrade, adds the columns in place, and replay lands it once in staging', async () => {
    // Before: version 1 table, version 1 ingest. A version 1 order lands; the version 2 one is refused.
    expect(await columns()).not.toEqual(expect.arrayContaining([...V2_COLUMNS]));
    await post({ ...orderPlaced(), event_id: V1_EVENT, order_id: 'o-vu-1' });
    await post({ ...orderPlacedV2(), event_id: V2_EVENT, order_id: 'o-vu-2' });
    const refused = await eventually(
      async () => {
        const rows = await query<{ reason: string; field_path: string }>(p.bigquery, `SELECT reason, field_path FROM raw.rejected_events WHERE reason_code = 'unsupported_schema_version' AND event_id = '${V2_EVENT}'`);
        return rows.length === 1 ? rows[0] : undefined;
      },
      15_000,
      'the version 2 event refused',
    );
    expect(refused).toEqual({ reason: 'schema_version 2 is not supported; accepted: 1', field_path: 'schema_version' });
    const landed = () => query<{ event_id: string }>(p.bigquery, `SELECT event_id FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE 'vu-%'`);
    await eventually(async () => ((await landed()).length === 1 ? true : undefined), 15_000, 'the version 1 event in raw');

    // The upgrade: the program (v1+v2 union) applied again adds the columns; ingest takes its contract's versions.
    const upgraded = await deployLocalStack({ repoRoot: packageInfo().root, env: process.env, project: PROJECT, functionsUrl: p.host.url }, { pubsub: p.pubsub, storage: p.storage, bigquery: p.bigquery });
    expect(upgraded.changes.filter((c) => c.action !== 'unchanged')).toEqual([
      { kind: 'table', name: 'raw.online_order_events', action: 'updated', detail: 'columns added: delivery_note, service_fee_cents' },
    ]);
    expect((await columns()).slice(-2)).toEqual(['delivery_note', 'service_fee_cents']);
    setAcceptedSchemaVersions(undefined);
    // The row already there is kept, unchanged, NULL in the new columns.
    expect(await rawRows()).toEqual([{ event_id: V1_EVENT, schema_version: 1, service_fee_cents: null, delivery_note: null }]);

    // Replay, twice: raw gets a copy each time, with the fee and the note's pseudonym token.
    const filter: ReplayFilter = { reasons: ['unsupported_schema_version'], sources: [], from: startedAt, to: new Date(Date.now() + 60_000).toISOString() };
    const ports = replayPorts(p, PROJECT);
    expect(await replay(ports, loadCatalog(), filter, { dryRun: false })).toMatchObject({ selected: 1, published: 1 });
    await eventually(async () => ((await rawRows()).length === 2 ? true : undefined), 15_000, 'the replayed event in raw');
    expect(await replay(ports, loadCatalog(), filter, { dryRun: false })).toMatchObject({ selected: 1, published: 1 });
    await eventually(async () => ((await rawRows()).length === 3 ? true : undefined), 15_000, 'the second replay in raw');
    const replayed = (await rawRows()).filter((r) => r.event_id === V2_EVENT);
    expect(replayed.map((r) => [r.schema_version, r.service_fee_cents])).toEqual([[2, 116], [2, 116]]);
    expect(replayed.every((r) => /^pii1_[0-9a-f]{64}$/.test(r.delivery_note ?? ''))).toBe(true);

    // Staging reads both versions: each event once, the new measure NULL for version 1.
    const graph = compileProject('dataform', { defaultDatabase: PROJECT });
    const run = await runGraph({ bigquery: p.bigquery, graph, fullRefresh: true, selection: { actions: ['stg_online_order_events'], includeAssertions: false }, runsTable: null, concurrency: 2 });
    expect(run.ok).toBe(true);
    const staged = await query<{ event_id: string; schema_version: number; service_fee_cents: number | null }>(
      p.bigquery,
      `SELECT event_id, schema_version, service_fee_cents FROM \`${PROJECT}.staging.stg_online_order_events\` WHERE event_id LIKE 'vu-%' ORDER BY event_id`,
    );
    expect(staged).toEqual([
      { event_id: V1_EVENT, schema_version: 1, service_fee_cents: null },
      { event_id: V2_EVENT, schema_version: 2, service_fee_cents: 116 },
    ]);
  }, 60_000);
});
