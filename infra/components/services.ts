// Services: every catalog function as a Cloud Functions (2nd gen) function, which Cloud Build builds
// from the function's deploy artifact (`npm run package` → dist/deploy/<name>: bundled JavaScript, a
// package.json with `main` and its runtime dependencies, a lock) with Google's Node.js buildpack and
// runs on Cloud Run. Secrets come from the stack's secret configuration into Secret Manager, each
// with a version, and reach exactly the functions the catalog says read them. See docs/deploy.md.
import * as path from 'node:path';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { FunctionDecl, PlatformCatalog, SecretDecl } from '../../contracts/catalog';
import { grantsOfKind, type Grant } from '../builders/iam';
import { ARTIFACT_REPOSITORY, PLATFORM_PRINCIPALS, secretId, serviceAccountMember, sourceBucketName } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';
import type { ServingAccess } from './serving';

/** Cloud Functions runtime the buildpack builds for (Node.js 22 LTS; the artifacts declare node >= 20). */
export const FUNCTION_RUNTIME = 'nodejs22';

export interface ServicesArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The grant plan; this component applies service, secret, source bucket and registry grants. */
  grants: Grant[];
  /** Folder holding one deploy artifact per function (`dist/deploy`). */
  artifactsDir: string;
  /** The value of each catalog secret (by secret name), from `pulumi config set --secret`. */
  secretValues: Readonly<Record<string, pulumi.Output<string>>>;
  logLevel?: string;
  /** Protect secrets and the source bucket from `pulumi destroy` (prod). */
  protect: boolean;
  /** The serving store: its clients get Direct VPC egress, its address and CA, and its AUTH secret. */
  serving?: ServingAccess;
}

export interface DeployedService {
  function: gcp.cloudfunctionsv2.Function;
  /** The HTTPS URL of the Cloud Run service behind the function. */
  uri: pulumi.Output<string>;
}

export class Services extends pulumi.ComponentResource {
  readonly services: Readonly<Record<string, DeployedService>>;
  readonly secrets: Readonly<Record<string, gcp.secretmanager.Secret>>;

  private readonly prefix: string;
  private readonly args: ServicesArgs;

  constructor(name: string, args: ServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Services', name, {}, opts);
    this.prefix = name;
    this.args = args;
    const stored = Object.fromEntries(args.catalog.secrets.map((s) => [s.name, this.secret(s)]));
    this.secrets = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.secret]));
    const accessors = this.grantSecrets();
    const build = this.buildInputs();
    this.services = Object.fromEntries(args.catalog.functions.map((f) => [f.name, this.service(f, build, stored, accessors[f.name] ?? [])]));
    this.grantInvokers();
    this.registerOutputs({ services: Object.fromEntries(Object.entries(this.services).map(([k, v]) => [k, v.uri])) });
  }

  /** The secret and its one version, whose data is the stack's secret configuration value (kept encrypted in state). */
  private secret(s: SecretDecl): { secret: gcp.secretmanager.Secret; version: gcp.secretmanager.SecretVersion } {
    const { project } = this.args.context;
    const value = this.args.secretValues[s.name];
    if (!value) throw new Error(`secret ${s.name}: no value; set it with \`pulumi config set --secret ${s.configKey} …\``);
    const secret = new gcp.secretmanager.Secret(
      `${this.prefix}-${s.name}`,
      { project, secretId: secretId(s.name), replication: { auto: {} }, annotations: { description: s.description, env: s.env } },
      { parent: this, protect: this.args.protect },
    );
    const version = new gcp.secretmanager.SecretVersion(`${this.prefix}-${s.name}-version`, { secret: secret.id, secretData: pulumi.secret(value) }, { parent: this, protect: this.args.protect });
    return { secret, version };
  }

  /** Accessor grants on each secret, by the function they are for (the function waits for them). */
  private grantSecrets(): Record<string, pulumi.Resource[]> {
    const { project } = this.args.context;
    const byFunction: Record<string, pulumi.Resource[]> = {};
    for (const g of grantsOfKind(this.args.grants, 'secret')) {
      const secret = this.secrets[g.scope.secret];
      if (!secret) throw new Error(`grant to ${g.principal}: secret "${g.scope.secret}" is not declared`);
      const member = new gcp.secretmanager.SecretIamMember(
        `${this.prefix}-${g.scope.secret}-${g.principal}`,
        { project, secretId: secret.secretId, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
      (byFunction[g.principal] ??= []).push(member);
    }
    return byFunction;
  }

  /** The bucket the artifacts are uploaded to and the registry the builds push to, with the builder's grants. */
  private buildInputs(): { bucket: gcp.storage.Bucket; registry: gcp.artifactregistry.Repository } {
    const { project, region, location, deletionProtection } = this.args.context;
    const bucket = new gcp.storage.Bucket(
      `${this.prefix}-source`,
      {
        project,
        name: sourceBucketName(project),
        location,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        forceDestroy: !deletionProtection,
        lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: 30, withState: 'ARCHIVED' } }],
        versioning: { enabled: true },
      },
      { parent: this, protect: this.args.protect },
    );
    const registry = new gcp.artifactregistry.Repository(
      `${this.prefix}-registry`,
      {
        project,
        location: region,
        repositoryId: ARTIFACT_REPOSITORY,
        format: 'DOCKER',
        description: 'Images Cloud Build makes from the pizzaflow functions',
        // Every deploy pushes a new image: delete those older than 30 days, except the last five per function.
        cleanupPolicies: [
          { id: 'delete-old', action: 'DELETE', condition: { olderThan: `${30 * 86_400}s` } },
          { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: 5 } },
        ],
      },
      { parent: this },
    );
    for (const g of grantsOfKind(this.args.grants, 'sourceBucket')) {
      new gcp.storage.BucketIAMMember(`${this.prefix}-source-${g.principal}`, { bucket: bucket.name, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) }, { parent: this });
    }
    for (const g of grantsOfKind(this.args.grants, 'artifactRepository')) {
      new gcp.artifactregistry.RepositoryIamMember(
        `${this.prefix}-registry-${g.principal}`,
        { project, location: region, repository: registry.name, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }
    return { bucket, registry };
  }

  private service(
    f: FunctionDecl,
    build: ReturnType<Services['buildInputs']>,
    stored: Record<string, { secret: gcp.secretmanager.Secret; version: gcp.secretmanager.SecretVersion }>,
    accessors: pulumi.Resource[],
  ): DeployedService {
    const { project, region, location } = this.args.context;
    // The artifact of this function only; a changed artifact is a new object generation, so `pulumi up` rebuilds.
    const archive = new gcp.storage.BucketObject(
      `${this.prefix}-${f.name}-source`,
      { bucket: build.bucket.name, name: `functions/${f.name}.zip`, source: new pulumi.asset.FileArchive(path.join(this.args.artifactsDir, f.name)) },
      { parent: this },
    );
    const secrets = f.secrets.map((name) => {
      const decl = this.args.catalog.secrets.find((s) => s.name === name);
      const s = stored[name];
      if (!decl || !s) throw new Error(`function ${f.name}: secret "${name}" is not declared`);
      // A pinned version: a new secret value is a new version, which rolls a new revision.
      return { key: decl.env, projectId: project, secret: s.secret.secretId, version: s.version.version };
    });
    const isPublic = f.ingress === 'public';
    const serving = this.args.serving?.clients.includes(f.name) ? this.args.serving : undefined;
    const fn = new gcp.cloudfunctionsv2.Function(
      `${this.prefix}-${f.name}`,
      {
        project,
        location: region,
        name: f.name,
        description: f.description,
        buildConfig: {
          runtime: FUNCTION_RUNTIME,
          entryPoint: f.entryPoint,
          source: { storageSource: { bucket: build.bucket.name, object: archive.outputName, generation: archive.generation } },
          dockerRepository: build.registry.id,
          serviceAccount: pulumi.interpolate`projects/${project}/serviceAccounts/${emailOf(this.args.emails, PLATFORM_PRINCIPALS.builder)}`,
        },
        serviceConfig: {
          serviceAccountEmail: emailOf(this.args.emails, f.name),
          availableMemory: `${f.memoryMb}Mi`,
          // More than one request per instance needs at least one whole CPU.
          availableCpu: f.memoryMb > 4096 ? '2' : '1',
          maxInstanceRequestConcurrency: f.concurrency,
          timeoutSeconds: f.timeoutSeconds,
          minInstanceCount: f.minInstances,
          maxInstanceCount: f.maxInstances,
          // Pub/Sub push and Cloud Scheduler count as internal traffic; public functions check their own credentials.
          ingressSettings: isPublic ? 'ALLOW_ALL' : 'ALLOW_INTERNAL_ONLY',
          allTrafficOnLatestRevision: true,
          environmentVariables: { GOOGLE_CLOUD_PROJECT: project, PIZZAFLOW_LOCATION: location, LOG_LEVEL: this.args.logLevel ?? 'info', ...(serving?.env ?? {}) },
          secretEnvironmentVariables: serving ? [...secrets, { key: serving.secretEnv.key, projectId: project, secret: serving.secretEnv.secret, version: serving.secretEnv.version }] : secrets,
          // Direct VPC egress (no connector): private ranges (the serving store) go through the
          // network, everything else (Google APIs, the internet) as before.
          ...(serving ? { directVpcNetworkInterfaces: [{ network: serving.network, subnetwork: serving.subnetwork }], directVpcEgress: 'VPC_EGRESS_PRIVATE_RANGES_ONLY' } : {}),
        },
      },
      { parent: this, dependsOn: serving ? [...accessors, ...serving.dependsOn] : accessors },
    );
    return { function: fn, uri: fn.serviceConfig.apply((c) => c?.uri ?? '') };
  }

  /** Invoker grants on the Cloud Run service behind each function; public functions let anyone reach their own auth. */
  private grantInvokers(): void {
    const { project, region } = this.args.context;
    for (const g of grantsOfKind(this.args.grants, 'service')) {
      const s = this.serviceOf(g.scope.function);
      new gcp.cloudrunv2.ServiceIamMember(
        `${this.prefix}-${g.scope.function}-${g.principal}-invoker`,
        { project, location: region, name: s.function.name, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }
    for (const f of this.args.catalog.functions.filter((fn) => fn.ingress === 'public')) {
      new gcp.cloudrunv2.ServiceIamMember(`${this.prefix}-${f.name}-public-invoker`, { project, location: region, name: this.serviceOf(f.name).function.name, role: 'roles/run.invoker', member: 'allUsers' }, { parent: this });
    }
  }

  private serviceOf(name: string): DeployedService {
    const service = this.services[name];
    if (!service) throw new Error(`function "${name}" is not declared`);
    return service;
  }
}
