// BigQuery's INTERVAL text (udfs/interval.ts) and the typed macros that use it (udfs/macros.ts).
import { DuckDBInstance } from '@duckdb/node-api';
import { FUNCTIONS, createMacros, registerFunctions } from '../../../../../emulators/bigquery/udfs';
import { formatInterval, parseInterval, parseIntervalRange } from '../../../../../emulators/bigquery/udfs/interval';

const iv = (months: number, days: number, micros: number) => ({ months: BigInt(months), days: BigInt(days), micros: BigInt(micros) });
const H = 3_600_000_000;
const M = 60_000_000;
const S = 1_000_000;

describe('CAST(STRING AS INTERVAL) (conversion_functions#cast_as_interval)', () => {
  it("reads the canonical form and the page's shorter forms", () => {
    expect(parseInterval('1-2 3 10:20:30.456')).toEqual(iv(14, 3, 10 * H + 20 * M + 30 * S + 456_000));
    expect(parseInterval('1-2')).toEqual(iv(14, 0, 0));
    expect(parseInterval('10:20:30')).toEqual(iv(0, 0, 10 * H + 20 * M + 30 * S));
    expect(parseInterval('1-2 3 18:1:55')).toEqual(iv(14, 3, 18 * H + M + 55 * S));
    expect(parseInterval('3 4:5:6')).toEqual(iv(0, 3, 4 * H + 5 * M + 6 * S));
  });

  it('gives each group its own sign and carries minutes, seconds and months past their range', () => {
    expect(parseInterval('-1-2 -3 -4:5:6')).toEqual(iv(-14, -3, -(4 * H + 5 * M + 6 * S)));
    expect(parseInterval('0-13 370 48:61:61')).toEqual(iv(13, 370, 49 * H + 2 * M + S));
  });

  it('reads ISO 8601 durations, with weeks, negative and repeated parts, and a fraction of seconds after . or ,', () => {
    expect(parseInterval('P1Y2M3D')).toEqual(iv(14, 3, 0));
    expect(parseInterval('PT10H20M30,456S')).toEqual(iv(0, 0, 10 * H + 20 * M + 30 * S + 456_000));
    expect(parseInterval('P1Y2M3DT4H5M6S')).toEqual(iv(14, 3, 4 * H + 5 * M + 6 * S));
    expect(parseInterval('P-1W2D1D')).toEqual(iv(0, -4, 0));
    expect(parseInterval('PT-1.5S')).toEqual(iv(0, 0, -1_500_000));
  });

  it("refuses other text with BigQuery's message", () => {
    for (const bad of ['', 'abc', '1 2', ' 1-2', '1-2 3 4:5:6.1234567', 'P', 'P1H', 'PT1D', 'P1.5D', 'PTT1H', 'PT1.S']) {
      expect(() => parseInterval(bad)).toThrow(`Invalid INTERVAL value '${bad}'`);
    }
    expect(() => parseInterval('10001-0')).toThrow("Interval field months '120012' is out of range");
  });
});

describe("INTERVAL '<text>' <part> TO <part> (interval_functions#interval_literals)", () => {
  it('reads the form the range names', () => {
    expect(parseIntervalRange('29 49:00:00', 'DAY', 'SECOND')).toEqual(iv(0, 29, 49 * H));
    expect(parseIntervalRange('10 -12:30', 'DAY', 'MINUTE')).toEqual(iv(0, 10, -(12 * H + 30 * M)));
    expect(parseIntervalRange('1-2 3 4', 'YEAR', 'HOUR')).toEqual(iv(14, 3, 4 * H));
    expect(parseIntervalRange('5 10', 'MONTH', 'DAY')).toEqual(iv(5, 10, 0));
    expect(parseIntervalRange('-2:30.5', 'MINUTE', 'SECOND')).toEqual(iv(0, 0, -(2 * M + 30 * S + 500_000)));
  });

  it('refuses text of another form, and ranges that are not ranges', () => {
    expect(() => parseIntervalRange('1:2', 'DAY', 'HOUR')).toThrow("Invalid INTERVAL value '1:2'");
    expect(() => parseIntervalRange('1', 'DAY', 'DAY')).toThrow('Invalid interval datetime fields: DAY TO DAY');
  });
});

describe("BigQuery's canonical INTERVAL text", () => {
  it("writes 'Y-M D H:M:S[.F]', a sign on each group, the fraction without trailing zeros", () => {
    expect(formatInterval(iv(0, 396, 0))).toBe('0-0 396 0:0:0');
    expect(formatInterval(iv(14, 3, 4 * H + 5 * M + 6 * S + 789_000))).toBe('1-2 3 4:5:6.789');
    expect(formatInterval(iv(-2, -5, 0))).toBe('-0-2 -5 0:0:0');
    expect(formatInterval(iv(0, -8, -(13 * H + 45 * M)))).toBe('0-0 -8 -13:45:0');
    expect(formatInterval(iv(0, 0, 36 * H + 34 * M + 56 * S + 789_000))).toBe('0-0 0 36:34:56.789');
  });
});

describe('the typed macros on DuckDB', () => {
  async function rows(sql: string): Promise<unknown[][]> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    registerFunctions(conn, FUNCTIONS);
    await createMacros(conn);
    try {
      return (await conn.runAndReadAll(sql)).getRowsJson() as unknown[][];
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }

  it('subtracts DATEs into days, DATETIMEs and TIMESTAMPs into microseconds only, anything else as DuckDB does', async () => {
    const [row] = await rows(
      "SELECT pf_interval_string(pf_minus(DATE '2021-05-20', DATE '2020-04-19')), pf_interval_string(pf_minus(TIMESTAMP '2021-06-01 12:34:56.789', TIMESTAMP '2021-05-31')), " +
        "pf_interval_string(pf_minus(TIMESTAMPTZ '2021-06-01 12:34:56.789+00', TIMESTAMPTZ '2021-05-31 00:00:00+00')), pf_minus(5, 3), CAST(pf_minus(DATE '2021-01-01', 1) AS VARCHAR)",
    );
    expect(row).toEqual(['0-0 396 0:0:0', '0-0 0 36:34:56.789', '0-0 0 36:34:56.789', 2, '2020-12-31']);
  });

  it('casts text to INTERVAL in BigQuery forms (NULL under TRY for bad text), and an INTERVAL to its canonical text', async () => {
    const [row] = await rows("SELECT pf_interval_string(pf_cast_interval('1-2 3 18:1:55')), pf_try_cast_interval('x'), pf_interval_string(INTERVAL '-3' DAY), pf_interval_string(1)");
    expect(row).toEqual(['1-2 3 18:1:55', null, '0-0 -3 0:0:0', null]);
  });

  it('extracts the milliseconds and microseconds of the second only, from an INTERVAL as from a TIMESTAMP', async () => {
    const [row] = await rows("SELECT pf_extract_millisecond(INTERVAL '6.789999' SECOND), pf_extract_microsecond(INTERVAL '6.789999' SECOND), pf_extract_millisecond(TIMESTAMP '2020-01-01 00:00:06.789')");
    expect(row).toEqual(['789', '789999', '789']);
  });
});
