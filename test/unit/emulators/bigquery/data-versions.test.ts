// Which table a DuckDB statement writes (what keeps measured bytes valid), and the two caches.
import { DataVersions, nameParts, writeTarget } from '../../../../emulators/bigquery/data-versions';
import { Lru } from '../../../../emulators/bigquery/lru';
import { PlanCache } from '../../../../emulators/bigquery/plan-cache';

describe('writeTarget', () => {
  const table = (key: string) => ({ kind: 'table', key });

  it('names the table of each writing statement, in lower case', () => {
    expect(writeTarget('INSERT INTO "p-1"."Raw"."Events" (a) SELECT 1')).toEqual(table('p-1.raw.events'));
    expect(writeTarget('insert or replace into "p"."__meta"."tables" VALUES ($1)')).toEqual(table('p.__meta.tables'));
    expect(writeTarget('DELETE FROM "p"."d"."t" WHERE x = 1')).toEqual(table('p.d.t'));
    expect(writeTarget('UPDATE p.d.t SET x = 1')).toEqual(table('p.d.t'));
    expect(writeTarget('MERGE INTO "p"."d"."t" AS T USING (SELECT 1) S ON false WHEN NOT MATCHED THEN INSERT VALUES (1)')).toEqual(table('p.d.t'));
    expect(writeTarget('TRUNCATE TABLE "p"."d"."t"')).toEqual(table('p.d.t'));
    expect(writeTarget('CREATE OR REPLACE TABLE "p"."d"."t" AS SELECT 1')).toEqual(table('p.d.t'));
    expect(writeTarget('CREATE TABLE IF NOT EXISTS "p"."d"."t" (a INT)')).toEqual(table('p.d.t'));
    expect(writeTarget('DROP VIEW IF EXISTS "p"."d"."v"')).toEqual(table('p.d.v'));
    expect(writeTarget('ALTER TABLE "p"."d"."t" ADD COLUMN b INT')).toEqual(table('p.d.t'));
    expect(writeTarget('  -- a comment\n /* another */ INSERT INTO "p"."d"."t" VALUES (1)')).toEqual(table('p.d.t'));
    expect(writeTarget('INSERT INTO "p"."we""ird"."t" VALUES (1)')).toEqual(table('p.we"ird.t'));
  });

  it('counts reads, session commands and empty schemas as writing nothing', () => {
    for (const sql of ['SELECT 1', '(SELECT 1)', 'WITH a AS (SELECT 1) SELECT * FROM a', 'EXPLAIN (FORMAT JSON) DELETE FROM "p"."d"."t"', 'PRAGMA table_info(\'x\')', 'USE "p"', 'SET TimeZone = \'UTC\'', 'BEGIN TRANSACTION', 'COMMIT', "ATTACH ':memory:' AS p", 'CREATE SCHEMA IF NOT EXISTS "p"."d"']) {
      expect(writeTarget(sql)).toEqual({ kind: 'read' });
    }
  });

  it('keeps temp tables apart', () => {
    expect(writeTarget('CREATE OR REPLACE TEMP TABLE pf_load_stage AS SELECT 1')).toEqual({ kind: 'temp' });
    expect(writeTarget('DROP TABLE IF EXISTS temp.main.pf_load_stage')).toEqual({ kind: 'temp' });
  });

  it('cannot place unqualified targets, schema drops, rollbacks, several statements or a CTE that writes', () => {
    for (const sql of ['INSERT INTO t VALUES (1)', 'DELETE FROM d.t', 'DROP SCHEMA "p"."d" CASCADE', 'ROLLBACK', 'SELECT 1; DELETE FROM "p"."d"."t"', 'WITH a AS (SELECT 1) INSERT INTO "p"."d"."t" SELECT * FROM a', 'DETACH p', 'COPY t FROM \'x.csv\'']) {
      expect(writeTarget(sql)).toEqual({ kind: 'unknown' });
    }
  });

  it('splits dotted names, quoted or not', () => {
    expect(nameParts('"a"."b.c" . d')).toEqual(['a', 'b.c', 'd']);
  });
});

describe('DataVersions', () => {
  it('moves a table version on its writes only, and every version on an unknown write', () => {
    const v = new DataVersions();
    const t0 = v.of('p.d.t');
    const u0 = v.of('p.d.u');
    v.observe('SELECT * FROM "p"."d"."t"');
    expect(v.of('p.d.t')).toBe(t0);
    v.observe('INSERT INTO "p"."d"."t" VALUES (1)');
    const t1 = v.of('p.d.t');
    expect(t1).not.toBe(t0);
    expect(v.of('p.d.u')).toBe(u0);
    v.observe('CREATE OR REPLACE TEMP TABLE s AS SELECT 1');
    expect(v.of('p.d.t')).toBe(t1);
    v.observe('DROP SCHEMA "p"."d" CASCADE');
    expect(v.of('p.d.t')).not.toBe(t1);
    expect(v.of('p.d.u')).not.toBe(u0);
  });
});

describe('Lru and PlanCache', () => {
  it('keeps the most recently used entries', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.size]).toEqual([1, 3, 2]);
    expect(() => new Lru(0)).toThrow(RangeError);
  });

  it('forgets every plan when the catalog version moves', () => {
    const plans = new PlanCache<string>(10);
    plans.set(1, 'SELECT 1', 'plan');
    expect(plans.get(1, 'SELECT 1')).toBe('plan');
    expect(plans.get(2, 'SELECT 1')).toBeUndefined();
    expect(plans.get(1, 'SELECT 1')).toBeUndefined();
  });
});
