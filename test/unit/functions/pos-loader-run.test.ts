import { inventoryReceipt, posSale } from '../../../contracts/examples';
import type { LoadManifestEntry } from '../../../contracts/ops';
import type { PosFileHeader } from '../../../contracts/pos';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import type { LandedObject, LoadJobPlan } from '../../../functions/pos-loader/plan';
import { runPosLoader, type PlanRecord, type PosLoaderPorts } from '../../../functions/pos-loader/run';

const header = (store: string, start = '2026-11-23T17:00:00Z'): PosFileHeader => ({
  record_type: 'header',
  schema_version: 1,
  merchant_id: 'm0001',
  store_id: store,
  window_start: start,
  window_end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
  created_at: '2026-11-23T17:16:00Z',
});
const file = (store: string, start?: string): Buffer => {
  const sale = { ...posSale(), store_id: store, event_id: `pos-${store}-1` };
  const inv = { ...inventoryReceipt(), store_id: store, event_id: `inv-${store}-1` };
  return gzipPosFile(posFileText(header(store, start), [JSON.stringify({ record_type: 'transaction', ...sale }), JSON.stringify({ record_type: 'inventory_movement', ...inv })]));
};

/** An in-memory world: landing objects, staging, plans, BigQuery jobs (with 409 on a reused id) and rows. */
class World implements PosLoaderPorts {
  landing = new Map<string, { generation: string; bytes: Buffer }>();
  moved: { name: string; to: string; metadata: Record<string, string> }[] = [];
  staging = new Map<string, string>();
  plans = new Map<string, PlanRecord>();
  jobs = new Set<string>();
  rows: Record<string, Record<string, unknown>[]> = { pos_transactions: [], inventory_movements: [] };
  manifest: LoadManifestEntry[] = [];
  failAfterJobs = false;
  private gen = 0;

  put(name: string, bytes: Buffer): void {
    this.landing.set(name, { generation: String(++this.gen), bytes });
  }
  async listLanding(): Promise<LandedObject[]> {
    return [...this.landing].map(([name, v]) => ({ bucket: 'landing', name, generation: v.generation }));
  }
  async readObject(o: LandedObject): Promise<Buffer> {
    return this.landing.get(o.name)!.bytes;
  }
  async readManifest() {
    return this.manifest;
  }
  async writeStaging(name: string, text: string) {
    this.staging.set(name, text);
  }
  async readPlans() {
    return [...this.plans.values()];
  }
  async writePlan(plan: PlanRecord) {
    this.plans.set(plan.planId, structuredClone(plan));
  }
  async deletePlan(planId: string) {
    this.plans.delete(planId);
    for (const k of [...this.staging.keys()]) if (k.includes(planId)) this.staging.delete(k);
  }
  async runLoadJob(job: LoadJobPlan): Promise<'loaded' | 'existing'> {
    if (this.jobs.has(job.jobId)) return 'existing';
    this.jobs.add(job.jobId);
    for (const s of job.sources) for (const line of this.staging.get(s)!.trim().split('\n')) this.rows[job.table]!.push(JSON.parse(line));
    if (this.failAfterJobs) throw new Error('crash after the load job');
    return 'loaded';
  }
  async moveObject(o: LandedObject, to: string, metadata: Record<string, string>) {
    const cur = this.landing.get(o.name);
    if (!cur || cur.generation !== o.generation) return;
    this.landing.delete(o.name);
    this.moved.push({ name: o.name, to, metadata });
  }
  async appendManifest(rows: LoadManifestEntry[]) {
    this.manifest.push(...rows);
  }
}

const now = () => Date.parse('2026-11-23T17:30:00Z');

describe('runPosLoader', () => {
  it('loads valid files with one job per window per table, archives re-uploads, quarantines the bad', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.put('pos/store=s2/1700.ndjson.gz', file('s2'));
    w.put('pos/store=s2/1700-reupload.ndjson.gz', file('s2'));
    w.put('pos/store=s3/1700.ndjson.gz', file('s3').subarray(0, 30));
    w.put('pos/store=s3/1715.ndjson.gz', file('s3', '2026-11-23T17:15:00Z'));
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ files: 5, loaded: 3, archived: 1, quarantined: 1, rows: { pos_transactions: 3, inventory_movements: 3 } });
    expect(s.jobs).toHaveLength(4);
    expect(w.rows.pos_transactions).toHaveLength(3);
    expect(w.rows.pos_transactions[0]).toMatchObject({ ingested_at: '2026-11-23T17:30:00.000Z', source_object: expect.stringMatching(/^gs:\/\/landing\/pos\//), load_job_id: expect.stringMatching(/^pizzaflow_pos_/) });
    expect(w.rows.pos_transactions[0]).not.toHaveProperty('record_type');
    expect(w.moved.find((m) => m.to === 'quarantine')!.metadata.pizzaflow_reason).toMatch(/truncated or corrupt/);
    expect(w.manifest.map((m) => m.status).sort()).toEqual(['archived', 'loaded', 'loaded', 'loaded', 'quarantined']);
    expect(w.landing.size).toBe(0);
    expect(w.plans.size).toBe(0);
    expect(w.staging.size).toBe(0);
    // A second run has nothing to do.
    expect(await runPosLoader(w, { now })).toMatchObject({ files: 0, jobs: [] });
  });

  it('archives an identical re-upload arriving in a later run', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    await runPosLoader(w, { now });
    w.put('pos/store=s1/1700-reupload.ndjson.gz', file('s1'));
    expect(await runPosLoader(w, { now })).toMatchObject({ loaded: 0, archived: 1, jobs: [] });
    expect(w.rows.pos_transactions).toHaveLength(1);
  });

  it('finishes a run interrupted after the load job without loading twice', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.failAfterJobs = true;
    await expect(runPosLoader(w, { now })).rejects.toThrow('crash after the load job');
    expect(w.manifest).toHaveLength(0);
    w.failAfterJobs = false;
    w.put('pos/store=s2/1700.ndjson.gz', file('s2')); // a late file for the same window
    const s = await runPosLoader(w, { now });
    expect(s.recovered).toBe(1);
    // The interrupted plan's jobs (submitted side by side, so both ran) answer "existing" on resubmission.
    expect(s.jobs.filter((j) => j.outcome === 'existing').map((j) => j.table).sort()).toEqual(['inventory_movements', 'pos_transactions']);
    expect(w.rows.pos_transactions.map((r) => r.store_id).sort()).toEqual(['s1', 's2']);
    expect(w.rows.inventory_movements.map((r) => r.store_id).sort()).toEqual(['s1', 's2']);
    expect(w.manifest.map((m) => m.object_name).sort()).toEqual(['pos/store=s1/1700.ndjson.gz', 'pos/store=s2/1700.ndjson.gz']);
  });
});
