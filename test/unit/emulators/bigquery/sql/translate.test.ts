// GoogleSQL -> DuckDB translation: each project-owned rewrite, and the whole pipeline.
import { splitBacktickPaths } from '../../../../../emulators/bigquery/sql/rewrites/backtick-paths';
import { keepDateArithmeticDate } from '../../../../../emulators/bigquery/sql/rewrites/date-arithmetic';
import { jsonValueAsScalar } from '../../../../../emulators/bigquery/sql/rewrites/json-value';
import { expandPartitionDate } from '../../../../../emulators/bigquery/sql/rewrites/partition-pseudo-columns';
import { regexpContainsPartial } from '../../../../../emulators/bigquery/sql/rewrites/regexp-contains';
import { markSafeCalls, safeMarkerToTry } from '../../../../../emulators/bigquery/sql/rewrites/safe-functions';
import { markTypeNames, placeholdersToDuckDb } from '../../../../../emulators/bigquery/sql/rewrites/type-names';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('rewrites', () => {
  it('splits backticked paths into one quoted identifier per part', () => {
    expect(apply(splitBacktickPaths, 'SELECT * FROM `p.d.t` JOIN `x` ON TRUE')).toBe('SELECT * FROM `p`.`d`.`t` JOIN `x` ON TRUE');
  });

  it('renames JSON_VALUE to JSON_EXTRACT_SCALAR (unquoted text)', () => {
    expect(apply(jsonValueAsScalar, "SELECT JSON_VALUE(j, '$.a'), 'JSON_VALUE('")).toBe("SELECT JSON_EXTRACT_SCALAR(j, '$.a'), 'JSON_VALUE('");
  });

  it('wraps DATE_ADD/DATE_SUB/DATE_TRUNC in CAST(... AS DATE), nested too', () => {
    expect(apply(keepDateArithmeticDate, 'SELECT DATE_ADD(DATE_TRUNC(d, MONTH), INTERVAL 1 DAY)')).toBe(
      'SELECT CAST(DATE_ADD(CAST(DATE_TRUNC(d, MONTH) AS DATE), INTERVAL 1 DAY) AS DATE)',
    );
  });

  it('turns SAFE.fn(...) into TRY(fn(...)) around translation', () => {
    const marked = apply(markSafeCalls, "SELECT SAFE.PARSE_DATE('%Y', SAFE.SUBSTR(s, 1)) FROM t");
    expect(marked).toBe("SELECT PF_SAFE(PARSE_DATE('%Y', PF_SAFE(SUBSTR(s, 1)))) FROM t");
    expect(apply(safeMarkerToTry, marked)).toBe("SELECT TRY(PARSE_DATE('%Y', TRY(SUBSTR(s, 1)))) FROM t");
  });

  it('derives _PARTITIONDATE from _PARTITIONTIME, keeping a qualifier', () => {
    expect(apply(expandPartitionDate, 'SELECT t._PARTITIONDATE FROM t WHERE _PARTITIONDATE = d')).toBe(
      'SELECT CAST(t._PARTITIONTIME AS DATE) FROM t WHERE CAST(_PARTITIONTIME AS DATE) = d',
    );
  });

  it('maps REGEXP_FULL_MATCH back to a partial match', () => {
    expect(apply(regexpContainsPartial, "SELECT REGEXP_FULL_MATCH(s, 'a')")).toBe("SELECT REGEXP_MATCHES(s, 'a')");
  });

  it('marks type names only where they are types', () => {
    const sql = "SELECT CAST(x AS TIMESTAMP), TIMESTAMP '2024-01-01', TIMESTAMP(s), timestamp, ARRAY<DATETIME>[], CAST(n AS NUMERIC)";
    const marked = apply(markTypeNames, sql);
    expect(marked).toBe(
      "SELECT CAST(x AS PF_TIMESTAMP), CAST('2024-01-01' AS PF_TIMESTAMP), TIMESTAMP(s), timestamp, ARRAY<PF_DATETIME>[], CAST(n AS PF_NUMERIC)",
    );
    expect(apply(placeholdersToDuckDb, 'CAST(x AS PF_TIMESTAMP), PF_DATETIME, PF_NUMERIC')).toBe('CAST(x AS TIMESTAMPTZ), TIMESTAMP, DECIMAL(38, 9)');
  });

  it('marks column definition types in CREATE TABLE', () => {
    expect(apply(markTypeNames, 'CREATE TABLE d.t (ts TIMESTAMP, timestamp DATETIME, r STRUCT<a TIMESTAMP>)')).toBe(
      'CREATE TABLE d.t (ts PF_TIMESTAMP, timestamp PF_DATETIME, r STRUCT<a PF_TIMESTAMP>)',
    );
  });
});

describe('translate', () => {
  beforeAll(() => initTranslator());

  it.each([
    ["SELECT JSON_VALUE(j, '$.a') FROM `p.d.t`", `SELECT (CASE WHEN JSON_TYPE(CAST(j AS JSON), '$.a') IN ('OBJECT', 'ARRAY') THEN NULL ELSE j ->> '$.a' END) AS f0_ FROM "p"."d"."t"`],
    ['SELECT DATE_ADD(d, INTERVAL 1 DAY) FROM t', "SELECT CAST(d + INTERVAL '1' DAY AS DATE) AS f0_ FROM t"],
    ["SELECT SAFE.PARSE_DATE('%Y%m%d', s)", "SELECT TRY(CAST(MAKE_TIMESTAMP(pf_parse_civil('%Y%m%d', s, 'DATE')) AS DATE)) AS f0_"],
    ['SELECT CAST(x AS TIMESTAMP), CAST(y AS DATETIME), CAST(z AS NUMERIC)', 'SELECT CAST(x AS TIMESTAMPTZ) AS f0_, CAST(y AS TIMESTAMP) AS f1_, CAST(z AS DECIMAL(38, 9)) AS f2_'],
    ["SELECT REGEXP_CONTAINS(s, r'a+')", "SELECT REGEXP_MATCHES(s, 'a+') AS f0_"],
  ])('%s', (input, expected) => {
    expect(translate(input)).toBe(expected);
  });
});
