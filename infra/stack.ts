// Composes pizzaflow's components from the validated catalog and the stack configuration.
import * as path from 'node:path';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DATASETS, loadCatalog, type PlatformCatalog } from '../contracts/catalog';
import { grantPlan, principals } from './builders/iam';
import { lookerStudioReportUrl } from './builders/looker';
import { METRIC_MARTS } from './builders/marts';
import { teamGrants } from './builders/teams';
import { Identity } from './components/identity';
import { Ingestion } from './components/ingestion';
import { Landing } from './components/landing';
import { Observability } from './components/observability';
import { Schedules } from './components/schedules';
import { Transform } from './components/transform';
import { Warehouse } from './components/warehouse';
import type { StackContext } from './components/context';
import type { InfraConfig } from './config';

export interface PizzaflowStack {
  catalog: PlatformCatalog;
  collectorUrl: pulumi.Output<string>;
  datasetIds: pulumi.Output<Record<string, string>>;
  lookerStudioReportUrl: string;
  serviceAccounts: pulumi.Output<Record<string, string>>;
}

/** The catalog as this stack configures it (retention, instances). */
export function catalogFor(config: InfraConfig): PlatformCatalog {
  return loadCatalog({
    rawRetentionDays: config.rawRetentionDays,
    rejectedRetentionDays: config.rejectedRetentionDays,
    archiveRetentionDays: config.archiveRetentionDays,
    minInstances: config.minInstances,
  });
}

/** What Cloud Build compiles: the repository's sources and lock file (the build runs `npm run build`). */
export function functionSourceArchive(repoRoot: string): pulumi.asset.Archive {
  const file = (name: string) => new pulumi.asset.FileAsset(path.join(repoRoot, name));
  const dir = (name: string) => new pulumi.asset.FileArchive(path.join(repoRoot, name));
  return new pulumi.asset.AssetArchive({
    'package.json': file('package.json'),
    'package-lock.json': file('package-lock.json'),
    'tsconfig.json': file('tsconfig.json'),
    contracts: dir('contracts'),
    functions: dir('functions'),
  });
}

export function deployPizzaflow(config: InfraConfig, repoRoot: string): PizzaflowStack {
  const catalog = catalogFor(config);
  const project = gcp.organizations.getProjectOutput({ projectId: config.project });
  const storageServiceAgent = gcp.storage.getProjectServiceAccountOutput({ project: config.project }).emailAddress;
  const context: StackContext = {
    project: config.project,
    region: config.region,
    location: config.bigqueryLocation,
    deletionProtection: config.deletionProtection,
    projectNumber: project.number,
    ...(config.kmsKeyName ? { kmsKeyName: config.kmsKeyName } : {}),
  };
  const grants = grantPlan(catalog);
  const teams = teamGrants(catalog, config.teamGroups);

  const identity = new Identity('pizzaflow-identity', { context, principals: principals(catalog), grants, teamGrants: teams, storageServiceAgent });
  const after = { dependsOn: [identity] };
  const emails = identity.emails;
  const ingestion = new Ingestion('pizzaflow-ingestion', { context, catalog, emails, grants, sourceArchive: functionSourceArchive(repoRoot) }, after);
  const landing = new Landing('pizzaflow-landing', { context, catalog, emails, grants, topics: ingestion.topics, storageServiceAgent }, after);
  const warehouse = new Warehouse('pizzaflow-warehouse', { context, catalog, emails, grants, teamGrants: teams, merchantPrincipals: config.merchantPrincipals, martsBuilt: config.metricMartsBuilt }, after);
  const transform = new Transform('pizzaflow-transform', { context, catalog, emails, git: config.dataform }, { dependsOn: [identity, warehouse] });
  new Schedules('pizzaflow-schedules', { context, catalog, emails, services: ingestion.services }, after);
  new Observability('pizzaflow-observability', { context, catalog, alertEmail: config.alertEmail, watched: [ingestion, landing, transform] });

  return {
    catalog,
    collectorUrl: ingestion.collectorUrl,
    datasetIds: warehouse.datasetIds,
    lookerStudioReportUrl: lookerStudioReportUrl({
      project: config.project,
      dataset: DATASETS.marts,
      tables: METRIC_MARTS,
      reportName: `pizzaflow metrics (${config.project})`,
      ...(config.lookerTemplateReportId ? { templateReportId: config.lookerTemplateReportId } : {}),
    }),
    serviceAccounts: pulumi.all(emails),
  };
}
