// Rewrites for aggregate, array, JSON and query-shape fidelity (sql/rewrites/aggregate-fidelity.ts,
// bare-subscripts.ts, json-access.ts, json-paths.ts, session-user.ts, struct-fields.ts,
// union-order.ts, unnest.ts offsetAsName, unpivot.ts), one rewrite at a time and through translate().
import { expandAggregates, markApproxTop, markArrayConcatAgg, markRespectNulls } from '../../../../../emulators/bigquery/sql/rewrites/aggregate-fidelity';
import { markBareSubscripts } from '../../../../../emulators/bigquery/sql/rewrites/bare-subscripts';
import { jsonSubscripts } from '../../../../../emulators/bigquery/sql/rewrites/documented-fidelity';
import { bracketPathToDuckDb, jsonPathsForDuckDb } from '../../../../../emulators/bigquery/sql/rewrites/json-paths';
import { jsonLiteralsCanonical } from '../../../../../emulators/bigquery/sql/rewrites/json-value';
import { EMULATOR_USER, sessionUserAsEmulatorUser } from '../../../../../emulators/bigquery/sql/rewrites/session-user';
import { anonymousFieldNames, refuseDigitAliases } from '../../../../../emulators/bigquery/sql/rewrites/struct-fields';
import { unionAllKeepsOrder } from '../../../../../emulators/bigquery/sql/rewrites/union-order';
import { offsetAsName } from '../../../../../emulators/bigquery/sql/rewrites/unnest';
import { unpivotValuesFirst } from '../../../../../emulators/bigquery/sql/rewrites/unpivot';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));
const refusal = (what: string) => expect.objectContaining({ code: 501, reason: 'notImplemented', message: `${what} is not supported by the BigQuery emulator` });

describe('JSONPath with bracketed names', () => {
  it("rewrites $['a.b'].c and $.class['students'] to DuckDB's double-quoted names, and leaves other paths alone", () => {
    expect(bracketPathToDuckDb("$['a.b'].c")).toBe('$."a.b".c');
    expect(bracketPathToDuckDb("$.class['students'][0]")).toBe('$.class."students"[0]');
    expect(bracketPathToDuckDb('$.a[1].b')).toBeUndefined();
    expect(bracketPathToDuckDb("$['a\"b']")).toBeUndefined();
  });

  it('rewrites the literal path of the JSON_EXTRACT family and renames JSON_EXTRACT_STRING_ARRAY to JSON_VALUE_ARRAY', () => {
    expect(apply(jsonPathsForDuckDb, `SELECT JSON_EXTRACT_SCALAR(j, "$['a.b'].c"), JSON_QUERY(j, '$."a.b"')`)).toBe(`SELECT JSON_EXTRACT_SCALAR(j, '$."a.b".c'), JSON_QUERY(j, '$."a.b"')`);
    expect(apply(jsonPathsForDuckDb, "SELECT JSON_EXTRACT_STRING_ARRAY(j, '$.a')")).toBe("SELECT JSON_VALUE_ARRAY(j, '$.a')");
  });
});

describe('JSON literals', () => {
  it("are written in BigQuery's stored form: members sorted by key, no whitespace; other strings are left alone", () => {
    expect(apply(jsonLiteralsCanonical, `SELECT JSON '{"city": "x", "State": "y"}', '{"b": 1, "a": 2}'`)).toBe(`SELECT JSON '{"State":"y","city":"x"}', '{"b": 1, "a": 2}'`);
  });
});

describe('field access and subscripts on JSON', () => {
  it('reads a chain holding a string subscript as one JSON path from its root: a name, a call or a parenthesized expression', () => {
    expect(apply(jsonSubscripts, "SELECT json_value.class.students[0]['name'] AS s FROM t")).toBe(`SELECT PF_JSON_AT(json_value, '$."class"."students"[0]."name"') AS s FROM t`);
    expect(apply(jsonSubscripts, "SELECT f(x)['a'].b[2] FROM t")).toBe(`SELECT PF_JSON_AT(f(x), '$."a"."b"[2]') FROM t`);
    expect(apply(jsonSubscripts, "SELECT (x)['a'] FROM t")).toBe(`SELECT PF_JSON_AT((x), '$."a"') FROM t`);
  });

  it('marks x[i] without OFFSET/ORDINAL for a type-dependent subscript, but not array literals, named subscripts or string keys', () => {
    expect(apply(markBareSubscripts, 'SELECT a[0], a[i + 1], [1, 2], ARRAY[3], a[OFFSET(1)], j[\'k\'] FROM t')).toBe("SELECT a[PF_BARE(0)], a[PF_BARE(i + 1)], [1, 2], ARRAY[3], a[OFFSET(1)], j['k'] FROM t");
  });

  beforeAll(() => initTranslator());

  it('gives JSON its zero-based element (NULL when missing) and an ARRAY its OFFSET, chosen by the type DuckDB binds', () => {
    const sql = translate('SELECT a[0] FROM t');
    expect(sql).toContain("WHEN TYPEOF(a) = 'JSON' THEN (CASE WHEN (0) >= 0 THEN (a)[0] END)");
    expect(sql).toContain("ERROR('Array index ' || (0) || ' is out of bounds') ELSE (a)[(0) + 1] END");
  });
});

describe('aggregates', () => {
  it('marks APPROX_TOP_COUNT and APPROX_TOP_SUM, refusing a count that is not a positive literal and HLL_COUNT by its full name', () => {
    expect(apply(markApproxTop, 'SELECT APPROX_TOP_COUNT(x, 2), APPROX_TOP_SUM(x, w, 3) FROM t')).toBe('SELECT PF_APPROX_TOP_COUNT(x, 2), PF_APPROX_TOP_SUM(x, w, 3) FROM t');
    expect(() => apply(markApproxTop, 'SELECT APPROX_TOP_COUNT(x, n) FROM t')).toThrow(refusal('APPROX_TOP_COUNT with a number that is not a positive integer literal'));
    expect(() => apply(markApproxTop, 'SELECT HLL_COUNT.INIT(x) FROM t')).toThrow(refusal('Function HLL_COUNT.INIT'));
    expect(() => apply(markApproxTop, 'SELECT HLL_COUNT.MERGE(s) FROM t')).toThrow(refusal('Function HLL_COUNT.MERGE'));
  });

  it('expands APPROX_TOP_SUM to sums per value (NULL sums last) and APPROX_TOP_COUNT to counts per value, NULL included', () => {
    expect(apply(expandAggregates, 'SELECT PF_APPROX_TOP_COUNT(x, 2) FROM t')).toContain("LIST({'value': pf_v, 'count': pf_n} ORDER BY pf_n DESC, pf_v ASC NULLS FIRST), 1, 2)");
    expect(apply(expandAggregates, 'SELECT PF_APPROX_TOP_SUM(x, w, 2) FROM t')).toContain('ORDER BY pf_s DESC NULLS LAST');
  });

  it('rewrites ARRAY_CONCAT_AGG to ARRAY_AGG of the arrays, its LIMIT counting input arrays', () => {
    expect(apply(markArrayConcatAgg, 'SELECT ARRAY_LENGTH(ARRAY_CONCAT_AGG(x ORDER BY y LIMIT 1)) FROM t')).toBe('SELECT ARRAY_LENGTH(PF_ARRAY_CONCAT_AGG_HEAD(ARRAY_AGG(x ORDER BY y ), 1)) FROM t');
    expect(apply(expandAggregates, 'SELECT PF_ARRAY_CONCAT_AGG_HEAD(ARRAY_AGG(x), 1)')).toContain('FLATTEN(LIST_SLICE(LIST_FILTER(ARRAY_AGG(x), lambda pf_a: pf_a IS NOT NULL), 1, 1))');
  });

  it('gathers the values NULLs first for APPROX_QUANTILES and PERCENTILE_DISC with RESPECT NULLS, keeping the OVER clause', () => {
    expect(apply(markRespectNulls, 'SELECT APPROX_QUANTILES(DISTINCT x, 2 RESPECT NULLS) FROM t')).toBe('SELECT PF_QUANTILES_RESPECT_NULLS(ARRAY_AGG(DISTINCT x ORDER BY x NULLS FIRST), 2) FROM t');
    expect(apply(markRespectNulls, 'SELECT PERCENTILE_DISC(x, 0.5 RESPECT NULLS) OVER (PARTITION BY g) FROM t')).toBe(
      'SELECT PF_PERCENTILE_DISC_RESPECT_NULLS((ARRAY_AGG(x ORDER BY x NULLS FIRST) OVER (PARTITION BY g)), 0.5) FROM t',
    );
    expect(apply(markRespectNulls, 'SELECT APPROX_QUANTILES(x, 2) FROM t')).toBe('SELECT APPROX_QUANTILES(x, 2) FROM t');
  });
});

describe('query shape', () => {
  it('moves the UNPIVOT name column after the value columns, keeping the UNPIVOT alias outside', () => {
    expect(apply(unpivotValuesFirst, 'SELECT * FROM Produce UNPIVOT(sales FOR quarter IN (Q1, Q2))')).toBe('SELECT * FROM (SELECT * EXCLUDE (quarter), quarter FROM Produce UNPIVOT(sales FOR quarter IN (Q1, Q2))) AS pf_unpivot_8');
    expect(apply(unpivotValuesFirst, 'SELECT * FROM p AS x UNPIVOT((a, b) FOR h IN ((Q1, Q2) AS h1)) AS u')).toBe('SELECT * FROM (SELECT * EXCLUDE (h), h FROM p AS x UNPIVOT((a, b) FOR h IN ((Q1, Q2) AS h1))) AS u');
  });

  it('quotes offset used as a name, keeping the keyword in WITH OFFSET, LIMIT … OFFSET n and [OFFSET(i)]', () => {
    expect(apply(offsetAsName, 'SELECT e, offset FROM UNNEST(a) AS e WITH OFFSET AS offset ORDER BY offset DESC LIMIT 2 OFFSET 1')).toBe(
      'SELECT e, `offset` FROM UNNEST(a) AS e WITH OFFSET AS `offset` ORDER BY `offset` DESC LIMIT 2 OFFSET 1',
    );
    expect(apply(offsetAsName, 'SELECT a[OFFSET(0)] FROM t')).toBe('SELECT a[OFFSET(0)] FROM t');
  });

  it('gives a parenthesized UNION ALL without ORDER BY, LIMIT or OFFSET an OFFSET 0 so its rows keep their order', () => {
    expect(apply(unionAllKeepsOrder, 'SELECT ARRAY((SELECT 1 UNION ALL SELECT 2))')).toBe('SELECT ARRAY((SELECT 1 UNION ALL SELECT 2 OFFSET 0))');
    expect(apply(unionAllKeepsOrder, 'WITH a AS (SELECT 1 UNION ALL SELECT 2 ORDER BY 1) SELECT * FROM (SELECT 1 UNION SELECT 2)')).toBe('WITH a AS (SELECT 1 UNION ALL SELECT 2 ORDER BY 1) SELECT * FROM (SELECT 1 UNION SELECT 2)');
  });

  it("names anonymous STRUCT fields _field_<position>, and refuses aliases spelled _<digits>", () => {
    expect(apply(anonymousFieldNames, "SELECT {'_0': 1, 'x': x, '_2': 3}, '_0'")).toBe("SELECT {'_field_1': 1, 'x': x, '_field_3': 3}, '_0'");
    expect(() => apply(refuseDigitAliases, 'SELECT STRUCT(1 AS _0)')).toThrow(refusal('A column or field alias of the form _<digits> (_0)'));
  });

  it("answers SESSION_USER() with the emulator's user", () => {
    expect(apply(sessionUserAsEmulatorUser, 'SELECT SESSION_USER()')).toBe(`SELECT '${EMULATOR_USER}'`);
  });
});
