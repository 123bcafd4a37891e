// Warehouse: the catalog's datasets (one location) and tables (schema, partitioning, clustering,
// required partition filter, expiration, CMEK, deletion protection per stack); grants to the service
// accounts and teams on the narrowest resource; merchant access through authorized views and row
// access policies.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DATASETS, type PlatformCatalog, type TableDecl } from '../../contracts/catalog';
import { grantsOfKind, PLATFORM_PRINCIPALS_WITH_ALL_ROWS, type Grant } from '../builders/iam';
import { MERCHANT_MARTS } from '../builders/marts';
import { MERCHANT_ACCESS_DATASET, MERCHANT_PRINCIPALS_TABLE, resourceSuffix, serviceAccountMember } from '../builders/names';
import type { TeamGrant } from '../builders/teams';
import { INTERNAL_READERS_POLICY, MERCHANT_PRINCIPALS_SCHEMA, merchantFilter, merchantPolicyId, merchantViewSql, tableSchemaJson, timePartitioningOf } from '../builders/warehouse';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';

export interface WarehouseArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The grant plan; this component applies the dataset and table grants. */
  grants: Grant[];
  /** Team grants; this component applies the dataset and table ones. */
  teamGrants: TeamGrant[];
  /** merchant id → principals allowed to read that merchant's rows. */
  merchantPrincipals: Readonly<Record<string, string[]>>;
  /** Whether Dataform has built the marts (table grants, views and row policies need them). */
  martsBuilt: boolean;
  /** Protect datasets and catalog tables from `pulumi destroy` (prod). */
  protect: boolean;
}

/** A dataset access entry's member fields, from an IAM member string. */
export function datasetAccessMember(member: string): { userByEmail: string } | { groupByEmail: string } | { domain: string } {
  const [kind, value = ''] = member.split(/:(.*)/s);
  if (kind === 'group') return { groupByEmail: value };
  if (kind === 'domain') return { domain: value };
  if (kind === 'user' || kind === 'serviceAccount') return { userByEmail: value };
  throw new Error(`unsupported dataset access member "${member}"`);
}

export class Warehouse extends pulumi.ComponentResource {
  readonly datasets: Readonly<Record<string, gcp.bigquery.Dataset>>;
  readonly tables: Readonly<Record<string, gcp.bigquery.Table>>;
  readonly datasetIds: pulumi.Output<Record<string, string>>;

  private readonly prefix: string;
  private readonly args: WarehouseArgs;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Warehouse', name, {}, opts);
    this.prefix = name;
    this.args = args;
    const datasetDecls = [
      ...args.catalog.datasets,
      { id: MERCHANT_ACCESS_DATASET, description: 'Authorized views through which each merchant reads only its own rows' },
    ];
    this.datasets = Object.fromEntries(datasetDecls.map((d) => [d.id, this.dataset(d.id, d.description)]));
    const mapping: TableDecl = {
      dataset: MERCHANT_PRINCIPALS_TABLE.dataset,
      name: MERCHANT_PRINCIPALS_TABLE.name,
      description: 'Which principal may read which merchant: the authorized views in merchant_access filter on it',
      schema: MERCHANT_PRINCIPALS_SCHEMA,
      clustering: ['principal'],
      writeMethod: 'dml',
    };
    this.tables = Object.fromEntries([...args.catalog.tables, mapping].map((t) => [`${t.dataset}.${t.name}`, this.table(t)]));

    this.grantServiceAccounts();
    this.grantTeams();
    this.merchantAccess();
    this.datasetIds = pulumi.all(Object.fromEntries(Object.entries(this.datasets).map(([k, d]) => [k, d.datasetId])));
    this.registerOutputs({ datasetIds: this.datasetIds });
  }

  private dataset(id: string, description: string): gcp.bigquery.Dataset {
    const { project, location, kmsKeyName, deletionProtection } = this.args.context;
    return new gcp.bigquery.Dataset(
      `${this.prefix}-${resourceSuffix(id)}`,
      {
        project,
        datasetId: id,
        location,
        description,
        deleteContentsOnDestroy: !deletionProtection,
        ...(kmsKeyName ? { defaultEncryptionConfiguration: { kmsKeyName } } : {}),
      },
      { parent: this, protect: this.args.protect },
    );
  }

  private table(t: TableDecl): gcp.bigquery.Table {
    const { project, kmsKeyName, deletionProtection } = this.args.context;
    const timePartitioning = timePartitioningOf(t);
    return new gcp.bigquery.Table(
      `${this.prefix}-${resourceSuffix(t.dataset)}-${resourceSuffix(t.name)}`,
      {
        project,
        datasetId: this.datasetOf(t.dataset).datasetId,
        tableId: t.name,
        description: t.description,
        schema: tableSchemaJson(t.schema),
        ...(timePartitioning ? { timePartitioning, requirePartitionFilter: t.partitioning!.requirePartitionFilter } : {}),
        ...(t.clustering.length > 0 ? { clusterings: t.clustering } : {}),
        labels: { write_method: t.writeMethod.replace(/-/g, '_') },
        deletionProtection,
        ...(kmsKeyName ? { encryptionConfiguration: { kmsKeyName } } : {}),
      },
      { parent: this },
    );
  }

  private grantServiceAccounts(): void {
    const { project } = this.args.context;
    for (const g of grantsOfKind(this.args.grants, 'dataset')) {
      new gcp.bigquery.DatasetAccess(
        `${this.prefix}-${resourceSuffix(g.scope.dataset)}-${g.principal}-${g.role.split('.').pop()}`,
        { project, datasetId: this.datasetOf(g.scope.dataset).datasetId, role: g.role, userByEmail: emailOf(this.args.emails, g.principal) },
        { parent: this },
      );
    }
    for (const g of grantsOfKind(this.args.grants, 'table')) {
      this.tableGrant(`${g.principal}-${g.scope.dataset}-${g.scope.table}`, g.scope, g.role, emailOf(this.args.emails, g.principal).apply(serviceAccountMember));
    }
  }

  private grantTeams(): void {
    const { project } = this.args.context;
    for (const g of this.args.teamGrants) {
      if (g.needsMarts && !this.args.martsBuilt) continue;
      if (g.scope.kind === 'dataset') {
        new gcp.bigquery.DatasetAccess(
          `${this.prefix}-${resourceSuffix(g.scope.dataset)}-${g.team}-${g.role.split('.').pop()}`,
          { project, datasetId: this.datasetOf(g.scope.dataset).datasetId, role: g.role, ...datasetAccessMember(g.member) },
          { parent: this },
        );
      } else if (g.scope.kind === 'table') {
        this.tableGrant(`${g.team}-${g.scope.dataset}-${g.scope.table}`, g.scope, g.role, g.member);
      }
    }
  }

  /** A table-level IAM grant; tables Dataform owns are referenced by id (Pulumi does not create them). */
  private tableGrant(suffix: string, scope: { dataset: string; table: string }, role: string, member: pulumi.Input<string>): void {
    const declared = this.tables[`${scope.dataset}.${scope.table}`];
    new gcp.bigquery.IamMember(
      `${this.prefix}-${resourceSuffix(suffix)}-${role.split('.').pop()}`,
      { project: this.args.context.project, datasetId: this.datasetOf(scope.dataset).datasetId, tableId: declared ? declared.tableId : scope.table, role, member },
      { parent: this },
    );
  }

  /**
   * Merchants read marts through authorized views filtered by the mapping table (scales to millions of
   * merchants), and row access policies on the metric marts enforce the same rule on direct reads.
   */
  private merchantAccess(): void {
    const { project } = this.args.context;
    const views = this.datasetOf(MERCHANT_ACCESS_DATASET);
    for (const source of [DATASETS.marts, MERCHANT_PRINCIPALS_TABLE.dataset]) {
      new gcp.bigquery.DatasetAccess(
        `${this.prefix}-${resourceSuffix(source)}-authorizes-${resourceSuffix(MERCHANT_ACCESS_DATASET)}`,
        { project, datasetId: this.datasetOf(source).datasetId, authorizedDataset: { dataset: { projectId: project, datasetId: views.datasetId }, targetTypes: ['VIEWS'] } },
        { parent: this },
      );
    }
    const merchants = Object.entries(this.args.merchantPrincipals);
    const everyPrincipal = [...new Set(merchants.flatMap(([, p]) => p))];
    for (const member of everyPrincipal) {
      new gcp.bigquery.DatasetAccess(
        `${this.prefix}-${resourceSuffix(MERCHANT_ACCESS_DATASET)}-${resourceSuffix(member.replace(/[:@]/g, '-'))}`,
        { project, datasetId: views.datasetId, role: 'roles/bigquery.dataViewer', ...datasetAccessMember(member) },
        { parent: this },
      );
    }
    if (!this.args.martsBuilt) return;

    const marts = this.datasetOf(DATASETS.marts);
    const internalReaders = this.internalReaders();
    for (const mart of MERCHANT_MARTS) {
      new gcp.bigquery.Table(
        `${this.prefix}-${resourceSuffix(MERCHANT_ACCESS_DATASET)}-${resourceSuffix(mart)}`,
        {
          project,
          datasetId: views.datasetId,
          tableId: mart,
          description: `${mart} restricted to the caller's merchants`,
          view: { query: merchantViewSql(project, { dataset: DATASETS.marts, table: mart }, { dataset: MERCHANT_PRINCIPALS_TABLE.dataset, table: MERCHANT_PRINCIPALS_TABLE.name }), useLegacySql: false },
          deletionProtection: false,
        },
        { parent: this },
      );
      if (merchants.length === 0) continue;
      // Once one row policy exists, principals without a policy see no rows: internal readers get all.
      new gcp.bigquery.RowAccessPolicy(
        `${this.prefix}-${resourceSuffix(mart)}-${resourceSuffix(INTERNAL_READERS_POLICY)}`,
        { project, datasetId: marts.datasetId, tableId: mart, policyId: INTERNAL_READERS_POLICY, filterPredicate: 'TRUE', grantees: internalReaders },
        { parent: this },
      );
      for (const [merchantId, principals] of merchants) {
        new gcp.bigquery.RowAccessPolicy(
          `${this.prefix}-${resourceSuffix(mart)}-${resourceSuffix(merchantPolicyId(merchantId))}`,
          { project, datasetId: marts.datasetId, tableId: mart, policyId: merchantPolicyId(merchantId), filterPredicate: merchantFilter(merchantId), grantees: principals },
          { parent: this },
        );
      }
    }
  }

  private internalReaders(): pulumi.Input<string>[] {
    const teams = [...new Set(this.args.teamGrants.filter((g) => g.team !== 'sales').map((g) => g.member))];
    // Services that read the marts whole (the metrics API filters per merchant itself).
    const services = this.args.catalog.functions.filter((f) => f.access.readsDatasets.includes(DATASETS.marts)).map((f) => f.name);
    return [...teams, ...[...PLATFORM_PRINCIPALS_WITH_ALL_ROWS, ...services].map((p) => emailOf(this.args.emails, p).apply(serviceAccountMember))];
  }

  private datasetOf(id: string): gcp.bigquery.Dataset {
    const dataset = this.datasets[id];
    if (!dataset) throw new Error(`dataset "${id}" is not declared`);
    return dataset;
  }
}
