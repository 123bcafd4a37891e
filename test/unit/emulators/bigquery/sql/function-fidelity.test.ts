// Rewrites for functions polyglot translated into DuckDB SQL that ran but answered differently from
// BigQuery. Each case names the BigQuery documentation page whose answer it holds the emulator to;
// test/integration/bigquery/function-fidelity.test.ts runs the same cases through the client.
import {
  captureGroups,
  castToStringAsBigQuery,
  checkFormatPattern,
  concatPropagatesNull,
  countIfAsCount,
  formatAsPrintf,
  markAggregateLimit,
  markArraySubscripts,
  markBitXorDistinct,
  markJsonQuery,
  md5AsBytes,
  regexpExtractGroups,
  substrPositionFromOne,
} from '../../../../../emulators/bigquery/sql/rewrites/function-fidelity';
import { type Token, join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

const apply = (rewrite: (t: Token[]) => Token[], sql: string): string => join(rewrite(tokenize(sql)));

describe('COUNTIF (aggregate_functions#countif)', () => {
  it('becomes COUNT of a CASE, which is 0, not NULL, over only NULLs; DISTINCT and OVER are kept', () => {
    expect(apply(countIfAsCount, 'SELECT COUNTIF(x > 0), COUNTIF(DISTINCT f(x)) OVER (PARTITION BY y) FROM t')).toBe(
      'SELECT COUNT(CASE WHEN (x > 0) THEN 1 END), COUNT(DISTINCT CASE WHEN (f(x)) THEN TRUE END) OVER (PARTITION BY y) FROM t',
    );
  });
});

describe('FORMAT (string_functions#format_string)', () => {
  it("becomes DuckDB's printf for the specifiers both share", () => {
    expect(apply(formatAsPrintf, "SELECT FORMAT('%d-%s %.2f %%', a, FORMAT('%i', b), c)")).toBe("SELECT PF_PRINTF('%d-%s %.2f %%', a, PF_PRINTF('%i', b), c)");
    expect(() => checkFormatPattern('%5.1f|%-4d|%+d|%x|%e')).not.toThrow();
  });

  it('refuses what printf would not answer as BigQuery does, naming it', () => {
    expect(() => checkFormatPattern('%t')).toThrow('FORMAT specifier %t is not supported by the BigQuery emulator');
    expect(() => checkFormatPattern("%'d")).toThrow("FORMAT specifier %' is not supported");
    expect(() => checkFormatPattern('%g')).toThrow('FORMAT specifier %g');
    expect(() => apply(formatAsPrintf, 'SELECT FORMAT(p, 1) FROM t')).toThrow('FORMAT with a pattern that is not a string literal');
  });
});

describe('MD5 (hash_functions#md5)', () => {
  it('is marked so it returns the BYTES digest', () => {
    expect(apply(md5AsBytes, 'SELECT MD5(s), TO_HEX(MD5(s)), t.md5 FROM t')).toBe('SELECT PF_MD5(s), TO_HEX(PF_MD5(s)), t.md5 FROM t');
  });
});

describe('JSON_QUERY / JSON_EXTRACT (json_functions#json_query)', () => {
  it('are marked so a JSON null in a STRING answers SQL NULL', () => {
    expect(apply(markJsonQuery, "SELECT JSON_EXTRACT(s, '$.a'), JSON_QUERY(j, '$.b'), JSON_EXTRACT_SCALAR(s, '$.a') FROM t")).toBe(
      "SELECT PF_JSON_QUERY(s, '$.a'), PF_JSON_QUERY(j, '$.b'), JSON_EXTRACT_SCALAR(s, '$.a') FROM t",
    );
    expect(apply(markJsonQuery, `SELECT JSON_QUERY('{"a": null}', '$.a')`)).toBe(`SELECT PF_JSON_QUERY_STRING('{"a": null}', '$.a')`);
  });
});

describe('BIT_XOR DISTINCT and aggregate LIMIT (aggregate_functions#bit_xor, #string_agg, #array_agg)', () => {
  it('keeps DISTINCT on BIT_XOR', () => {
    expect(apply(markBitXorDistinct, 'SELECT BIT_XOR(DISTINCT x), BIT_XOR(x) FROM t')).toBe('SELECT PF_BIT_XOR_DISTINCT(x), BIT_XOR(x) FROM t');
  });

  it('turns LIMIT into a slice of ARRAY_AGG, STRING_AGG without its NULLs', () => {
    expect(apply(markAggregateLimit, 'SELECT ARRAY_AGG(x ORDER BY y DESC LIMIT 2), ARRAY_AGG(x) FROM t')).toBe(
      'SELECT PF_LIST_HEAD(ARRAY_AGG(x ORDER BY y DESC), 2), ARRAY_AGG(x) FROM t',
    );
    expect(apply(markAggregateLimit, "SELECT STRING_AGG(DISTINCT x, '-' ORDER BY x LIMIT 3), STRING_AGG(x LIMIT 1) FROM t")).toBe(
      "SELECT PF_STRING_AGG_LIMIT(ARRAY_AGG(DISTINCT x ORDER BY x), x, '-', 3), PF_STRING_AGG_LIMIT(ARRAY_AGG(x ), x, ',', 1) FROM t",
    );
  });
});

describe('array subscripts (operators#array_subscript_operator)', () => {
  it('marks OFFSET / SAFE_OFFSET / ORDINAL / SAFE_ORDINAL with the whole operand', () => {
    expect(apply(markArraySubscripts, 'SELECT t.a[OFFSET(0)], f(x)[SAFE_OFFSET(i)], [1, 2][ORDINAL(1)], ARRAY<INT64>[3][SAFE_ORDINAL(2)] FROM t')).toBe(
      'SELECT (PF_AT_OFFSET(t.a, 0)), (PF_AT_SAFE_OFFSET(f(x), i)), (PF_AT_ORDINAL([1, 2], 1)), (PF_AT_SAFE_ORDINAL(ARRAY<INT64>[3], 2)) FROM t',
    );
    expect(apply(markArraySubscripts, 'SELECT a[OFFSET(0)][OFFSET(b[SAFE_OFFSET(1)])].x FROM t')).toBe(
      'SELECT (PF_AT_OFFSET((PF_AT_OFFSET(a, 0)), (PF_AT_SAFE_OFFSET(b, 1)))).x FROM t',
    );
  });
});

describe('CONCAT (string_functions#concat)', () => {
  it('is marked so a NULL argument makes it NULL', () => {
    expect(apply(concatPropagatesNull, "SELECT CONCAT(a, '-', CONCAT(b, c)) FROM t")).toBe("SELECT PF_CONCAT(a, '-', PF_CONCAT(b, c)) FROM t");
  });

  it('is a NULL of STRING (BYTES beside a BYTES literal) with a NULL literal argument, and casts a lone number literal to STRING', () => {
    expect(apply(concatPropagatesNull, "SELECT CONCAT('A', NULL, 'C'), CONCAT(b'a', NULL), CONCAT(NULL), CONCAT(1)")).toBe(
      'SELECT CAST(NULL AS VARCHAR), CAST(NULL AS BLOB), CAST(NULL AS VARCHAR), CAST(1 AS VARCHAR)',
    );
  });
});

describe('REGEXP_EXTRACT / REGEXP_EXTRACT_ALL (string_functions#regexp_extract)', () => {
  it('counts capturing groups outside classes and escapes', () => {
    expect([captureGroups('[0-9]+'), captureGroups('b([0-9])'), captureGroups('(?:a)\\(x[(]'), captureGroups('(?P<n>a)')]).toEqual([0, 1, 0, 1]);
  });

  it('asks for group 1 when the pattern has one, else the whole match', () => {
    expect(apply(regexpExtractGroups, "SELECT REGEXP_EXTRACT(s, r'[0-9]+'), REGEXP_EXTRACT_ALL(s, r'a(b)') FROM t")).toBe(
      "SELECT PF_REGEXP_EXTRACT(s, r'[0-9]+', 0), PF_REGEXP_EXTRACT_ALL(s, r'a(b)', 1) FROM t",
    );
  });

  it('counts the groups of a pattern known only when the query runs then (udfs/regexp.ts)', () => {
    expect(apply(regexpExtractGroups, 'SELECT REGEXP_EXTRACT(s, p), REGEXP_EXTRACT_ALL(s, NULL), REGEXP_EXTRACT(s, p, 2, 3) FROM t')).toBe(
      'SELECT PF_REGEXP_EXTRACT_RUNTIME(s, p), PF_REGEXP_EXTRACT_ALL_RUNTIME(s, NULL), PF_REGEXP_EXTRACT_AT_RUNTIME(s, p, 2, 3) FROM t',
    );
  });

  it('fails loudly where it cannot tell', () => {
    expect(() => apply(regexpExtractGroups, "SELECT REGEXP_EXTRACT_ALL(s, 'a', 2) FROM t")).toThrow('REGEXP_EXTRACT_ALL with position or occurrence arguments');
  });

  it('takes REGEXP_EXTRACT with a position (and occurrence) as the occurrence-th match from that position', () => {
    expect(apply(regexpExtractGroups, "SELECT REGEXP_EXTRACT(s, 'a', 2), REGEXP_EXTRACT(s, 'a(b)', 3, 2) FROM t")).toBe(
      "SELECT PF_REGEXP_EXTRACT_AT(s, 'a', 2, 1, 0), PF_REGEXP_EXTRACT_AT(s, 'a(b)', 3, 2, 1) FROM t",
    );
  });
});

describe('SUBSTR (string_functions#substr)', () => {
  it('marks the form with a length, whose start off the left end is 1 in BigQuery', () => {
    expect(apply(substrPositionFromOne, 'SELECT SUBSTR(s, 0, 2), SUBSTRING(s, p, n), SUBSTR(s, 2) FROM t')).toBe('SELECT PF_SUBSTR3(s, 0, 2), PF_SUBSTR3(s, p, n), SUBSTR(s, 2) FROM t');
  });
});

describe('CAST AS STRING (conversion_functions#cast_as_string)', () => {
  it('marks CAST and SAFE_CAST to STRING, nested ones too, leaving other casts', () => {
    expect(apply(castToStringAsBigQuery, 'SELECT CAST(x AS STRING), SAFE_CAST(CAST(y AS STRING) AS STRING), CAST(z AS INT64) FROM t')).toBe(
      'SELECT PF_CAST_STRING(CAST(x AS STRING)), PF_CAST_STRING(SAFE_CAST(PF_CAST_STRING(CAST(y AS STRING)) AS STRING)), CAST(z AS INT64) FROM t',
    );
  });
});

describe('through the whole pipeline', () => {
  beforeAll(() => initTranslator());

  it('produces DuckDB SQL for each', () => {
    expect(translate('SELECT COUNTIF(x) FROM t')).toBe('SELECT COUNT(CASE WHEN (x) THEN 1 END) AS f0_ FROM t');
    expect(translate("SELECT FORMAT('%d', 42)")).toBe("SELECT PRINTF('%d', 42) AS f0_");
    expect(translate('SELECT MD5(s) FROM t')).toBe('SELECT UNHEX(MD5(s)) AS f0_ FROM t');
    expect(translate('SELECT BIT_XOR(DISTINCT x) FROM t')).toBe('SELECT BIT_XOR(DISTINCT x) AS f0_ FROM t');
    expect(translate("SELECT JSON_QUERY(s, '$.a') FROM t")).toBe(
      "SELECT (CASE WHEN TYPEOF(s) = 'JSON' THEN (s) -> ('$.a') ELSE NULLIF((s) -> ('$.a'), 'null') END) AS f0_ FROM t",
    );
    expect(translate('SELECT STRING_AGG(x LIMIT 2) FROM t')).toBe("SELECT ARRAY_TO_STRING(LIST_SLICE(ARRAY_AGG(x) FILTER (WHERE (x) IS NOT NULL), 1, 2), ',') AS f0_ FROM t");
    expect(translate("SELECT CONCAT(a, 'x') FROM t")).toBe("SELECT ((a) || ('x')) AS f0_ FROM t");
    expect(translate("SELECT REGEXP_EXTRACT(s, r'x') FROM t")).toBe("SELECT (CASE WHEN REGEXP_MATCHES(s, 'x') THEN REGEXP_EXTRACT(s, 'x', 0) END) AS f0_ FROM t");
    expect(translate('SELECT CAST(x AS STRING) FROM t')).toBe(
      "SELECT (CASE WHEN TYPEOF(x) IN ('DOUBLE', 'FLOAT') THEN REGEXP_REPLACE(CAST(x AS TEXT), '\\.0$', '') WHEN TYPEOF(x) LIKE 'DECIMAL%' THEN REGEXP_REPLACE(REGEXP_REPLACE(CAST(x AS TEXT), '0+$', ''), '\\.$', '') " +
        "WHEN TYPEOF(x) = 'INTERVAL' THEN pf_interval_string(x) WHEN TYPEOF(x) IN ('TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'TIME') THEN pf_seconds_fraction_padded(CAST(x AS TEXT)) WHEN TYPEOF(x) = 'BLOB' THEN pf_blob_text_to_string(CAST(x AS VARCHAR)) ELSE CAST(x AS TEXT) END) AS f0_ FROM t",
    );
    expect(translate('SELECT a[SAFE_OFFSET(1)] FROM t')).toBe('SELECT ((CASE WHEN (1) >= 0 THEN (a)[(1) + 1] END)) AS f0_ FROM t');
    expect(translate('SELECT a[OFFSET(1)] FROM t')).toBe(
      "SELECT ((CASE WHEN (1) < 0 OR (1) >= LEN(a) THEN ERROR('Array index ' || (1) || ' is out of bounds') ELSE (a)[(1) + 1] END)) AS f0_ FROM t",
    );
  });
});
