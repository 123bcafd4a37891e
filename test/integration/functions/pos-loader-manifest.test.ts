// The POS loader's keyed manifest lookups through the official clients against the emulators:
// `object_name IN UNNEST(@names)` and the content lookup (`IN UNNEST` of STRING and TIMESTAMP array
// parameters) answer the rows asked for, since the lookup's bound; the bytes they process (the job's
// totalBytesProcessed) do not grow when older days of manifest are added; the landing listing carries
// each object's creation time, which bounds the lookup of a run.
import { BigQuery } from '@google-cloud/bigquery';
import { Storage } from '@google-cloud/storage';
import { platformCatalog } from '../../../contracts/catalog';
import type { LoadManifestEntry } from '../../../contracts/ops';
import { startBigquery, startStorage, type BigqueryEmulator, type StorageEmulator } from '@pizzaflow/emulators';
import { gcpPorts, type ManifestRead } from '../../../functions/pos-loader/gcp-ports';
import { objectsLookup } from '../../../functions/pos-loader/manifest-lookup';

jest.setTimeout(60_000);

const PROJECT = 'pos-manifest-it';
const NOW = Date.parse('2026-11-23T17:30:00Z');
const DAY = 86_400_000;
const sha = (n: number): string => n.toString(16).padStart(64, '0');

/** A manifest row of store `store`'s file for the window `windowStart`, recorded at `recordedAt`. */
function row(store: string, windowStart: string, recordedAt: string, o: Partial<LoadManifestEntry> = {}): LoadManifestEntry {
  return {
    recorded_at: recordedAt,
    bucket: 'landing',
    object_name: `pos/store=${store}/${new Date(windowStart).toISOString()}.ndjson.gz`,
    generation: '1',
    content_sha256: sha(Date.parse(windowStart) / 60_000 + Number(store.slice(1))),
    merchant_id: 'm0001',
    store_id: store,
    window_start: windowStart,
    window_end: new Date(Date.parse(windowStart) + 15 * 60_000).toISOString(),
    status: 'loaded',
    reason: null,
    transaction_rows: 1,
    inventory_rows: 0,
    load_job_id: 'job',
    ...o,
  };
}

/** One day of manifest: `stores` stores × the day's 96 windows, recorded 15 minutes after each window. */
function day(dayStart: number, stores: number): LoadManifestEntry[] {
  const rows: LoadManifestEntry[] = [];
  for (let w = 0; w < 96; w++) {
    const start = new Date(dayStart + w * 15 * 60_000).toISOString();
    for (let s = 1; s <= stores; s++) rows.push(row(`s${s}`, start, new Date(dayStart + (w + 1) * 15 * 60_000).toISOString()));
  }
  return rows;
}

describe('pos-loader keyed manifest lookups (emulators)', () => {
  let bq: BigqueryEmulator;
  let gcs: StorageEmulator;
  let bigquery: BigQuery;
  let storage: Storage;
  const reads: ManifestRead[] = [];
  let ports: ReturnType<typeof gcpPorts>;

  const insert = async (rows: LoadManifestEntry[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 500) await bigquery.dataset('ops').table('load_manifest').insert(rows.slice(i, i + 500));
  };

  beforeAll(async () => {
    gcs = await startStorage({ port: 0, inMemory: true, logLevel: 'silent' });
    // Strict: ZetaSQL analyses every statement first, so a query shape BigQuery would refuse fails here.
    bq = await startBigquery({ port: 0, grpcPort: 0, storageHost: gcs.url, project: PROJECT, logLevel: 'silent', strictGoogleSql: true });
    bigquery = new BigQuery({ projectId: PROJECT, apiEndpoint: bq.url });
    storage = new Storage({ projectId: PROJECT, apiEndpoint: gcs.url });
    const decl = platformCatalog().tables.find((t) => t.name === 'load_manifest')!;
    const [dataset] = await bigquery.createDataset('ops');
    await dataset.createTable('load_manifest', {
      schema: { fields: decl.schema },
      timePartitioning: { type: decl.partitioning!.type, field: decl.partitioning!.field },
      clustering: { fields: decl.clustering },
    });
    await storage.createBucket('landing');
    ports = gcpPorts({
      storage,
      bigquery,
      project: PROJECT,
      buckets: { landing: 'landing', archive: 'archive', quarantine: 'quarantine' },
      datasets: { raw: 'raw', ops: 'ops' },
      now: () => NOW,
      onManifestRead: (r) => reads.push(r),
    });
  });
  afterAll(async () => {
    await bq?.close();
    await gcs?.close();
  });

  it('lists landed objects with their creation time, which bounds a run lookup', async () => {
    await storage.bucket('landing').file('pos/store=s1/a.ndjson.gz').save('x', { resumable: false });
    const [listed] = await ports.listLanding();
    expect(listed!.timeCreated).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    const lookup = objectsLookup([listed!]);
    expect(Date.parse(lookup.since!)).toBe(Date.parse(listed!.timeCreated!) - 3_600_000);
  });

  it('answers object and content lookups with the rows asked for, since their bound, and bytes that do not grow with older days', async () => {
    const today = Date.parse('2026-11-23T00:00:00Z');
    await insert(day(today, 3));
    // Another generation of a listed name, and a row of a listed name recorded before the bound.
    await insert([row('s1', '2026-11-23T16:00:00Z', '2026-11-23T16:20:00Z', { generation: '2', status: 'quarantined', load_job_id: null, transaction_rows: 0 })]);
    await insert([row('s2', '2026-11-23T16:00:00Z', '2026-11-20T16:20:00Z', { object_name: 'pos/store=s2/old.ndjson.gz' })]);

    const names = ['pos/store=s1/2026-11-23T16:00:00.000Z.ndjson.gz', 'pos/store=s2/old.ndjson.gz', 'pos/store=s9/never.ndjson.gz'];
    const objects = { kind: 'objects' as const, names, since: '2026-11-23T15:00:00.000Z' };
    const got = await ports.readManifest(objects);
    expect(got.map((r) => `${r.object_name}#${r.generation}`).sort()).toEqual(['pos/store=s1/2026-11-23T16:00:00.000Z.ndjson.gz#1', 'pos/store=s1/2026-11-23T16:00:00.000Z.ndjson.gz#2']);
    // Without a bound the port's lookback (62 days) is the floor: the older row is found.
    expect((await ports.readManifest({ kind: 'objects', names })).map((r) => r.object_name).sort()).toEqual([names[0], names[0], names[1]].sort());

    // Content: each column against its own list; rows of other content are not returned.
    const key = (store: string, w: string) => ({ store_id: store, window_start: w, content_sha256: sha(Date.parse(w) / 60_000 + Number(store.slice(1))) });
    const content = { kind: 'content' as const, keys: [key('s1', '2026-11-23T16:00:00.000Z'), key('s3', '2026-11-23T16:15:00.000Z'), key('s1', '2026-11-22T10:00:00.000Z')], since: '2026-11-22T15:00:00.000Z' };
    const loaded = await ports.readManifest(content);
    expect(loaded.every((r) => r.status === 'loaded')).toBe(true);
    const text = (k: { store_id: string | null; window_start: string | null; content_sha256: string | null }): string => `${k.store_id}|${new Date(k.window_start!).toISOString()}|${k.content_sha256}`;
    expect(loaded.map(text).sort()).toEqual([text(content.keys[0]!), text(content.keys[1]!)].sort());

    // The bytes of both lookups, then again with 20 days of manifest older than their bounds: the same.
    const before = [...reads.slice(-3)];
    expect(before.map((r) => r.bytesProcessed)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    for (let d = 2; d <= 21; d++) await insert(day(today - d * DAY, 3));
    reads.length = 0;
    await ports.readManifest(objects);
    await ports.readManifest(content);
    expect(reads.map((r) => [r.kind, r.rows, r.bytesProcessed])).toEqual([
      [before[0]!.kind, before[0]!.rows, before[0]!.bytesProcessed],
      [before[2]!.kind, before[2]!.rows, before[2]!.bytesProcessed],
    ]);
    expect(before[0]!.bytesProcessed).toBeGreaterThan(0);
    // The unbounded lookup reads every day back to the lookback: more bytes than before.
    await ports.readManifest({ kind: 'objects', names });
    expect(reads[2]!.bytesProcessed).toBeGreaterThan(before[1]!.bytesProcessed!);
  });

});
