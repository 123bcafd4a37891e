// The script parser (sql/script-parse.ts) and its DECLARE placement check (script-flow.ts), the
// function DDL reader and call finder (sql/functions.ts), CREATE TABLE's column list AS query
// (sql/ddl.ts) and variables named as select items (sql/script.ts).
import { checkDeclarations } from '../../../../../emulators/bigquery/script-flow';
import { readDdl } from '../../../../../emulators/bigquery/sql/ddl';
import { FunctionDdlError, functionCalls, readFunctionDdl } from '../../../../../emulators/bigquery/sql/functions';
import { ScriptError, selectItems, substituteVariables } from '../../../../../emulators/bigquery/sql/script';
import { isSingleStatement, parseScript } from '../../../../../emulators/bigquery/sql/script-parse';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

describe('parseScript', () => {
  it('keeps plain statements as their text, split at top-level semicolons', () => {
    const nodes = parseScript("SELECT ';' AS a; /* c */ SELECT (1);\n-- end\n");
    expect(nodes).toEqual([
      { kind: 'statement', sql: "SELECT ';' AS a" },
      { kind: 'statement', sql: 'SELECT (1)' },
    ]);
    expect(isSingleStatement(parseScript('SELECT 1;'))).toBe(true);
    expect(isSingleStatement(parseScript('BEGIN SELECT 1; END;'))).toBe(false);
  });

  it('reads BEGIN … END blocks, nested, with an EXCEPTION WHEN ERROR THEN handler', () => {
    expect(parseScript('BEGIN BEGIN SELECT 1; END; SELECT 2; EXCEPTION WHEN ERROR THEN SELECT 3; END;')).toEqual([
      {
        kind: 'block',
        label: undefined,
        body: [{ kind: 'block', label: undefined, body: [{ kind: 'statement', sql: 'SELECT 1' }] }, { kind: 'statement', sql: 'SELECT 2' }],
        handler: [{ kind: 'statement', sql: 'SELECT 3' }],
      },
    ]);
  });

  it('leaves BEGIN [TRANSACTION] alone as a statement', () => {
    expect(parseScript('BEGIN TRANSACTION; COMMIT;')).toEqual([
      { kind: 'statement', sql: 'BEGIN TRANSACTION' },
      { kind: 'statement', sql: 'COMMIT' },
    ]);
    expect(parseScript('BEGIN;')).toEqual([{ kind: 'statement', sql: 'BEGIN' }]);
  });

  it('reads IF / ELSEIF / ELSE with CASE … END in a condition', () => {
    expect(parseScript("IF CASE WHEN x THEN TRUE END THEN SELECT 1; ELSEIF y THEN SELECT 2; ELSE SELECT 'e'; END IF;")).toEqual([
      {
        kind: 'if',
        branches: [
          { condition: 'CASE WHEN x THEN TRUE END', body: [{ kind: 'statement', sql: 'SELECT 1' }] },
          { condition: 'y', body: [{ kind: 'statement', sql: 'SELECT 2' }] },
        ],
        otherwise: [{ kind: 'statement', sql: "SELECT 'e'" }],
      },
    ]);
  });

  it('reads the loops, their labels, BREAK/LEAVE/CONTINUE/ITERATE and RETURN', () => {
    expect(parseScript('a: LOOP LEAVE a; END LOOP a; WHILE n < 3 DO ITERATE; END WHILE; REPEAT BREAK; UNTIL n > 1 END REPEAT; FOR r IN (SELECT 1 AS x) DO CONTINUE; END FOR; RETURN;')).toEqual([
      { kind: 'loop', label: 'a', body: [{ kind: 'break', label: 'a' }] },
      { kind: 'while', label: undefined, condition: 'n < 3', body: [{ kind: 'continue' }] },
      { kind: 'repeat', label: undefined, body: [{ kind: 'break' }], until: 'n > 1' },
      { kind: 'for', label: undefined, variable: 'r', query: '(SELECT 1 AS x)', body: [{ kind: 'continue' }] },
      { kind: 'return' },
    ]);
  });

  it('fails a block without END and refuses the CASE statement and CREATE PROCEDURE', () => {
    expect(() => parseScript('BEGIN SELECT 1;')).toThrow(/missing END/);
    expect(() => parseScript('LOOP SELECT 1; END WHILE;')).toThrow(ScriptError);
    const refusal = (sql: string): ScriptError | undefined => {
      try {
        parseScript(sql);
      } catch (err) {
        return err as ScriptError;
      }
      return undefined;
    };
    expect(refusal('CASE WHEN TRUE THEN SELECT 1; END CASE;')).toMatchObject({ unsupported: true, message: 'CASE statement' });
    expect(refusal('CREATE PROCEDURE d.p() BEGIN SELECT 1; END;')).toMatchObject({ unsupported: true, message: 'CREATE PROCEDURE' });
  });
});

describe('readFunctionDdl', () => {
  it('reads a temporary SQL function with typed parameters and a RETURNS type', () => {
    expect(readFunctionDdl('CREATE TEMP FUNCTION Add(x INT64, y INT64) RETURNS INT64 AS (x + y)')).toEqual({
      action: 'create',
      temporary: true,
      orReplace: false,
      ifNotExists: false,
      name: { name: 'Add', dataset: undefined, project: undefined },
      params: 'x INT64, y INT64',
      paramNames: ['x', 'y'],
      returns: 'INT64',
      body: '(x + y)',
    });
  });

  it('reads a persistent function with an ARRAY<STRUCT<…>> parameter, OR REPLACE and IF NOT EXISTS', () => {
    const ddl = readFunctionDdl('CREATE OR REPLACE FUNCTION IF NOT EXISTS ds.f(arr ARRAY<STRUCT<name STRING, val INT64>>) AS ((SELECT 1 FROM UNNEST(arr)))');
    expect(ddl).toMatchObject({ action: 'create', temporary: false, orReplace: true, ifNotExists: true, name: { dataset: 'ds', name: 'f' }, paramNames: ['arr'], body: '((SELECT 1 FROM UNNEST(arr)))' });
  });

  it('reads DROP FUNCTION [IF EXISTS] and ignores other statements', () => {
    expect(readFunctionDdl('DROP FUNCTION IF EXISTS `p.d.f`')).toEqual({ action: 'drop', ifExists: true, name: { project: 'p', dataset: 'd', name: 'f' } });
    expect(readFunctionDdl('CREATE TABLE t (x INT64)')).toBeUndefined();
    expect(readFunctionDdl('SELECT 1')).toBeUndefined();
  });

  it('refuses JavaScript UDFs, table functions and ANY TYPE parameters as unsupported', () => {
    for (const sql of [
      "CREATE TEMP FUNCTION f(x STRING) RETURNS STRING LANGUAGE js AS 'return x'",
      'CREATE TABLE FUNCTION d.f(x INT64) AS (SELECT x)',
      'CREATE TEMP FUNCTION f(x ANY TYPE) AS (x)',
    ]) {
      expect(() => readFunctionDdl(sql)).toThrow(FunctionDdlError);
      try {
        readFunctionDdl(sql);
      } catch (err) {
        expect((err as FunctionDdlError).unsupported).toBe(true);
      }
    }
    expect(() => readFunctionDdl('CREATE TEMP FUNCTION d.f(x INT64) AS (x)')).toThrow(/cannot be qualified/);
  });
});

describe('functionCalls', () => {
  it('finds calls by name, qualified or not, and not the target of an INSERT or a CREATE', () => {
    const calls = functionCalls(tokenize('INSERT INTO t (a) SELECT Add(1, 2) + ds.f(3) + `p.d.g` (4) FROM u'));
    expect(calls.map((c) => c.parts)).toEqual([['Add'], ['ds', 'f'], ['p', 'd', 'g']]);
  });
});

describe('readDdl: CREATE TABLE with a column list AS query', () => {
  it('splits the column list from the query and marks TEMP tables', () => {
    const ddl = readDdl('CREATE TEMP TABLE t2 (x STRING NOT NULL) AS (SELECT a FROM t1)');
    expect(ddl).toMatchObject({ statement: 'CREATE_TABLE', temporary: true, asQuery: true, columns: '(x STRING NOT NULL)', query: 'SELECT a FROM t1', sql: 'CREATE TEMP TABLE t2 (x STRING NOT NULL)' });
    expect(readDdl('CREATE TEMPORARY TABLE t AS SELECT 1 AS c')).toMatchObject({ temporary: true, asQuery: true });
    expect(readDdl('CREATE TEMPORARY TABLE t AS SELECT 1 AS c').query).toBeUndefined();
    const plain = readDdl('CREATE TABLE d.t (x INT64)');
    expect([plain.asQuery, plain.columns, plain.query, plain.sql]).toEqual([undefined, undefined, undefined, 'CREATE TABLE d.t (x INT64)']);
  });
});

describe('substituteVariables in a SELECT list', () => {
  it('keeps the name of a variable that is a whole select item as its column name, and only there', () => {
    const vars = new Map([['v', "CAST('5' AS INT64)"]]);
    expect(join(substituteVariables(tokenize('SELECT v, v + 1, f(v), DISTINCT_v FROM t WHERE v > 0'), vars))).toBe(
      "SELECT (CAST('5' AS INT64)) AS v, (CAST('5' AS INT64)) + 1, f((CAST('5' AS INT64))), DISTINCT_v FROM t WHERE (CAST('5' AS INT64)) > 0",
    );
    expect(selectItems(tokenize('SELECT a, (SELECT b), c AS d FROM t'))).toEqual(new Set([2, 8]));
  });
});

describe('checkDeclarations', () => {
  it('takes DECLAREs opening the script or a BEGIN block and fails one anywhere else, before anything runs', () => {
    expect(() => checkDeclarations(parseScript('DECLARE a INT64; BEGIN DECLARE b INT64; SELECT b; END;'), true)).not.toThrow();
    expect(() => checkDeclarations(parseScript('SELECT 1; DECLARE a INT64;'), true)).toThrow(/only at the start of a block or script/);
    expect(() => checkDeclarations(parseScript('IF TRUE THEN DECLARE a INT64; END IF;'), true)).toThrow(/only at the start/);
    expect(() => checkDeclarations(parseScript('LOOP DECLARE a INT64; END LOOP;'), true)).toThrow(/only at the start/);
  });
});
