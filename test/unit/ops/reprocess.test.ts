// Pure parts of reprocess: range checks, the partition diff, and the printed report.
import { formatReprocessReport } from '../../../tools/cli/reprocess-command';
import type { RunReport } from '../../../tools/dataform';
import { checkRange, diffFingerprints, type ReprocessReport, type TableFingerprints } from '../../../ops/reprocess';

const fp = (entries: Record<string, Record<string, [number, string]>>): TableFingerprints =>
  new Map(Object.entries(entries).map(([t, parts]) => [t, new Map(Object.entries(parts).map(([p, [rows, checksum]]) => [p, { rows, checksum }]))]));

test('checkRange: a range or a full refresh, never both; real dates, in order, within the partition limit', () => {
  expect(checkRange('2026-11-01', '2026-11-07', false)).toBeUndefined();
  expect(checkRange(undefined, undefined, true)).toBeUndefined();
  expect(checkRange('2026-11-01', '2026-11-07', true)).toMatch(/without --from\/--to/);
  expect(checkRange('2026-11-01', undefined, false)).toMatch(/give --from and --to/);
  expect(checkRange('2026-02-30', '2026-03-01', false)).toMatch(/--from must be a date/);
  expect(checkRange('2026-11-08', '2026-11-07', false)).toMatch(/is after/);
  expect(checkRange('2010-01-01', '2026-01-01', false)).toMatch(/4000 partitions per job/);
});

test('diffFingerprints: changed contents, changed counts, new and vanished partitions', () => {
  const before = fp({ a: { '2026-11-01': [3, 'x'], '2026-11-02': [2, 'y'], '2026-11-03': [1, 'z'] }, b: { '(table)': [5, 'q'] } });
  const after = fp({ a: { '2026-11-01': [3, 'x'], '2026-11-02': [2, 'y2'], '2026-11-04': [1, 'w'] }, b: { '(table)': [5, 'q'] }, c: { '2026-11-01': [1, 'n'] } });
  const { compared, changed } = diffFingerprints(before, after);
  expect(compared).toBe(6);
  expect(changed.map((c) => `${c.table}|${c.partition}`)).toEqual(['a|2026-11-02', 'a|2026-11-03', 'a|2026-11-04', 'c|2026-11-01']);
  expect(changed[1]!.after).toBeNull();
  expect(diffFingerprints(before, before).changed).toEqual([]);
});

test('the printed report names each changed partition and how', () => {
  const report: ReprocessReport<RunReport> = {
    mode: 'backfill',
    from: '2026-11-24',
    to: '2026-11-24',
    run: { runId: 'r1', ok: true, fullRefresh: false, results: [], totalBytesProcessed: 0, durationMs: 1500 },
    compared: 40,
    changed: [
      { table: 'fct_orders', partition: '2026-11-24', before: { rows: 10, checksum: 'a' }, after: { rows: 11, checksum: 'b' } },
      { table: 'mart_store_sales_hourly', partition: '2026-11-24', before: { rows: 7, checksum: 'a' }, after: { rows: 7, checksum: 'c' } },
    ],
    recorded: { runId: 'r1', kind: 'backfill', finishedAt: '2026-11-25T10:00:00Z', watermarkAt: null },
  };
  const text = formatReprocessReport(report);
  expect(text).toContain('backfill 2026-11-24..2026-11-24: run r1 succeeded');
  expect(text).toContain('2 of 40 partitions changed:');
  expect(text).toMatch(/fct_orders\s+2026-11-24\s+10 rows -> 11 rows/);
  expect(text).toMatch(/mart_store_sales_hourly\s+2026-11-24\s+7 rows, contents changed/);
  expect(text).toContain('recorded in ops.transform_runs as backfill run r1');
  expect(formatReprocessReport({ ...report, changed: [] })).toContain('no partition changed (40 compared)');
  expect(formatReprocessReport({ ...report, recorded: null })).toContain('not recorded in ops.transform_runs');
});
