// PARSE_NUMERIC / PARSE_BIGNUMERIC and CAST(STRING AS BIGNUMERIC) (udfs/numeric.ts).
import { decimalAverage, parseNumericText } from '../../../../../emulators/bigquery/udfs/numeric';

describe('PARSE_NUMERIC (conversion_functions#parse_numeric)', () => {
  it("answers the page's examples: exact, exponents, rounded half away from zero to nine decimals", () => {
    expect(parseNumericText('123.45', 'NUMERIC')).toBe('123.45');
    expect(parseNumericText('12.34E27', 'NUMERIC')).toBe('12340000000000000000000000000');
    expect(parseNumericText('1.0123456789', 'NUMERIC')).toBe('1.012345679');
    expect(parseNumericText('-1.0000000005', 'NUMERIC')).toBe('-1.000000001');
    expect(parseNumericText('0.0000000004', 'NUMERIC')).toBe('0');
  });

  it('allows whitespace around the sign and the number, a trailing sign, commas in the integer part and a signed exponent', () => {
    expect(parseNumericText('- 12,34567,89.0', 'NUMERIC')).toBe('-123456789');
    expect(parseNumericText('  -  12.345  ', 'NUMERIC')).toBe('-12.345');
    expect(parseNumericText(' 12,345,678', 'NUMERIC')).toBe('12345678');
    expect(parseNumericText(' 123.45e-1', 'NUMERIC')).toBe('12.345');
    expect(parseNumericText(' 0,.12 -', 'NUMERIC')).toBe('-0.12');
    expect(parseNumericText(' .1', 'NUMERIC')).toBe('0.1');
    expect(parseNumericText(' 0.5 -', 'NUMERIC')).toBe('-0.5');
  });

  it("refuses bad text and values out of NUMERIC's range with BigQuery's message (NULL for SAFE.)", () => {
    for (const bad of [',,,.1', '1 23.4 5', ' e1 ', '+ 12.2 - ', 'abc', '', '1e30', '-1e29']) {
      expect(() => parseNumericText(bad, 'NUMERIC')).toThrow(`Invalid NUMERIC value: ${bad}`);
      expect(parseNumericText(bad, 'NUMERIC', { orNull: true })).toBeNull();
    }
    expect(parseNumericText('99999999999999999999999999999.999999999', 'NUMERIC')).toBe('99999999999999999999999999999.999999999');
  });
});

describe('PARSE_BIGNUMERIC and CAST(STRING AS BIGNUMERIC) (conversion_functions#parse_bignumeric)', () => {
  it('answers values that fit DuckDB DECIMAL(38, 18) exactly', () => {
    expect(parseNumericText('123.45', 'BIGNUMERIC')).toBe('123.45');
    expect(parseNumericText('-1.5e1', 'BIGNUMERIC', { cast: true })).toBe('-15');
    expect(parseNumericText('99999999999999999999.999999999999999999', 'BIGNUMERIC')).toBe('99999999999999999999.999999999999999999');
  });

  it('refuses with a 501 message a BIGNUMERIC beyond 20 integer or 18 fractional digits, never rounding it', () => {
    const refusal = 'A BIGNUMERIC value with more than 20 integer or 18 fractional digits (beyond DuckDB DECIMAL(38, 18)) is not supported by the BigQuery emulator';
    expect(() => parseNumericText('12.4E37', 'BIGNUMERIC', { cast: true })).toThrow(refusal);
    expect(() => parseNumericText('1.123456789012345678901234567890123456789', 'BIGNUMERIC')).toThrow(refusal);
    expect(() => parseNumericText('1e-19', 'BIGNUMERIC', { orNull: true })).toThrow(refusal);
  });

  it("refuses text out of BIGNUMERIC's own range with BigQuery's message; CAST reads no commas nor spaces inside", () => {
    expect(() => parseNumericText('123.456E37', 'BIGNUMERIC')).toThrow('Invalid BIGNUMERIC value: 123.456E37');
    expect(() => parseNumericText('1,5', 'BIGNUMERIC', { cast: true })).toThrow('Invalid BIGNUMERIC value: 1,5');
    expect(() => parseNumericText('- 1', 'BIGNUMERIC', { cast: true })).toThrow('Invalid BIGNUMERIC value: - 1');
    expect(parseNumericText('abc', 'BIGNUMERIC', { cast: true, orNull: true })).toBeNull();
  });
});

describe('decimalAverage (AVG of NUMERIC)', () => {
  it('divides the sum exactly and rounds half away from zero to 9 places', () => {
    expect(decimalAverage('3.500000001', 3n)).toBe('1.166666667');
    expect(decimalAverage('-0.000000005', 2n)).toBe('-0.000000003');
    expect(decimalAverage('99999999999999999999999999999.999999999', 1n)).toBe('99999999999999999999999999999.999999999');
  });

  it('answers NULL for no values', () => {
    expect(decimalAverage('0', 0n)).toBeNull();
  });
});
