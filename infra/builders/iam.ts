// Least-privilege plan: which roles each service account holds and on which resource, derived from the
// catalog's `access` lists and the platform's wiring (push, schedules, Dataform). Components apply the
// grants whose scope they own; project-level grants are only roles GCP offers no narrower scope for.
import { splitTableRef, type PlatformCatalog, type TableDecl } from '../../contracts/catalog';
import { PLATFORM_PRINCIPALS } from './names';

export type GrantScope =
  | { kind: 'project' }
  | { kind: 'topic'; topic: string }
  | { kind: 'dataset'; dataset: string }
  | { kind: 'table'; dataset: string; table: string }
  | { kind: 'bucket'; bucket: string }
  | { kind: 'service'; function: string }
  | { kind: 'secret'; secret: string }
  | { kind: 'artifactRepository' }
  | { kind: 'sourceBucket' };

export interface Grant {
  /** A function name or one of PLATFORM_PRINCIPALS. */
  principal: string;
  role: string;
  scope: GrantScope;
}

/** Roles GCP grants only at project level, each with the reason it is needed. */
export const PROJECT_LEVEL_ROLES: Readonly<Record<string, string>> = {
  'roles/bigquery.jobUser': 'creating load, query and DML jobs (jobs belong to a project, not a dataset)',
  'roles/logging.logWriter': 'Cloud Build writing the function build logs',
};

/** Platform principals that read every row of the marts (Dataform's incremental MERGE reads its target). */
export const PLATFORM_PRINCIPALS_WITH_ALL_ROWS: readonly string[] = [PLATFORM_PRINCIPALS.dataform];

/** Roles that must never be granted. */
export const PRIMITIVE_ROLES: readonly string[] = ['roles/owner', 'roles/editor', 'roles/viewer'];

const JOB_WRITE_METHODS = new Set<TableDecl['writeMethod']>(['load-job', 'dml', 'snapshot']);

function functionGrants(catalog: PlatformCatalog): Grant[] {
  const grants: Grant[] = [];
  const tableOf = (ref: string) => catalog.tables.find((t) => `${t.dataset}.${t.name}` === ref);
  for (const fn of catalog.functions) {
    const add = (role: string, scope: GrantScope) => grants.push({ principal: fn.name, role, scope });
    const { publishes, writesTables, readsTables, readsDatasets, readsBuckets, writesBuckets } = fn.access;
    for (const topic of publishes) add('roles/pubsub.publisher', { kind: 'topic', topic });
    for (const ref of writesTables) add('roles/bigquery.dataEditor', { kind: 'table', ...splitTableRef(ref) });
    // Editor already reads: a table both read and written gets one role.
    for (const ref of readsTables.filter((r) => !writesTables.includes(r))) add('roles/bigquery.dataViewer', { kind: 'table', ...splitTableRef(ref) });
    for (const dataset of readsDatasets) add('roles/bigquery.dataViewer', { kind: 'dataset', dataset });
    // Moving a file (landing → archive) deletes it: writers get objectUser (create, read, delete).
    for (const bucket of readsBuckets.filter((b) => !writesBuckets.includes(b))) add('roles/storage.objectViewer', { kind: 'bucket', bucket });
    for (const bucket of writesBuckets) add('roles/storage.objectUser', { kind: 'bucket', bucket });
    // Storage Write API appends need no job; load jobs, DML, snapshots and reads (queries) do.
    const runsJobs = readsTables.length > 0 || readsDatasets.length > 0 || writesTables.some((ref) => JOB_WRITE_METHODS.has(tableOf(ref)?.writeMethod ?? 'dml'));
    if (runsJobs) add('roles/bigquery.jobUser', { kind: 'project' });
    // Each secret the catalog says it reads, and no other.
    for (const secret of fn.secrets) add('roles/secretmanager.secretAccessor', { kind: 'secret', secret });
  }
  return grants;
}

function platformGrants(catalog: PlatformCatalog): Grant[] {
  const grants: Grant[] = [];
  const pushTargets = new Set(catalog.subscriptions.flatMap((s) => (s.push ? [s.push.function] : [])));
  for (const fn of pushTargets) grants.push({ principal: PLATFORM_PRINCIPALS.pubsubPush, role: 'roles/run.invoker', scope: { kind: 'service', function: fn } });
  const scheduled = new Set(catalog.schedules.flatMap((s) => ('function' in s.target ? [s.target.function] : [])));
  for (const fn of scheduled) grants.push({ principal: PLATFORM_PRINCIPALS.scheduler, role: 'roles/run.invoker', scope: { kind: 'service', function: fn } });

  const dataform = (role: string, scope: GrantScope) => grants.push({ principal: PLATFORM_PRINCIPALS.dataform, role, scope });
  dataform('roles/bigquery.jobUser', { kind: 'project' });
  for (const d of catalog.datasets) dataform(d.ownedBy === 'dataform' ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer', { kind: 'dataset', dataset: d.id });
  // The run record and the lease in ops: edited by Dataform's actions, table by table.
  for (const t of catalog.tables.filter((t) => t.writtenBy === 'dataform')) dataform('roles/bigquery.dataEditor', { kind: 'table', dataset: t.dataset, table: t.name });

  const builder = (role: string, scope: GrantScope) => grants.push({ principal: PLATFORM_PRINCIPALS.builder, role, scope });
  builder('roles/logging.logWriter', { kind: 'project' });
  builder('roles/storage.objectViewer', { kind: 'sourceBucket' });
  builder('roles/artifactregistry.writer', { kind: 'artifactRepository' });
  return grants;
}

/** Every grant to pizzaflow's service accounts. */
export function grantPlan(catalog: PlatformCatalog): Grant[] {
  return [...functionGrants(catalog), ...platformGrants(catalog)];
}

/** Every principal with a service account: the functions, then the platform's callers. */
export function principals(catalog: PlatformCatalog): string[] {
  return [...catalog.functions.map((f) => f.name), ...Object.values(PLATFORM_PRINCIPALS)];
}

/** The grants of one scope kind, typed by it. */
export function grantsOfKind<K extends GrantScope['kind']>(plan: Grant[], kind: K): (Grant & { scope: Extract<GrantScope, { kind: K }> })[] {
  return plan.filter((g): g is Grant & { scope: Extract<GrantScope, { kind: K }> } => g.scope.kind === kind);
}

/** Human-readable `role on scope` lines, for reviews and the README. */
export function describeGrant(g: Grant): string {
  const s = g.scope;
  const where =
    s.kind === 'project' ? 'project' : s.kind === 'topic' ? `topic ${s.topic}` : s.kind === 'dataset' ? `dataset ${s.dataset}` : s.kind === 'table' ? `table ${s.dataset}.${s.table}` : s.kind === 'bucket' ? `bucket ${s.bucket}` : s.kind === 'service' ? `service ${s.function}` : s.kind === 'secret' ? `secret ${s.secret}` : s.kind;
  return `${g.principal}: ${g.role} on ${where}`;
}
