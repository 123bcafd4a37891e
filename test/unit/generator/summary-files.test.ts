// The summary's file counts are derived from what the writers write (not hard-coded), so they must
// match the output folder file for file, whatever the fault rate.
import { REFERENCE_TABLES } from '../../../tools/generator/reference-tables';
import { listFiles, removeDir, run, tempDir } from './helpers';

it.each([0, 0.2])('counts exactly the files a run leaves (fault rate %p)', async (faultRate) => {
  const dir = tempDir('files');
  try {
    const summary = await run(dir, { faultRate });
    const files = listFiles(dir);
    const under = (prefix: string): number => files.filter((f) => f.startsWith(prefix)).length;
    expect(summary.files.reference).toBe(Object.keys(REFERENCE_TABLES).length);
    expect(under('reference/')).toBe(summary.files.reference);
    expect(under('expected/')).toBe(summary.files.expected);
    expect(under('online/')).toBe(summary.files.online);
    expect(under('deliveries/')).toBe(summary.files.deliveries);
    expect(under('pos/')).toBe(summary.files.pos);
    expect(files.length).toBe(summary.files.total);
  } finally {
    removeDir(dir);
  }
});
