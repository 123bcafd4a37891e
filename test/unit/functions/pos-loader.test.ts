import { inventoryReceipt, posSale } from '../../../contracts/examples';
import { loadManifestEntry } from '../../../contracts/ops';
import type { PosFileHeader } from '../../../contracts/pos';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { checkPosFile } from '../../../functions/pos-loader/check-file';
import { decideFiles, fileKey, jobsByFile, loadJobId, loadedContent, manifestRow, MAX_FILES_PER_JOB, planLoad, stagingNdjson, type FileDecision, type LandedObject } from '../../../functions/pos-loader/plan';

const header: PosFileHeader = {
  record_type: 'header',
  schema_version: 1,
  merchant_id: 'm0001',
  store_id: 's0001',
  window_start: '2026-11-23T17:00:00Z',
  window_end: '2026-11-23T17:15:00Z',
  created_at: '2026-11-23T17:16:00Z',
};
const body = [JSON.stringify({ record_type: 'transaction', ...posSale() }), JSON.stringify({ record_type: 'inventory_movement', ...inventoryReceipt() })];
const good = gzipPosFile(posFileText(header, body));
const obj = (name: string, generation = '1'): LandedObject => ({ bucket: 'p-pos-landing', name, generation });

describe('checkPosFile', () => {
  it('accepts a valid file and splits its rows per table without record_type', () => {
    const v = checkPosFile(good);
    expect(v.ok).toBe(true);
    expect(v.header?.store_id).toBe('s0001');
    expect(v.rows.pos_transactions).toEqual([posSale()]);
    expect(v.rows.inventory_movements).toEqual([inventoryReceipt()]);
    expect(v.contentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('quarantines a truncated gzip', () => {
    const v = checkPosFile(good.subarray(0, good.length - 12));
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/truncated or corrupt/);
    expect(v.contentSha256).toBeNull();
  });

  it('names the line and field of a bad body line, and a trailer that does not match', () => {
    const bad = JSON.stringify({ record_type: 'transaction', ...posSale(), currency: 'usd' });
    const v = checkPosFile(gzipPosFile(posFileText(header, [bad])));
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/^line 2: currency/);
    const t = checkPosFile(gzipPosFile(posFileText(header, body, { record_type: 'trailer', row_count: 3, sha256: 'a'.repeat(64) })));
    expect(t.reason).toMatch(/row_count/);
    const noTrailer = checkPosFile(Buffer.from(`${posFileText(header, body).split('\n').slice(0, 3).join('\n')}\n`));
    expect(noTrailer.reason).toMatch(/missing trailer/);
  });
});

describe('decideFiles and planLoad', () => {
  const verdict = checkPosFile(good);

  it('loads the first of identical files, archives the re-upload, quarantines the bad', () => {
    const loaded = new Set<string>();
    const d = decideFiles([
      { object: obj('pos/store=s0001/date=2026-11-23/1700.ndjson.gz'), verdict },
      { object: obj('pos/store=s0001/date=2026-11-23/1700-reupload.ndjson.gz'), verdict },
      { object: obj('pos/store=s0001/x.ndjson.gz'), verdict: checkPosFile(Buffer.from('garbage')) },
    ], loaded);
    expect(d.map((x) => x.action)).toEqual(['load', 'archive', 'quarantine']);
    // The manifest of a later run knows the content.
    const row = manifestRow(d[0]!, '2026-11-23T17:30:00Z', ['job-1']);
    expect(loadManifestEntry.safeParse(row).success).toBe(true);
    expect(decideFiles([{ object: obj('pos/store=s0001/again.ndjson.gz'), verdict }], loadedContent([row]))[0]!.action).toBe('archive');
    for (const x of d) expect(loadManifestEntry.safeParse(manifestRow(x, '2026-11-23T17:30:00Z', [])).success).toBe(true);
  });

  it('does not treat empty windows of different stores as duplicates', () => {
    const empty = (store: string) => checkPosFile(gzipPosFile(posFileText({ ...header, store_id: store }, [])));
    const d = decideFiles([{ object: obj('pos/store=s0001/a'), verdict: empty('s0001') }, { object: obj('pos/store=s0002/b'), verdict: empty('s0002') }], new Set());
    expect(d.map((x) => x.action)).toEqual(['load', 'load']);
  });

  it('plans one job per window per table, staged as one object, with deterministic ids', () => {
    const files = ['1700', '1700b'].map((n, i) => ({ object: obj(`pos/store=s000${i}/${n}.ndjson.gz`), verdict: { ...verdict, header: { ...header, store_id: `s000${i}` } } }));
    const later = { object: obj('pos/store=s0009/late.ndjson.gz'), verdict: { ...verdict, header: { ...header, store_id: 's0009', window_start: '2026-11-23T17:15:00Z' } } };
    const plan = planLoad(decideFiles([...files, later], new Set()), '2026-11-23T17:30:00Z');
    expect(plan.jobs.map((j) => [j.table, j.windowStart, j.files.length, j.sources.length])).toEqual([
      ['pos_transactions', '2026-11-23T17:00:00.000Z', 2, 1],
      ['inventory_movements', '2026-11-23T17:00:00.000Z', 2, 1],
      ['pos_transactions', '2026-11-23T17:15:00.000Z', 1, 1],
      ['inventory_movements', '2026-11-23T17:15:00.000Z', 1, 1],
    ]);
    expect(new Set(plan.jobs.map((j) => j.sources[0])).size).toBe(4);
    expect(plan.jobs.every((j) => j.sources[0]!.startsWith(`_plans/${plan.planId}/${j.table}/`))).toBe(true);
    const byFile = jobsByFile(plan.jobs);
    expect(byFile.get(fileKey(later.object))!.map((j) => j.windowStart)).toEqual(['2026-11-23T17:15:00.000Z', '2026-11-23T17:15:00.000Z']);
    const again = planLoad(decideFiles([later, ...files], new Set()), '2026-11-23T17:45:00Z');
    expect(again.jobs.map((j) => j.jobId).sort()).toEqual(plan.jobs.map((j) => j.jobId).sort());
    expect(plan.jobs[0]!.jobId).toMatch(/^pizzaflow_pos_pos_transactions_20261123T170000_[0-9a-f]{20}$/);
    const fewer = planLoad(decideFiles(files, new Set()), '2026-11-23T17:30:00Z');
    expect(fewer.jobs[0]!.jobId).not.toBe(plan.jobs[0]!.jobId);
  });

  it('splits a window over 10,000 files into several jobs, each with its own staging object', () => {
    const many: FileDecision[] = Array.from({ length: MAX_FILES_PER_JOB + 1 }, (_, i) => ({ action: 'load', object: obj(`pos/store=s0001/f${i}.ndjson.gz`), verdict: verdict as FileDecision['verdict'] & { ok: true } }));
    const plan = planLoad(many, '2026-11-23T17:30:00Z');
    expect(plan.jobs.map((j) => [j.table, j.files.length])).toEqual([
      ['pos_transactions', MAX_FILES_PER_JOB],
      ['pos_transactions', 1],
      ['inventory_movements', MAX_FILES_PER_JOB],
      ['inventory_movements', 1],
    ]);
    expect(new Set(plan.jobs.map((j) => j.sources[0])).size).toBe(4);
    expect(new Set(plan.jobs.map((j) => j.jobId)).size).toBe(4);
    expect(loadJobId('pos_transactions', '2026-11-23T17:00:00.000Z', ['a'])).not.toBe(loadJobId('pos_transactions', '2026-11-23T17:00:00.000Z', ['b']));
  });

  it('writes staging NDJSON with the batch metadata', () => {
    const text = stagingNdjson([posSale()], { ingestedAt: '2026-11-23T17:30:00Z', sourceObject: 'gs://b/o', loadJobId: 'j' });
    expect(JSON.parse(text.trim())).toMatchObject({ event_id: posSale().event_id, ingested_at: '2026-11-23T17:30:00Z', source_object: 'gs://b/o', load_job_id: 'j' });
    expect(text.endsWith('\n')).toBe(true);
  });
});
