// matchGlob syntax of objects.list (https://cloud.google.com/storage/docs/json_api/v1/objects/list#list-object-glob).
import { compileGlob, GlobError } from '../../../../emulators/storage/glob';

const cases: Array<[string, string[], string[]]> = [
  ['*.csv', ['a.csv', '.csv'], ['dir/a.csv', 'a.csvx']],
  ['**.csv', ['a.csv', 'dir/sub/a.csv'], ['a.json']],
  ['dir/**', ['dir/a', 'dir/x/y'], ['dir', 'other/a']],
  ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/xb', 'ab']],
  ['file?.txt', ['file1.txt', 'fileé.txt'], ['file.txt', 'file/.txt', 'file12.txt']],
  ['[abc]*', ['a', 'cat'], ['dog']],
  ['[a-c]x', ['bx'], ['dx']],
  ['[!a-c]x', ['dx'], ['ax', '/x']],
  ['{jan,feb}/*.csv', ['jan/1.csv', 'feb/2.csv'], ['mar/1.csv']],
  ['{a,b{1,2}}', ['a', 'b1', 'b2'], ['b', 'b3']],
  ['\\*.txt', ['*.txt'], ['a.txt']],
  ['a.b+c(d)', ['a.b+c(d)'], ['aXb+c(d)']],
];

describe('compileGlob', () => {
  it.each(cases)('%s', (glob, yes, no) => {
    const match = compileGlob(glob);
    for (const name of yes) expect([name, match(name)]).toEqual([name, true]);
    for (const name of no) expect([name, match(name)]).toEqual([name, false]);
  });

  it('refuses malformed globs', () => {
    for (const glob of ['[abc', '{a,b', 'a\\', '[z-a]']) expect(() => compileGlob(glob)).toThrow(GlobError);
  });
});
