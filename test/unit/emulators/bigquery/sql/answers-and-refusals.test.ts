// Rewrites for answers the emulator gave differently from BigQuery (issue #21, "no silent wrong
// answer"): result types, errors BigQuery raises, functions DuckDB lacks (given or refused with
// 501), each alone and through the whole pipeline. The answers themselves are held to BigQuery's
// documentation in test/integration/bigquery/answers-as-bigquery.test.ts.
import { bytesLiteralsAsHex, bytesOfLiteral } from '../../../../../emulators/bigquery/sql/rewrites/bytes-literals';
import { floatLiteralsAsDouble } from '../../../../../emulators/bigquery/sql/rewrites/float-literals';
import { usingColumnsFirst } from '../../../../../emulators/bigquery/sql/rewrites/join-using';
import { arraySubqueryWithSetOperation, refuseMissingFunctions, supplyMissingFunctions } from '../../../../../emulators/bigquery/sql/rewrites/missing-functions';
import { castToInt64Checked, dateMinusDateRefused, divisionByZeroFails, operandEnd } from '../../../../../emulators/bigquery/sql/rewrites/raise-errors';
import { formatPatterns, parseTime, strftimePattern, timestampResults } from '../../../../../emulators/bigquery/sql/rewrites/timestamp-results';
import { mapDuckError } from '../../../../../emulators/bigquery/query-errors';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('TIMESTAMP results (timestamp_functions)', () => {
  it('marks TIMESTAMP_MILLIS / _MICROS / PARSE_TIMESTAMP as TIMESTAMPs and GENERATE_TIMESTAMP_ARRAY as a TIMESTAMP series', () => {
    expect(apply(timestampResults, "SELECT TIMESTAMP_MILLIS(m), TIMESTAMP_MICROS(TIMESTAMP_MILLIS(1)), TIMESTAMP_SECONDS(s), PARSE_TIMESTAMP('%F', x)")).toBe(
      "SELECT PF_AS_TIMESTAMPTZ(TIMESTAMP_MILLIS(m)), PF_AS_TIMESTAMPTZ(TIMESTAMP_MICROS(PF_AS_TIMESTAMPTZ(TIMESTAMP_MILLIS(1)))), TIMESTAMP_SECONDS(s), PF_AS_TIMESTAMPTZ(PARSE_TIMESTAMP('%F', x))",
    );
    expect(apply(timestampResults, 'SELECT GENERATE_TIMESTAMP_ARRAY(a, b, INTERVAL 1 DAY)')).toBe('SELECT PF_TIMESTAMP_SERIES(a, b, INTERVAL 1 DAY)');
  });

  it("places PARSE_TIMESTAMP's civil time in its time zone, refusing a pattern with its own offset", () => {
    expect(apply(timestampResults, "SELECT PARSE_TIMESTAMP('%c', s, 'America/New_York')")).toBe("SELECT PF_TIMESTAMP_IN_ZONE(PARSE_DATETIME('%c', s), 'America/New_York')");
    expect(() => apply(timestampResults, "SELECT PARSE_TIMESTAMP('%F %z', s, 'UTC')")).toThrow('is not supported by the BigQuery emulator');
  });
});

describe('format elements (format-elements#format_elements_date_time)', () => {
  it('keeps the elements strftime shares, spells out the composites, writes the UTC zone for FORMAT_TIMESTAMP without a zone', () => {
    expect(strftimePattern('FORMAT_TIMESTAMP', '%F %T %E4Y %E6S %Ez %z %Z %%', true)).toBe('%Y-%m-%d %H:%M:%S %Y %S.%f +00:00 +0000 UTC %%');
    expect(apply(formatPatterns, "SELECT FORMAT_DATE('%E4Y-%m', d), FORMAT_TIMESTAMP('%T', t, 'Asia/Tokyo')")).toBe(
      "SELECT FORMAT_DATE('%Y-%m', d), PF_FORMAT_TIMESTAMP_IN_ZONE('%H:%M:%S', t, 'Asia/Tokyo')",
    );
  });

  it('refuses, naming it, an element DuckDB writes differently, a zone element with a time zone, a pattern not a literal', () => {
    expect(() => strftimePattern('FORMAT_TIMESTAMP', '%c', true)).toThrow('FORMAT_TIMESTAMP format element %c is not supported by the BigQuery emulator');
    expect(() => strftimePattern('FORMAT_DATE', '%e', false)).toThrow('FORMAT_DATE format element %e');
    expect(() => strftimePattern('FORMAT_TIMESTAMP', '%Ez', false)).toThrow('FORMAT_TIMESTAMP format element %Ez with a time zone');
    expect(() => apply(formatPatterns, 'SELECT FORMAT_DATE(p, d)')).toThrow('FORMAT_DATE with a pattern that is not a string literal');
  });

  it('marks PARSE_TIME', () => {
    expect(apply(parseTime, "SELECT PARSE_TIME('%H', s)")).toBe("SELECT PF_PARSE_TIME('%H', s)");
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

  it('checks each subtraction with LIST_PACK (DATE - DATE cannot bind), taking the whole additive chain on the left and the multiplicative one on the right', () => {
    const check = (a: string, b: string) => `LIST_PACK(${a}, (${a}) - (${b}))[2]`;
    expect(apply(dateMinusDateRefused, 'SELECT x = a + t.b - c * d, -e - f(g)')).toBe(`SELECT x = ${check('a + t.b', 'c * d')}, ${check('-e', 'f(g)')}`);
    expect(apply(dateMinusDateRefused, "SELECT d - 1, -1, COUNT(*) - x, t - INTERVAL '1' DAY, INTERVAL '1' DAY - t")).toBe("SELECT d - 1, -1, COUNT(*) - x, t - INTERVAL '1' DAY, INTERVAL '1' DAY - t");
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
  it('gives LPAD / RPAD their default pattern, NORMALIZE its NFC, JSON_QUERY_ARRAY / JSON_EXTRACT_ARRAY their path', () => {
    expect(apply(supplyMissingFunctions, "SELECT LPAD(s, 5), RPAD(s, 5, '-'), NORMALIZE(s), NORMALIZE(s, NFC), JSON_QUERY_ARRAY(j), JSON_EXTRACT_ARRAY(j, '$.a')")).toBe(
      "SELECT LPAD(s, 5, ' '), RPAD(s, 5, '-'), PF_NFC(s), PF_NFC(s), PF_JSON_QUERY_ARRAY(j, '$', '$[*]'), PF_JSON_QUERY_ARRAY(j, '$.a', '$.a[*]')",
    );
    expect(() => apply(supplyMissingFunctions, 'SELECT NORMALIZE(s, NFKC)')).toThrow('NORMALIZE with mode NFKC is not supported by the BigQuery emulator');
    expect(() => apply(supplyMissingFunctions, 'SELECT JSON_QUERY_ARRAY(j, p)')).toThrow('JSON_QUERY_ARRAY with a path that is not a string literal');
  });

  it('refuses, naming them, NET.* and the functions nothing in DuckDB answers as BigQuery does', () => {
    expect(() => apply(refuseMissingFunctions, "SELECT NET.HOST('x')")).toThrow('Function NET.HOST is not supported by the BigQuery emulator');
    expect(() => apply(refuseMissingFunctions, "SELECT net.reg_domain('x')")).toThrow('Function NET.REG_DOMAIN');
    for (const fn of ['FARM_FINGERPRINT', 'PARSE_NUMERIC', 'PARSE_BIGNUMERIC']) expect(() => apply(refuseMissingFunctions, `SELECT ${fn}('1')`)).toThrow(`Function ${fn} is not supported`);
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
    expect(translate('SELECT TIMESTAMP_MILLIS(m) FROM t')).toBe('SELECT CAST(EPOCH_MS(m) AS TIMESTAMPTZ) FROM t');
    expect(translate('SELECT GENERATE_TIMESTAMP_ARRAY(a, b, INTERVAL 1 HOUR) FROM t')).toBe(
      "SELECT (CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE GENERATE_SERIES(CAST(a AS TIMESTAMPTZ), CAST(b AS TIMESTAMPTZ), INTERVAL '1' HOUR) END) FROM t",
    );
    expect(translate("SELECT FORMAT_TIMESTAMP('%F', t, 'Asia/Tokyo') FROM t")).toBe("SELECT STRFTIME(TIMEZONE('Asia/Tokyo', CAST(t AS TIMESTAMPTZ)), '%Y-%m-%d') FROM t");
    expect(translate('SELECT 2.5')).toBe('SELECT CAST(2.5 AS DOUBLE)');
    expect(translate('SELECT x / y FROM t')).toBe("SELECT x / (CASE WHEN (y) = 0 THEN ERROR('division by zero') ELSE (y) END) FROM t");
    expect(translate("SELECT b'\\x01', INTERVAL -3 DAY")).toBe("SELECT UNHEX('01'), INTERVAL '-3' DAY");
    expect(translate("SELECT LPAD('a', 3), NORMALIZE(s) FROM t")).toBe("SELECT LPAD('a', 3, ' '), NFC_NORMALIZE(s) FROM t");
    expect(translate('SELECT * FROM a JOIN b USING (k)')).toBe('SELECT k, * EXCLUDE (k) FROM a JOIN b USING (k)');
    expect(translate("SELECT PARSE_TIME('%H', s) FROM t")).toBe("SELECT CAST(STRPTIME(s, '%H') AS TIME) FROM t");
    expect(translate('SELECT ARRAY(SELECT 1 UNION ALL SELECT 2)')).toBe('SELECT ARRAY((SELECT 1 UNION ALL SELECT 2))');
    // DuckDB's TRY refuses ERROR(): a cast to INT64 inside SAFE. is SAFE_CAST's.
    expect(translate('SELECT SAFE.LN(CAST(s AS INT64)) FROM t')).toContain('TRY(LN((CASE WHEN TYPEOF(s)');
    expect(translate('SELECT SAFE.LN(CAST(s AS INT64)) FROM t')).not.toContain('ERROR(');
  });
});
