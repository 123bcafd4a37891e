// Translation templates (issue #20): a script statement that differs from an earlier one only in
// its variables' values reuses the earlier translation, and gives exactly the DuckDB SQL a fresh
// translation would.
import { substituteVariables, substituteWithTemplate } from '../../../../../emulators/bigquery/sql/script';
import { readDdl } from '../../../../../emulators/bigquery/sql/ddl';
import { templateLiteral, templateOfDdlText } from '../../../../../emulators/bigquery/sql/templates';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';
import { TemplateTranslations, initTranslator, translate } from '../../../../../emulators/bigquery/sql/translate';

beforeAll(() => initTranslator());

const substitute = (sql: string, vars: Record<string, string>) => substituteWithTemplate(tokenize(sql), new Map(Object.entries(vars)));

/** A template cache whose translators count their calls (both are the real translator). */
function counted(textTranslator: (sql: string) => string = translate) {
  const calls = { text: 0, template: 0 };
  const cache = new TemplateTranslations(
    100,
    (sql) => {
      calls.text++;
      return textTranslator(sql);
    },
    (sql) => {
      calls.template++;
      return translate(sql);
    },
  );
  return { cache, calls };
}

describe('templates of script statements', () => {
  // One statement per literal kind a variable can hold (script-steps.ts valueLiteral), with two values.
  const kinds: [string, string, string, string][] = [
    ['TIMESTAMP', 'SELECT * FROM t WHERE ts >= v AND ts < TIMESTAMP_ADD(v, INTERVAL 1 HOUR)', 'TIMESTAMP_MICROS(1795534200010000)', 'TIMESTAMP_MICROS(1795536300000000)'],
    ['TIMESTAMP before 1970', 'SELECT v AS x', 'TIMESTAMP_MICROS(-5)', 'TIMESTAMP_MICROS(-86400000000)'],
    ['DATE', 'DELETE FROM t WHERE d IN (SELECT event_date FROM u) AND d >= DATE_SUB(v, INTERVAL 1 DAY)', "DATE '2026-11-22'", "DATE '2026-11-23'"],
    ['STRING', "UPDATE t SET holder = v, n = n + 1 WHERE lease = 'transform' AND holder <> v", "'5242e12c-00b7-4717-9935-209605af9aa5'", "'777d97b8-b591-4141-958c-318ab03d9215'"],
    ['INT64', 'SELECT 10 / v AS q, v - 1 AS p FROM t', "CAST('5' AS INT64)", "CAST('123456' AS INT64)"],
    ['FLOAT64', 'SELECT n * v AS x FROM t', "CAST('1.5' AS FLOAT64)", "CAST('0.25' AS FLOAT64)"],
    ['NUMERIC', 'SELECT v AS x', "NUMERIC '1.5'", "NUMERIC '20.125'"],
    ['DATETIME', 'SELECT DATETIME_ADD(v, INTERVAL 1 DAY) AS x', "DATETIME '2026-11-22 10:00:00'", "DATETIME '2026-11-23 23:59:59'"],
    ['TIME', 'SELECT v AS x', "TIME '10:00:00'", "TIME '23:59:59'"],
    ['BYTES', 'SELECT TO_HEX(v) AS x', "FROM_BASE64('AAE=')", "FROM_BASE64('BQc=')"],
  ];

  it.each(kinds)('a template hit gives the DuckDB SQL a fresh translation gives (%s)', (_kind, sql, first, second) => {
    const { cache, calls } = counted();
    const a = substitute(sql, { v: first });
    const b = substitute(sql, { v: second });
    expect(a.template).toBeDefined();
    expect(b.template?.sql).toBe(a.template?.sql);
    expect(cache.translate(a.sql, a.template)).toBe(translate(a.sql));
    expect(cache.state(a.template!.sql)).toBe('safe');
    expect(calls).toEqual({ text: 1, template: 1 });
    // The hit translates nothing, and answers what a fresh translation of the real text answers.
    const hit = cache.translate(b.sql, b.template);
    expect(calls).toEqual({ text: 1, template: 1 });
    expect(hit).toBe(translate(b.sql));
    expect(hit).not.toBe(translate(a.sql));
  });

  it('fills several variables, each used several times, and DDL cut of its OPTIONS', () => {
    const { cache, calls } = counted();
    const sql = "CREATE OR REPLACE TABLE d.t PARTITION BY day OPTIONS(description = 'x') AS SELECT * FROM s WHERE ts BETWEEN f AND t AND run = r AND ts <> f";
    const runs = [
      { f: 'TIMESTAMP_MICROS(1795534200010000)', t: 'TIMESTAMP_MICROS(1795536300000000)', r: "'run-1'" },
      { f: 'TIMESTAMP_MICROS(1795536300000000)', t: 'TIMESTAMP_MICROS(1795537200000000)', r: "'run-2'" },
    ];
    // As runStatement does: the DDL's DuckDB-bound text (clauses cut), and its template.
    const outs = runs.map((vars) => {
      const { sql: stmt, template } = substitute(sql, vars);
      const real = readDdl(stmt).sql;
      return { real, template: templateOfDdlText(stmt, real, template) };
    });
    expect(outs[0].template?.values).toEqual(['1795534200010000', '1795536300000000', 'run-1']);
    expect(outs[0].template?.sql).toBe('CREATE OR REPLACE TABLE d.t  AS SELECT * FROM s WHERE ts BETWEEN (TIMESTAMP_MICROS(7305918264100000)) AND (TIMESTAMP_MICROS(7305918264100001)) AND run = (\'zqpfv2q-\') AND ts <> (TIMESTAMP_MICROS(7305918264100000))');
    expect(cache.translate(outs[0].real, outs[0].template)).toBe(translate(outs[0].real));
    expect(cache.translate(outs[1].real, outs[1].template)).toBe(translate(outs[1].real));
    expect(calls).toEqual({ text: 1, template: 1 });
  });

  it('substitutes exactly what substituteVariables does', () => {
    const sql = 'SELECT v, t.v, 1 AS v, v(1), x FROM t WHERE v > 0 -- v';
    const vars = new Map([
      ['v', "CAST('5' AS INT64)"],
      ['x', "'it\\'s'"],
    ]);
    const { sql: real, template } = substituteWithTemplate(tokenize(sql), vars);
    expect(real).toBe(join(substituteVariables(tokenize(sql), vars)));
    expect(template?.sql).toBe("SELECT (CAST('7305918264100000' AS INT64)) AS v, t.v, 1 AS v, v(1), ('it\\'s') AS x FROM t WHERE (CAST('7305918264100000' AS INT64)) > 0 -- v");
    expect(template?.values).toEqual(['5']);
  });

  it('does not template a value that needs escaping, a bare word, a BOOL, a NULL or JSON', () => {
    for (const literal of ["'it\\'s'", "'back\\\\slash'", "'line\\nbreak'", "'50%'", "'ISOWEEK'", "''", 'TRUE', 'CAST(NULL AS DATE)', 'JSON \'{"a":1}\'']) {
      expect(templateLiteral(literal, 0)).toBeUndefined();
      expect(substitute('SELECT v AS x', { v: literal })).toEqual({ sql: `SELECT (${literal}) AS x` });
    }
    // Beside a templated value, such a literal stays in the template as it is (so it is part of the key).
    expect(substitute('SELECT v, w', { v: "'it\\'s'", w: "DATE '2026-11-22'" }).template).toEqual({ sql: "SELECT ('it\\'s') AS v, (DATE 'zqpfv0q-') AS w", values: ['2026-11-22'], sentinels: ['zqpfv0q-'] });
  });

  it('keeps the shape of the value in the template: sign, integer or text, punctuation', () => {
    expect(substitute('SELECT v', { v: "TIME '10:00:00'" }).template?.sql).not.toBe(substitute('SELECT v', { v: "TIME '10:00:00.5'" }).template?.sql);
    expect(templateLiteral('TIMESTAMP_MICROS(-5)', 3)?.literal).toBe('TIMESTAMP_MICROS(-7305918264100003)');
    expect(templateLiteral("'12'", 0)?.literal).toBe("'7305918264100000'");
    expect(templateLiteral("'a-b c'", 1)?.literal).toBe("'zqpfv1q -'");
    expect(templateLiteral("DATE '2026-11-22'", 0)?.literal).not.toBe(templateLiteral("'2026-11-22'", 0)?.literal);
    expect(templateLiteral('TIMESTAMP_MICROS(99999999999999999)', 0)).toBeUndefined();
  });

  it('does not template a statement that already holds sentinel text', () => {
    expect(substitute("SELECT v, 'zqpfv0q-' AS s", { v: "DATE '2026-11-22'" }).template).toBeUndefined();
    expect(substitute('SELECT v, 7305918264100000 AS n', { v: "DATE '2026-11-22'" }).template).toBeUndefined();
  });

  it('marks a template unsafe when filling it does not give the real translation, and never uses it', () => {
    // A translator whose output depends on the value beyond its shape: filling the template is wrong.
    const valueDependent = (sql: string): string => translate(sql).replace("'2026-11-22'", "'special'");
    const { cache, calls } = counted(valueDependent);
    const a = substitute('SELECT * FROM t WHERE d >= v', { v: "DATE '2026-11-22'" });
    expect(cache.translate(a.sql, a.template)).toBe("SELECT * FROM t WHERE d >= (CAST('special' AS DATE))");
    expect(cache.state(a.template!.sql)).toBe('unsafe');
    expect(calls).toEqual({ text: 1, template: 1 });
    // Later statements of that template are translated as they are, the template never again.
    for (const d of ['2026-11-23', '2026-11-22']) {
      const b = substitute('SELECT * FROM t WHERE d >= v', { v: `DATE '${d}'` });
      expect(cache.translate(b.sql, b.template)).toBe(valueDependent(b.sql));
    }
    expect(calls).toEqual({ text: 3, template: 1 });
  });

  it('marks a template unsafe when the template does not translate, and fails a bad statement as before', () => {
    const { cache } = counted();
    const template = { sql: 'SELECT FROM WHERE zqpfv0q-', values: ['x-1'], sentinels: ['zqpfv0q-'] };
    expect(cache.translate("SELECT 'x-1' AS x", template)).toBe(translate("SELECT 'x-1' AS x"));
    expect(cache.state(template.sql)).toBe('unsafe');
    const bad = substitute('SELECT FORMAT(v, d) FROM t', { v: "'Y-1'" });
    expect(() => cache.translate(bad.sql, bad.template)).toThrow(/not a string literal/);
    expect(cache.state(bad.template!.sql)).toBeUndefined();
  });

  it('keeps a bounded number of templates', () => {
    const { cache } = counted();
    const small = new TemplateTranslations(3);
    for (let i = 0; i < 5; i++) {
      const s = substitute(`SELECT v AS c${i}`, { v: "DATE '2026-11-22'" });
      small.translate(s.sql, s.template);
      cache.translate(s.sql, s.template);
    }
    expect(small.size).toBe(3);
    expect(cache.size).toBe(5);
  });
});
