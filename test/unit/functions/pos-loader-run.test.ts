import { restampUnsentJobs, runPosLoader } from '../../../functions/pos-loader/run';
import { file, World } from '../../../tools/testing/pos-loader-world';

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
    // The interrupted plan's first wave (pos_transactions) ran: it answers "existing" on resubmission.
    expect(s.jobs.filter((j) => j.outcome === 'existing').map((j) => j.table).sort()).toEqual(['pos_transactions']);
    expect(w.rows.pos_transactions.map((r) => r.store_id).sort()).toEqual(['s1', 's2']);
    expect(w.rows.inventory_movements.map((r) => r.store_id).sort()).toEqual(['s1', 's2']);
    expect(w.manifest.map((m) => m.object_name).sort()).toEqual(['pos/store=s1/1700.ndjson.gz', 'pos/store=s2/1700.ndjson.gz']);
  });

  it('stages the jobs BigQuery never received again with the recovering run\'s ingested_at, and keeps the jobs it had', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    const first = Date.parse('2026-11-23T17:30:00Z');
    w.failAfterJobs = true; // the pos_transactions job is received, then the run dies before inventory_movements
    await expect(runPosLoader(w, { now: () => first })).rejects.toThrow('crash after the load job');
    const planned = w.planRecords()[0]!.jobs;
    const inventoryJob = planned.find((j) => j.table === 'inventory_movements')!.jobId;
    w.failAfterJobs = false;
    const later = first + 60 * 60_000; // an hour later: far behind a 20-minute transform lookback
    const s = await runPosLoader(w, { now: () => later });
    expect(s.recovered).toBe(1);
    expect(w.rows.pos_transactions.map((r) => r.ingested_at)).toEqual([new Date(first).toISOString()]);
    expect(w.rows.inventory_movements.map((r) => r.ingested_at)).toEqual([new Date(later).toISOString()]);
    const loadedBy = w.rows.inventory_movements[0]!.load_job_id as string;
    expect(loadedBy).not.toBe(inventoryJob);
    expect(w.jobs.has(inventoryJob)).toBe(false);
    expect(w.manifest[0]!.load_job_id!.split(',').sort()).toEqual([planned.find((j) => j.table === 'pos_transactions')!.jobId, loadedBy].sort());
    expect(w.plans.size).toBe(0);
  });

  it('restamps nothing when every job of the recovered plan reached BigQuery', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.failAfterJobs = true;
    await expect(runPosLoader(w, { now })).rejects.toThrow('crash after the load job');
    const record = w.planRecords()[0]!;
    for (const j of record.jobs) w.jobs.add(j.jobId); // as if both jobs had been received
    expect(await restampUnsentJobs(w, record, '2026-11-23T19:00:00.000Z')).toBe(0);
    expect(record.jobs.map((j) => j.jobId)).toEqual(w.planRecords()[0]!.jobs.map((j) => j.jobId));
  });
});
