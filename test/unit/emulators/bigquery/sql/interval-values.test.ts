// Casts to INTERVAL / BIGNUMERIC and EXTRACT of the fraction of a second become typed macros (sql/rewrites/interval-values.ts).
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { typedCastsAsBigQuery } from '../../../../../emulators/bigquery/sql/rewrites/interval-values';

const apply = (sql: string) => join(typedCastsAsBigQuery(tokenize(sql)));

describe('typedCastsAsBigQuery', () => {
  it('makes CAST / TRY_CAST to INTERVAL and to DECIMAL(38, 18) macros, nested ones too, and leaves other casts', () => {
    expect(apply("SELECT CAST('1-2' AS INTERVAL), TRY_CAST(CAST(x AS INTERVAL) AS INTERVAL), CAST(s AS DECIMAL(38, 18)), TRY_CAST(s AS DECIMAL(38,18)), CAST(s AS DECIMAL(38, 9)), CAST(s AS VARCHAR)")).toBe(
      "SELECT pf_cast_interval('1-2'), pf_try_cast_interval(pf_cast_interval(x)), pf_cast_bignumeric_value(s), pf_try_cast_bignumeric_value(s), CAST(s AS DECIMAL(38, 9)), CAST(s AS VARCHAR)",
    );
  });

  it('makes EXTRACT of MILLISECOND / MICROSECOND a macro and leaves the other parts', () => {
    expect(apply('SELECT EXTRACT(MILLISECOND FROM i), EXTRACT(MICROSECOND FROM t + i), EXTRACT(SECOND FROM i)')).toBe(
      'SELECT pf_extract_millisecond(i), pf_extract_microsecond(t + i), EXTRACT(SECOND FROM i)',
    );
  });
});

describe('through the whole pipeline', () => {
  beforeAll(() => initTranslator());

  it('gives BIGNUMERIC casts, PARSE_NUMERIC and DATE - DATE their macros', () => {
    expect(translate("SELECT CAST('12.4E37' AS BIGNUMERIC) AS b")).toBe("SELECT pf_cast_bignumeric_value('12.4E37') AS b");
    expect(translate("SELECT PARSE_NUMERIC('1') AS n, SAFE.PARSE_BIGNUMERIC('2') AS b")).toBe("SELECT PF_PARSE_NUMERIC_VALUE('1') AS n, PF_SAFE_PARSE_BIGNUMERIC_VALUE('2') AS b");
    expect(translate("SELECT DATE '2021-05-20' - DATE '2020-04-19' AS i")).toBe("SELECT pf_minus(CAST('2021-05-20' AS DATE), CAST('2020-04-19' AS DATE)) AS i");
  });
});
