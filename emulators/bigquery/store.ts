// The DuckDB side: one attached database per BigQuery project (so `project.dataset.table`
// resolves natively), a dataset per DuckDB schema, and the REST resources in a metadata schema of
// the same database so they survive restarts. All access is serialised through one connection.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult } from '@duckdb/node-api';
import { DatasetResource, TableResource } from './resources';
import { quoteIdent } from './schema';
import { invalid } from './errors';

export const META_SCHEMA = '__pizzaflow_meta';
const PROJECT_ID = /^[a-z0-9][a-z0-9-_.:]{0,62}$/i;

interface ProjectState {
  datasets: Map<string, DatasetResource>;
  tables: Map<string, TableResource>;
}

export class Store {
  private readonly projects = new Map<string, ProjectState>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    private readonly dataDir: string | undefined,
  ) {}

  static async open(dataDir?: string): Promise<Store> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return new Store(instance, conn, dataDir);
  }

  /** Runs fn with exclusive use of the connection (USE, temp tables and variables are per connection). */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => fn(this.conn));
    this.queue = run.catch(() => undefined);
    return run;
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
    await this.conn.run(`INSERT OR REPLACE INTO ${quoteIdent(projectId)}.${META_SCHEMA}.datasets VALUES ($1, $2)`, [
      d.datasetReference.datasetId,
      JSON.stringify(d),
    ]);
    state.datasets.set(d.datasetReference.datasetId, d);
  }

  async removeDataset(projectId: string, datasetId: string): Promise<void> {
    const state = await this.project(projectId);
    await this.conn.run(`DELETE FROM ${quoteIdent(projectId)}.${META_SCHEMA}.datasets WHERE id = $1`, [datasetId]);
    state.datasets.delete(datasetId);
  }

  async putTable(t: TableResource): Promise<void> {
    const { projectId, datasetId, tableId } = t.tableReference;
    const state = await this.project(projectId);
    await this.conn.run(`INSERT OR REPLACE INTO ${quoteIdent(projectId)}.${META_SCHEMA}.tables VALUES ($1, $2, $3)`, [
      datasetId,
      tableId,
      JSON.stringify(t),
    ]);
    state.tables.set(`${datasetId}.${tableId}`, t);
  }

  async removeTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    const state = await this.project(projectId);
    await this.conn.run(`DELETE FROM ${quoteIdent(projectId)}.${META_SCHEMA}.tables WHERE dataset = $1 AND id = $2`, [datasetId, tableId]);
    state.tables.delete(`${datasetId}.${tableId}`);
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
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export function tablePath(projectId: string, datasetId: string, tableId: string): string {
  return `${quoteIdent(projectId)}.${quoteIdent(datasetId)}.${quoteIdent(tableId)}`;
}
