// Hostile and broken POS files: size limits (metadata, inflated, line length, line count), times
// outside BigQuery's range or the plausibility window, a path for another store, a load job BigQuery
// refuses (bisected), the per-run file cap, and plan records the loader did not write.
import { gzipSync } from 'node:zlib';
import { posSale } from '../../../contracts/examples';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { checkPosFile, checkPosStream } from '../../../functions/pos-loader/check-file';
import { checkPlanRecord } from '../../../functions/pos-loader/plan-record';
import { loadJobId } from '../../../functions/pos-loader/plan';
import { DEFAULT_LIMITS, LoadJobRejected, runPosLoader, type PlanRecord } from '../../../functions/pos-loader/run';
import { loadConfig } from '../../../functions/runtime/config';
import { file, header, World } from '../../../tools/testing/pos-loader-world';

const now = () => Date.parse('2026-11-23T17:30:00Z');
const window = { now: now(), maxAgeMs: 30 * 86_400_000, maxFutureMs: 24 * 3_600_000 };
const body = (n: number, store = 's1'): string[] => Array.from({ length: n }, (_, i) => JSON.stringify({ record_type: 'transaction', ...posSale(), store_id: store, event_id: `e${i}` }));
const small = { maxInflatedBytes: 64 * 1024, maxLineBytes: 4096, maxLines: 50 };

describe('checkPosFile / checkPosStream limits', () => {
  it('refuses a line longer than the limit without reading the rest (a MiB of spaces)', async () => {
    const spaces = gzipSync(Buffer.alloc(32 * 2 ** 20, ' '));
    const t0 = process.hrtime.bigint();
    const v = await checkPosStream(spaces, { limits: { ...small, maxInflatedBytes: 2 ** 30 } });
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2_000);
    expect(v).toMatchObject({ ok: false, code: 'line_too_long' });
    expect(v.inflatedBytes).toBeLessThan(2 ** 20);
    expect(checkPosFile(spaces, { limits: { ...small, maxInflatedBytes: 2 ** 30 } }).code).toBe('line_too_long');
  });

  it('refuses a file that inflates past the cap, streamed or in memory', async () => {
    const big = gzipSync(Buffer.alloc(8 * 2 ** 20, '{}\n'));
    const v = await checkPosStream(big, { limits: { maxInflatedBytes: 2 ** 20, maxLineBytes: 4096, maxLines: 10_000_000 } });
    // The first line `{}` is not a header: judging stops there, long before the cap.
    expect(v.code).toBe('invalid');
    const text = posFileText(header('s1'), body(400));
    const gz = gzipPosFile(text);
    expect((await checkPosStream(gz, { limits: { ...small, maxLines: 10_000 } })).code).toBe('inflated_too_large');
    expect(checkPosFile(gz, { limits: { ...small, maxLines: 10_000 } })).toMatchObject({ ok: false, code: 'inflated_too_large', reason: expect.stringMatching(/inflates past 65536 bytes/) });
  });

  it('refuses too many lines, and stops at the first bad line of a file of newlines', async () => {
    const gz = gzipPosFile(posFileText(header('s1'), body(60)));
    expect(await checkPosStream(gz, { limits: small })).toMatchObject({ ok: false, code: 'too_many_lines', reason: 'more than 50 lines' });
    const newlines = gzipSync(Buffer.alloc(4 * 2 ** 20, '\n'));
    expect(newlines.length).toBeLessThan(8 * 1024);
    const t0 = process.hrtime.bigint();
    const v = await checkPosStream(newlines);
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(1_000);
    expect(v).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringMatching(/^line 1: /) });
  });

  it('judges a valid file the same streamed or in memory', async () => {
    const gz = file('s1');
    const a = await checkPosStream(gz, { window });
    const b = checkPosFile(gz, { window });
    expect(a).toMatchObject({ ok: true, code: null });
    expect(a.rows).toEqual(b.rows);
    expect(a.contentSha256).toBe(b.contentSha256);
  });
});

describe('times', () => {
  it('quarantines event times outside BigQuery range (contract) and outside the plausibility window', async () => {
    const year0 = await checkPosStream(file('s1', undefined, { eventTime: '0000-06-01T00:00:00Z' }), { window });
    expect(year0).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringMatching(/event_time/) });
    const old = await checkPosStream(file('s1', undefined, { eventTime: '2020-01-01T00:00:00Z' }), { window });
    expect(old).toMatchObject({ ok: false, code: 'implausible_time', reason: expect.stringMatching(/more than 30 days before the run/) });
    const ahead = await checkPosStream(file('s1', undefined, { eventTime: '2026-11-25T00:00:00Z' }), { window });
    expect(ahead).toMatchObject({ ok: false, code: 'implausible_time', reason: expect.stringMatching(/more than 24 hours after the run/) });
    const oldWindow = await checkPosStream(file('s1', '2026-01-01T00:00:00Z'), { window });
    expect(oldWindow).toMatchObject({ ok: false, code: 'implausible_time', reason: expect.stringMatching(/^header window_start/) });
  });
});

describe('runPosLoader against hostile files', () => {
  it('quarantines each bomb on its own (too_large from metadata, never downloaded) and loads the normal file in the same run', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.put('pos/store=s2/huge.ndjson.gz', Buffer.from('x'), 20 * 2 ** 20);
    w.put('pos/store=s3/spaces.ndjson.gz', gzipSync(Buffer.alloc(4 * 2 ** 20, ' ')));
    w.put('pos/store=s4/lines.ndjson.gz', gzipPosFile(posFileText(header('s4'), body(60, 's4'))));
    const s = await runPosLoader(w, { now, limits: { maxLines: 50 } });
    expect(s).toMatchObject({ loaded: 1, quarantined: 3, refused: 3, rows: { pos_transactions: 1, inventory_movements: 1 } });
    expect(w.reads).not.toContain('pos/store=s2/huge.ndjson.gz');
    const codes = Object.fromEntries(w.moved.map((m) => [m.name, m.metadata.pizzaflow_reason_code ?? m.metadata.pizzaflow_status]));
    expect(codes).toEqual({ 'pos/store=s1/1700.ndjson.gz': 'loaded', 'pos/store=s2/huge.ndjson.gz': 'too_large', 'pos/store=s3/spaces.ndjson.gz': 'line_too_long', 'pos/store=s4/lines.ndjson.gz': 'too_many_lines' });
    expect(w.manifest.filter((m) => m.status === 'quarantined').map((m) => m.reason!.split(':')[0]).sort()).toEqual(['line_too_long', 'too_large', 'too_many_lines']);
    expect(w.plans.size).toBe(0);
    expect(await runPosLoader(w, { now })).toMatchObject({ files: 0 });
  });

  it('quarantines a file whose path names another store (path_mismatch) and a file with implausible times', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s2'));
    w.put('pos/s1.ndjson.gz', file('s1'));
    w.put('pos/store=s3/1700.ndjson.gz', file('s3', undefined, { eventTime: '2026-12-30T00:00:00Z' }));
    w.put('pos/store=s4/1700.ndjson.gz', file('s4'));
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ loaded: 1, quarantined: 3 });
    const reasons = Object.fromEntries(w.manifest.map((m) => [m.object_name, m.reason]));
    expect(reasons['pos/store=s1/1700.ndjson.gz']).toMatch(/^path_mismatch: the path names store s1 but the header is for store s2 of merchant m0001/);
    expect(reasons['pos/s1.ndjson.gz']).toMatch(/^path_mismatch: the path names store \(none\)/);
    expect(reasons['pos/store=s3/1700.ndjson.gz']).toMatch(/^implausible_time: /);
    expect(w.rows.pos_transactions.map((r) => r.store_id)).toEqual(['s4']);
  });

  it('quarantines a file whose store belongs to another merchant in reference data; unreadable reference data only skips that check', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.put('pos/store=s2/1700.ndjson.gz', file('s2'));
    w.put('pos/store=s3/1700.ndjson.gz', file('s3'));
    const owned = Object.assign(w, { readStoreMerchants: async () => new Map([['s1', 'm0001'], ['s2', 'm0002']]) });
    const s = await runPosLoader(owned, { now });
    expect(s).toMatchObject({ loaded: 2, quarantined: 1 });
    expect(w.manifest.find((m) => m.store_id === 's2')!.reason).toBe("path_mismatch: store s2 belongs to merchant m0002, not to the header's merchant m0001");
    const w2 = Object.assign(new World(), { readStoreMerchants: async () => Promise.reject(new Error('access denied')) });
    w2.put('pos/store=s2/1700.ndjson.gz', file('s2'));
    expect(await runPosLoader(w2, { now })).toMatchObject({ loaded: 1 });
  });

  it('bisects a load job BigQuery refuses: the bad file is quarantined (load_failed), the rest load in the same run', async () => {
    const w = new World();
    for (let i = 1; i <= 7; i++) w.put(`pos/store=s${i}/1700.ndjson.gz`, file(`s${i}`, undefined, { poison: i === 5 }));
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ files: 7, loaded: 6, quarantined: 1, rows: { pos_transactions: 6, inventory_movements: 6 } });
    expect(s.rejectedJobs).toBe(4); // 7 files → 4 → 2 → 1: one refused job per level
    expect(w.rows.pos_transactions.map((r) => r.store_id).sort()).toEqual(['s1', 's2', 's3', 's4', 's6', 's7']);
    // The refused file's inventory rows were not loaded either (its transaction rows failed first).
    expect(w.rows.inventory_movements.map((r) => r.store_id).sort()).toEqual(['s1', 's2', 's3', 's4', 's6', 's7']);
    const bad = w.manifest.find((m) => m.object_name === 'pos/store=s5/1700.ndjson.gz')!;
    expect(bad).toMatchObject({ status: 'quarantined', transaction_rows: 0, inventory_rows: 0, load_job_id: null, reason: expect.stringMatching(/^load_failed: BigQuery refused the file's pos_transactions rows/) });
    // Every loaded row names the job that loaded it, and the manifest says the same.
    for (const table of ['pos_transactions', 'inventory_movements'] as const) {
      for (const r of w.rows[table]!) {
        const m = w.manifest.find((x) => `gs://landing/${x.object_name}` === r.source_object)!;
        expect(m.load_job_id!.split(',')).toContain(r.load_job_id);
        expect(w.jobs.has(String(r.load_job_id))).toBe(true);
      }
    }
    expect(w.plans.size).toBe(0);
    expect(w.staging.size).toBe(0);
    expect(await runPosLoader(w, { now })).toMatchObject({ files: 0, recovered: 0 });
  });

  it('finishes a bisection interrupted half-way from the plan record, without loading twice', async () => {
    const w = new World();
    for (let i = 1; i <= 4; i++) w.put(`pos/store=s${i}/1700.ndjson.gz`, file(`s${i}`, undefined, { poison: i === 4 }));
    const realMove = w.moveObject.bind(w);
    w.moveObject = async () => Promise.reject(new Error('crash before the moves'));
    await expect(runPosLoader(w, { now })).rejects.toThrow('crash before the moves');
    expect(w.planRecords()).toHaveLength(1);
    w.moveObject = realMove;
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ recovered: 4, loaded: 3, quarantined: 1 });
    expect(w.rows.pos_transactions).toHaveLength(3);
    expect(w.rows.inventory_movements).toHaveLength(3);
  });

  it('records a file whose later table is refused as quarantined with the rows that did load', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.put('pos/store=s2/1700.ndjson.gz', file('s2'));
    const orig = w.runLoadJob.bind(w);
    w.runLoadJob = async (job) => {
      if (job.table === 'inventory_movements' && w.staging.get(job.sources[0]!)!.includes('"store_id":"s2"')) {
        throw new LoadJobRejected('invalid');
      }
      return orig(job);
    };
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ loaded: 1, quarantined: 1, rows: { pos_transactions: 2, inventory_movements: 1 } });
    const m = w.manifest.find((x) => x.store_id === 's2')!;
    expect(m).toMatchObject({ status: 'quarantined', transaction_rows: 1, inventory_rows: 0, load_job_id: expect.stringMatching(/^pizzaflow_pos_pos_transactions_/), reason: expect.stringMatching(/^load_failed: .*inventory_movements.*pos_transactions rows were loaded by/) });
  });

  it('does not let a plan that keeps failing block the run: it goes last, its files wait, new files load', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    const orig = w.runLoadJob.bind(w);
    // The first plan's jobs fail for a reason that is not the data (bisecting cannot help).
    let broken = true;
    w.runLoadJob = async (job) => {
      if (broken && w.staging.get(job.sources[0]!)!.includes('"store_id":"s1"')) {
        throw new Error('table not found');
      }
      return orig(job);
    };
    await expect(runPosLoader(w, { now })).rejects.toThrow('table not found');
    w.put('pos/store=s2/1700.ndjson.gz', file('s2'));
    const s1 = await runPosLoader(w, { now });
    expect(s1).toMatchObject({ blockedPlans: 1, files: 1, loaded: 1 });
    expect(w.planRecords().map((p) => p.attempts)).toEqual([1]);
    broken = false;
    w.put('pos/store=s3/1700.ndjson.gz', file('s3'));
    const s2 = await runPosLoader(w, { now });
    expect(s2).toMatchObject({ blockedPlans: 0, recovered: 1, loaded: 2 });
    expect(w.rows.pos_transactions.map((r) => r.store_id).sort()).toEqual(['s1', 's2', 's3']);
  });

  it('takes at most maxFilesPerRun files per run, oldest first, and drains the backlog over later runs', async () => {
    const w = new World();
    for (let i = 1; i <= 5; i++) w.put(`pos/store=s${i}/1700.ndjson.gz`, file(`s${i}`));
    const a = await runPosLoader(w, { now, limits: { maxFilesPerRun: 2 } });
    expect(a).toMatchObject({ files: 2, backlog: 3 });
    expect(w.manifest.map((m) => m.store_id)).toEqual(['s1', 's2']);
    const b = await runPosLoader(w, { now, limits: { maxFilesPerRun: 2 } });
    expect(b).toMatchObject({ files: 2, backlog: 1 });
    const c = await runPosLoader(w, { now, limits: { maxFilesPerRun: 2 } });
    expect(c).toMatchObject({ files: 1, backlog: 0 });
    expect(w.manifest.map((m) => m.store_id)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(w.rows.pos_transactions).toHaveLength(5);
  });

  it('ignores and logs plan records the loader did not write; a legitimate interrupted plan is still finished', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    w.failAfterJobs = true;
    await expect(runPosLoader(w, { now })).rejects.toThrow();
    w.failAfterJobs = false;
    const [real] = w.planRecords();
    // A planted plan: a forged row in its own staging object, a job id it made up.
    const forgedSource = `_plans/${'a'.repeat(24)}/pos_transactions/forged.ndjson`;
    w.staging.set(forgedSource, `${JSON.stringify({ ...posSale(), store_id: 'forged' })}\n`);
    const planted: PlanRecord = { planId: 'a'.repeat(24), jobs: [{ jobId: 'pizzaflow_pos_forged', table: 'pos_transactions', windowStart: '2026-11-23T17:00:00.000Z', sources: [forgedSource], files: [] }], files: [] };
    w.plans.set(`_plans/${'a'.repeat(24)}.json`, JSON.stringify(planted));
    w.plans.set('_plans/plans.json', JSON.stringify({ planId: 'plans', jobs: [], files: [] }));
    w.plans.set(`_plans/${'b'.repeat(24)}.json`, JSON.stringify(real));
    const errors: unknown[] = [];
    const log = { error: (o: unknown) => errors.push(o), warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Parameters<typeof runPosLoader>[1]['log'];
    const s = await runPosLoader(w, { now, log });
    expect(s).toMatchObject({ ignoredPlans: 3, recovered: 1 });
    expect(errors).toHaveLength(3);
    expect(w.rows.pos_transactions.map((r) => r.store_id)).toEqual(['s1']);
    expect(w.jobs.has('pizzaflow_pos_forged')).toBe(false);
    // The planted records are left for an operator (not executed, not deleted).
    expect([...w.plans.keys()].sort()).toEqual([`_plans/${'a'.repeat(24)}.json`, `_plans/${'b'.repeat(24)}.json`, '_plans/plans.json']);
  });
});

describe('loader limits from the configuration', () => {
  it('has defaults and reads each PIZZAFLOW_POS_* variable', () => {
    expect(loadConfig({}).posLoader).toEqual({ maxObjectBytes: 16 * 2 ** 20, maxInflatedBytes: 64 * 2 ** 20, maxLineBytes: 256 * 2 ** 10, maxLines: 200_000, maxFilesPerRun: 2_000, maxAgeDays: 30, maxFutureHours: 24 });
    expect(loadConfig({}).posLoader).toEqual(DEFAULT_LIMITS);
    const c = loadConfig({ PIZZAFLOW_POS_MAX_OBJECT_BYTES: '4096', PIZZAFLOW_POS_MAX_FILES_PER_RUN: '10', PIZZAFLOW_POS_MAX_AGE_DAYS: '7', PIZZAFLOW_POS_MAX_FUTURE_HOURS: '2' }).posLoader;
    expect(c).toMatchObject({ maxObjectBytes: 4096, maxFilesPerRun: 10, maxAgeDays: 7, maxFutureHours: 2 });
    expect(() => loadConfig({ PIZZAFLOW_POS_MAX_AGE_DAYS: '90' })).toThrow(/PIZZAFLOW_POS_MAX_AGE_DAYS/);
  });
});

describe('checkPlanRecord', () => {
  const source = `_plans/${'c'.repeat(24)}/pos_transactions/x.ndjson`;
  const job = { jobId: loadJobId('pos_transactions', '2026-11-23T17:00:00.000Z', [source]), table: 'pos_transactions' as const, windowStart: '2026-11-23T17:00:00.000Z', sources: [source], files: [] as string[] };
  const base: PlanRecord = { planId: 'c'.repeat(24), jobs: [], files: [] };
  const name = `_plans/${'c'.repeat(24)}.json`;

  it('accepts what the loader writes and refuses ids, tables, sources and jobs it would not write', () => {
    expect(checkPlanRecord(name, base).ok).toBe(true);
    expect(checkPlanRecord('_plans/plans.json', { ...base, planId: 'plans' })).toMatchObject({ ok: false, reason: expect.stringMatching(/planId/) });
    expect(checkPlanRecord('_plans/x.json', base)).toMatchObject({ ok: false, reason: expect.stringMatching(/names plan/) });
    expect(checkPlanRecord(name, { ...base, jobs: [{ ...job, files: ['gs://landing/pos/store=s1/a#1'] }] })).toMatchObject({ ok: false, reason: expect.stringMatching(/not a file of the plan/) });
    expect(checkPlanRecord(name, { ...base, jobs: [{ ...job, table: 'orders', files: ['k'] }] })).toMatchObject({ ok: false });
    const other = `_plans/${'d'.repeat(24)}/pos_transactions/x.ndjson`;
    expect(checkPlanRecord(name, { ...base, jobs: [{ ...job, sources: [other], jobId: loadJobId('pos_transactions', job.windowStart, [other]), files: ['k'] }] })).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the plan's folder/) });
    expect(checkPlanRecord(name, { ...base, jobs: [{ ...job, jobId: 'pizzaflow_pos_forged', files: ['k'] }] })).toMatchObject({ ok: false, reason: expect.stringMatching(/not the id/) });
    expect(checkPlanRecord(name, 'garbage').ok).toBe(false);
    expect(checkPlanRecord(name, { ...base, files: [{ object: { bucket: 'landing', name: 'staging/x', generation: '1' }, destination: 'archive', metadata: {}, manifest: {} }] }).ok).toBe(false);
  });
});

