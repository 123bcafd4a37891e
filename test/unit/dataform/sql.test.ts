// The statements Dataform's BigQuery adapter sends (create or replace … as, insert, merge).
import { assertionStatement, createStatement, incrementalStatement, script, type CompiledTable } from '../../../tools/dataform';
import { parseVars } from '../../../tools/cli/dataform-command';

const base: CompiledTable = {
  type: 'incremental',
  target: { database: 'p', schema: 'marts', name: 'fct_x' },
  query: 'select 1 as a, date \'2026-01-01\' as d',
  incrementalQuery: 'select 2 as a, date \'2026-01-02\' as d',
  bigquery: { partitionBy: 'd', clusterBy: ['merchant_id', 'store_id'] },
  actionDescriptor: { description: "Joe's table" },
};

test('a full build is CREATE OR REPLACE TABLE with partitioning, clustering and the description', () => {
  expect(createStatement(base, 'ignored')).toBe(
    "create or replace table `p.marts.fct_x`\npartition by d\ncluster by merchant_id, store_id\noptions(description = 'Joe\\'s table')\nas\nselect 1 as a, date '2026-01-01' as d",
  );
  expect(createStatement({ ...base, type: 'view', target: { schema: 's', name: 'v' } }, 'proj')).toBe("create or replace view `proj.s.v` as\nselect 1 as a, date '2026-01-01' as d");
});

test('an incremental build inserts the incremental query by column name', () => {
  expect(incrementalStatement(base, 'p', ['a', 'd'])).toBe("insert into `p.marts.fct_x` (`a`, `d`)\nselect `a`, `d` from (\nselect 2 as a, date '2026-01-02' as d\n)");
});

test('with a unique key it merges, restricted by updatePartitionFilter', () => {
  const sql = incrementalStatement({ ...base, uniqueKey: ['a'], bigquery: { ...base.bigquery, updatePartitionFilter: "d >= '2026-01-01'" } }, 'p', ['a', 'd']);
  expect(sql).toContain('merge `p.marts.fct_x` T');
  expect(sql).toContain("on T.`a` = S.`a` and T.d >= '2026-01-01'");
  expect(sql).toContain('when matched then update set T.`a` = S.`a`, T.`d` = S.`d`');
  expect(sql).toContain('when not matched then insert (`a`, `d`) values (S.`a`, S.`d`)');
});

test('pre-operations, statement and post-operations become one script (DECLAREs first)', () => {
  expect(script(['\n declare x date default current_date();\n', '', undefined, 'delete from t where d = x', 'select 1;'])).toBe('declare x date default current_date();\ndelete from t where d = x;\nselect 1');
  expect(assertionStatement('select 1')).toBe('select * from (\nselect 1\n) as assertion_rows');
});

test('--vars parses key=value pairs', () => {
  expect(parseVars('backfill_from=2026-11-01,backfill_to=2026-11-07')).toEqual({ backfill_from: '2026-11-01', backfill_to: '2026-11-07' });
  expect(parseVars(undefined)).toEqual({});
  expect(() => parseVars('oops')).toThrow(/key=value/);
});
