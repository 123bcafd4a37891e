// GoogleSQL scripts through the official client (procedural-language and data-definition-language
// reference pages): BEGIN … END blocks with exception handlers, IF, the loops, temporary tables,
// temporary and persistent SQL functions, and query parameters used across a script's statements.
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, startHarness, uniqueName } from './helpers';

describe('BigQuery emulator: scripting', () => {
  let h: Harness;
  let ds: Dataset;
  beforeAll(async () => {
    h = await startHarness();
    [ds] = await h.bq.createDataset(uniqueName('scripting'));
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const query = async (sql: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> => {
    const [rows] = await h.bq.query({ query: sql, defaultDataset: { datasetId: ds.id! }, ...extra });
    return (rows as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v])));
  };
  const failure = async (sql: string): Promise<{ code?: number; message: string }> => {
    try {
      await query(sql);
    } catch (err) {
      return { code: (err as { code?: number }).code, message: (err as Error).message };
    }
    throw new Error('the script did not fail');
  };

  it('answers a BEGIN … END block with its last statement and keeps its DECLAREd variables inside it', async () => {
    expect(await query('BEGIN\n  SELECT 1 AS x;\nEND;')).toEqual([{ x: 1 }]);
    expect(await query('BEGIN DECLARE y INT64 DEFAULT 3; BEGIN SELECT y + 1 AS z; END; END;')).toEqual([{ z: 4 }]);
    const out = await failure('BEGIN DECLARE y INT64 DEFAULT 3; END; SELECT y;');
    expect(out.code).toBe(400);
    // A variable keeps its name as a select item's column name.
    expect(await query('DECLARE n INT64 DEFAULT 7; SELECT n;')).toEqual([{ n: 7 }]);
  });

  it('runs the handler of BEGIN … EXCEPTION WHEN ERROR THEN with @@error.message, and RAISE USING MESSAGE', async () => {
    const [handled] = await query("BEGIN SELECT ERROR('boom'); EXCEPTION WHEN ERROR THEN SELECT @@error.message AS m; END;");
    expect(String(handled.m)).toContain('boom');
    expect(await query("BEGIN RAISE USING MESSAGE = 'mine'; EXCEPTION WHEN ERROR THEN SELECT CONCAT('caught ', @@error.message) AS m; END;")).toEqual([{ m: 'caught mine' }]);
    const raised = await failure("RAISE USING MESSAGE = 'stop here';");
    expect(raised).toMatchObject({ code: 400, message: 'stop here' });
  });

  it('does not let an exception handler swallow a refusal of the emulator', async () => {
    const out = await failure('BEGIN EXECUTE IMMEDIATE "SELECT 1"; EXCEPTION WHEN ERROR THEN SELECT 2; END;');
    expect(out.code).toBe(501);
  });

  it('takes IF / ELSEIF / ELSE, WHILE with CONTINUE, LOOP with LEAVE, REPEAT … UNTIL and labelled BREAK', async () => {
    expect(
      await query(`DECLARE x INT64 DEFAULT 0; DECLARE s STRING DEFAULT '';
        WHILE x < 5 DO
          SET x = x + 1;
          IF x = 2 THEN CONTINUE;
          ELSEIF x = 4 THEN SET s = CONCAT(s, 'four');
          ELSE SET s = CONCAT(s, CAST(x AS STRING));
          END IF;
        END WHILE;
        SELECT s AS s_out;`),
    ).toEqual([{ s_out: '13four5' }]);
    expect(await query('DECLARE n INT64 DEFAULT 0; LOOP SET n = n + 1; IF n >= 3 THEN LEAVE; END IF; END LOOP; SELECT n AS n_out;')).toEqual([{ n_out: 3 }]);
    expect(await query('DECLARE n INT64 DEFAULT 0; REPEAT SET n = n + 2; UNTIL n > 5 END REPEAT; SELECT n AS n_out;')).toEqual([{ n_out: 6 }]);
    expect(
      await query(`DECLARE n INT64 DEFAULT 0;
        outer_loop: LOOP
          inner_loop: LOOP SET n = n + 1; BREAK outer_loop; END LOOP inner_loop;
        END LOOP outer_loop;
        SELECT n AS n_out;`),
    ).toEqual([{ n_out: 1 }]);
  });

  it('runs FOR … IN over a query with the row as a STRUCT variable', async () => {
    expect(await query('DECLARE t INT64 DEFAULT 0; FOR r IN (SELECT x FROM UNNEST([1, 2, 3]) AS x) DO SET t = t + r.x; END FOR; SELECT t AS total;')).toEqual([{ total: 6 }]);
  });

  it('fails a DECLARE that does not open the script or a block before running anything', async () => {
    const out = await failure('CREATE TEMP TABLE early AS SELECT 1 AS a; DECLARE x INT64;');
    expect(out).toMatchObject({ code: 400, message: 'Variable declarations are allowed only at the start of a block or script' });
  });

  it('refuses a condition that is not BOOL and BREAK outside a loop', async () => {
    expect((await failure("IF 'yes' THEN SELECT 1; END IF;")).code).toBe(400);
    expect((await failure('BREAK;')).code).toBe(400);
  });

  it('keeps a CREATE TEMP TABLE for the rest of the script (a column list, AS SELECT, or both) and drops it after', async () => {
    expect(await query('CREATE TEMP TABLE t1 (x INT64); INSERT INTO t1 VALUES (1), (2); SELECT SUM(x) AS total FROM t1;')).toEqual([{ total: 3 }]);
    expect(await query('CREATE TEMPORARY TABLE t2 AS SELECT 5 AS c1; SELECT c1 FROM t2;')).toEqual([{ c1: 5 }]);
    expect(await query("CREATE TEMP TABLE t3 (field_x STRING NOT NULL) AS (SELECT 'test' AS a); SELECT * FROM t3;")).toEqual([{ field_x: 'test' }]);
    const gone = await failure('SELECT * FROM t1');
    expect(gone.code).toBe(404);
  });

  it('refuses a query column that does not fit the column list, and a qualified temporary table', async () => {
    const out = await failure('CREATE TEMP TABLE t4 (x STRING) AS SELECT 1 AS n;');
    expect(out).toMatchObject({ code: 400, message: 'Query column 1 has type INT64 which cannot be inserted into column x, which has type STRING' });
    expect((await failure(`CREATE TEMP TABLE ${ds.id}.t5 AS SELECT 1 AS n;`)).code).toBe(400);
  });

  it('creates a dataset table from a column list AS SELECT', async () => {
    await query("CREATE TABLE src (field_a STRING NOT NULL); INSERT INTO src (field_a) VALUES ('test'); CREATE TABLE dst (field_x STRING NOT NULL) AS (SELECT field_a FROM src);");
    expect(await query('SELECT * FROM dst')).toEqual([{ field_x: 'test' }]);
    const [meta] = await ds.table('dst').getMetadata();
    expect(meta.schema.fields).toEqual([{ name: 'field_x', type: 'STRING', mode: 'REQUIRED' }]);
  });

  it('calls a CREATE TEMP FUNCTION by its unqualified name, checks its RETURNS type and refuses JavaScript UDFs', async () => {
    expect(await query('CREATE TEMP FUNCTION Add(x INT64, y INT64) AS (x + y); SELECT Add(3, 4) AS s;')).toEqual([{ s: 7 }]);
    expect(await query('CREATE TEMPORARY FUNCTION half(x INT64) RETURNS FLOAT64 AS (x / 2); SELECT half(3) AS h;')).toEqual([{ h: 1.5 }]);
    const wrong = await failure("CREATE TEMP FUNCTION f(x INT64) RETURNS INT64 AS ('a'); SELECT f(1);");
    expect(wrong).toMatchObject({ code: 400, message: 'Function declared to return INT64 but the function body produces incompatible type STRING' });
    expect(await failure("CREATE TEMP FUNCTION g(x INT64) AS (x + 1); SELECT g('a');")).toMatchObject({ code: 400, message: 'No matching signature for function g' });
    // A parameter hides a script variable of the same name inside the body.
    expect(await query('DECLARE x INT64 DEFAULT 10; CREATE TEMP FUNCTION dbl(x INT64) AS (x * 2); SELECT dbl(3) AS d, x;')).toEqual([{ d: 6, x: 10 }]);
    expect(await failure("CREATE TEMP FUNCTION js(x STRING) RETURNS STRING LANGUAGE js AS 'return x';")).toMatchObject({ code: 501 });
    // A temporary function ends with its script.
    expect((await failure('SELECT Add(1, 2)')).code).not.toBe(200);
  });

  it('keeps a CREATE FUNCTION in the dataset for later queries, qualified or through the default dataset, until DROP FUNCTION', async () => {
    await query(`CREATE FUNCTION customfunc(arr ARRAY<STRUCT<name STRING, val INT64>>) AS (
      (SELECT SUM(IF(elem.name = "foo", elem.val, null)) FROM UNNEST(arr) AS elem)
    )`);
    const arg = '[STRUCT<name STRING, val INT64>("foo", 10), STRUCT<name STRING, val INT64>("bar", 40), STRUCT<name STRING, val INT64>("foo", 20)]';
    expect(await query(`SELECT customfunc(${arg}) AS v`)).toEqual([{ v: 30 }]);
    const [rows] = await h.bq.query(`SELECT ${ds.id}.customfunc(${arg}) AS v`);
    expect(rows).toEqual([{ v: 30 }]);
    expect((await failure('CREATE FUNCTION customfunc(x INT64) AS (x)')).code).toBe(409);
    await query('CREATE OR REPLACE FUNCTION customfunc(x INT64) RETURNS INT64 AS (x * 2)');
    await query('CREATE FUNCTION IF NOT EXISTS customfunc(x INT64) AS (x * 3)');
    expect(await query('SELECT customfunc(21) AS v')).toEqual([{ v: 42 }]);
    await query('DROP FUNCTION customfunc');
    expect((await failure('DROP FUNCTION customfunc')).code).toBe(404);
    await query('DROP FUNCTION IF EXISTS customfunc');
  });

  it('binds named and positional parameters in every statement of a script', async () => {
    expect(
      await query('CREATE TEMP TABLE p1 AS SELECT @a c1; SELECT c1 * @b * @c AS v FROM p1;', { params: { a: 1, b: 2, c: 3 } }),
    ).toEqual([{ v: 6 }]);
    expect(await query('CREATE TEMP TABLE p2 AS SELECT ? c1; SELECT c1 * ? * ? AS v FROM p2;', { params: [1, 2, 3] })).toEqual([{ v: 6 }]);
  });
});
