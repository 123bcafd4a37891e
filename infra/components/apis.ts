// Apis: every Google API the platform uses, enabled by the program (a fresh project has almost none),
// and the service agents that act for Pub/Sub, Dataform, Cloud Storage and BigQuery, asked of the
// provider instead of spelt as strings, so grants to them wait until the agent exists.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** The APIs pizzaflow calls or deploys to, each with why. */
export const REQUIRED_APIS: Readonly<Record<string, string>> = {
  'cloudresourcemanager.googleapis.com': 'Pulumi reads the project and its IAM policy',
  'serviceusage.googleapis.com': 'enabling the other APIs',
  'iam.googleapis.com': 'service accounts',
  'iamcredentials.googleapis.com': 'OIDC tokens for Pub/Sub push and Cloud Scheduler',
  'pubsub.googleapis.com': 'topics and push subscriptions',
  'storage.googleapis.com': 'landing, archive, quarantine and source buckets',
  'bigquery.googleapis.com': 'datasets, tables, load and query jobs',
  'bigquerystorage.googleapis.com': 'the Storage Write API (ingest)',
  'bigquerydatatransfer.googleapis.com': 'scheduled queries used by Dataform workflow invocations',
  'cloudfunctions.googleapis.com': 'the functions (2nd gen)',
  'run.googleapis.com': 'the Cloud Run services behind the functions',
  'cloudbuild.googleapis.com': 'building the functions from their artifacts',
  'artifactregistry.googleapis.com': 'the functions\' images',
  'eventarc.googleapis.com': 'required by Cloud Functions 2nd gen',
  'secretmanager.googleapis.com': 'the PII key and API keys',
  'cloudscheduler.googleapis.com': 'the POS loader schedule',
  'dataform.googleapis.com': 'the transform (repository, releases, workflows)',
  'monitoring.googleapis.com': 'alert policies',
  'logging.googleapis.com': 'log-based metrics',
  'compute.googleapis.com': "the VPC network and the functions' subnet (Direct VPC egress)",
  'servicenetworking.googleapis.com': 'private service access: the serving store on the VPC network',
  'redis.googleapis.com': 'the serving store (Memorystore for Redis)',
};

export interface ApisArgs {
  project: string;
  /** Customer-managed encryption: the BigQuery agent is looked up only when a key is configured. */
  needsBigQueryAgent: boolean;
}

export class Apis extends pulumi.ComponentResource {
  readonly services: Readonly<Record<string, gcp.projects.Service>>;
  /** IAM members (`serviceAccount:…`) of the Google-managed agents. */
  readonly agents: { pubsub: pulumi.Output<string>; dataform: pulumi.Output<string>; storage: pulumi.Output<string>; bigquery?: pulumi.Output<string> };

  constructor(name: string, args: ApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Apis', name, {}, opts);
    const { project } = args;
    this.services = Object.fromEntries(
      Object.keys(REQUIRED_APIS).map((api) => [
        api,
        // Leaving an API on when the stack goes keeps other users of the project working.
        new gcp.projects.Service(`${name}-${api.split('.')[0]}`, { project, service: api, disableOnDestroy: false, disableDependentServices: false }, { parent: this }),
      ]),
    );
    const after = (api: string) => ({ parent: this, dependsOn: [this.services[api]!] });
    const pubsub = new gcp.projects.ServiceIdentity(`${name}-pubsub-agent`, { project, service: 'pubsub.googleapis.com' }, after('pubsub.googleapis.com'));
    const dataform = new gcp.projects.ServiceIdentity(`${name}-dataform-agent`, { project, service: 'dataform.googleapis.com' }, after('dataform.googleapis.com'));
    const storage = gcp.storage.getProjectServiceAccountOutput({ project }, after('storage.googleapis.com'));
    this.agents = {
      pubsub: pubsub.member,
      dataform: dataform.member,
      storage: storage.member,
      ...(args.needsBigQueryAgent ? { bigquery: gcp.bigquery.getDefaultServiceAccountOutput({ project }, after('bigquery.googleapis.com')).member } : {}),
    };
    this.registerOutputs({ apis: Object.keys(this.services) });
  }
}
