// The DuckDB side: one attached database per BigQuery project (so `project.dataset.table`
// resolves natively), a dataset per DuckDB schema, and the REST resources in a metadata schema of
// the same database so they survive restarts (only when there is a data directory: in memory there
// is no restart to survive). All access is serialised through one connection.
import { mkdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { FUNCTIONS, createMacros, registerFunctions } from './udfs';
import { type DatasetResource, type TableResource } from './resources';
import { type FieldSchema, quoteIdent } from './schema';
import { invalid } from './errors';
import { DataVersions } from './data-versions';

export const META_SCHEMA = '__pizzaflow_meta';
const PROJECT_ID = /^[a-z0-9][a-z0-9-_.:]{0,62}$/i;

interface ProjectState {
  datasets: Map<string, DatasetResource>;
  tables: Map<string, TableResource>;
}

export class Store {
  private readonly projects = new Map<string, ProjectState>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The shape of each relation (what a plan over it depends on), by `project.dataset.table`. */
  private readonly shapes = new Map<string, string>();
  private version = 0;

  /** The connection; every statement run through it is seen by `versions` first. */
  readonly conn: DuckDBConnection;
  /**
   * A second connection for reads that can run beside a statement on `conn` (the bytes a statement
   * processes): DuckDB runs the two at once. Observed like `conn`; used inside exclusive() only.
   */
  readonly reader: DuckDBConnection;
  /** Which tables changed since: moved by every statement that writes them. */
  readonly versions = new DataVersions();

  private constructor(
    private readonly instance: DuckDBInstance,
    raw: DuckDBConnection,
    rawReader: DuckDBConnection,
    private readonly dataDir: string | undefined,
  ) {
    this.conn = observeStatements(raw, (sql) => this.versions.observe(sql));
    this.reader = observeStatements(rawReader, (sql) => this.versions.observe(sql));
  }

  /**
   * `sandbox`: the folders DuckDB may touch (the emulator's own tmp dir, where load jobs and
   * insertAll stage their files); the data directory is added. Everything else on the file system
   * (read_csv('/etc/passwd'), COPY TO, ATTACH elsewhere, glob) and extension loading are refused:
   * statements come from whoever can reach the REST port. Without `sandbox` DuckDB is unrestricted.
   */
  static async open(dataDir?: string, options: { threads?: number; sandbox?: readonly string[] } = {}): Promise<Store> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await refuseExtensions(conn);
    registerFunctions(conn, FUNCTIONS);
    await createMacros(conn);
    if (options.sandbox) await sandboxFileAccess(conn, [...options.sandbox, ...(dataDir ? [dataDir] : [])]);
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(`SET threads = ${threadsOption(options.threads)}`);
    // GoogleSQL sorts NULL first in ascending and last in descending order, in every ORDER BY
    // (queries, windows, ARRAY_AGG/STRING_AGG ...); DuckDB's default puts NULL last both ways.
    await conn.run("SET GLOBAL default_null_order = 'nulls_first_on_asc_last_on_desc'");
    const reader = await instance.connect();
    await reader.run("SET TimeZone = 'UTC'");
    await createMacros(reader);
    return new Store(instance, conn, reader, dataDir);
  }

  /** Runs fn with exclusive use of the connection (USE, temp tables and variables are per connection). */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => fn(this.conn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Whether resources are written to the metadata schema (a data directory survives restarts). */
  get persistent(): boolean {
    return this.dataDir !== undefined;
  }

  /**
   * Changes whenever a relation appears, goes or changes shape (columns, kind, view query,
   * partitioning, requirePartitionFilter, clustering): a plan taken at one version holds at that
   * version. Replacing a table by one of the same shape, or writing rows, leaves it as it is.
   */
  get catalogVersion(): number {
    return this.version;
  }

  /** The current `USE` target (what unqualified names resolve against). */
  get currentSchema(): string | undefined {
    return this.defaultSchema;
  }

  async run(sql: string): Promise<DuckDBMaterializedResult> {
    return this.conn.run(sql);
  }

  private defaultSchema: string | undefined;

  /** `USE <target>`, skipped when it is already the default (every query sets one). */
  async use(target: string): Promise<void> {
    if (this.defaultSchema === target) return;
    await this.conn.run(`USE ${target}`);
    this.defaultSchema = target;
  }

  /** Attaches the project's database on first use; call inside exclusive(). */
  async project(projectId: string): Promise<ProjectState> {
    const known = this.projects.get(projectId);
    if (known) return known;
    if (!PROJECT_ID.test(projectId) || projectId === 'memory' || projectId === 'temp' || projectId === 'system') {
      throw invalid(`Invalid project ID '${projectId}'`);
    }
    const file = this.dataDir ? join(this.dataDir, `${projectId}.duckdb`).replace(/'/g, "''") : ':memory:';
    const cat = quoteIdent(projectId);
    await this.conn.run(`ATTACH IF NOT EXISTS '${file}' AS ${cat}`);
    await this.conn.run(`CREATE SCHEMA IF NOT EXISTS ${cat}.${META_SCHEMA}`);
    await this.conn.run(`CREATE TABLE IF NOT EXISTS ${cat}.${META_SCHEMA}.datasets (id VARCHAR PRIMARY KEY, resource VARCHAR)`);
    await this.conn.run(
      `CREATE TABLE IF NOT EXISTS ${cat}.${META_SCHEMA}.tables (dataset VARCHAR, id VARCHAR, resource VARCHAR, PRIMARY KEY (dataset, id))`,
    );
    const state: ProjectState = { datasets: new Map(), tables: new Map() };
    const ds = await this.conn.runAndReadAll(`SELECT id, resource FROM ${cat}.${META_SCHEMA}.datasets`);
    for (const [id, r] of ds.getRows()) state.datasets.set(String(id), JSON.parse(String(r)) as DatasetResource);
    const ts = await this.conn.runAndReadAll(`SELECT dataset, id, resource FROM ${cat}.${META_SCHEMA}.tables`);
    for (const [d, id, r] of ts.getRows()) state.tables.set(`${d}.${id}`, JSON.parse(String(r)) as TableResource);
    this.projects.set(projectId, state);
    return state;
  }

  async putDataset(projectId: string, d: DatasetResource): Promise<void> {
    const state = await this.project(projectId);
    if (this.persistent) {
      await this.conn.run(`INSERT OR REPLACE INTO ${quoteIdent(projectId)}.${META_SCHEMA}.datasets VALUES ($1, $2)`, [
        d.datasetReference.datasetId,
        JSON.stringify(d),
      ]);
    }
    if (!state.datasets.has(d.datasetReference.datasetId)) this.version++;
    state.datasets.set(d.datasetReference.datasetId, d);
  }

  async removeDataset(projectId: string, datasetId: string): Promise<void> {
    const state = await this.project(projectId);
    if (this.persistent) await this.conn.run(`DELETE FROM ${quoteIdent(projectId)}.${META_SCHEMA}.datasets WHERE id = $1`, [datasetId]);
    if (state.datasets.delete(datasetId)) this.version++;
  }

  async putTable(t: TableResource): Promise<void> {
    const { projectId, datasetId, tableId } = t.tableReference;
    const state = await this.project(projectId);
    if (this.persistent) {
      await this.conn.run(`INSERT OR REPLACE INTO ${quoteIdent(projectId)}.${META_SCHEMA}.tables VALUES ($1, $2, $3)`, [
        datasetId,
        tableId,
        JSON.stringify(t),
      ]);
    }
    const key = `${projectId}.${datasetId}.${tableId}`.toLowerCase();
    const shape = shapeOf(t);
    if (this.shapes.get(key) !== shape) {
      this.shapes.set(key, shape);
      this.version++;
    }
    state.tables.set(`${datasetId}.${tableId}`, t);
  }

  async removeTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    const state = await this.project(projectId);
    if (this.persistent) await this.conn.run(`DELETE FROM ${quoteIdent(projectId)}.${META_SCHEMA}.tables WHERE dataset = $1 AND id = $2`, [datasetId, tableId]);
    state.tables.delete(`${datasetId}.${tableId}`);
    if (this.shapes.delete(`${projectId}.${datasetId}.${tableId}`.toLowerCase())) this.version++;
  }

  /** Table metadata by DuckDB names, matching case-insensitively as DuckDB does. */
  findTable(projectId: string, datasetId: string, tableId: string): TableResource | undefined {
    const state = this.projects.get(projectId);
    if (!state) return undefined;
    const exact = state.tables.get(`${datasetId}.${tableId}`);
    if (exact) return exact;
    const key = `${datasetId}.${tableId}`.toLowerCase();
    for (const [k, t] of state.tables) if (k.toLowerCase() === key) return t;
    return undefined;
  }

  attachedProjects(): string[] {
    return [...this.projects.keys()];
  }

  close(): void {
    this.reader.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** What a plan over the relation depends on (not its rows, etag, times or descriptions). */
function shapeOf(t: TableResource): string {
  const fields = (fs: FieldSchema[] | undefined): unknown => (fs ?? []).map((f) => [f.name, f.type, f.mode ?? 'NULLABLE', fields(f.fields)]);
  return JSON.stringify([t.type, fields(t.schema?.fields), t.view?.query, t.timePartitioning, t.requirePartitionFilter, t.clustering?.fields]);
}

/**
 * DuckDB worker threads; 1 unless asked. The emulator answers many small statements one at a time,
 * where a second thread only adds scheduling, and on a small machine the other cores run the
 * platform calling it (the default demo ran 4-7% faster with one thread than with two on 2 cores).
 */
function threadsOption(threads: number | undefined): number {
  const n = threads ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`DuckDB threads must be a positive integer, not ${threads}`);
  return n;
}

/** Methods that run SQL given as their first argument. */
const RUNS = new Set(['run', 'runAndRead', 'runAndReadAll', 'runAndReadUntil', 'stream', 'streamAndRead', 'streamAndReadAll', 'streamAndReadUntil', 'start', 'startStream']);
/** Methods whose SQL would run later, out of sight: not used here, refused so that no write goes unseen. */
const UNOBSERVED = new Set(['prepare', 'extractStatements', 'createAppender']);

/** The connection with `observe(sql)` called before each statement it runs. */
function observeStatements(conn: DuckDBConnection, observe: (sql: string) => void): DuckDBConnection {
  return new Proxy(conn, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && RUNS.has(prop)) {
        return (sql: string, ...rest: unknown[]) => {
          observe(sql);
          return fn.call(target, sql, ...rest);
        };
      }
      if (typeof prop === 'string' && UNOBSERVED.has(prop)) {
        return () => {
          throw new Error(`Store.conn.${prop} is not observed for table versions: use run()`);
        };
      }
      return fn.bind(target);
    },
  });
}

export function tablePath(projectId: string, datasetId: string, tableId: string): string {
  return `${quoteIdent(projectId)}.${quoteIdent(datasetId)}.${quoteIdent(tableId)}`;
}

/**
 * DuckDB's own sandbox: file access only under `dirs` (allowed_directories), spilling inside the
 * first one, then enable_external_access = false (extensions are off in any case: refuseExtensions).
 * Once that is off DuckDB refuses to turn it back on or to change allowed_directories/allowed_paths/temp_directory
 * (checked in test/unit/emulators/bigquery/sandbox.test.ts), so statements cannot undo it.
 * lock_configuration is not set: the planner toggles disabled_optimizers per statement (plan-scans.ts).
 */
async function sandboxFileAccess(conn: DuckDBConnection, dirs: readonly string[]): Promise<void> {
  if (dirs.length === 0) throw new Error('sandbox: at least one directory is needed (temp files)');
  const real = dirs.map((d) => {
    mkdirSync(d, { recursive: true });
    const r = realpathSync(d);
    return r.endsWith(sep) ? r : `${r}${sep}`;
  });
  const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
  const spill = join(real[0]!, 'duckdb-spill');
  await conn.run(`SET allowed_directories = [${real.map(literal).join(', ')}]`);
  await conn.run(`SET temp_directory = ${literal(spill)}`);
  await conn.run('SET enable_external_access = false');
}

/**
 * No DuckDB extension is ever installed or loaded at run time, sandbox or not: a function DuckDB
 * knows from an extension it lacks (NET.HOST's inet) would otherwise be downloaded from the
 * internet. The settings are the database's (every connection's); the extensions statically built
 * in (core_functions, icu, json, parquet) are already loaded. Checked in
 * test/unit/emulators/bigquery/extensions.test.ts.
 */
async function refuseExtensions(conn: DuckDBConnection): Promise<void> {
  await conn.run('SET GLOBAL autoinstall_known_extensions = false');
  await conn.run('SET GLOBAL autoload_known_extensions = false');
  await conn.run('SET GLOBAL allow_community_extensions = false');
}
