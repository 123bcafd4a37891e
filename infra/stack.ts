// Composes pizzaflow's components from the validated catalog and the stack configuration.
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { DATASETS, FUNCTIONS, loadCatalog, type PlatformCatalog } from '../contracts/catalog';
import { grantPlan, principals } from './builders/iam';
import { lookerStudioReportUrl } from './builders/looker';
import { METRIC_MARTS } from './builders/marts';
import { teamGrants } from './builders/teams';
import { Apis } from './components/apis';
import { Identity } from './components/identity';
import { Ingestion } from './components/ingestion';
import { Landing } from './components/landing';
import { Observability } from './components/observability';
import { Schedules } from './components/schedules';
import { Services } from './components/services';
import { Serving } from './components/serving';
import { Transform } from './components/transform';
import { Warehouse } from './components/warehouse';
import type { StackContext } from './components/context';
import type { InfraConfig } from './config';

export interface PizzaflowStack {
  catalog: PlatformCatalog;
  collectorUrl: pulumi.Output<string>;
  metricsApiUrl: pulumi.Output<string>;
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
    noncurrentVersionDays: config.noncurrentVersionDays,
  });
}

/** Where `npm run package` writes one deploy artifact per function. */
export const ARTIFACTS_DIR = path.join('dist', 'deploy');

/**
 * Composes the stack. `secretValue` reads a secret configuration key (`pulumi config set --secret`);
 * `repoRoot` is where the deploy artifacts were built.
 */
export function deployPizzaflow(config: InfraConfig, repoRoot: string, secretValue: (configKey: string) => pulumi.Output<string>): PizzaflowStack {
  const catalog = catalogFor(config);
  const context: StackContext = {
    project: config.project,
    region: config.region,
    location: config.bigqueryLocation,
    deletionProtection: config.deletionProtection,
    ...(config.kmsKeyName ? { kmsKeyName: config.kmsKeyName } : {}),
  };
  const grants = grantPlan(catalog);
  const teams = teamGrants(catalog, config.teamGroups);
  const protect = config.protect;

  const apis = new Apis('pizzaflow-apis', { project: config.project, needsBigQueryAgent: Boolean(config.kmsKeyName) });
  const enabled = { dependsOn: [apis] };
  const cmekAgents = { pubsub: apis.agents.pubsub, storage: apis.agents.storage, ...(apis.agents.bigquery ? { bigquery: apis.agents.bigquery } : {}) };
  const identity = new Identity('pizzaflow-identity', { context, principals: principals(catalog), grants, teamGrants: teams, cmekAgents }, enabled);
  const after = { dependsOn: [apis, identity] };
  const emails = identity.emails;
  const secretValues = Object.fromEntries(catalog.secrets.map((s) => [s.name, secretValue(s.configKey)]));
  const serving = new Serving('pizzaflow-serving', { context, emails, highAvailability: protect, protect }, after);
  const services = new Services('pizzaflow-services', { context, catalog, emails, grants, artifactsDir: path.join(repoRoot, ARTIFACTS_DIR), secretValues, protect, logLevel: config.logLevel, serving: serving.access }, after);
  const ingestion = new Ingestion('pizzaflow-ingestion', { context, catalog, emails, grants, services: services.services, pubsubAgent: apis.agents.pubsub }, after);
  const landing = new Landing('pizzaflow-landing', { context, catalog, emails, grants, topics: ingestion.topics, storageAgent: apis.agents.storage, protect }, after);
  const warehouse = new Warehouse('pizzaflow-warehouse', { context, catalog, emails, grants, teamGrants: teams, merchantPrincipals: config.merchantPrincipals, martsBuilt: config.metricMartsBuilt, protect }, after);
  const transform = new Transform('pizzaflow-transform', { context, catalog, emails, git: config.dataform, vars: config.dataform.vars, workspaceSchemaSuffix: config.dataform.workspaceSchemaSuffix, dataformAgent: apis.agents.dataform }, { dependsOn: [apis, identity, warehouse] });
  new Schedules('pizzaflow-schedules', { context, catalog, emails, services: services.services }, after);
  new Observability('pizzaflow-observability', { context, catalog, alertEmail: config.alertEmail, watched: [ingestion, landing, transform] }, enabled);

  const uriOf = (name: string): pulumi.Output<string> => services.services[name]?.uri ?? pulumi.output('');
  return {
    catalog,
    collectorUrl: uriOf(FUNCTIONS.collector),
    metricsApiUrl: uriOf(FUNCTIONS.metricsApi),
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
