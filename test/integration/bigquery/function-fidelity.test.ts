// Functions the emulator used to answer differently from BigQuery, each held through the official
// client to the answer (and, where the case is about it, the type) on its BigQuery documentation
// page, https://cloud.google.com/bigquery/docs/reference/standard-sql/<page>. Strict GoogleSQL is on.
import { type Harness, startHarness } from './helpers';

interface Field {
  name: string;
  type: string;
}

describe('BigQuery emulator: function answers as documented', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  async function run(query: string): Promise<{ row: Record<string, unknown>; types: Record<string, string> }> {
    const [job] = await h.bq.createQueryJob({ query });
    const [rows, , response] = await job.getQueryResults({ autoPaginate: false });
    const fields = (response as { schema: { fields: Field[] } }).schema.fields;
    return { row: rows[0] as Record<string, unknown>, types: Object.fromEntries(fields.map((f) => [f.name, f.type])) };
  }

  it('aggregate_functions#countif: COUNTIF over only NULLs is 0, an INT64', async () => {
    const { row, types } = await run('SELECT COUNTIF(x) AS c, COUNTIF(x IS NULL) AS n FROM UNNEST([CAST(NULL AS BOOL), NULL]) AS x');
    expect(row).toEqual({ c: 0, n: 2 });
    expect(types).toEqual({ c: 'INTEGER', n: 'INTEGER' });
    const empty = await run('SELECT COUNTIF(x > 0) AS c FROM UNNEST(ARRAY<INT64>[]) AS x');
    expect(empty.row).toEqual({ c: 0 });
  });

  it('string_functions#format_string: %d, %s, %f and %.Nf are formatted, not returned as the pattern', async () => {
    const { row, types } = await run(
      "SELECT FORMAT('%d', 42) AS d, FORMAT('-%s-', 'abcd efg') AS s, FORMAT('%f', 1.1) AS f, FORMAT('%.2f', 3.14159) AS p, FORMAT('%d items, %s', 3, 'ok') AS m, FORMAT('%d', CAST(NULL AS INT64)) AS n",
    );
    expect(row).toEqual({ d: '42', s: '-abcd efg-', f: '1.100000', p: '3.14', m: '3 items, ok', n: null });
    expect(types.d).toBe('STRING');
  });

  it("string_functions#format_string: %t / %T of a column and the ' flag answer as BigQuery; a specifier the emulator cannot format fails loudly, naming it", async () => {
    const { row } = await run(`SELECT FORMAT("%t|%T|%'d", x, b, 1234567) AS t FROM UNNEST([STRUCT(1.5 AS x, b'a\\x01' AS b)])`);
    expect(row).toEqual({ t: '1.5|b"a\\x01"|1,234,567' });
    await expect(run("SELECT FORMAT('%*d', 5, 1) AS t")).rejects.toMatchObject({ message: 'FORMAT specifier %* is not supported by the BigQuery emulator' });
  });

  it('hash_functions#md5 and #sha256: the digests are BYTES; TO_HEX gives the hex text', async () => {
    const { row, types } = await run("SELECT MD5('Hello World') AS md5, SHA256('Hello World') AS sha256, TO_HEX(MD5('abc')) AS hex");
    expect(types).toEqual({ md5: 'BYTES', sha256: 'BYTES', hex: 'STRING' });
    expect((row.md5 as Buffer).toString('base64')).toBe('sQqNsWTgdUEFt6mb5y4/5Q==');
    expect((row.sha256 as Buffer).toString('base64')).toBe('pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4=');
    expect(row.hex).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('json_functions#json_query and #json_extract: a JSON null in a JSON-formatted STRING is SQL NULL', async () => {
    const { row, types } = await run(
      `SELECT JSON_QUERY('{"a": null}', '$.a') AS q, JSON_EXTRACT('{"a": null}', '$.a') AS e, JSON_VALUE('{"a": null}', '$.a') AS v, JSON_QUERY('{"a": "null"}', '$.a') AS s, JSON_QUERY('{"a": {"b": 1}}', '$.a') AS o`,
    );
    expect(row).toEqual({ q: null, e: null, v: null, s: '"null"', o: '{"b":1}' });
    expect(types).toEqual({ q: 'STRING', e: 'STRING', v: 'STRING', s: 'STRING', o: 'STRING' });
    // On a JSON value a JSON null stays a JSON 'null'; on a STRING column it is SQL NULL as well.
    const json = await run(`SELECT JSON_QUERY(JSON '{"a": null}', '$.a') AS j, JSON_QUERY(s, '$.a') AS c FROM UNNEST(['{"a": null}']) AS s`);
    expect(json.row).toEqual({ j: 'null', c: null });
  });

  it('aggregate_functions#bit_xor: DISTINCT is honoured', async () => {
    const { row } = await run('SELECT BIT_XOR(DISTINCT x) AS d, BIT_XOR(x) AS a FROM UNNEST([1234, 5678, 1234]) AS x');
    expect(row).toEqual({ d: 4860, a: 5678 });
  });

  it('aggregate_functions#string_agg and #array_agg: LIMIT is honoured (STRING_AGG skips NULLs first)', async () => {
    const s = await run(
      `SELECT STRING_AGG(fruit, " & " LIMIT 2) AS l, STRING_AGG(fruit, " & " ORDER BY fruit LIMIT 2) AS o, STRING_AGG(DISTINCT fruit, " & " ORDER BY fruit DESC LIMIT 2) AS d
       FROM UNNEST(["apple", NULL, "pear", "banana", "pear"]) AS fruit`,
    );
    expect(s.row).toEqual({ l: 'apple & pear', o: 'apple & banana', d: 'pear & banana' });
    const a = await run('SELECT ARRAY_AGG(x LIMIT 5) AS l, ARRAY_AGG(x ORDER BY x DESC LIMIT 2) AS o FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x');
    expect(a.row).toEqual({ l: [2, 1, -2, 3, -2], o: [3, 2] });
    expect(a.types).toEqual({ l: 'INTEGER', o: 'INTEGER' });
    // The usual "latest value" idiom: a one-element ARRAY_AGG, subscripted.
    const top = await run('SELECT ARRAY_AGG(x ORDER BY x DESC LIMIT 1)[OFFSET(0)] AS top FROM UNNEST([1, 3, 2]) AS x');
    expect(top.row).toEqual({ top: 3 });
  });

  it('string_functions#concat: a NULL argument makes the result NULL', async () => {
    const { row } = await run("SELECT CONCAT('a', s) AS n, CONCAT('a', 'b', s) AS m, CONCAT('The ', 'Hare') AS t FROM UNNEST([CAST(NULL AS STRING)]) AS s");
    expect(row).toEqual({ n: null, m: null, t: 'The Hare' });
  });

  it('string_functions#regexp_extract and #regexp_extract_all: whole match without a group, group 1 with one, NULL without a match', async () => {
    const { row, types } = await run(
      `SELECT REGEXP_EXTRACT('foo@example.com', r'^[a-zA-Z0-9_.+-]+') AS u, REGEXP_EXTRACT('foo@example.com', r'@([a-zA-Z0-9-]+)\\.') AS d,
              REGEXP_EXTRACT('abc', r'[0-9]') AS none, REGEXP_EXTRACT_ALL('a1 b2', r'[a-z]([0-9])') AS a, REGEXP_EXTRACT_ALL('a1b22', r'[0-9]+') AS n`,
    );
    expect(row).toEqual({ u: 'foo', d: 'example', none: null, a: ['1', '2'], n: ['1', '22'] });
    expect(types).toMatchObject({ u: 'STRING', none: 'STRING', a: 'STRING' });
  });

  it('string_functions#substr: a position off the left end starts at 1', async () => {
    const { row } = await run("SELECT SUBSTR('apple', 0, 2) AS z, SUBSTR('apple', -8, 3) AS n, SUBSTR('apple', -2) AS e, SUBSTR('apple', 2, 2) AS m, SUBSTR('apple', 123) AS p");
    expect(row).toEqual({ z: 'ap', n: 'app', e: 'le', m: 'pp', p: '' });
  });

  it('conversion_functions#cast_as_string: FLOAT64 and NUMERIC are written as BigQuery writes them', async () => {
    const { row } = await run(
      'SELECT CAST(CAST(1 AS FLOAT64) AS STRING) AS f1, CAST(CAST(1.5 AS FLOAT64) AS STRING) AS f, CAST(CAST(1.25 AS NUMERIC) AS STRING) AS n, CAST(CAST(10 AS NUMERIC) AS STRING) AS n10, SAFE_CAST(CAST(-0.5 AS NUMERIC) AS STRING) AS neg, CAST(42 AS STRING) AS i, CAST(DATE "2024-01-01" AS STRING) AS d',
    );
    expect(row).toEqual({ f1: '1', f: '1.5', n: '1.25', n10: '10', neg: '-0.5', i: '42', d: '2024-01-01' });
  });

  it('operators#array_subscript_operator: OFFSET / ORDINAL past the end fail, SAFE_ forms are NULL', async () => {
    const { row } = await run(
      `SELECT ["coffee", "tea", "milk"][OFFSET(0)] AS o, ["coffee", "tea", "milk"][ORDINAL(3)] AS r, ["coffee", "tea", "milk"][SAFE_OFFSET(6)] AS so,
              ["coffee", "tea", "milk"][SAFE_OFFSET(-2)] AS sn, ["coffee", "tea", "milk"][SAFE_ORDINAL(0)] AS sr`,
    );
    expect(row).toEqual({ o: 'coffee', r: 'milk', so: null, sn: null, sr: null });
    await expect(run('SELECT [1, 2, 3][OFFSET(5)] AS x')).rejects.toMatchObject({ message: expect.stringContaining('Array index 5 is out of bounds') });
    await expect(run('SELECT [1, 2, 3][OFFSET(-1)] AS x')).rejects.toMatchObject({ message: expect.stringContaining('Array index -1 is out of bounds') });
    await expect(run('SELECT [1, 2, 3][ORDINAL(4)] AS x')).rejects.toMatchObject({ message: expect.stringContaining('Array index 4 is out of bounds') });
  });
});
