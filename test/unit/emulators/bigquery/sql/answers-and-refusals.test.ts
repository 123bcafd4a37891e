// Rewrites for answers the emulator gave differently from BigQuery (issue #21, "no silent wrong
// answer"): result types, errors BigQuery raises, functions DuckDB lacks (given or refused with
// 501), each alone and through the whole pipeline. The answers themselves are held to BigQuery's
// documentation in test/integration/bigquery/answers-as-bigquery.test.ts.
import { bytesLiteralsAsHex, bytesOfLiteral } from '../../../../../emulators/bigquery/sql/rewrites/bytes-literals';
import { floatLiteralsAsDouble } from '../../../../../emulators/bigquery/sql/rewrites/float-literals';
import { usingColumnsFirst } from '../../../../../emulators/bigquery/sql/rewrites/join-using';
import { arraySubqueryWithSetOperation, refuseMissingFunctions, supplyMissingFunctions } from '../../../../../emulators/bigquery/sql/rewrites/missing-functions';
import { castToInt64Checked, divisionByZeroFails, operandEnd, subtractionsAsBigQuery } from '../../../../../emulators/bigquery/sql/rewrites/raise-errors';
import { formatPatterns, parseTime, timestampResults } from '../../../../../emulators/bigquery/sql/rewrites/timestamp-results';
import { mapDuckError } from '../../../../../emulators/bigquery/query-errors';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('TIMESTAMP results (timestamp_functions)', () => {
  it('marks TIMESTAMP_MILLIS / _MICROS as TIMESTAMPs, PARSE_TIMESTAMP (UTC by default) for the parser, GENERATE_TIMESTAMP_ARRAY as a TIMESTAMP series', () => {
    expect(apply(timestampResults, "SELECT TIMESTAMP_MILLIS(m), TIMESTAMP_MICROS(TIMESTAMP_MILLIS(1)), TIMESTAMP_SECONDS(s), PARSE_TIMESTAMP('%F', x)")).toBe(
      "SELECT PF_AS_TIMESTAMPTZ(TIMESTAMP_MILLIS(m)), PF_AS_TIMESTAMPTZ(TIMESTAMP_MICROS(PF_AS_TIMESTAMPTZ(TIMESTAMP_MILLIS(1)))), TIMESTAMP_SECONDS(s), PF_PARSE_TS('%F', x, 'UTC')",
    );
    expect(apply(timestampResults, 'SELECT GENERATE_TIMESTAMP_ARRAY(a, b, INTERVAL 1 DAY)')).toBe('SELECT PF_TIMESTAMP_SERIES(a, b, INTERVAL 1 DAY)');
  });

  it("passes PARSE_TIMESTAMP's time zone, and PARSE_DATETIME / PARSE_DATE, to the parser", () => {
    expect(apply(timestampResults, "SELECT PARSE_TIMESTAMP('%c', s, 'America/New_York'), PARSE_DATETIME(f, s), PARSE_DATE('%F', s)")).toBe(
      "SELECT PF_PARSE_TS('%c', s, 'America/New_York'), PF_PARSE_DATETIME(f, s), PF_PARSE_DATE('%F', s)",
    );
  });
});

describe('format elements (format-elements#format_elements_date_time)', () => {
  it('marks FORMAT_TIMESTAMP (UTC by default), FORMAT_DATETIME, FORMAT_DATE and FORMAT_TIME for the formatter, whatever the pattern', () => {
    expect(apply(formatPatterns, "SELECT FORMAT_DATE('%E4Y-%m', d), FORMAT_TIMESTAMP('%T', t, 'Asia/Tokyo'), FORMAT_TIMESTAMP(p, t), FORMAT_TIME('%k', x), FORMAT_DATETIME('%c', y)")).toBe(
      "SELECT PF_FORMAT_DATE('%E4Y-%m', d), PF_FORMAT_TS('%T', t, 'Asia/Tokyo'), PF_FORMAT_TS(p, t, 'UTC'), PF_FORMAT_TIME('%k', x), PF_FORMAT_DATETIME('%c', y)",
    );
  });

  it('marks PARSE_TIME', () => {
    expect(apply(parseTime, "SELECT PARSE_TIME('%H', s)")).toBe("SELECT PF_PARSE_TIME_OF_DAY('%H', s)");
  });
});

describe('FLOAT64 literals (lexical#floating_point_literals)', () => {
  it('makes each literal with a point a FLOAT64, except the operand of a cast to NUMERIC / BIGNUMERIC', () => {
    expect(apply(floatLiteralsAsDouble, 'SELECT 2.5, ROUND(.5), 1. + 1e3 + 7, CAST(1.25 AS NUMERIC), SAFE_CAST(-0.1 AS BIGNUMERIC), CAST(1.5 AS INT64)')).toBe(
      'SELECT CAST(2.5 AS FLOAT64), ROUND(CAST(.5 AS FLOAT64)), CAST(1. AS FLOAT64) + 1e3 + 7, CAST(1.25 AS NUMERIC), SAFE_CAST(-0.1 AS BIGNUMERIC), CAST(CAST(1.5 AS FLOAT64) AS INT64)',
    );
  });
});

describe('errors BigQuery raises (operators#arithmetic_operators, conversion_functions#cast_as_int64)', () => {
  it('delimits a divisor: sign, call with FILTER / OVER, CASE, group, subscripts and fields', () => {
    const tokens = tokenize('-f(x) OVER (PARTITION BY y)[1].z + 1');
    expect(join(tokens.slice(0, operandEnd(tokens, 0) + 1))).toBe('-f(x) OVER (PARTITION BY y)[1].z');
    const c = tokenize('CASE WHEN a THEN CASE WHEN b THEN 1 END END * 2');
    expect(join(c.slice(0, operandEnd(c, 0) + 1))).toBe('CASE WHEN a THEN CASE WHEN b THEN 1 END END');
  });

  it('checks every divisor but a non-zero number, outside TRY', () => {
    expect(apply(divisionByZeroFails, 'SELECT a / b, a // 0, a % 2, TRY(LN(a / b))')).toBe(
      "SELECT a / (CASE WHEN (b) = 0 THEN ERROR('division by zero') ELSE (b) END), a // (CASE WHEN (0) = 0 THEN ERROR('division by zero') ELSE (0) END), a % 2, TRY(LN(a / b))",
    );
  });

  it('makes each subtraction a pf_minus (typed by its operands when DuckDB binds it), taking the whole additive chain on the left and the multiplicative one on the right', () => {
    const minus = (a: string, b: string) => `pf_minus(${a}, ${b})`;
    expect(apply(subtractionsAsBigQuery, 'SELECT x = a + t.b - c * d, -e - f(g)')).toBe(`SELECT x = ${minus('a + t.b', 'c * d')}, ${minus('-e', 'f(g)')}`);
    expect(apply(subtractionsAsBigQuery, 'SELECT a - b - c')).toBe(`SELECT ${minus(minus('a', 'b'), 'c')}`);
    expect(apply(subtractionsAsBigQuery, "SELECT d - 1, -1, COUNT(*) - x, t - INTERVAL '1' DAY, INTERVAL '1' DAY - t")).toBe("SELECT d - 1, -1, COUNT(*) - x, t - INTERVAL '1' DAY, INTERVAL '1' DAY - t");
  });

  it('checks CAST and SAFE_CAST to INT64 and its aliases, nested ones too', () => {
    expect(apply(castToInt64Checked, 'SELECT CAST(s AS INT64), SAFE_CAST(CAST(t AS INTEGER) AS INT), CAST(u AS STRING)')).toBe(
      'SELECT PF_CAST_INT64(s), PF_SAFE_CAST_INT64(PF_CAST_INT64(t)), CAST(u AS STRING)',
    );
  });

  it("maps a refusal raised inside DuckDB to the emulator's 501", () => {
    const err = mapDuckError('p', 'Invalid Input Error: DATE - DATE is not supported by the BigQuery emulator (an INTERVAL in BigQuery; DATE_DIFF counts days)');
    expect(err).toMatchObject({ code: 501, reason: 'notImplemented', message: 'DATE - DATE is not supported by the BigQuery emulator (an INTERVAL in BigQuery; DATE_DIFF counts days)' });
  });
});

describe('functions DuckDB lacks (string_functions, json_functions, net_functions, hash_functions)', () => {
  beforeAll(() => initTranslator());

  it('gives NORMALIZE / NORMALIZE_AND_CASEFOLD their mode as text (NFC by default), REGEXP_REPLACE every match, JSON_QUERY_ARRAY / JSON_EXTRACT_ARRAY their path', () => {
    expect(apply(supplyMissingFunctions, "SELECT NORMALIZE(s), NORMALIZE(s, NFKC), NORMALIZE_AND_CASEFOLD(s, nfd), JSON_QUERY_ARRAY(j), JSON_EXTRACT_ARRAY(j, '$.a')")).toBe(
      "SELECT pf_normalize(s, 'NFC'), pf_normalize(s, 'NFKC'), pf_normalize_and_casefold(s, 'NFD'), PF_JSON_QUERY_ARRAY(j, '$', '$[*]'), PF_JSON_QUERY_ARRAY(j, '$.a', '$.a[*]')",
    );
    expect(apply(supplyMissingFunctions, 'SELECT pf_reverse(NULL), pf_lpad(NULL, 3, s), pf_left(s, 1)')).toBe('SELECT PF_REVERSE(CAST(NULL AS STRING)), PF_LPAD(CAST(NULL AS STRING), 3, s), pf_left(s, 1)');
    expect(apply(supplyMissingFunctions, "SELECT REGEXP_REPLACE(s, r'[\"\\d]', '')")).toBe("SELECT PF_REGEXP_REPLACE(s, r'[\"\\d]', '')");
    expect(() => apply(supplyMissingFunctions, 'SELECT JSON_QUERY_ARRAY(j, p)')).toThrow('JSON_QUERY_ARRAY with a path that is not a string literal');
  });

  it('refuses, naming them, the NET.* functions the emulator does not answer (the others are udfs/net.ts)', () => {
    expect(() => apply(refuseMissingFunctions, "SELECT NET.FORMAT_IP(1)")).toThrow('Function NET.FORMAT_IP is not supported by the BigQuery emulator');
    expect(() => apply(refuseMissingFunctions, "SELECT net.ip_in_net('x', 'y')")).toThrow('Function NET.IP_IN_NET');
    expect(translate("SELECT NET.HOST(u), net.reg_domain(u), FARM_FINGERPRINT(s) FROM t")).toBe('SELECT PF_NET_HOST(u) AS f0_, PF_NET_REG_DOMAIN(u) AS f1_, PF_FARM_FINGERPRINT(s) AS f2_ FROM t');
    expect(apply(refuseMissingFunctions, 'SELECT net.host, t.farm_fingerprint FROM net')).toBe('SELECT net.host, t.farm_fingerprint FROM net');
  });
});

describe('ARRAY subqueries (array_functions#array)', () => {
  it('passes one with a set operation through as a scalar subquery (polyglot made it LIST_VALUE(SELECT …))', () => {
    expect(apply(arraySubqueryWithSetOperation, 'SELECT ARRAY(SELECT 1 UNION ALL SELECT 2), ARRAY(SELECT x FROM t), ARRAY(SELECT (SELECT 1 UNION ALL SELECT 2))')).toBe(
      'SELECT PF_ARRAY_SUBQUERY((SELECT 1 UNION ALL SELECT 2)), ARRAY(SELECT x FROM t), ARRAY(SELECT (SELECT 1 UNION ALL SELECT 2))',
    );
  });
});

describe('BYTES literals (lexical#string_and_bytes_literals)', () => {
  it('decodes escapes (hex, octal, simple), leaves raw ones alone, refuses what BYTES cannot hold', () => {
    expect(bytesOfLiteral("b'\\xFF\\x00a\\n\\101\\\\'").toString('hex')).toBe('ff00610a415c');
    expect(bytesOfLiteral("rb'\\x'").toString()).toBe('\\x');
    expect(bytesOfLiteral('B"""é"""').toString('hex')).toBe('c3a9');
    expect(() => bytesOfLiteral("b'\\u00e9'")).toThrow('Illegal escape sequence: \\u');
    expect(apply(bytesLiteralsAsHex, "SELECT b'\\xFF', 'b', br'x'")).toBe("SELECT FROM_HEX('ff'), 'b', FROM_HEX('78')");
  });
});

describe('SELECT * over JOIN … USING (query-syntax#using_clause)', () => {
  it('lists the USING columns first, the last join first', () => {
    expect(apply(usingColumnsFirst, 'SELECT * FROM a JOIN b USING (k, j) LEFT JOIN c USING (z) WHERE x')).toBe('SELECT z, k, j, * EXCEPT (z, k, j) FROM a JOIN b USING (k, j) LEFT JOIN c USING (z) WHERE x');
    expect(apply(usingColumnsFirst, 'SELECT * FROM (SELECT * FROM a JOIN b ON a.k = b.k) JOIN c USING (k)')).toBe('SELECT k, * EXCEPT (k) FROM (SELECT * FROM a JOIN b ON a.k = b.k) JOIN c USING (k)');
    expect(apply(usingColumnsFirst, 'SELECT a.* FROM a JOIN b USING (k)')).toBe('SELECT a.* FROM a JOIN b USING (k)');
  });
});

describe('through the whole pipeline', () => {
  beforeAll(() => initTranslator());

  it('produces DuckDB SQL for each', () => {
    expect(translate('SELECT TIMESTAMP_MILLIS(m) FROM t')).toBe('SELECT CAST(EPOCH_MS(m) AS TIMESTAMPTZ) AS f0_ FROM t');
    expect(translate('SELECT GENERATE_TIMESTAMP_ARRAY(a, b, INTERVAL 1 HOUR) FROM t')).toBe(
      "SELECT (CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE GENERATE_SERIES(CAST(a AS TIMESTAMPTZ), CAST(b AS TIMESTAMPTZ), INTERVAL '1' HOUR) END) AS f0_ FROM t",
    );
    expect(translate("SELECT FORMAT_TIMESTAMP('%F', t, 'Asia/Tokyo') AS f0_ FROM t")).toBe("SELECT pf_format_timestamp('%F', EPOCH_US(CAST(t AS TIMESTAMPTZ)), 'Asia/Tokyo') AS f0_ FROM t");
    expect(translate('SELECT 2.5')).toBe('SELECT CAST(2.5 AS DOUBLE) AS f0_');
    expect(translate('SELECT x / y FROM t')).toBe("SELECT x / (CASE WHEN (y) = 0 THEN ERROR('division by zero') ELSE (y) END) AS f0_ FROM t");
    expect(translate("SELECT b'\\x01', INTERVAL -3 DAY")).toBe("SELECT UNHEX('01') AS f0_, INTERVAL '-3' DAY AS f1_");
    expect(translate("SELECT LPAD('a', 3), NORMALIZE(s) FROM t")).toBe("SELECT PF_LPAD('a', 3) AS f0_, PF_NORMALIZE(s, 'NFC') AS f1_ FROM t");
    expect(translate('SELECT * FROM a JOIN b USING (k)')).toBe('SELECT k, * EXCLUDE (k) FROM a JOIN b USING (k)');
    expect(translate("SELECT PARSE_TIME('%H', s) FROM t")).toBe("SELECT CAST(MAKE_TIMESTAMP(pf_parse_civil('%H', s, 'TIME')) AS TIME) AS f0_ FROM t");
    expect(translate('SELECT ARRAY(SELECT 1 UNION ALL SELECT 2)')).toBe('SELECT ARRAY((SELECT 1 UNION ALL SELECT 2 OFFSET 0)) AS f0_');
    // DuckDB's TRY refuses ERROR(): a cast to INT64 inside SAFE. is SAFE_CAST's.
    expect(translate('SELECT SAFE.LN(CAST(s AS INT64)) FROM t')).toContain('TRY(LN((CASE WHEN TYPEOF(s)');
    expect(translate('SELECT SAFE.LN(CAST(s AS INT64)) FROM t')).not.toContain('ERROR(');
  });
});
