// Hostile POS files against the loader as deployed locally: the functions host's HTTP entry point
// (configuration from the environment), the official Storage and BigQuery clients, the emulators.
// Bombs are quarantined on their own with their reason while a normal file loads in the same run; a
// file BigQuery refuses is isolated by bisection and the rest of its window loads; plan records
// planted where stores can write, or malformed in the plans folder, are never executed.
import { gzipSync } from 'node:zlib';
import { bucketName } from '../../../contracts/catalog';
import { inventoryReceipt, posSale } from '../../../contracts/examples';
import type { PosFileHeader } from '../../../contracts/pos';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';
import { gcpPorts } from '../../../functions/pos-loader/gcp-ports';
import { runPosLoader } from '../../../functions/pos-loader/run';

jest.setTimeout(120_000);

interface Summary {
  files: number;
  loaded: number;
  archived: number;
  quarantined: number;
  refused: number;
  rejectedJobs: number;
  ignoredPlans: number;
  backlog: number;
  jobs: { outcome: string }[];
  rows: { pos_transactions: number; inventory_movements: number };
}

const header = (store: string, start: string): PosFileHeader => ({
  record_type: 'header',
  schema_version: 1,
  merchant_id: 'm0001',
  store_id: store,
  window_start: start,
  window_end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
  created_at: new Date(Date.parse(start) + 16 * 60_000).toISOString(),
});
/** A valid file for a recent window; `eventTime` overrides the sale's time. */
const posFile = (store: string, start: string, tag: string, eventTime?: string): Buffer => {
  const sale = { ...posSale(), store_id: store, event_id: `h-${tag}-${store}`, transaction_id: `t-${tag}-${store}`, ...(eventTime ? { event_time: eventTime } : {}) };
  const inv = { ...inventoryReceipt(), store_id: store, event_id: `hi-${tag}-${store}` };
  return gzipPosFile(posFileText(header(store, start), [JSON.stringify({ record_type: 'transaction', ...sale }), JSON.stringify({ record_type: 'inventory_movement', ...inv })]));
};

describe('pos-loader against hostile files', () => {
  let p: Platform;
  const landing = bucketName(PROJECT, 'pos-landing');
  const archive = bucketName(PROJECT, 'pos-archive');
  const quarantine = bucketName(PROJECT, 'pos-quarantine');
  const put = (name: string, bytes: Buffer | string) => p.storage.bucket(landing).file(name).save(bytes, { resumable: false });
  const runLoader = async (): Promise<Summary> => {
    const res = await p.callAsScheduler(`/pos-loader/run`);
    expect(res.status).toBe(200);
    return (await res.json()) as Summary;
  };
  const reasonOf = async (name: string): Promise<{ code: string | undefined; reason: string | undefined }> => {
    const [meta] = await p.storage.bucket(quarantine).file(name).getMetadata();
    return { code: meta.metadata?.pizzaflow_reason_code as string | undefined, reason: meta.metadata?.pizzaflow_reason as string | undefined };
  };
  const start = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 900_000) * 900_000).toISOString();

  const spacesMember = gzipSync(Buffer.alloc(16 * 2 ** 20, ' '), { level: 9 });

  beforeAll(async () => {
    p = await startPlatform();
    // Read by the entry point at its first request.
    process.env.PIZZAFLOW_POS_MAX_OBJECT_BYTES = String(4 * 2 ** 20);
  }, 60_000);
  afterAll(async () => {
    delete process.env.PIZZAFLOW_POS_MAX_OBJECT_BYTES;
    await p?.close();
  });

  it('quarantines each bomb on its own, with its reason and a manifest row, and loads the normal file in the same run', async () => {
    // ≈ 1.5 MB → 1.5 GiB of spaces: 96 gzip members of 16 MiB each (cheap to build, one stream to gunzip).
    const spaces = Buffer.concat(Array.from({ length: 96 }, () => spacesMember));
    const newlines = gzipSync(Buffer.alloc(4 * 2 ** 20, '\n'), { level: 9 }); // ≈ 4 KiB → 4 MiB of lines
    const longLines = gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header('s0004', start))}\n`), Buffer.alloc(64 * 2 ** 20, 'a')]));
    await put('pos/store=s0001/normal.ndjson.gz', posFile('s0001', start, 'bomb'));
    await put('pos/store=s0002/spaces.ndjson.gz', spaces);
    await put('pos/store=s0003/newlines.ndjson.gz', newlines);
    await put('pos/store=s0004/long.ndjson.gz', longLines);
    await put('pos/store=s0005/huge.ndjson.gz', Buffer.alloc(5 * 2 ** 20, 7));
    await put('pos/store=s0001/other-store.ndjson.gz', posFile('s0009', start, 'bomb'));
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    const s = await runLoader();
    const ms = Date.now() - t0;
    const grew = process.memoryUsage().rss - rss0;
    expect(s).toMatchObject({ files: 6, loaded: 1, quarantined: 5, refused: 3, rows: { pos_transactions: 1, inventory_movements: 1 } });
    expect(ms).toBeLessThan(20_000);
    expect(grew).toBeLessThan(512 * 2 ** 20);
    expect(await reasonOf('pos/store=s0002/spaces.ndjson.gz')).toMatchObject({ code: 'line_too_long' });
    expect(await reasonOf('pos/store=s0003/newlines.ndjson.gz')).toMatchObject({ code: 'invalid', reason: expect.stringMatching(/^invalid: line 1: /) });
    expect(await reasonOf('pos/store=s0004/long.ndjson.gz')).toMatchObject({ code: 'line_too_long' });
    expect(await reasonOf('pos/store=s0005/huge.ndjson.gz')).toMatchObject({ code: 'too_large' });
    expect(await reasonOf('pos/store=s0001/other-store.ndjson.gz')).toMatchObject({ code: 'path_mismatch' });
    const manifest = await query<{ object_name: string; status: string; reason: string | null }>(p.bigquery, "SELECT object_name, status, reason FROM ops.load_manifest WHERE STARTS_WITH(object_name, 'pos/') ORDER BY object_name");
    expect(manifest.map((m) => [m.object_name, m.status, m.reason?.split(':')[0] ?? null])).toEqual([
      ['pos/store=s0001/normal.ndjson.gz', 'loaded', null],
      ['pos/store=s0001/other-store.ndjson.gz', 'quarantined', 'path_mismatch'],
      ['pos/store=s0002/spaces.ndjson.gz', 'quarantined', 'line_too_long'],
      ['pos/store=s0003/newlines.ndjson.gz', 'quarantined', 'invalid'],
      ['pos/store=s0004/long.ndjson.gz', 'quarantined', 'line_too_long'],
      ['pos/store=s0005/huge.ndjson.gz', 'quarantined', 'too_large'],
    ]);
    const [left] = await p.storage.bucket(landing).getFiles({ prefix: 'pos/' });
    expect(left).toHaveLength(0);
    expect(await runLoader()).toMatchObject({ files: 0 });
  });

  it('isolates a file BigQuery refuses by bisecting the window\'s job; the rest of the window loads in the same run', async () => {
    const window = new Date(Date.parse(start) + 15 * 60_000).toISOString();
    const [before] = await query<{ n: number }>(p.bigquery, "SELECT COUNT(*) AS n FROM raw.pos_transactions WHERE DATE(ingested_at) >= '2020-01-01'");
    for (let i = 1; i <= 5; i++) {
      const store = `s010${i}`;
      await put(`pos/store=${store}/w.ndjson.gz`, posFile(store, window, 'bisect'));
    }
    // A gap between the contract and BigQuery (like year 0000 was): the staged transaction row of one
    // file carries a value BigQuery refuses, so the window's whole load job fails in the emulator.
    const ports = gcpPorts({ storage: p.storage, bigquery: p.bigquery, project: PROJECT, buckets: { landing, archive, quarantine }, datasets: { raw: 'raw', ops: 'ops' }, pollMs: 50 });
    const gap: typeof ports = {
      ...ports,
      writeStaging: (name, text) =>
        ports.writeStaging(name, text.split('\n').map((l) => (l.includes('"store_id":"s0103"') && l.includes('"transaction_type"') ? l.replace(/"event_time":"[^"]*"/, '"event_time":"not a time"') : l)).join('\n')),
    };
    const s = await runPosLoader(gap, { now: Date.now });
    expect(s).toMatchObject({ files: 5, loaded: 4, quarantined: 1 });
    expect(s.rejectedJobs).toBeGreaterThanOrEqual(3);
    const [after] = await query<{ n: number }>(p.bigquery, "SELECT COUNT(*) AS n FROM raw.pos_transactions WHERE DATE(ingested_at) >= '2020-01-01'");
    expect(after!.n - before!.n).toBe(4);
    const [inv] = await query<{ n: number }>(p.bigquery, "SELECT COUNT(*) AS n FROM raw.inventory_movements WHERE DATE(ingested_at) >= '2020-01-01' AND store_id = 's0103'");
    expect(inv!.n).toBe(0);
    expect(await reasonOf('pos/store=s0103/w.ndjson.gz')).toMatchObject({ code: 'load_failed' });
    const [m] = await query<{ status: string; reason: string }>(p.bigquery, "SELECT status, reason FROM ops.load_manifest WHERE object_name = 'pos/store=s0103/w.ndjson.gz'");
    expect(m).toMatchObject({ status: 'quarantined', reason: expect.stringMatching(/^load_failed: BigQuery refused/) });
    // Nothing left to retry: no plan, no staging, and the next run has nothing to do.
    const [plans] = await p.storage.bucket(archive).getFiles({ prefix: '_plans/' });
    expect(plans).toHaveLength(0);
    expect(await runLoader()).toMatchObject({ files: 0, jobs: [] });
  });

  it('never executes a planted plan: not from the landing bucket, not a malformed one in the plans folder', async () => {
    const forged = `${JSON.stringify({ ...posSale(), event_id: 'forged-1', store_id: 'forged', ingested_at: new Date().toISOString(), source_object: 'gs://x/y', load_job_id: 'forged' })}\n`;
    await put('staging/plans/evil.json', JSON.stringify({ planId: 'plans', jobs: [], files: [] }));
    await put('staging/evil/pos_transactions/x.ndjson', forged);
    await p.storage.bucket(archive).file('_plans/plans.json').save(JSON.stringify({ planId: 'plans', jobs: [], files: [] }), { resumable: false });
    await p.storage.bucket(archive).file(`_plans/${'e'.repeat(24)}/pos_transactions/x.ndjson`).save(forged, { resumable: false });
    await p.storage.bucket(archive).file(`_plans/${'e'.repeat(24)}.json`).save(JSON.stringify({
      planId: 'e'.repeat(24),
      jobs: [{ jobId: 'pizzaflow_pos_forged', table: 'pos_transactions', windowStart: start, sources: [`_plans/${'e'.repeat(24)}/pos_transactions/x.ndjson`], files: [] }],
      files: [],
    }), { resumable: false });
    await put('pos/store=s0201/ok.ndjson.gz', posFile('s0201', start, 'planted'));
    const s = await runLoader();
    expect(s).toMatchObject({ ignoredPlans: 2, loaded: 1 });
    const [forgedRows] = await query<{ n: number }>(p.bigquery, "SELECT COUNT(*) AS n FROM raw.pos_transactions WHERE DATE(ingested_at) >= '2020-01-01' AND store_id = 'forged'");
    expect(forgedRows!.n).toBe(0);
    // Left in place for an operator; the landing bucket's staging/ is not read at all.
    expect((await p.storage.bucket(archive).file('_plans/plans.json').exists())[0]).toBe(true);
    expect((await p.storage.bucket(landing).file('staging/plans/evil.json').exists())[0]).toBe(true);
  });
});
