// Rewrites for the query syntax page (query-syntax): PIVOT column names, unaliased UNNEST, WITH RECURSIVE,
// expression.* and SELECT AS VALUE, TABLESAMPLE and differential privacy refused.
import { pivotColumnsNamed } from '../../../../../emulators/bigquery/sql/rewrites/pivot-names';
import { refuseSamplingAndPrivacy } from '../../../../../emulators/bigquery/sql/rewrites/sampling-privacy';
import { arraySelectAsValue, expandStructStars, markStructStars, refuseValueTables } from '../../../../../emulators/bigquery/sql/rewrites/struct-star';
import { unionAllKeepsOrder } from '../../../../../emulators/bigquery/sql/rewrites/union-order';
import { expandUnnest, markUnnest } from '../../../../../emulators/bigquery/sql/rewrites/unnest';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('PIVOT column names', () => {
  it('leaves string values and aliased values as they are (DuckDB names them as BigQuery does)', () => {
    const sql = "SELECT * FROM Produce PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2' AS second, 3 AS third))";
    expect(apply(pivotColumnsNamed, sql)).toBe(sql);
  });

  it('gives an integer value without an alias BigQuery\'s name _<digits>', () => {
    expect(apply(pivotColumnsNamed, 'SELECT * FROM t PIVOT(SUM(s) FOR y IN (2020, 2021))')).toBe('SELECT * FROM t PIVOT(SUM(s) FOR y IN (2020 AS _2020, 2021 AS _2021))');
  });

  it('renames the columns of a PIVOT with aggregate aliases to <aggregate alias>_<value> in a derived table', () => {
    expect(apply(pivotColumnsNamed, "SELECT * FROM (SELECT a, s, q FROM t) PIVOT(SUM(s) AS total, COUNT(*) AS n FOR q IN ('Q1', 2 AS two)) AS p WHERE a > 0")).toBe(
      "SELECT * FROM (SELECT * EXCEPT (`Q1_total`, `Q1_n`, `two_total`, `two_n`), `Q1_total` AS `total_Q1`, `Q1_n` AS `n_Q1`, `two_total` AS `total_two`, `two_n` AS `n_two` FROM (SELECT a, s, q FROM t) PIVOT(SUM(s) AS total, COUNT(*) AS n FOR q IN ('Q1', 2 AS two))) AS p WHERE a > 0",
    );
    expect(apply(pivotColumnsNamed, 'SELECT * FROM d.t PIVOT(SUM(s) total FOR y IN (2020))')).toBe(
      'SELECT * FROM (SELECT * EXCEPT (`_2020_total`), `_2020_total` AS `total__2020` FROM d.t PIVOT(SUM(s) total FOR y IN (2020 AS _2020))) AS pf_pivot_0',
    );
  });

  it('refuses aliases on only some aggregates, and aggregate aliases after an aliased table', () => {
    expect(() => apply(pivotColumnsNamed, "SELECT * FROM t PIVOT(SUM(s) AS total, COUNT(*) FOR q IN ('Q1'))")).toThrow('PIVOT with aliases on some of its aggregates');
    expect(() => apply(pivotColumnsNamed, "SELECT * FROM t AS x PIVOT(SUM(s) AS total FOR q IN ('Q1'))")).toThrow('PIVOT with aggregate aliases on this FROM item');
  });

  it('refuses an unaliased value that is neither an identifier-like string nor a non-negative integer', () => {
    for (const value of ['-1', '1.5', 'true', "DATE '2020-01-01'", "'a b'", 'NULL']) {
      expect(() => apply(pivotColumnsNamed, `SELECT * FROM t PIVOT(SUM(s) FOR q IN (${value}))`)).toThrow('PIVOT with an IN value');
    }
  });

  it('leaves UNPIVOT and a column named pivot alone', () => {
    const sql = "SELECT pivot FROM t UNPIVOT(v FOR q IN (a, b))";
    expect(apply(pivotColumnsNamed, sql)).toBe(sql);
  });
});

describe('UNNEST without an alias', () => {
  it('names a non-STRUCT element f0_ (DuckDB ignores the alias for STRUCT elements and keeps their fields)', () => {
    expect(apply(expandUnnest, 'SELECT * FROM PF_UNNEST_FIELDS([1, 2])')).toBe('SELECT * FROM (SELECT UNNEST([1, 2], recursive := true) AS f0_) AS pf_unnest_0');
  });

  it('refuses WITH OFFSET without an alias', () => {
    expect(() => apply(markUnnest, 'SELECT * FROM UNNEST([1, 2]) WITH OFFSET')).toThrow('UNNEST without an alias WITH OFFSET');
  });
});

describe('WITH RECURSIVE', () => {
  it('gives no OFFSET 0 to a recursive CTE body, but still to other UNION ALL groups', () => {
    expect(apply(unionAllKeepsOrder, 'WITH RECURSIVE t AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT ARRAY((SELECT 1 UNION ALL SELECT 2))')).toBe(
      'WITH RECURSIVE t AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT ARRAY((SELECT 1 UNION ALL SELECT 2 OFFSET 0))',
    );
  });

  it('translates a recursive CTE of parenthesized terms without an OFFSET', async () => {
    await initTranslator();
    expect(translate('WITH RECURSIVE T1 AS ((SELECT 1 AS n) UNION ALL (SELECT n + 1 AS n FROM T1 WHERE n < 3)) SELECT n FROM T1')).not.toMatch(/OFFSET/);
  });
});

describe('expression.* on a STRUCT', () => {
  it('marks a path of two or more names, or a subscripted operand, in a select list', () => {
    expect(apply(markStructStars, 'SELECT l.location.* FROM locations l')).toBe('SELECT PF_STRUCT_STAR(l.location) FROM locations l');
    expect(apply(markStructStars, 'SELECT x, l.locs[OFFSET(0)].* FROM t l')).toBe('SELECT x, PF_STRUCT_STAR(l.locs[OFFSET(0)]) FROM t l');
    expect(apply(markStructStars, 'SELECT DISTINCT f(a).b.* FROM t')).toBe('SELECT DISTINCT PF_STRUCT_STAR(f(a).b) FROM t');
  });

  it('leaves a single name (a table or a STRUCT column) and COUNT(*) alone', () => {
    const sql = 'SELECT t.*, s.* EXCEPT (a), COUNT(*) FROM t';
    expect(apply(markStructStars, sql)).toBe(sql);
  });

  it('refuses EXCEPT or REPLACE after a marked star', () => {
    expect(() => apply(markStructStars, 'SELECT l.location.* EXCEPT (city) FROM locations l')).toThrow('EXCEPT or REPLACE after expression.*');
  });

  it("expands the mark to DuckDB's UNNEST of a STRUCT-only expression", () => {
    expect(apply(expandStructStars, 'SELECT PF_STRUCT_STAR(l.location) FROM locations AS l')).toBe('SELECT UNNEST(struct_concat(l.location)) FROM locations AS l');
  });
});

describe('SELECT AS VALUE', () => {
  it('drops AS VALUE in an ARRAY subquery only', () => {
    expect(apply(arraySelectAsValue, 'SELECT ARRAY(SELECT AS VALUE STRUCT(1 AS a))')).toBe('SELECT ARRAY(SELECT   STRUCT(1 AS a))');
    const sql = 'SELECT * FROM (SELECT AS VALUE STRUCT(1 AS a))';
    expect(apply(arraySelectAsValue, sql)).toBe(sql);
  });
});

describe('value tables (SELECT AS STRUCT / AS VALUE)', () => {
  it('refuses one as the statement result, a FROM item (also after a comma) or a WITH query', () => {
    for (const sql of [
      'SELECT AS STRUCT 1 AS a, 2 AS b',
      'SELECT s FROM (SELECT AS STRUCT 1 AS a) s',
      'SELECT * FROM t, (SELECT AS VALUE STRUCT(1 AS a))',
      'SELECT * FROM t JOIN (SELECT AS STRUCT 1 AS a) s ON true',
      'WITH s AS (SELECT AS STRUCT 1 AS a) SELECT * FROM s',
    ]) {
      expect(() => apply(refuseValueTables, sql)).toThrow(/SELECT AS (STRUCT|VALUE) as a table/);
    }
  });

  it('leaves one read as a value: ARRAY(…) (with UNION ALL), a scalar subquery in a select list, IN', () => {
    const sql = 'SELECT ARRAY(SELECT AS STRUCT 1 a UNION ALL SELECT AS STRUCT 2 a), x, (SELECT AS STRUCT 1 AS x), s IN (SELECT AS STRUCT 1 AS a) FROM t';
    expect(apply(refuseValueTables, sql)).toBe(sql);
  });
});

describe('TABLESAMPLE and differential privacy', () => {
  it('refuses TABLESAMPLE other than 100 PERCENT', () => {
    expect(() => apply(refuseSamplingAndPrivacy, 'SELECT * FROM d.t TABLESAMPLE SYSTEM (10 PERCENT)')).toThrow('TABLESAMPLE (other than 100 PERCENT)');
    expect(apply(refuseSamplingAndPrivacy, 'SELECT * FROM d.t TABLESAMPLE SYSTEM (100 PERCENT)')).toBe('SELECT * FROM d.t TABLESAMPLE SYSTEM (100 PERCENT)');
  });

  it('refuses SELECT WITH DIFFERENTIAL_PRIVACY by name', () => {
    expect(() => apply(refuseSamplingAndPrivacy, 'SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) item FROM t GROUP BY item')).toThrow('SELECT WITH DIFFERENTIAL_PRIVACY');
  });
});
