// The rewrites for polyglot gaps the GoogleSQL corpus found, each alone and through the pipeline.
import { dayOfWeekFromOne } from '../../../../../emulators/bigquery/sql/rewrites/dayofweek';
import { parenthesizeIntervalExpressions } from '../../../../../emulators/bigquery/sql/rewrites/interval-expression';
import { timestampDiffTruncates } from '../../../../../emulators/bigquery/sql/rewrites/timestamp-diff';
import { expandUnnest, markUnnest } from '../../../../../emulators/bigquery/sql/rewrites/unnest';
import { expandWeekNumber, markWeekNumber } from '../../../../../emulators/bigquery/sql/rewrites/week-number';
import { isoWeekToDuckDb, weekTruncFromNamedDay } from '../../../../../emulators/bigquery/sql/rewrites/week-trunc';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('INTERVAL expressions', () => {
  it("parenthesises a non-literal expression, leaves literals alone, quotes a negative one (DuckDB cannot parse INTERVAL -2 HOUR)", () => {
    expect(apply(parenthesizeIntervalExpressions, 'SELECT DATE_ADD(d, INTERVAL n DAY), INTERVAL 1 DAY, INTERVAL -2 HOUR')).toBe(
      "SELECT DATE_ADD(d, INTERVAL (n) DAY), INTERVAL 1 DAY, INTERVAL '-2' HOUR",
    );
    expect(apply(parenthesizeIntervalExpressions, "SELECT INTERVAL t.n * 2 MINUTE, INTERVAL '1' DAY, CAST(x AS INTERVAL)")).toBe(
      "SELECT INTERVAL (t.n * 2) MINUTE, INTERVAL '1' DAY, CAST(x AS INTERVAL)",
    );
  });
});

describe('UNNEST in FROM', () => {
  it('marks WITH OFFSET (default name offset) and unaliased UNNEST, but not IN UNNEST', () => {
    expect(apply(markUnnest, 'SELECT * FROM t, UNNEST(t.a) AS x WITH OFFSET AS o')).toBe('SELECT * FROM t, PF_UNNEST_OFFSET(t.a, x, o)');
    expect(apply(markUnnest, 'SELECT * FROM UNNEST([1, 2]) x WITH OFFSET')).toBe('SELECT * FROM PF_UNNEST_OFFSET([1, 2], x, offset)');
    expect(apply(markUnnest, 'SELECT (SELECT SUM(q) FROM UNNEST(items)) FROM t')).toBe('SELECT (SELECT SUM(q) FROM PF_UNNEST_FIELDS(items)) FROM t');
    expect(apply(markUnnest, 'SELECT 1 FROM t CROSS JOIN UNNEST(a) AS x WHERE 2 IN UNNEST(a)')).toBe('SELECT 1 FROM t CROSS JOIN UNNEST(a) AS x WHERE 2 IN UNNEST(a)');
  });

  it('expands the marks into zero-based subscripts and struct-field columns', () => {
    expect(apply(expandUnnest, 'SELECT * FROM t, PF_UNNEST_OFFSET(t.a, x, o)')).toBe(
      'SELECT * FROM t, (SELECT UNNEST(t.a) AS x, GENERATE_SUBSCRIPTS(t.a, 1) - 1 AS o) AS pf_unnest_0',
    );
    expect(apply(expandUnnest, 'SELECT q FROM PF_UNNEST_FIELDS(items)')).toBe('SELECT q FROM (SELECT UNNEST(items, recursive := true) AS f0_) AS pf_unnest_0');
  });
});

describe('weeks', () => {
  it('truncates WEEK (Sunday) and WEEK(<day>) from Monday-based ISO weeks', () => {
    expect(apply(weekTruncFromNamedDay, 'SELECT DATE_TRUNC(d, WEEK)')).toBe('SELECT DATE_ADD(DATE_TRUNC(DATE_SUB(d, INTERVAL 6 DAY), ISOWEEK), INTERVAL 6 DAY)');
    expect(apply(weekTruncFromNamedDay, 'SELECT DATE_TRUNC(d, WEEK(MONDAY)), DATE_TRUNC(d, MONTH)')).toBe('SELECT DATE_TRUNC(d, ISOWEEK), DATE_TRUNC(d, MONTH)');
    expect(apply(weekTruncFromNamedDay, "SELECT TIMESTAMP_TRUNC(ts, WEEK(WEDNESDAY), 'UTC')")).toBe(
      "SELECT TIMESTAMP_ADD(TIMESTAMP_TRUNC(TIMESTAMP_SUB(ts, INTERVAL 2 DAY), ISOWEEK, 'UTC'), INTERVAL 2 DAY)",
    );
    expect(apply(isoWeekToDuckDb, "SELECT DATE_TRUNC('ISOWEEK', d)")).toBe("SELECT DATE_TRUNC('week', d)");
  });
});

describe('week numbers', () => {
  it('marks EXTRACT(WEEK) and EXTRACT(WEEK(<day>)) with the weekday, leaving ISOWEEK and DAY', () => {
    expect(apply(markWeekNumber, 'SELECT EXTRACT(WEEK FROM d), EXTRACT(WEEK(MONDAY) FROM f(d)), EXTRACT(ISOWEEK FROM d), EXTRACT(DAY FROM d)')).toBe(
      'SELECT PF_WEEK_NUMBER(d, 0), PF_WEEK_NUMBER(f(d), 1), EXTRACT(ISOWEEK FROM d), EXTRACT(DAY FROM d)',
    );
  });

  it("counts the weekday's occurrences up to the date, and maps ISOWEEK to DuckDB's WEEK", () => {
    expect(apply(expandWeekNumber, 'SELECT PF_WEEK_NUMBER(d, 0), EXTRACT(ISOWEEK FROM d)')).toBe(
      'SELECT ((DAYOFYEAR(d) - ((DAYOFWEEK(d) - 0 + 7) % 7) + 6) // 7), EXTRACT(WEEK FROM d)',
    );
  });
});

describe('DAYOFWEEK and TIMESTAMP_DIFF', () => {
  it('counts DAYOFWEEK from Sunday = 1', () => {
    expect(apply(dayOfWeekFromOne, 'SELECT EXTRACT(DAYOFWEEK FROM d), EXTRACT(DAY FROM d)')).toBe('SELECT (EXTRACT(DAYOFWEEK FROM d) + 1), EXTRACT(DAY FROM d)');
  });

  it('makes TIMESTAMP_DIFF a truncating division for fixed-length parts and a count of dates by WEEK', () => {
    expect(apply(timestampDiffTruncates, 'SELECT TIMESTAMP_DIFF(MAX(a), f(b, c), HOUR), TIMESTAMP_DIFF(a, b, WEEK)')).toBe(
      'SELECT DIV((UNIX_MICROS(MAX(a)) - UNIX_MICROS(f(b, c))), 3600000000), PF_TIMESTAMP_DIFF_WEEK(a, DATE_DIFF(DATE(DATETIME(a)), DATE(DATETIME(b)), WEEK))',
    );
  });
});

describe('through the whole pipeline', () => {
  beforeAll(() => initTranslator());

  it('produces DuckDB SQL for each gap', () => {
    expect(translate('SELECT x, o FROM UNNEST([10, 20]) AS x WITH OFFSET o')).toBe(
      'SELECT x, o FROM (SELECT UNNEST([10, 20]) AS x, GENERATE_SUBSCRIPTS([10, 20], 1) - 1 AS o) AS pf_unnest_0',
    );
    expect(translate('SELECT DATE_ADD(d, INTERVAL n DAY) FROM t')).toBe('SELECT CAST(d + INTERVAL (n) DAY AS DATE) AS f0_ FROM t');
    expect(translate('SELECT TIMESTAMP_DIFF(a, b, HOUR) FROM t')).toBe('SELECT (EPOCH_US(a) - EPOCH_US(b)) // 3600000000 AS f0_ FROM t');
    expect(translate('SELECT DATE_TRUNC(d, WEEK(MONDAY)) FROM t')).toBe("SELECT CAST(DATE_TRUNC('week', d) AS DATE) AS f0_ FROM t");
  });
});
