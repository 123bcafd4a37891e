// objects.list semantics (https://cloud.google.com/storage/docs/json_api/v1/objects/list):
// lexicographic order, prefix/delimiter folding into `prefixes`, maxResults counting items and
// prefixes together, startOffset inclusive, endOffset exclusive.
import fc from 'fast-check';
import { compareNames, insertSorted, listEntries, listPage, type ListParams } from '../../../../emulators/storage/listing';

const NAMES = ['a.txt', 'dir/1', 'dir/2', 'dir/sub/3', 'dir/sub/4', 'dir2/x', 'e', 'f/', 'f/g'].sort(compareNames);

function all(params: ListParams): { names: string[]; prefixes: string[]; pages: number } {
  const names: string[] = [];
  const prefixes: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = listPage(NAMES, { ...params, pageToken });
    names.push(...page.names);
    prefixes.push(...page.prefixes);
    pageToken = page.nextPageToken;
    pages++;
  } while (pageToken && pages < 100);
  return { names, prefixes, pages };
}

describe('listPage', () => {
  it('lists everything in order without a delimiter', () => {
    expect(listPage(NAMES, {}).names).toEqual(NAMES);
  });

  it('folds names under a delimiter into prefixes', () => {
    const page = listPage(NAMES, { delimiter: '/' });
    expect(page.names).toEqual(['a.txt', 'e']);
    expect(page.prefixes).toEqual(['dir/', 'dir2/', 'f/']);
  });

  it('lists one level below a prefix', () => {
    const page = listPage(NAMES, { prefix: 'dir/', delimiter: '/' });
    expect(page.names).toEqual(['dir/1', 'dir/2']);
    expect(page.prefixes).toEqual(['dir/sub/']);
  });

  it('includes an object named like a prefix only with includeTrailingDelimiter', () => {
    expect(listPage(NAMES, { prefix: 'f', delimiter: '/' })).toEqual({ names: [], prefixes: ['f/'] });
    expect(listPage(NAMES, { prefix: 'f', delimiter: '/', includeTrailingDelimiter: true })).toEqual({ names: ['f/'], prefixes: ['f/'] });
  });

  it('pages with maxResults counting items and prefixes, each exactly once', () => {
    for (const maxResults of [1, 2, 3, 4]) {
      const r = all({ delimiter: '/', maxResults });
      expect(r.names).toEqual(['a.txt', 'e']);
      expect(r.prefixes).toEqual(['dir/', 'dir2/', 'f/']);
      expect(r.pages).toBe(Math.ceil(5 / maxResults));
    }
  });

  it('honours startOffset (inclusive) and endOffset (exclusive)', () => {
    expect(listPage(NAMES, { startOffset: 'dir/2', endOffset: 'e' }).names).toEqual(['dir/2', 'dir/sub/3', 'dir/sub/4', 'dir2/x']);
  });

  it('rejects a forged page token', () => {
    expect(() => listPage(NAMES, { pageToken: 'not-a-token' })).toThrow('Invalid page token');
  });

  it('orders by code point (UTF-8 byte order), not UTF-16 unit', () => {
    const names: string[] = [];
    for (const n of ['\u{1F355}', '\uFF5E', 'z']) insertSorted(names, n);
    expect(names).toEqual(['z', '\uFF5E', '\u{1F355}']);
    expect(names.map((n) => Buffer.from(n))).toEqual([...names].map((n) => Buffer.from(n)).sort(Buffer.compare));
  });

  it('paging never loses or repeats an entry (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[ab/]{1,5}$/), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(undefined, '/'),
        (raw, maxResults, delimiter) => {
          const sorted = [...raw].sort(compareNames);
          const whole = listPage(sorted, { delimiter, maxResults: 1000 });
          const names: string[] = [];
          const prefixes: string[] = [];
          let pageToken: string | undefined;
          do {
            const page = listPage(sorted, { delimiter, maxResults, pageToken });
            expect(page.names.length + page.prefixes.length).toBeLessThanOrEqual(maxResults);
            names.push(...page.names);
            prefixes.push(...page.prefixes);
            pageToken = page.nextPageToken;
          } while (pageToken);
          expect(names).toEqual(whole.names);
          expect(prefixes).toEqual(whole.prefixes);
        },
      ),
    );
  });
});

describe('listEntries over versions', () => {
  const versions = [
    { name: 'a', generation: '5' },
    { name: 'a', generation: '17' },
    { name: 'a', generation: '100' },
    { name: 'b', generation: '3' },
    { name: 'c/d', generation: '9' },
  ];

  it('pages one version at a time without skipping or repeating a generation of the same name', () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = listEntries(versions, { maxResults: 1, pageToken }, (v) => v.name, (v) => v.generation);
      seen.push(...page.items.map((v) => `${v.name}#${v.generation}`));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(['a#5', 'a#17', 'a#100', 'b#3', 'c/d#9']);
  });

  it('filters with match before counting and folding', () => {
    const page = listEntries(versions, { delimiter: '/', match: (n) => n !== 'b' }, (v) => v.name, (v) => v.generation);
    expect(page.items.map((v) => v.generation)).toEqual(['5', '17', '100']);
    expect(page.prefixes).toEqual(['c/']);
  });
});
