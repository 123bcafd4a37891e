// BigQuery's names for unnamed result columns: f0_, f1_, … among the unnamed ones.
import { anonymousColumnsNamed } from '../../../../../emulators/bigquery/sql/rewrites/anonymous-columns';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

const named = (sql: string): string => join(anonymousColumnsNamed(tokenize(sql)));

describe('anonymousColumnsNamed', () => {
  it('numbers the unnamed columns among themselves and keeps aliases, implicit aliases and paths', () => {
    expect(named('SELECT 1, "a" || "b", x, t.y, 1 z, a + b, COUNT(*) FROM t GROUP BY 1')).toBe(
      'SELECT 1 AS f0_, "a" || "b" AS f1_, x, t.y, 1 z, a + b AS f2_, COUNT(*) AS f3_ FROM t GROUP BY 1',
    );
  });

  it('leaves stars, with EXCEPT and REPLACE, as they are', () => {
    expect(named('SELECT * EXCEPT (a), t.* REPLACE (1 AS b) FROM t')).toBe('SELECT * EXCEPT (a), t.* REPLACE (1 AS b) FROM t');
  });

  it('does not take INTERVAL 1 DAY or a reserved word for an alias, nor split STRUCT<…> types on their commas', () => {
    expect(named('SELECT INTERVAL 1 DAY, STRUCT<a INT64, b STRING>(1, "x"), CASE WHEN a THEN 1 END, CASE WHEN a THEN 1 END e, x IS NULL')).toBe(
      'SELECT INTERVAL 1 DAY AS f0_, STRUCT<a INT64, b STRING>(1, "x") AS f1_, CASE WHEN a THEN 1 END AS f2_, CASE WHEN a THEN 1 END e, x IS NULL AS f3_',
    );
  });

  it('names the outermost select lists only: the final SELECT after WITH and each branch of a set operation', () => {
    expect(named('WITH c AS (SELECT 1) SELECT DISTINCT arr[OFFSET(0)], (SELECT 1) FROM c UNION ALL SELECT 2, 3')).toBe(
      'WITH c AS (SELECT 1) SELECT DISTINCT arr[OFFSET(0)] AS f0_, (SELECT 1) AS f1_ FROM c UNION ALL SELECT 2 AS f2_, 3 AS f3_',
    );
  });

  it('reads IS [NOT] DISTINCT FROM as part of the item, not as the FROM clause', () => {
    expect(named('SELECT 1 IS DISTINCT FROM 2, a IS NOT DISTINCT FROM b FROM t')).toBe('SELECT 1 IS DISTINCT FROM 2 AS f0_, a IS NOT DISTINCT FROM b AS f1_ FROM t');
  });

  it('takes CURRENT_DATE and the like without parentheses for calls, not column names', () => {
    expect(named('SELECT CURRENT_DATE, CURRENT_TIME AS t')).toBe('SELECT CURRENT_DATE AS f0_, CURRENT_TIME AS t');
  });

  it('leaves SELECT AS STRUCT and statements other than queries alone', () => {
    expect(named('SELECT AS STRUCT 1, 2')).toBe('SELECT AS STRUCT 1, 2');
    expect(named('INSERT INTO t SELECT 1')).toBe('INSERT INTO t SELECT 1');
  });
});
