// String functions answered in TypeScript (udfs/text.ts) and FARM_FINGERPRINT (udfs/hash.ts).
import { farmFingerprint } from '../../../../../emulators/bigquery/udfs/hash';
import { regexpGroups, regexpInstrPattern } from '../../../../../emulators/bigquery/udfs/regexp';
import {
  caseFold,
  chr,
  initcap,
  left,
  leftBytes,
  lpad,
  lpadBytes,
  normalize,
  normalizeAndCasefold,
  reverse,
  reverseBytes,
  right,
  rightBytes,
  rpad,
  rpadBytes,
  safeConvertBytesToString,
  split,
  splitBytes,
  toBase32,
} from '../../../../../emulators/bigquery/udfs/text';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const str = (u: Uint8Array): string => Buffer.from(u).toString('latin1');

describe('NORMALIZE / NORMALIZE_AND_CASEFOLD (string_functions#normalize)', () => {
  it("answers the page's examples in every mode", () => {
    expect(normalize('\u00ea', 'NFC')).toBe(normalize('\u0065\u0302', 'NFC'));
    expect(normalize('Jane\u2004Doe', 'NFKC')).toBe('Jane Doe');
    expect(normalize('\u00C5', 'NFD')).toBe('\u0041\u030A');
    expect(normalizeAndCasefold('The red barn', 'NFC')).toBe(normalizeAndCasefold('The Red Barn', 'NFC'));
    expect(normalizeAndCasefold('\u2168', 'NFD') === normalizeAndCasefold('IX', 'NFD')).toBe(false);
    expect(normalizeAndCasefold('\u2168', 'NFKC')).toBe(normalizeAndCasefold('IX', 'NFKC'));
    expect(normalizeAndCasefold('\u0041\u030A', 'NFC')).toBe(normalizeAndCasefold('\u00C5', 'NFC'));
  });

  it('folds case fully (ß and ẞ to ss, final sigma to σ, Cherokee to upper case, dotless i kept)', () => {
    expect(caseFold('Straße STRASSE ẞ')).toBe('strasse strasse ss');
    expect(caseFold('ΣΑΣ ς')).toBe('σασ σ');
    expect(caseFold('\uab70\u13a0')).toBe('\u13a0\u13a0');
    expect(caseFold('ı')).toBe('ı');
  });
});

describe('INITCAP (string_functions#initcap)', () => {
  it("answers the page's examples, beyond ASCII too", () => {
    expect(initcap('Hello World-everyone!')).toBe('Hello World-Everyone!');
    expect(initcap('tHe dog BARKS loudly+friendly')).toBe('The Dog Barks Loudly+Friendly');
    expect(initcap('apples&oranges;&pears')).toBe('Apples&Oranges;&Pears');
    expect(initcap('καθίσματα ταινιών')).toBe('Καθίσματα Ταινιών');
    expect(initcap('hello WORLD!', '')).toBe('Hello world!');
    expect(initcap('καθίσματα ταιντιώ@ν', 'τ@')).toBe('ΚαθίσματΑ τΑιντΙώ@Ν');
    expect(initcap('Apples1oranges2pears', '12')).toBe('Apples1Oranges2Pears');
    expect(initcap('tHisEisEaESentence', 'E')).toBe('ThisEIsEAESentence');
  });

  it('keeps delimiters as they are; the default ones include backslash and every White_Space character', () => {
    expect(initcap('a\\b\u00a0c\u0085d')).toBe('A\\B\u00a0C\u0085D');
    expect(initcap('ß')).toBe('ß');
  });
});

describe('LEFT / RIGHT / LPAD / RPAD / REVERSE / SPLIT of STRING and BYTES', () => {
  it('counts characters of STRING and bytes of BYTES', () => {
    expect(left('абвгд', 3n)).toBe('абв');
    expect(right('абвгд', 3n)).toBe('вгд');
    expect(str(leftBytes(b('\xab\xcd\xef\xaa\xbb'), 3n))).toBe('\xab\xcd\xef');
    expect(str(rightBytes(b('\xab\xcd\xef\xaa\xbb'), 3n))).toBe('\xef\xaa\xbb');
    expect(() => left('a', -1n)).toThrow('Second argument in LEFT() cannot be negative');
    expect(() => right('a', -1n)).toThrow('Second argument in RIGHT() cannot be negative');
  });

  it("pads as the page shows, and fails as the reference does", () => {
    expect(lpad('例子', 4n)).toBe('  例子');
    expect(lpad('例子', 5n, '中文')).toBe('中文中例子');
    expect(rpad('abc', 8n, 'def')).toBe('abcdefde');
    expect(rpad('abc', 2n)).toBe('ab');
    expect(str(lpadBytes(b('abc'), 8n, b('def')))).toBe('defdeabc');
    expect(str(rpadBytes(b('\xab\xcd\xef'), 4n))).toBe('\xab\xcd\xef ');
    expect(str(lpadBytes(b('\xab\xcd\xef'), 5n, b('\x00')))).toBe('\x00\x00\xab\xcd\xef');
    expect(() => lpad('a', -1n)).toThrow('Second argument (output size) for LPAD/RPAD cannot be negative');
    expect(() => rpad('a', 1n, '')).toThrow('Third argument (pad pattern) for LPAD/RPAD cannot be empty');
    expect(() => rpad('a', 2000000n)).toThrow('Output of LPAD/RPAD exceeds max allowed output size of 1MB');
  });

  it('reverses characters (not grapheme clusters) and bytes', () => {
    expect(reverse('абвгд')).toBe('дгвба');
    expect(reverse('e\u0301x')).toBe('x\u0301e');
    expect(str(reverseBytes(b('bar')))).toBe('rab');
  });

  it('splits by the delimiter, into characters or bytes for an empty one, and empty input into one empty element', () => {
    expect(split('b,c,d', ',')).toEqual(['b', 'c', 'd']);
    expect(split('', ',')).toEqual(['']);
    expect(split('a例', '')).toEqual(['a', '例']);
    expect(splitBytes(b('a--b--'), b('--')).map(str)).toEqual(['a', 'b', '']);
    expect(splitBytes(b('\xab\xcd'), b('')).map(str)).toEqual(['\xab', '\xcd']);
  });
});

describe('SAFE_CONVERT_BYTES_TO_STRING / TO_BASE32 / CHR', () => {
  it('puts U+FFFD for each invalid UTF-8 sequence', () => {
    expect(safeConvertBytesToString(b('\xc2'))).toBe('\ufffd');
    expect(safeConvertBytesToString(b('a\xffb'))).toBe('a\ufffdb');
    expect(safeConvertBytesToString(Buffer.from('абв'))).toBe('абв');
  });

  it("encodes base32 with padding as the page shows", () => {
    expect(toBase32(b('abcde\xff'))).toBe('MFRGGZDF74======');
    expect(toBase32(b(''))).toBe('');
  });

  it('answers the empty string for code point 0 and fails for surrogates and beyond U+10FFFF', () => {
    expect(chr(0n)).toBe('');
    expect(chr(0xf9b5n)).toBe('\uf9b5');
    expect(() => chr(0xd800n)).toThrow('Invalid code point');
    expect(() => chr(0x110000n)).toThrow('Invalid code point');
  });
});

describe('FARM_FINGERPRINT (hash_functions#farm_fingerprint)', () => {
  it("answers the page's examples as signed INT64", () => {
    expect(farmFingerprint('1footrue')).toBe(-1541654101129638711n);
    expect(farmFingerprint('2applefalse')).toBe(2794438866806483259n);
    expect(farmFingerprint('3true')).toBe(-4880158226897771312n);
    expect(farmFingerprint(Buffer.from('1footrue'))).toBe(-1541654101129638711n);
  });
});

describe('regular expressions known when the query runs (udfs/regexp.ts)', () => {
  it('counts capturing groups and fails beyond one, as BigQuery does', () => {
    expect(regexpGroups('H?ello+')).toBe(0n);
    expect(regexpGroups('`(.+?)`')).toBe(1n);
    expect(regexpGroups('(?:a)[(]\\(')).toBe(0n);
    expect(() => regexpGroups('(a)(b)')).toThrow('must not have more than 1 capturing group');
  });

  it('composes the REGEXP_INSTR search pattern and refuses a group or a start-dependent anchor', () => {
    expect(regexpInstrPattern('@[^.]*')).toBe('^((?s:.*?))(@[^.]*)');
    expect(() => regexpInstrPattern('^a')).toThrow('is not supported by the BigQuery emulator');
    expect(() => regexpInstrPattern('(a)')).toThrow('is not supported by the BigQuery emulator');
  });
});
