// Literal, cast and named-window rewrites (sql/rewrites/cast-literal-fidelity.ts), each alone.
import { boolCastsAsBigQuery, castFormatRefused, namedWindowsResolved, octalEscapesDecoded, rangeTypeRefused, timestampLiteralOffsets, timestampOffsetNormalised } from '../../../../../emulators/bigquery/sql/rewrites/cast-literal-fidelity';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('octal escapes in STRING literals', () => {
  it('decodes \\ooo to one character, writing a quote, backslash or control character escaped', () => {
    expect(apply(octalEscapesDecoded, "SELECT '\\101\\102'")).toBe("SELECT 'AB'");
    expect(apply(octalEscapesDecoded, "SELECT '\\047\\134'")).toBe("SELECT '\\'\\\\'");
    expect(apply(octalEscapesDecoded, "SELECT '\\001'")).toBe("SELECT '\\x01'");
  });

  it('keeps an escaped backslash before digits, raw and BYTES literals, and other escapes', () => {
    expect(apply(octalEscapesDecoded, "SELECT '\\\\101', r'\\101', b'\\101', '\\x41\\n'")).toBe("SELECT '\\\\101', r'\\101', b'\\101', '\\x41\\n'");
  });

  it('fails on an octal escape above \\377 as an illegal escape sequence', () => {
    expect(() => apply(octalEscapesDecoded, "SELECT '\\400'")).toThrow('Illegal escape sequence: \\400');
  });
});

describe('the RANGE type', () => {
  it('refuses RANGE<T> and leaves RANGE window frames alone', () => {
    expect(() => apply(rangeTypeRefused, "SELECT RANGE<DATE> '[2020-01-01, 2020-12-31)'")).toThrow('The RANGE type is not supported by the BigQuery emulator');
    const frame = 'SELECT COUNT(*) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t';
    expect(apply(rangeTypeRefused, frame)).toBe(frame);
  });
});

describe('CAST to BOOLEAN on DuckDB tokens', () => {
  it('branches on the operand type: a VARCHAR goes to pf_string_to_bool (pf_safe_… under TRY_CAST)', () => {
    expect(apply(boolCastsAsBigQuery, 'SELECT CAST(x AS BOOLEAN)')).toBe("SELECT (CASE WHEN TYPEOF(x) <> 'VARCHAR' THEN CAST(x AS BOOLEAN) ELSE pf_string_to_bool(CAST(x AS VARCHAR)) END)");
    expect(apply(boolCastsAsBigQuery, "SELECT TRY_CAST('a' AS BOOLEAN)")).toBe("SELECT (CASE WHEN TYPEOF('a') <> 'VARCHAR' THEN TRY_CAST('a' AS BOOLEAN) ELSE pf_safe_string_to_bool(CAST('a' AS VARCHAR)) END)");
  });

  it('leaves casts to other types alone', () => {
    expect(apply(boolCastsAsBigQuery, 'SELECT CAST(x AS BIGINT), CAST(CAST(y AS BOOLEAN) AS VARCHAR)')).toContain('CAST(x AS BIGINT)');
  });
});

describe('named windows defined from named windows', () => {
  it('writes each WINDOW definition out in full', () => {
    expect(apply(namedWindowsResolved, 'SELECT SUM(x) OVER c FROM t WINDOW a AS (PARTITION BY k), b AS (a ORDER BY x), c AS (b ROWS 1 PRECEDING), d AS c')).toBe(
      'SELECT SUM(x) OVER c FROM t WINDOW a AS (PARTITION BY k), b AS (PARTITION BY k ORDER BY x), c AS (PARTITION BY k ORDER BY x ROWS 1 PRECEDING), d AS (PARTITION BY k ORDER BY x ROWS 1 PRECEDING)',
    );
  });

  it('leaves self-contained definitions as they are', () => {
    const sql = 'SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY x)';
    expect(apply(namedWindowsResolved, sql)).toBe(sql);
  });
});

describe('CAST with a FORMAT clause', () => {
  it('keeps a STRING read as DATE, DATETIME or TIMESTAMP with YYYY MM DD HH24 MI SS and separators', () => {
    const sql = "SELECT CAST(s AS DATE FORMAT 'DD.MM.YYYY'), SAFE_CAST(s AS TIMESTAMP FORMAT 'YYYY-MM-DD HH24:MI:SS'), CAST(FORMAT('%d', 1) AS STRING)";
    expect(apply(castFormatRefused, sql)).toBe(sql);
  });

  it('refuses other targets and format elements', () => {
    expect(() => apply(castFormatRefused, "SELECT CAST(d AS STRING FORMAT 'YYYY')")).toThrow('CAST AS STRING with this FORMAT clause is not supported');
    expect(() => apply(castFormatRefused, "SELECT CAST(s AS BYTES FORMAT 'BASE64')")).toThrow('CAST AS BYTES with this FORMAT clause');
    expect(() => apply(castFormatRefused, "SELECT CAST(s AS DATE FORMAT 'MON DD, YY')")).toThrow('CAST AS DATE with this FORMAT clause');
    expect(() => apply(castFormatRefused, "SELECT CAST(s AS DATETIME FORMAT 'YYYY-MM-DD HH12:MI AM')")).toThrow('CAST AS DATETIME with this FORMAT clause');
  });
});

describe('time zone offsets in TIMESTAMP literals', () => {
  it('writes UTC+HH:MM, UTC+HHMM and +H:MM offsets as +HH:MM, leaving other forms alone', () => {
    expect(timestampOffsetNormalised('2014-12-01 12:34:56 UTC+07:30')).toBe('2014-12-01 12:34:56+07:30');
    expect(timestampOffsetNormalised('2014-12-01 12:34:56 UTC+0730')).toBe('2014-12-01 12:34:56+07:30');
    expect(timestampOffsetNormalised('2014-12-01 12:34:56.5 utc-7')).toBe('2014-12-01 12:34:56.5-07:00');
    expect(timestampOffsetNormalised('2014-09-27 12:30:00+5:30')).toBe('2014-09-27 12:30:00+05:30');
    for (const s of ['2014-12-01 12:34:56-08', '2014-12-01 12:34:56+0530', '2014-12-1', '2014-12-01 12:34:56 America/Los_Angeles', '2014-12-01 12:34:56 UTC']) expect(timestampOffsetNormalised(s)).toBe(s);
  });

  it('applies to TIMESTAMP literals and literals cast to TIMESTAMP only', () => {
    expect(apply(timestampLiteralOffsets, "SELECT TIMESTAMP '2014-12-01 12:34:56 UTC+0730', CAST('2014-12-01 01:00:00+5:30' AS TIMESTAMP), '2014-12-01 12:34:56 UTC+0730'")).toBe(
      "SELECT TIMESTAMP '2014-12-01 12:34:56+07:30', CAST('2014-12-01 01:00:00+05:30' AS TIMESTAMP), '2014-12-01 12:34:56 UTC+0730'",
    );
  });
});
