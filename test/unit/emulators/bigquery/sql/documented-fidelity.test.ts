// Rewrites the conformance corpus of BigQuery's documented examples led to
// (test/integration/bigquery/documented/): each alone, and through the whole pipeline.
import { mapDuckError } from '../../../../../emulators/bigquery/query-errors';
import { readDdl, structNotNullDropped } from '../../../../../emulators/bigquery/sql/ddl';
import {
  approxQuantilesExact,
  castTextToBytesEncodes,
  intervalRangeLiterals,
  jsonSubscripts,
  likeEscapesBackslash,
  markDocumentedCalls,
  nanComparisonRefused,
  refuseOrMarkDocumented,
  regexpSubstrAsExtract,
  unicodeEscapesDecoded,
} from '../../../../../emulators/bigquery/sql/rewrites/documented-fidelity';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));
const refusal = (what: string) => expect.objectContaining({ code: 501, reason: 'notImplemented', message: `${what} is not supported by the BigQuery emulator` });

describe('rewrites alone', () => {
  it('decodes \\u and \\U escapes of STRING literals, writing a quote or backslash escaped; raw, BYTES and other escapes stay', () => {
    expect(apply(unicodeEscapesDecoded, "SELECT '\\u00ea', \"\\U0001F600x\", '\\u0027\\u005c', '\\\\u00ea', r'\\u00ea', b'\\u00ea', '\\n\\u0041'")).toBe(
      "SELECT 'ê', \"😀x\", '\\'\\\\', '\\\\u00ea', r'\\u00ea', b'\\u00ea', '\\nA'",
    );
  });

  it('reads REGEXP_SUBSTR as REGEXP_EXTRACT', () => {
    expect(apply(regexpSubstrAsExtract, "SELECT REGEXP_SUBSTR(s, 'a+'), t.REGEXP_SUBSTR")).toBe("SELECT REGEXP_EXTRACT(s, 'a+'), t.REGEXP_SUBSTR");
  });

  it('gives LAST_DAY by YEAR, QUARTER and weeks from DATE_TRUNC, FORMAT_TIME and TIME_TRUNC from their DATETIME functions, INSTR with a position', () => {
    expect(apply(refuseOrMarkDocumented, 'SELECT LAST_DAY(d), LAST_DAY(d, MONTH), LAST_DAY(d, YEAR), LAST_DAY(d, WEEK(MONDAY))')).toBe(
      'SELECT LAST_DAY(d), LAST_DAY(d, MONTH), DATE_SUB(DATE_ADD(DATE_TRUNC(DATE(d), YEAR), INTERVAL 1 YEAR), INTERVAL 1 DAY), DATE_ADD(DATE_TRUNC(DATE(d), WEEK(MONDAY)), INTERVAL 6 DAY)',
    );
    expect(apply(refuseOrMarkDocumented, "SELECT FORMAT_TIME('%R', t), TIME_TRUNC(t, HOUR), INSTR(s, 'a', -1), INSTR(s, 'a')")).toBe(
      "SELECT FORMAT_TIME('%R', t), TIME(DATETIME_TRUNC(DATETIME(DATE '1970-01-01', t), HOUR)), PF_INSTR(s, 'a', -1, 1), INSTR(s, 'a')",
    );
  });

  it('reads EXTRACT(DATE | TIME | DATETIME FROM …) as DATE(…) and friends, DATE(ts, zone) through DATETIME, truncation of a string literal as a typed one, DATETIME_DIFF by weeks on dates', () => {
    expect(apply(refuseOrMarkDocumented, "SELECT EXTRACT(DATE FROM ts AT TIME ZONE 'Asia/Tokyo'), EXTRACT(TIME FROM dt), EXTRACT(DAY FROM d)")).toBe(
      "SELECT DATE(DATETIME(ts, 'Asia/Tokyo')), TIME(dt), EXTRACT(DAY FROM d)",
    );
    expect(apply(refuseOrMarkDocumented, "SELECT DATE(ts, 'UTC'), DATE(2016, 12, 25), DATE_TRUNC('2015-06-15', ISOYEAR), TIMESTAMP_TRUNC('2015-06-15 00:00:00+00', DAY), DATE_TRUNC(d, MONTH)")).toBe(
      "SELECT DATE(DATETIME(ts, 'UTC')), DATE(2016, 12, 25), DATE_TRUNC(DATE '2015-06-15', ISOYEAR), TIMESTAMP_TRUNC(TIMESTAMP '2015-06-15 00:00:00+00', DAY), DATE_TRUNC(d, MONTH)",
    );
    expect(apply(refuseOrMarkDocumented, 'SELECT DATETIME_DIFF(a, b, ISOWEEK), DATETIME_DIFF(a, b, WEEK(MONDAY)), DATETIME_DIFF(a, b, DAY)')).toBe(
      'SELECT DATE_DIFF(DATE(DATETIME(a)), DATE(DATETIME(b)), ISOWEEK), DATE_DIFF(DATE(DATETIME(a)), DATE(DATETIME(b)), WEEK(MONDAY)), DATETIME_DIFF(a, b, DAY)',
    );
  });

  it('refuses LAST_DAY by ISOYEAR and RESPECT NULLS percentiles; marks STRING with a time zone and week or ISO-year truncation in a zone', () => {
    expect(() => apply(refuseOrMarkDocumented, 'SELECT LAST_DAY(d, ISOYEAR)')).toThrow(refusal('LAST_DAY with date part ISOYEAR'));
    expect(apply(refuseOrMarkDocumented, "SELECT STRING(ts, 'UTC')")).toBe("SELECT PF_TIMESTAMP_STRING(ts, 'UTC')");
    expect(apply(refuseOrMarkDocumented, "SELECT TIMESTAMP_TRUNC(ts, WEEK(MONDAY), 'Pacific/Auckland')")).toBe("SELECT PF_TIMESTAMP_TRUNC_WEEK(ts, 'TRUNC WEEK(MONDAY)', 'Pacific/Auckland')");
    expect(apply(refuseOrMarkDocumented, "SELECT TIMESTAMP_TRUNC(ts, WEEK, 'UTC'), TIMESTAMP_TRUNC(ts, DAY, 'Asia/Tokyo')")).toBe("SELECT TIMESTAMP_TRUNC(ts, WEEK, 'UTC'), TIMESTAMP_TRUNC(ts, DAY, 'Asia/Tokyo')");
    expect(() => apply(refuseOrMarkDocumented, 'SELECT PERCENTILE_CONT(x, 0.5 RESPECT NULLS) OVER ()')).toThrow(refusal('PERCENTILE_CONT with RESPECT NULLS'));
  });

  it('marks STRING(x) and ROUND with a rounding mode (BIGNUMERIC when the argument is one)', () => {
    expect(apply(refuseOrMarkDocumented, "SELECT STRING(j), ROUND(n, 1, 'ROUND_HALF_EVEN'), ROUND(BIGNUMERIC '1.5', 0, 'ROUND_HALF_EVEN'), ROUND(x, 2)")).toBe(
      "SELECT PF_STRING(j), PF_ROUND_NUMERIC(ROUND(n, 1, 'ROUND_HALF_EVEN')), PF_ROUND_BIGNUMERIC(ROUND(BIGNUMERIC '1.5', 0, 'ROUND_HALF_EVEN')), ROUND(x, 2)",
    );
  });

  it('marks the calls expanded after translation; GENERATE_*_ARRAY checks its values, not its INTERVAL; MAKE_INTERVAL by position', () => {
    expect(apply(markDocumentedCalls, "SELECT UNICODE(s), SIGN(x), ARRAY_SLICE(a, 1, -2), JSON_TYPE(j), GENERATE_DATE_ARRAY(a, b, INTERVAL 2 DAY), JSON_VALUE(j, '$.a'), JSON_VALUE(j)")).toBe(
      "SELECT PF_UNICODE(s), PF_SIGN(x), PF_ARRAY_SLICE(a, 1, -2), PF_JSON_TYPE(j), PF_NULL_IF_NULL(GENERATE_DATE_ARRAY(a, b, INTERVAL 2 DAY), a, b), PF_JSON_SCALAR(JSON_VALUE(j, '$.a'), j, '$.a'), PF_JSON_SCALAR(JSON_VALUE(j), j, '$')",
    );
    expect(apply(markDocumentedCalls, 'SELECT MAKE_INTERVAL(1, 6, 15), MAKE_INTERVAL(day => 5)')).toBe('SELECT (PF_INTERVAL_YEAR(1) + PF_INTERVAL_MONTH(6) + PF_INTERVAL_DAY(15)), MAKE_INTERVAL(day => 5)');
  });

  it("gives LIKE a pattern literal holding a backslash ESCAPE '\\'", () => {
    expect(apply(likeEscapesBackslash, "SELECT a LIKE 'x\\%', b NOT LIKE 'y%', c LIKE 'z\\_' ESCAPE '!'")).toBe("SELECT a LIKE 'x\\%' ESCAPE '\\', b NOT LIKE 'y%', c LIKE 'z\\_' ESCAPE '!'");
  });

  it('casts text to BYTES as UTF-8 (ENCODE), anything else as before', () => {
    expect(apply(castTextToBytesEncodes, 'SELECT CAST(s AS BLOB), TRY_CAST(t AS BLOB), CAST(x AS VARCHAR)')).toBe(
      "SELECT (CASE WHEN TYPEOF(s) = 'VARCHAR' THEN ENCODE(CAST(s AS VARCHAR)) ELSE CAST(s AS BLOB) END), (CASE WHEN TYPEOF(t) = 'VARCHAR' THEN ENCODE(CAST(t AS VARCHAR)) ELSE TRY_CAST(t AS BLOB) END), CAST(x AS VARCHAR)",
    );
  });

  it('answers APPROX_QUANTILES with exact discrete quantiles', () => {
    expect(apply(approxQuantilesExact, 'SELECT APPROX_QUANTILE(x, [0, 0.5, 1]), APPROX_QUANTILE(x, 0.5)')).toBe('SELECT QUANTILE_DISC(x, [0, 0.5, 1]), APPROX_QUANTILE(x, 0.5)');
  });

  it('drops NOT NULL inside STRUCT<…> of a column list, keeping a top-level NOT NULL', () => {
    expect(join(structNotNullDropped(tokenize('(id INT64 NOT NULL, s STRUCT<a INT64 NOT NULL, b ARRAY<STRUCT<c STRING NOT NULL>>>, t STRING)')))).toBe(
      '(id INT64 NOT NULL, s STRUCT<a INT64, b ARRAY<STRUCT<c STRING>>>, t STRING)',
    );
  });
});

describe("DuckDB's errors", () => {
  it('maps a function DuckDB lacks, a parser limit and a refusal cast to 501s naming them', () => {
    expect(mapDuckError('p', 'Catalog Error: Scalar Function with name soundex does not exist! Did you mean "round"?')).toEqual(refusal('Function SOUNDEX'));
    expect(mapDuckError('p', 'Catalog Error: Aggregate Function with name percentile_disc does not exist!')).toEqual(refusal('Function PERCENTILE_DISC'));
    expect(mapDuckError('p', 'Parser Error: DAY TO HOUR is not supported')).toEqual(refusal('DAY TO HOUR'));
    expect(mapDuckError('p', "Conversion Error: Could not convert string 'CAST of an INTERVAL to STRING is not supported by the BigQuery emulator' to INT32")).toEqual(refusal('CAST of an INTERVAL to STRING'));
    expect(mapDuckError('p', 'Binder Error: Referenced column x not found').code).toBe(400);
  });
});

describe('through the whole pipeline', () => {
  beforeAll(() => initTranslator());

  it('produces DuckDB SQL answering as the documentation shows', () => {
    expect(translate("SELECT UNICODE('') AS u")).toBe("SELECT (CASE WHEN ('') = '' THEN 0 ELSE UNICODE('') END) AS u");
    expect(translate('SELECT UNIX_SECONDS(t) AS s FROM x')).toBe('SELECT CAST(FLOOR(EPOCH_US(t) / 1000000) AS BIGINT) AS s FROM x');
    expect(translate('SELECT ARRAY_SLICE(a, 1, -3) AS s FROM x')).toBe('SELECT LIST_SLICE(a, (CASE WHEN (1) >= 0 THEN (1) + 1 ELSE (1) END), (CASE WHEN (-3) >= 0 THEN (-3) + 1 ELSE (-3) END)) AS s FROM x');
    expect(translate("SELECT ROUND(NUMERIC '2.25', 1, 'ROUND_HALF_EVEN') AS r")).toBe("SELECT CAST(ROUND_EVEN(CAST('2.25' AS DECIMAL(38, 9)), 1) AS DECIMAL(38, 9)) AS r");
    expect(translate('SELECT MAKE_INTERVAL(1, 6, 15) AS i')).toBe('SELECT (TO_YEARS(CAST(1 AS INTEGER)) + TO_MONTHS(CAST(6 AS INTEGER)) + TO_DAYS(CAST(15 AS INTEGER))) AS i');
    expect(translate('SELECT APPROX_QUANTILES(x, 2) AS q FROM t')).toBe('SELECT QUANTILE_DISC(x, [0, 0.5, 1]) AS q FROM t');
    expect(translate("SELECT 'a%' LIKE 'a\\\\%' AS l")).toBe("SELECT 'a%' LIKE 'a\\%' ESCAPE '\\' AS l");
    expect(translate('SELECT d1 - d2 AS x FROM t')).toBe('SELECT pf_minus(d1, d2) AS x FROM t');
    expect(translate("SELECT CAST('-0x123' AS INT64) AS h")).toContain("REGEXP_FULL_MATCH(TRY_CAST('-0x123' AS VARCHAR), '-0[xX][0-9a-fA-F]+') THEN -CAST(SUBSTRING(TRY_CAST('-0x123' AS VARCHAR), 2) AS BIGINT)");
  });

  it('makes SUBSTR with a negative length fail by a cast TRY can catch (SAFE.SUBSTR is NULL), and writes CAST of an INTERVAL to STRING canonically', () => {
    expect(translate("SELECT SAFE.SUBSTR('foo', 0, -2) AS s")).toBe(
      "SELECT TRY((CASE WHEN (-2) < 0 THEN CAST(CAST('Third argument in SUBSTR() cannot be negative' AS INTEGER) AS VARCHAR) ELSE SUBSTRING('foo', (CASE WHEN (0) = 0 OR (0) < -LENGTH('foo') THEN 1 ELSE (0) END), -2) END)) AS s",
    );
    expect(translate('SELECT CAST(i AS STRING) AS s FROM t')).toContain("WHEN TYPEOF(i) = 'INTERVAL' THEN pf_interval_string(i)");
  });

  it('gives functions DuckDB lacks under their BigQuery names from DuckDB ones', () => {
    expect(translate('SELECT IS_INF(x) AS a, IS_NAN(x) AS b, ARRAY_MAX(l) AS c, DATE_FROM_UNIX_DATE(n) AS d FROM t')).toBe(
      "SELECT ISINF(x) AS a, ISNAN(x) AS b, LIST_MAX(l) AS c, (DATE '1970-01-01' + CAST(n AS INTEGER)) AS d FROM t",
    );
    expect(translate('SELECT RANGE_BUCKET(x, [0, 10]) AS r FROM t')).toBe('SELECT (CASE WHEN (x) IS NULL THEN NULL ELSE LEN(LIST_FILTER([0, 10], lambda pf_bound: pf_bound <= (x))) END) AS r FROM t');
    expect(translate('SELECT IEEE_DIVIDE(a, b) AS q FROM t')).toContain("WHEN CAST(b AS DOUBLE) = 0 THEN (CASE WHEN CAST(a AS DOUBLE) > 0 THEN CAST('inf' AS DOUBLE)");
    expect(translate("SELECT INSTR(s, 'an', -1, 2) AS i FROM t")).toContain("ELSE GENERATE_SERIES(LENGTH(s) + 1 + (-1), 1, -1) END), lambda pf_at: SUBSTRING(s, pf_at, LENGTH('an')) = ('an'))[2], 0) END)");
    expect(translate('SELECT TO_JSON(STRUCT(1 AS id, [10, 20] AS c)) AS j')).toBe("SELECT CAST(pf_json_canonical(CAST(TO_JSON({'id': 1, 'c': [10, 20]}) AS VARCHAR)) AS JSON) AS j");
  });

  it('reads subscripts on a JSON literal, and chains holding a string subscript, as one JSON path; refuses NaN literals compared', () => {
    expect(apply(jsonSubscripts, `SELECT JSON '{"a": [10, 20]}'['a'][1], JSON '{"b": 1}'.b, ['x'], y IN ['z'], a[0]`)).toBe(
      `SELECT PF_JSON_AT(JSON '{"a": [10, 20]}', '$."a"[1]'), PF_JSON_AT(JSON '{"b": 1}', '$."b"'), ['x'], y IN ['z'], a[0]`,
    );
    expect(apply(jsonSubscripts, "SELECT j.a[0]['name'] FROM t")).toBe(`SELECT PF_JSON_AT(j, '$."a"[0]."name"') FROM t`);
    expect(() => apply(jsonSubscripts, "SELECT j[x]['name'] FROM t")).toThrow(refusal('Field access and subscripts on a JSON value other than a JSON literal'));
    expect(() => apply(nanComparisonRefused, "SELECT CAST('NaN' AS FLOAT64) = x")).toThrow(refusal('Comparison with NaN'));
    expect(apply(nanComparisonRefused, "SELECT CAST('NaN' AS FLOAT64) AS n, IS_NAN(CAST('nan' AS FLOAT64))")).toBe("SELECT CAST('NaN' AS FLOAT64) AS n, IS_NAN(CAST('nan' AS FLOAT64))");
  });

  it('gives BYTE_LENGTH, OCTET_LENGTH and TO_CODE_POINTS by the type of their argument, CODE_POINTS_TO_BYTES, CONTAINS_SUBSTR on ASCII text', () => {
    expect(translate("SELECT OCTET_LENGTH(s) AS n FROM t")).toBe("SELECT (CASE WHEN TYPEOF(s) = 'BLOB' THEN OCTET_LENGTH((s)::BLOB) ELSE STRLEN((s)::VARCHAR) END) AS n FROM t");
    expect(translate('SELECT TO_CODE_POINTS(s) AS c FROM t')).toContain("WHEN (s)::VARCHAR = '' THEN CAST([] AS BIGINT[]) ELSE LIST_TRANSFORM(STRING_SPLIT((s)::VARCHAR, '')");
    expect(translate('SELECT CODE_POINTS_TO_BYTES(l) AS b FROM t')).toContain("ELSE UNHEX(ARRAY_TO_STRING(LIST_TRANSFORM(l, lambda pf_code: PRINTF('%02x', pf_code)), '')) END)");
    expect(translate("SELECT CONTAINS_SUBSTR(s, 'IX') AS c FROM t")).toContain("THEN ERROR('CONTAINS_SUBSTR of non-ASCII text is not supported by the BigQuery emulator') ELSE CONTAINS(LOWER(s), LOWER('IX')) END)");
    expect(translate(`SELECT JSON '{"a": [10, 20]}'['a'][1] AS j`)).toBe(`SELECT JSON_EXTRACT(JSON('{"a":[10,20]}'), '$."a"[1]') AS j`);
  });

  it('gives REGEXP_INSTR from a pattern literal searched match by match, refusing capturing groups and start anchors', () => {
    const sql = translate("SELECT REGEXP_INSTR(s, '@[^-]*', 1, 2, 1) AS i FROM t");
    expect(sql).toContain("LIST_REDUCE(LIST_TRANSFORM(RANGE(CAST(2 AS BIGINT)), lambda pf_i: [CAST(0 AS BIGINT), 0])");
    expect(sql).toContain("'^((?s:.*?))(@[^-]*)'");
    expect(() => translate("SELECT REGEXP_INSTR(s, '(a)b') AS i FROM t")).toThrow(refusal('REGEXP_INSTR with a capturing group or a ^, \\A, \\b or \\B anchor'));
    expect(() => translate("SELECT REGEXP_INSTR(s, '^a') AS i FROM t")).toThrow(refusal('REGEXP_INSTR with a capturing group or a ^, \\A, \\b or \\B anchor'));
    // A pattern known only when the query runs is composed and checked then (udfs/regexp.ts).
    expect(translate('SELECT REGEXP_INSTR(s, p) AS i FROM t')).toContain('REGEXP_MATCHES(SUBSTRING(s, (1) + pf_acc[2]), PF_REGEXP_INSTR_PATTERN(p))');
  });

  it('gives JUSTIFY_DAYS / JUSTIFY_HOURS, SOUNDEX, INITCAP and TO_BASE32 (udfs/text.ts), FROM_BASE32, the LAX_ and JSON conversions, PARSE_NUMERIC, PERCENTILE_DISC', () => {
    expect(translate('SELECT JUSTIFY_DAYS(i) AS j FROM t')).toContain("TO_MONTHS(CAST((DATEPART('year', i) * 12 + DATEPART('month', i)) + DATEPART('day', i) // 30 AS INTEGER))");
    expect(translate('SELECT JUSTIFY_HOURS(i) AS j FROM t')).toContain('TO_MICROSECONDS(');
    expect(translate('SELECT SOUNDEX(s) AS x FROM t')).toContain("TRANSLATE(LOWER(pf_s), 'abcdefghijklmnopqrstuvwxyz', '0123012H02245501262301H202')");
    expect(translate("SELECT INITCAP(s, ' ') AS x FROM t")).toBe("SELECT PF_INITCAP(s, ' ') AS x FROM t");
    expect(translate('SELECT TO_BASE32(b) AS x FROM t')).toBe('SELECT PF_TO_BASE32(b) AS x FROM t');
    expect(translate('SELECT FROM_BASE32(s) AS y FROM t')).toContain("'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'");
    expect(translate('SELECT LAX_BOOL(j) AS a, LAX_INT64(j) AS b, LAX_FLOAT64(j) AS c, LAX_STRING(j) AS d, BOOL(j) AS e, FLOAT64(j) AS f FROM t')).toContain(
      "WHEN JSON_TYPE(j) = 'BOOLEAN' THEN CAST(j AS BOOLEAN) WHEN (j) IS NOT NULL THEN ERROR('The provided JSON input is not a boolean')",
    );
    expect(translate("SELECT JSON_VALUE_ARRAY(j, '$.a') AS a FROM t")).toContain("ELSE JSON_EXTRACT_STRING(TRY_CAST(j AS JSON), '$.a[*]') END)");
    expect(translate('SELECT PERCENTILE_DISC(x, 0.5) OVER () AS m FROM t')).toBe('SELECT QUANTILE_DISC(x, CAST(0.5 AS DOUBLE)) OVER () AS m FROM t');
  });

  it('reads INTERVAL literals with a range of parts into months, days and microseconds; JUSTIFY_INTERVAL as JUSTIFY_HOURS then JUSTIFY_DAYS', () => {
    expect(apply(intervalRangeLiterals, "SELECT INTERVAL '10:20:30.52' HOUR TO SECOND, INTERVAL '-1-2' YEAR TO MONTH, INTERVAL '1 -2:03' DAY TO MINUTE, INTERVAL 5 DAY")).toBe(
      'SELECT (PF_INTERVAL_MONTH(0) + PF_INTERVAL_DAY(0) + PF_INTERVAL_MICROS(37230520000)), (PF_INTERVAL_MONTH(-14) + PF_INTERVAL_DAY(0) + PF_INTERVAL_MICROS(0)), ' +
        '(PF_INTERVAL_MONTH(0) + PF_INTERVAL_DAY(1) + PF_INTERVAL_MICROS(-7380000000)), INTERVAL 5 DAY',
    );
    // Minutes past 59 carry (interval_functions#extract reads '0-13 370 48:61:61' as 1-1 370 49:2:1); every range is read.
    expect(apply(intervalRangeLiterals, "SELECT INTERVAL '1:75' HOUR TO MINUTE, INTERVAL '1-2 3' YEAR TO DAY")).toBe(
      'SELECT (PF_INTERVAL_MONTH(0) + PF_INTERVAL_DAY(0) + PF_INTERVAL_MICROS(8100000000)), (PF_INTERVAL_MONTH(14) + PF_INTERVAL_DAY(3) + PF_INTERVAL_MICROS(0))',
    );
    expect(() => apply(intervalRangeLiterals, "SELECT INTERVAL '1:2' DAY TO HOUR")).toThrow(expect.objectContaining({ code: 400, message: "Invalid INTERVAL value '1:2'" }));
    expect(translate('SELECT JUSTIFY_INTERVAL(i) AS j FROM t')).toContain("ERROR('JUSTIFY_INTERVAL leaving months and time of opposite signs is not supported by the BigQuery emulator')");
  });

  it("renders FORMAT's %t / %T of literals at translation, and leaves others to be refused", () => {
    expect(translate("SELECT FORMAT('%t|%d|%T', [1, 2, 3], 5, DATE '2015-01-02') AS f")).toBe(translate("SELECT FORMAT('%s|%d|%s', '[1, 2, 3]', 5, 'DATE \\'2015-01-02\\'') AS f"));
    expect(translate("SELECT FORMAT('%T', 'sample') AS f")).toBe(translate("SELECT FORMAT('%s', '\"sample\"') AS f"));
    expect(translate("SELECT FORMAT('%t', x) AS f FROM t")).toBe("SELECT pf_format_string('%t', [TYPEOF(x), CAST(TO_JSON(x) AS VARCHAR)]) AS f FROM t");
  });

  it('gives BIT_COUNT of BYTES, COS of ±inf, STRUCT literal subscripts, CONTAINS_SUBSTR of a ROW of literals', () => {
    expect(translate('SELECT BIT_COUNT(b) AS n FROM t')).toContain("WHEN TYPEOF(b) = 'BLOB' THEN");
    expect(translate('SELECT COS(x) AS c FROM t')).toBe("SELECT (CASE WHEN ISINF(CAST(x AS DOUBLE)) THEN CAST('nan' AS DOUBLE) ELSE COS(x) END) AS c FROM t");
    expect(translate("SELECT STRUCT(23 AS x, 'a' AS y)[OFFSET(1)] AS s")).toBe("SELECT STRUCT_EXTRACT_AT({'x': 23, 'y': 'a'}, (1) + 1) AS s");
    expect(translate("SELECT CONTAINS_SUBSTR(('a b', 'c'), 'b') AS c")).toMatch(/^SELECT \(\(CASE WHEN STRLEN\('a b'\).* OR \(CASE WHEN STRLEN\('c'\).*\) AS c$/);
  });

  it('makes SAFE_ADD, SAFE_SUBTRACT, SAFE_MULTIPLY and SAFE_NEGATE a TRY of the operation on a first operand widened to BIGINT at least', () => {
    expect(translate('SELECT SAFE_ADD(a, 1) AS s, SAFE_MULTIPLY(a, b) AS m, SAFE_NEGATE(a) AS n FROM t')).toBe(
      'SELECT TRY(((a) + CAST(0 AS BIGINT)) + (1)) AS s, TRY(((a) + CAST(0 AS BIGINT)) * (b)) AS m, TRY(-((a) + CAST(0 AS BIGINT))) AS n FROM t',
    );
    expect(translate('SELECT SAFE_SUBTRACT(a, b) AS d FROM t')).toMatch(/^SELECT TRY\(.*\(\(a\) \+ CAST\(0 AS BIGINT\)\).*\(b\).*\) AS d FROM t$/);
  });

  it('translates CREATE TABLE with NOT NULL inside a STRUCT once readDdl has dropped it', () => {
    const ddl = readDdl('CREATE TABLE d.t (id INT64 NOT NULL, s STRUCT<a INT64 NOT NULL, b STRING>) OPTIONS (description = "x")');
    expect(ddl.sql).toBe('CREATE TABLE d.t (id INT64 NOT NULL, s STRUCT<a INT64, b STRING>)');
    expect(translate(ddl.sql)).toMatch(/^CREATE TABLE d\.t \(id BIGINT NOT NULL, s STRUCT\(a BIGINT, b TEXT\)\)$/);
  });
});
