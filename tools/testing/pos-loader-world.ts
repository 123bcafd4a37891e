// An in-memory world for the POS loader's unit tests and bench/hostile-pos: landing objects (with sizes), staging and plan
// records (in the "archive" bucket), BigQuery jobs (409 on a reused id; a job refused when a staged
// row carries `register_id: "POISON"`, as BigQuery refuses a whole job for one bad row) and rows.
// The manifest answers keyed lookups as the BigQuery port does: rows recorded since the lookup's
// bound, by object name, or loaded rows matching each content column against its own list (a
// superset the run must match exactly); every lookup and the rows it returned are kept.
import { inventoryReceipt, posSale } from '../../contracts/examples';
import type { LoadManifestEntry } from '../../contracts/ops';
import type { PosFileHeader } from '../../contracts/pos';
import { gzipPosFile, posFileText } from '../generator/pos-file';
import type { LandedObject, LoadJobPlan } from '../../functions/pos-loader/plan';
import { LoadJobRejected, type ListedObject, type ManifestLookup, type PlanRecord, type PosLoaderPorts } from '../../functions/pos-loader/run';

export const header = (store: string, start = '2026-11-23T17:00:00Z', merchant = 'm0001'): PosFileHeader => ({
  record_type: 'header',
  schema_version: 1,
  merchant_id: merchant,
  store_id: store,
  window_start: start,
  window_end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
  created_at: '2026-11-23T17:16:00Z',
});

export const file = (store: string, start?: string, o: { poison?: boolean; eventTime?: string } = {}): Buffer => {
  const sale = { ...posSale(), store_id: store, event_id: `pos-${store}-${start ?? ''}-1`, ...(o.poison ? { register_id: 'POISON' } : {}), ...(o.eventTime ? { event_time: o.eventTime } : {}) };
  const inv = { ...inventoryReceipt(), store_id: store, event_id: `inv-${store}-${start ?? ''}-1` };
  return gzipPosFile(posFileText(header(store, start), [JSON.stringify({ record_type: 'transaction', ...sale }), JSON.stringify({ record_type: 'inventory_movement', ...inv })]));
};

export class World implements PosLoaderPorts {
  landing = new Map<string, { generation: string; bytes: Buffer; size?: number; timeCreated?: string }>();
  moved: { name: string; to: string; metadata: Record<string, string> }[] = [];
  staging = new Map<string, string>();
  /** Plan records by object name (`_plans/<id>.json`), as stored text. */
  plans = new Map<string, string>();
  jobs = new Set<string>();
  failedJobs = new Set<string>();
  rows: Record<string, Record<string, unknown>[]> = { pos_transactions: [], inventory_movements: [] };
  manifest: LoadManifestEntry[] = [];
  failAfterJobs = false;
  reads: string[] = [];
  /** Every manifest lookup, with the number of rows it returned. */
  lookups: { lookup: ManifestLookup; rows: number }[] = [];
  planWrites = 0;
  private gen = 0;

  put(name: string, bytes: Buffer, size?: number, timeCreated?: string): void {
    this.landing.set(name, { generation: String(++this.gen), bytes, size, timeCreated });
  }
  planRecords(): PlanRecord[] {
    return [...this.plans.values()].map((t) => JSON.parse(t) as PlanRecord);
  }
  async listLanding(): Promise<ListedObject[]> {
    return [...this.landing].map(([name, v]) => ({ bucket: 'landing', name, generation: v.generation, size: v.size ?? v.bytes.length, ...(v.timeCreated ? { timeCreated: v.timeCreated } : {}) }));
  }
  async readObject(o: LandedObject): Promise<Buffer> {
    this.reads.push(o.name);
    return this.landing.get(o.name)!.bytes;
  }
  async readManifest(lookup: ManifestLookup) {
    const since = lookup.since ? Date.parse(lookup.since) : -Infinity;
    const rows = this.manifest.filter((m) => {
      if (Date.parse(m.recorded_at) < since) return false;
      if (lookup.kind === 'objects') return lookup.names.includes(m.object_name);
      const ts = (t: string | null): number => (t === null ? NaN : Date.parse(t));
      return (
        m.status === 'loaded' &&
        lookup.keys.some((k) => k.store_id === m.store_id) &&
        lookup.keys.some((k) => Date.parse(k.window_start) === ts(m.window_start)) &&
        lookup.keys.some((k) => k.content_sha256 === m.content_sha256)
      );
    });
    this.lookups.push({ lookup, rows: rows.length });
    return rows;
  }
  async writeStaging(name: string, text: string) {
    this.staging.set(name, text);
  }
  async readStaging(name: string) {
    return this.staging.get(name)!;
  }
  async readPlans() {
    return [...this.plans].map(([name, text]) => ({ name, record: JSON.parse(text) as unknown }));
  }
  async writePlan(plan: PlanRecord) {
    this.planWrites += 1;
    this.plans.set(`_plans/${plan.planId}.json`, JSON.stringify(plan));
  }
  async deletePlan(planId: string) {
    this.plans.delete(`_plans/${planId}.json`);
    for (const k of [...this.staging.keys()]) if (k.startsWith(`_plans/${planId}/`)) this.staging.delete(k);
  }
  async runLoadJob(job: LoadJobPlan): Promise<'loaded' | 'existing'> {
    if (this.failedJobs.has(job.jobId)) throw new LoadJobRejected(`load job ${job.jobId} failed: invalid row`);
    if (this.jobs.has(job.jobId)) return 'existing';
    const rows = job.sources.flatMap((s) => this.staging.get(s)!.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
    if (rows.some((r) => r.register_id === 'POISON')) {
      this.failedJobs.add(job.jobId);
      throw new LoadJobRejected(`load job ${job.jobId} failed: invalid row`);
    }
    this.jobs.add(job.jobId);
    this.rows[job.table]!.push(...rows);
    if (this.failAfterJobs) throw new Error('crash after the load job');
    return 'loaded';
  }
  async loadJobExists(jobId: string): Promise<boolean> {
    return this.jobs.has(jobId) || this.failedJobs.has(jobId);
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
