// Transform: the Dataform repository, its release configuration and one workflow configuration per run
// mode (incremental on the catalog's schedule, full refresh on demand), run as Dataform's own service
// account (its BigQuery grants are applied by the Warehouse from the same plan), and the suffixed
// datasets its developer workspaces write to, with the same grant for that account as their base.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DATASETS, type PlatformCatalog } from '../../contracts/catalog';
import { releaseCompilation, workflowPlans } from '../builders/dataform';
import { DATAFORM_REPOSITORY, PLATFORM_PRINCIPALS, resourceSuffix } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';

export interface TransformArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** Git remote of the Dataform project; without it the repository holds workspaces only. */
  git: { url?: string; branch: string; tokenSecret?: string };
  /** Compile-time vars of the release (workflow_settings.yaml's vars overridden per environment). */
  vars: Readonly<Record<string, string>>;
  /** Schema suffix of developer workspaces, so a workspace run never writes the release's datasets. */
  workspaceSchemaSuffix: string;
  /** IAM member of Dataform's service agent (from the provider's service identity). */
  dataformAgent: pulumi.Output<string>;
}

/** A dataset a workspace compilation writes to: Dataform appends `_<suffix>` to every target's dataset. */
export interface WorkspaceDataset {
  /** The release's dataset it stands for. */
  base: string;
  id: string;
}

/**
 * The datasets workspace runs write to: the suffixed twin of each dataset Dataform owns (its tables,
 * views and assertions; the catalog gives Dataform's account dataEditor on exactly these), and of each
 * dataset holding a table the catalog says Dataform writes (ops: the run lease and the run record, which
 * a workspace creates in its own ops_<suffix>; dataform/includes/control.js). Read-only sources
 * (`declaration`s, raw) keep their dataset: Dataform does not suffix them.
 */
export function workspaceDatasets(catalog: PlatformCatalog, schemaSuffix: string): WorkspaceDataset[] {
  const owned = catalog.datasets.filter((d) => d.ownedBy === 'dataform').map((d) => d.id);
  const writtenTo = catalog.tables.filter((t) => t.writtenBy === 'dataform').map((t) => t.dataset);
  return [...new Set([...owned, ...writtenTo])].map((base) => ({ base, id: `${base}_${schemaSuffix}` }));
}

export class Transform extends pulumi.ComponentResource {
  readonly repository: gcp.dataform.Repository;
  readonly workflowConfigs: Readonly<Record<string, gcp.dataform.RepositoryWorkflowConfig>>;
  /** The workspace datasets by id. */
  readonly workspaceDatasets: Readonly<Record<string, gcp.bigquery.Dataset>>;

  constructor(name: string, args: TransformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Transform', name, {}, opts);
    // No CMEK here: Dataform needs a key in the repository's region, the data key lives in the BigQuery location.
    const { project, region, location } = args.context;
    const runner = emailOf(args.emails, PLATFORM_PRINCIPALS.dataform);
    const agent = pulumi.output(args.dataformAgent);

    // Dataform's service agent mints tokens for the runner: strict act-as, granted on that account only.
    const actAs = new gcp.serviceaccount.IAMMember(
      `${name}-agent-token-creator`,
      { serviceAccountId: pulumi.interpolate`projects/${project}/serviceAccounts/${runner}`, role: 'roles/iam.serviceAccountTokenCreator', member: agent },
      { parent: this },
    );
    this.workspaceDatasets = this.createWorkspaceDatasets(name, args);
    const dependsOn: pulumi.Resource[] = [actAs];
    if (args.git.tokenSecret) {
      dependsOn.push(
        new gcp.secretmanager.SecretIamMember(`${name}-agent-git-token`, { project, secretId: args.git.tokenSecret, role: 'roles/secretmanager.secretAccessor', member: agent }, { parent: this }),
      );
    }
    this.repository = new gcp.dataform.Repository(
      `${name}-repository`,
      {
        project,
        region,
        name: DATAFORM_REPOSITORY,
        displayName: 'pizzaflow',
        serviceAccount: runner,
        // Workspaces compile against this project (never workflow_settings.yaml's local defaultProject), into suffixed datasets.
        workspaceCompilationOverrides: { defaultDatabase: project, schemaSuffix: args.workspaceSchemaSuffix },
        ...(args.git.url
          ? {
              gitRemoteSettings: {
                url: args.git.url,
                defaultBranch: args.git.branch,
                ...(args.git.tokenSecret ? { authenticationTokenSecretVersion: `projects/${project}/secrets/${args.git.tokenSecret}/versions/latest` } : {}),
              },
            }
          : {}),
      },
      { parent: this, dependsOn },
    );
    const compile = releaseCompilation(args.catalog);
    const release = new gcp.dataform.RepositoryReleaseConfig(
      `${name}-release`,
      {
        project,
        region,
        repository: this.repository.name,
        name: 'production',
        gitCommitish: args.git.branch,
        cronSchedule: compile.cron,
        timeZone: compile.timeZone,
        // The release branch holds the Dataform project at its root (`pizzaflow dataform publish`).
        codeCompilationConfig: { defaultDatabase: project, defaultLocation: location, defaultSchema: DATASETS.staging, assertionSchema: DATASETS.assertions, vars: args.vars },
      },
      { parent: this },
    );
    this.workflowConfigs = Object.fromEntries(
      workflowPlans(args.catalog).map((plan) => [
        plan.mode,
        new gcp.dataform.RepositoryWorkflowConfig(
          `${name}-${plan.mode}`,
          {
            project,
            region,
            repository: this.repository.name,
            name: plan.mode,
            releaseConfig: release.id,
            ...(plan.cron ? { cronSchedule: plan.cron, timeZone: plan.timeZone } : {}),
            invocationConfig: { serviceAccount: runner, fullyRefreshIncrementalTablesEnabled: plan.fullRefresh, transitiveDependenciesIncluded: true },
          },
          { parent: this },
        ),
      ]),
    );
    this.registerOutputs({ repository: this.repository.name, workflowConfigs: Object.keys(this.workflowConfigs), workspaceDatasets: Object.keys(this.workspaceDatasets) });
  }

  /**
   * Workspace runs execute as the repository's account, which may not create datasets (it holds no
   * project-level BigQuery role but jobUser), so the program creates them: same location and key as
   * the release's, dataEditor for that account (as on the base dataset; on ops_<suffix> because the
   * workspace creates its run-control tables there), contents dropped on destroy (nothing in them is
   * released data).
   */
  private createWorkspaceDatasets(name: string, args: TransformArgs): Record<string, gcp.bigquery.Dataset> {
    const { project, location, kmsKeyName } = args.context;
    const runner = emailOf(args.emails, PLATFORM_PRINCIPALS.dataform);
    return Object.fromEntries(
      workspaceDatasets(args.catalog, args.workspaceSchemaSuffix).map(({ base, id }) => {
        const dataset = new gcp.bigquery.Dataset(
          `${name}-${resourceSuffix(id)}`,
          {
            project,
            datasetId: id,
            location,
            description: `Dataform developer workspaces' ${base} (workspaceCompilationOverrides.schemaSuffix); never read by the platform`,
            labels: { purpose: 'dataform_workspace' },
            deleteContentsOnDestroy: true,
            ...(kmsKeyName ? { defaultEncryptionConfiguration: { kmsKeyName } } : {}),
          },
          { parent: this },
        );
        new gcp.bigquery.DatasetAccess(
          `${name}-${resourceSuffix(id)}-${PLATFORM_PRINCIPALS.dataform}-dataEditor`,
          { project, datasetId: dataset.datasetId, role: 'roles/bigquery.dataEditor', userByEmail: runner },
          { parent: this },
        );
        return [id, dataset];
      }),
    );
  }
}
