// Run control follows the schema suffix. A developer workspace compiles with
// workspaceCompilationOverrides.schemaSuffix (the official CLI's --schema-suffix sets the same
// override), and its run must take its own lease and record itself in ops_<suffix>, never in the
// release's ops.transform_lease / ops.transform_runs, which the metrics API and the serving store
// publisher read as the production data version. The release keeps declaring those two tables. The
// workspace creates its copies with DDL that must keep the catalog's columns and partitioning.
import { platformCatalog } from '../../../contracts/catalog';
import { buildActions, compileProject, type CompiledGraph, type Target } from '../../../tools/dataform';
import { leaseTarget } from '../../../tools/dataform/lease';
import { compileWorkspace } from './workspace-graph';

const SUFFIX = 'workspace';
const RUN_CONTROL = platformCatalog().tables.filter((t) => t.writtenBy === 'dataform');
const RELEASE_TABLES = RUN_CONTROL.map((t) => `${t.dataset}.${t.name}`);

let release: CompiledGraph;
let workspace: CompiledGraph;

beforeAll(async () => {
  release = compileProject('dataform');
  workspace = await compileWorkspace(SUFFIX);
}, 120_000);

const dataset = (t: Target) => `${t.schema}.${t.name}`;

/** Every action with what it writes, what it depends on and all the SQL it sends. */
function actionsOf(graph: CompiledGraph): { target: string; deps: string[]; sql: string }[] {
  const tables = (graph.tables ?? []).map((t) => ({
    target: t.target,
    deps: t.dependencyTargets,
    sql: [t.query, t.incrementalQuery, ...(t.preOps ?? []), ...(t.postOps ?? []), ...(t.incrementalPreOps ?? []), ...(t.incrementalPostOps ?? [])],
  }));
  const assertions = (graph.assertions ?? []).map((a) => ({ target: a.target, deps: a.dependencyTargets, sql: [a.query] }));
  const operations = (graph.operations ?? []).map((o) => ({ target: o.target, deps: o.dependencyTargets, sql: o.queries ?? [] }));
  return [...tables, ...assertions, ...operations].map((a) => ({ target: dataset(a.target), deps: (a.deps ?? []).map(dataset), sql: a.sql.filter(Boolean).join('\n') }));
}

const operation = (graph: CompiledGraph, name: string) => (graph.operations ?? []).find((o) => o.target.name === name);
const sqlOf = (graph: CompiledGraph, name: string) => operation(graph, name)!.queries!.join('\n');
/** A quoted reference to `dataset.table` in SQL (`project.dataset.table`). */
const quoted = (table: string) => new RegExp(`\`[^\`]*\\.${table.replace('.', '\\.')}\``);

describe('a workspace compile (schema suffix)', () => {
  test('no action reads or writes the release run control: not its target, not a dependency, not in its SQL', () => {
    const actions = actionsOf(workspace);
    expect(actions.length).toBeGreaterThan(50);
    const touching = actions.filter((a) => RELEASE_TABLES.some((t) => a.target === t || a.deps.includes(t) || quoted(t).test(a.sql)));
    expect(touching.map((a) => a.target)).toEqual([]);
    expect((workspace.declarations ?? []).map((d) => dataset(d.target)).filter((t) => t.startsWith('ops.'))).toEqual([]);
  });

  test(`the lease and the run record are ops_${SUFFIX}'s, created there by an operation that outputs them`, () => {
    for (const name of ['transform_lease', 'transform_runs']) {
      const created = operation(workspace, name)!;
      expect({ target: dataset(created.target), hasOutput: created.hasOutput }).toEqual({ target: `ops_${SUFFIX}.${name}`, hasOutput: true });
      expect(created.queries).toEqual([expect.stringMatching(new RegExp(`^create table if not exists \`[^\`]+\\.ops_${SUFFIX}\\.${name}\` \\(`))]);
    }
    expect(sqlOf(workspace, 'acquire_run_lease')).toMatch(quoted(`ops_${SUFFIX}.transform_lease`));
    const record = sqlOf(workspace, 'record_transform_run');
    expect(record).toMatch(new RegExp(`insert into \`[^\`]+\\.ops_${SUFFIX}\\.transform_runs\``));
    expect(record).toMatch(new RegExp(`update \`[^\`]+\\.ops_${SUFFIX}\\.transform_lease\``));
  });

  test('only the two creations run before the lease is taken; everything else after it', () => {
    const actions = buildActions(workspace);
    const byKey = new Map(actions.map((a) => [a.key, a]));
    const acquire = actions.find((a) => a.target.name === 'acquire_run_lease')!;
    expect(acquire.deps).toEqual([`ops_${SUFFIX}.transform_lease`]);
    const reaches = (key: string, seen = new Set<string>()): boolean => {
      if (key === acquire.key) return true;
      if (seen.has(key)) return false;
      seen.add(key);
      return (byKey.get(key)?.deps ?? []).some((d) => reaches(d, seen));
    };
    const before = actions.filter((a) => a !== acquire && !reaches(a.key)).map((a) => a.key);
    expect(before.sort()).toEqual([`ops_${SUFFIX}.transform_lease`, `ops_${SUFFIX}.transform_runs`]);
    for (const key of before) expect(byKey.get(key)!.deps).toEqual([]);
  });

  test("the local executor's lease keeper takes the compiled graph's lease", () => {
    expect(leaseTarget(workspace)).toMatchObject({ schema: `ops_${SUFFIX}`, name: 'transform_lease' });
    expect(leaseTarget(release)).toMatchObject({ schema: 'ops', name: 'transform_lease' });
  });
});

describe('the release compile (no suffix)', () => {
  test('declares ops.transform_lease and ops.transform_runs, and runs no DDL in ops', () => {
    const declared = (release.declarations ?? []).map((d) => dataset(d.target)).filter((t) => t.startsWith('ops.'));
    expect(declared.sort()).toEqual([...RELEASE_TABLES].sort());
    const actions = actionsOf(release);
    expect(actions.filter((a) => a.target.startsWith('ops')).map((a) => a.target)).toEqual([]);
    expect(actions.filter((a) => /create table[^`]*`[^`]*\.ops\./i.test(a.sql)).map((a) => a.target)).toEqual([]);
  });

  test('takes the lease and records the run in ops, exactly as before', () => {
    expect(operation(release, 'acquire_run_lease')!.dependencyTargets!.map(dataset)).toEqual(['ops.transform_lease']);
    expect(sqlOf(release, 'acquire_run_lease')).toMatch(/insert into `pizzaflow-local\.ops\.transform_lease` \(lease, holder, acquired_at, expires_at\)/);
    const record = sqlOf(release, 'record_transform_run');
    expect(record).toMatch(/insert into `pizzaflow-local\.ops\.transform_runs` \(run_id, kind, started_at, finished_at, previous_watermark_at, watermark_at, marts, touched_dates\)/);
    expect(record).toMatch(/update `pizzaflow-local\.ops\.transform_lease` set expires_at = current_timestamp\(\)/);
    expect(record).not.toMatch(/ops_/);
  });
});

// ---- The workspace DDL against the catalog (contracts/transform-run.ts through deriveBigQuerySchema).

interface Column {
  name: string;
  type: string;
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: Column[];
}

const SCALARS: Record<string, string> = { string: 'STRING', timestamp: 'TIMESTAMP', date: 'DATE', int64: 'INTEGER', numeric: 'NUMERIC', bool: 'BOOLEAN', float64: 'FLOAT', json: 'JSON', bytes: 'BYTES' };

/** Splits on the commas outside any `<…>` or `(…)`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A GoogleSQL column definition (`name type [not null]`) as the catalog's BigQuery field. */
function column(definition: string): Column {
  const m = /^(\w+)\s+([^]+?)(\s+not\s+null)?$/i.exec(definition.trim());
  if (!m) throw new Error(`not a column definition: ${definition}`);
  const [, name, type, notNull] = m as unknown as [string, string, string, string | undefined];
  const array = /^array<([^]+)>$/i.exec(type);
  if (array) return { ...typeOf(name, array[1]!), mode: 'REPEATED' };
  return { ...typeOf(name, type), mode: notNull ? 'REQUIRED' : 'NULLABLE' };
}

function typeOf(name: string, type: string): Omit<Column, 'mode'> {
  const struct = /^struct<([^]+)>$/i.exec(type.trim());
  if (struct) return { name, type: 'RECORD', fields: splitTopLevel(struct[1]!).map(column) };
  const scalar = SCALARS[type.trim().toLowerCase()];
  if (!scalar) throw new Error(`${name}: unknown type ${type}`);
  return { name, type: scalar };
}

function parseCreate(sql: string): { columns: Column[]; partitionBy?: string; clusterBy: string[]; options: string } {
  const open = sql.indexOf('(');
  let depth = 0;
  let close = -1;
  for (let i = open; i < sql.length && close < 0; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) close = i;
  }
  const rest = sql.slice(close + 1);
  return {
    columns: splitTopLevel(sql.slice(open + 1, close)).map(column),
    partitionBy: /partition by\s+([^\n]+?)(?=\s+cluster by|\s+options|$)/i.exec(rest)?.[1]?.trim(),
    clusterBy: (/cluster by\s+([\w\s,]+?)(?=\s+options|$)/i.exec(rest)?.[1] ?? '').split(',').map((c) => c.trim()).filter(Boolean),
    options: /options\s*\(([^]*)\)/i.exec(rest)?.[1] ?? '',
  };
}

/** The catalog's field without its description, in the shape parseCreate returns. */
const withoutDescription = (f: { name: string; type: string; mode: string; fields?: unknown[] }): Column => ({
  name: f.name,
  type: f.type,
  mode: f.mode as Column['mode'],
  ...(f.fields ? { fields: (f.fields as (typeof f)[]).map(withoutDescription) } : {}),
});

describe("the workspace's run-control tables are the catalog's", () => {
  test('the parser reads nested columns', () => {
    expect(parseCreate('create table if not exists `p.d.t` (\n  a string not null,\n  b array<struct<c string not null, d timestamp>>,\n  e array<date>\n)\npartition by date(x)\ncluster by a, e')).toEqual({
      columns: [
        { name: 'a', type: 'STRING', mode: 'REQUIRED' },
        { name: 'b', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'c', type: 'STRING', mode: 'REQUIRED' }, { name: 'd', type: 'TIMESTAMP', mode: 'NULLABLE' }] },
        { name: 'e', type: 'DATE', mode: 'REPEATED' },
      ],
      partitionBy: 'date(x)',
      clusterBy: ['a', 'e'],
      options: '',
    });
  });

  test.each(RUN_CONTROL.map((t) => [`${t.dataset}.${t.name}`, t] as const))('%s: columns, partitioning and clustering', (_name, table) => {
    const ddl = parseCreate(sqlOf(workspace, table.name));
    expect(ddl.columns).toEqual(table.schema.map(withoutDescription));
    const partitioning = table.partitioning;
    if (partitioning) {
      expect(partitioning.type).toBe('DAY');
      expect(ddl.partitionBy).toMatch(new RegExp(`^(date\\(${partitioning.field}\\)|timestamp_trunc\\(${partitioning.field}, day\\))$`, 'i'));
      expect(/require_partition_filter\s*=\s*true/i.test(ddl.options)).toBe(partitioning.requirePartitionFilter);
    } else {
      expect(ddl.partitionBy).toBeUndefined();
    }
    expect(ddl.clusterBy).toEqual(table.clustering);
  });

  test.each(RUN_CONTROL.map((t) => [`${t.dataset}.${t.name}`, t] as const))("%s: the release's declaration documents the same columns", (_name, table) => {
    const declared = (release.declarations ?? []).find((d) => dataset(d.target) === `${table.dataset}.${table.name}`)!;
    const documented = ((declared as { actionDescriptor?: { columns?: { path: string[] }[] } }).actionDescriptor?.columns ?? []).map((c) => c.path.join('.'));
    expect(documented).toEqual(table.schema.map((f) => f.name));
  });
});
