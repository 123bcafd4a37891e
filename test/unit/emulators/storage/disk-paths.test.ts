// Objects on disk keep readable paths (`<bucket>/<name>`) with only the segments a file system
// cannot hold encoded, and the encoding is one-to-one.
import path from 'node:path';
import { readablePath } from '../../../../emulators/storage/disk-backend';

describe('readablePath', () => {
  it('keeps ordinary names as they are', () => {
    expect(readablePath('landing', 'pos/store-1/2024-01-01.csv')).toBe(path.join('landing', 'pos', 'store-1', '2024-01-01.csv'));
  });

  it('encodes empty, dot and percent segments so no two names collide', () => {
    const names = ['dir/', 'dir/%', 'a/./b', 'a/%2E/b', 'a/../b', 'x%y', 'x%25y', 'tab\there'];
    const paths = names.map((n) => readablePath('b', n));
    expect(new Set(paths).size).toBe(names.length);
    expect(readablePath('b', 'dir/')).toBe(path.join('b', 'dir', '%'));
    expect(readablePath('b', 'a/../b')).toBe(path.join('b', 'a', '%2E%2E', 'b'));
  });

  it('gives up on segments longer than a file name may be', () => {
    expect(readablePath('b', 'x'.repeat(300))).toBeUndefined();
  });
});
