// The POS loader on generated files (valid, corrupt, truncated, re-uploaded) through the functions
// framework, the storage emulator and BigQuery load jobs from gs://: rows loaded once, bad files
// quarantined with their reason, every file in ops.load_manifest, and reruns that load nothing twice.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bucketName } from '../../../contracts/catalog';
import { generate } from '../../../tools/generator';
import type { FaultRecord } from '../../../tools/generator';
import { gcpPorts } from '../../../functions/pos-loader/gcp-ports';
import { runPosLoader } from '../../../functions/pos-loader/run';
import { collectReconcileInput } from '../../../ops/reconcile/collect';
import { reconcile } from '../../../ops/reconcile/reconcile';
import { loadCatalog } from '../../../contracts/catalog';
import { PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

const ALL = "DATE(ingested_at) >= '2020-01-01'";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/** Transaction and inventory body lines of a good file. */
function bodyCounts(bytes: Buffer): { tx: number; inv: number } {
  const lines = gunzipSync(bytes).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { record_type: string });
  return { tx: lines.filter((l) => l.record_type === 'transaction').length, inv: lines.filter((l) => l.record_type === 'inventory_movement').length };
}

describe('pos-loader', () => {
  let p: Platform;
  const landing = bucketName(PROJECT, 'pos-landing');
  const upload = async (outDir: string): Promise<string[]> => {
    const names: string[] = [];
    // In the order stores send them: a window's file before its re-upload or resend.
    const paths = walk(join(outDir, 'pos')).sort((a, b) => Number(/-(reupload|resend)/.test(a)) - Number(/-(reupload|resend)/.test(b)) || a.localeCompare(b));
    for (const path of paths) {
      const name = relative(outDir, path);
      await p.storage.bucket(landing).file(name).save(readFileSync(path), { resumable: false });
      names.push(name);
    }
    return names;
  };
  const runLoader = async () => {
    const res = await p.callAsScheduler(`/pos-loader/run`);
    expect(res.status).toBe(200);
    return (await res.json()) as { files: number; loaded: number; archived: number; quarantined: number; recovered: number; jobs: { outcome: string }[]; rows: { pos_transactions: number; inventory_movements: number } };
  };
  const counts = async () => {
    const [tx] = await query<{ n: number }>(p.bigquery, `SELECT COUNT(*) AS n FROM raw.pos_transactions WHERE ${ALL}`);
    const [inv] = await query<{ n: number }>(p.bigquery, `SELECT COUNT(*) AS n FROM raw.inventory_movements WHERE ${ALL}`);
    return { tx: tx!.n, inv: inv!.n };
  };

  beforeAll(async () => {
    p = await startPlatform();
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('loads valid files once, quarantines corrupt and truncated ones, archives the identical re-upload', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'pizzaflow-pos-'));
    await generate({ stores: 2, hours: 2, start: '2026-11-23T17:00:00Z', seed: 1, outDir, faultRate: 0.4 });
    const faults = (JSON.parse(readFileSync(join(outDir, 'faults.json'), 'utf8')) as { faults: FaultRecord[] }).faults.filter((f) => f.flow === 'pos');
    const quarantined = faults.filter((f) => f.expected_outcome === 'quarantined').map((f) => f.file).sort();
    const archived = faults.filter((f) => f.expected_outcome === 'archived_duplicate').map((f) => f.file);
    expect(quarantined.length).toBeGreaterThan(0);
    expect(archived.length).toBeGreaterThan(0);
    const names = await upload(outDir);
    const expected = names.filter((n) => !quarantined.includes(n) && !archived.includes(n)).map((n) => bodyCounts(readFileSync(join(outDir, n)))).reduce((a, b) => ({ tx: a.tx + b.tx, inv: a.inv + b.inv }), { tx: 0, inv: 0 });

    const summary = await runLoader();
    expect(summary).toMatchObject({ files: names.length, quarantined: quarantined.length, archived: archived.length, loaded: names.length - quarantined.length - archived.length });
    // One job per window per table: 2 hours = 8 windows, 2 tables at most.
    expect(summary.jobs.length).toBeLessThanOrEqual(16);
    expect(await counts()).toEqual(expected);

    const manifest = await query<{ object_name: string; status: string; reason: string | null }>(p.bigquery, 'SELECT object_name, status, reason FROM ops.load_manifest ORDER BY object_name');
    expect(manifest).toHaveLength(names.length);
    expect(manifest.filter((m) => m.status === 'quarantined').map((m) => m.object_name).sort()).toEqual(quarantined);
    expect(manifest.filter((m) => m.status === 'archived').map((m) => m.object_name)).toEqual(archived);
    const [moved] = await p.storage.bucket(bucketName(PROJECT, 'pos-quarantine')).file(quarantined[0]!).getMetadata();
    expect(moved.metadata?.pizzaflow_reason).toBeTruthy();
    const [left] = await p.storage.bucket(landing).getFiles({ prefix: 'pos/' });
    expect(left).toHaveLength(0);

    // A rerun finds nothing new and loads nothing twice.
    expect(await runLoader()).toMatchObject({ files: 0, jobs: [] });
    expect(await counts()).toEqual(expected);
  }, 120_000);

  it('finishes a run interrupted between the load job and the manifest without doubling rows', async () => {
    const before = await counts();
    const outDir = mkdtempSync(join(tmpdir(), 'pizzaflow-pos-'));
    await generate({ stores: 1, hours: 2, start: '2026-11-24T17:00:00Z', seed: 2, outDir, faultRate: 0 });
    const names = await upload(outDir);
    const added = names.map((n) => bodyCounts(readFileSync(join(outDir, n)))).reduce((a, b) => ({ tx: a.tx + b.tx, inv: a.inv + b.inv }), { tx: 0, inv: 0 });
    const ports = gcpPorts({
      storage: p.storage,
      bigquery: p.bigquery,
      project: PROJECT,
      buckets: { landing, archive: bucketName(PROJECT, 'pos-archive'), quarantine: bucketName(PROJECT, 'pos-quarantine') },
      datasets: { raw: 'raw', ops: 'ops' },
      pollMs: 50,
    });
    const crashing = { ...ports, moveObject: async () => Promise.reject(new Error('crash after the load jobs')) };
    await expect(runPosLoader(crashing, { now: Date.now })).rejects.toThrow('crash after the load jobs');
    expect(await counts()).toEqual({ tx: before.tx + added.tx, inv: before.inv + added.inv });

    const summary = await runLoader();
    expect(summary.recovered).toBe(names.length);
    expect(summary.jobs.every((j) => j.outcome === 'existing')).toBe(true);
    expect(await counts()).toEqual({ tx: before.tx + added.tx, inv: before.inv + added.inv });
    const [m] = await query<{ n: number }>(p.bigquery, `SELECT COUNT(*) AS n FROM ops.load_manifest WHERE STARTS_WITH(object_name, 'pos/') AND status = 'loaded'`);
    expect(m!.n).toBeGreaterThanOrEqual(names.length);
  }, 120_000);

  it('reconciles: every POS row the manifest loaded is in raw once', async () => {
    const input = await collectReconcileInput(p.bigquery, PROJECT, '2020-01-01');
    expect(input.pos.length).toBeGreaterThan(0);
    const report = reconcile(input, loadCatalog());
    expect(report.problems).toEqual([]);
  });
});
