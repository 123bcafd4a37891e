// STRING -> BOOL and BYTES -> STRING casts as BigQuery reads them (udfs/casts.ts).
import { CAST_FUNCTIONS, blobTextBytes, bytesAsString, secondsFractionPadded, stringAsBool } from '../../../../../emulators/bigquery/udfs/casts';

const fn = (name: string) => CAST_FUNCTIONS.find((f) => f.name === name)!.call as (s: string) => unknown;

describe('STRING -> BOOL', () => {
  it("reads only 'true' and 'false', in any case", () => {
    expect(stringAsBool('true')).toBe(true);
    expect(stringAsBool('TRUE')).toBe(true);
    expect(stringAsBool('fAlSe')).toBe(false);
    for (const s of ['yes', '1', 't', ' true', '']) expect(stringAsBool(s)).toBeUndefined();
  });

  it('fails with "Bad bool value" (pf_string_to_bool) or answers NULL (pf_safe_string_to_bool)', () => {
    expect(() => fn('pf_string_to_bool')('yes')).toThrow('Bad bool value: yes');
    expect(fn('pf_safe_string_to_bool')('yes')).toBeUndefined();
  });
});

describe('BYTES -> STRING', () => {
  it("reads DuckDB's BLOB text (\\xHH for other than printable ASCII) back into the bytes", () => {
    expect([...blobTextBytes('a\\x5Cb\\xC3\\xA9')]).toEqual([0x61, 0x5c, 0x62, 0xc3, 0xa9]);
  });

  it('decodes UTF-8, answering undefined for invalid UTF-8', () => {
    expect(bytesAsString(Uint8Array.from([0xc3, 0xa9, 0x01]))).toBe('é\u0001');
    expect(bytesAsString(Uint8Array.from([0xff]))).toBeUndefined();
    expect(fn('pf_blob_text_to_string')('\\xC3\\xA9')).toBe('é');
    expect(() => fn('pf_blob_text_to_string')('\\xFF')).toThrow('Invalid UTF-8');
    expect(fn('pf_safe_blob_text_to_string')('\\xFF')).toBeUndefined();
  });
});

describe('TIMESTAMP / DATETIME / TIME -> STRING', () => {
  it('pads fractional seconds with zeros to 3 or 6 digits, leaving whole seconds alone', () => {
    expect(secondsFractionPadded('2020-01-01 00:00:00.1+00')).toBe('2020-01-01 00:00:00.100+00');
    expect(secondsFractionPadded('2015-01-28 00:00:00.0001+00')).toBe('2015-01-28 00:00:00.000100+00');
    expect(secondsFractionPadded('10:00:00.123456')).toBe('10:00:00.123456');
    expect(secondsFractionPadded('2020-01-01 00:00:00-08')).toBe('2020-01-01 00:00:00-08');
  });
});
