// The transform lease (dataform/definitions/control/acquire_run_lease.sqlx) seen from the local
// executor: a run that took it and then failed releases it at once, where managed Dataform's run
// would keep it until it expires. Only the holder this run recorded is released, never another's.
import { type BigQuery } from '@google-cloud/bigquery';
import { quoteTarget } from './sql';
import { type CompiledGraph, type Target } from './types';

export const ACQUIRE_ACTION = 'acquire_run_lease';
export const RECORD_ACTION = 'record_transform_run';
export const LEASE_TABLE = 'transform_lease';

/**
 * The lease table of the compiled graph (undefined for a project without one): the release declares
 * ops.transform_lease; a compilation with a schema suffix creates its own, the output of an operation
 * in ops_<suffix> (dataform/includes/control.js), so the keeper never touches another graph's lease.
 */
export function leaseTarget(graph: CompiledGraph): Target | undefined {
  const declared = (graph.declarations ?? []).map((d) => d.target);
  const created = (graph.operations ?? []).filter((o) => o.hasOutput).map((o) => o.target);
  return [...declared, ...created].find((t) => t.name === LEASE_TABLE);
}

export class LeaseKeeper {
  private holder: string | undefined;

  constructor(
    private readonly bigquery: BigQuery,
    private readonly table: string,
  ) {}

  static of(bigquery: BigQuery, graph: CompiledGraph, project: string): LeaseKeeper | undefined {
    const target = leaseTarget(graph);
    return target ? new LeaseKeeper(bigquery, quoteTarget(target, project)) : undefined;
  }

  /** Called once this run's acquire action succeeded: the holder is this run. */
  async taken(): Promise<void> {
    const [rows] = await this.bigquery.query({ query: `select holder from ${this.table} where lease = 'transform'` });
    const holder = (rows as { holder?: unknown }[])[0]?.holder;
    this.holder = typeof holder === 'string' ? holder : undefined;
  }

  /** Called once record_transform_run succeeded: it released the lease itself. */
  recorded(): void {
    this.holder = undefined;
  }

  /** Frees the lease this run holds (its run failed before recording itself); a no-op otherwise. */
  async releaseIfHeld(): Promise<boolean> {
    if (!this.holder) return false;
    await this.bigquery.query({
      query: `update ${this.table} set expires_at = current_timestamp() where lease = 'transform' and holder = @holder`,
      params: { holder: this.holder },
    });
    this.holder = undefined;
    return true;
  }
}
