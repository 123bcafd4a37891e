// Ingestion: the catalog's topics and subscriptions, and the collector, ingest and POS loader as Cloud
// Run functions built from one source archive. Push subscriptions authenticate with OIDC; dead letters
// go to the dead-letter topic, which the Pub/Sub service agent may publish to.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { FunctionDecl, PlatformCatalog, SubscriptionDecl, TopicDecl } from '../../contracts/catalog';
import { grantsOfKind, PII_SECRET_SCOPE, type Grant } from '../builders/iam';
import { ARTIFACT_REPOSITORY, PII_KEY_SECRET, PLATFORM_PRINCIPALS, resourceSuffix, serviceAccountMember, serviceAgents, sourceBucketName } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';

/** Node.js base image of the Cloud Run function builds. */
export const FUNCTION_BASE_IMAGE = (region: string) => `${region}-docker.pkg.dev/serverless-runtimes/google-22-full/runtimes/nodejs22`;

export interface IngestionArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The grant plan; this component applies topic, service, secret, source bucket and registry grants. */
  grants: Grant[];
  /** The repository's sources (package.json, lock, tsconfig, contracts, lib, functions); Cloud Build compiles them. */
  sourceArchive: pulumi.asset.Archive;
  logLevel?: string;
}

export class Ingestion extends pulumi.ComponentResource {
  readonly topics: Readonly<Record<string, gcp.pubsub.Topic>>;
  readonly subscriptions: Readonly<Record<string, gcp.pubsub.Subscription>>;
  readonly services: Readonly<Record<string, gcp.cloudrunv2.Service>>;
  readonly collectorUrl: pulumi.Output<string>;

  private readonly prefix: string;
  private readonly args: IngestionArgs;

  constructor(name: string, args: IngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Ingestion', name, {}, opts);
    this.prefix = name;
    this.args = args;
    const pubsubAgent = pulumi.output(args.context.projectNumber).apply((n) => serviceAccountMember(serviceAgents.pubsub(n)));

    this.topics = Object.fromEntries(args.catalog.topics.map((t) => [t.name, this.topic(t)]));
    this.grantTopics();
    const piiSecret = this.piiSecret();
    const build = this.buildInputs();
    this.services = Object.fromEntries(args.catalog.functions.map((f) => [f.name, this.service(f, build, piiSecret)]));
    this.grantServices();
    this.subscriptions = Object.fromEntries(args.catalog.subscriptions.map((s) => [s.name, this.subscription(s, pubsubAgent)]));
    this.grantDeadLetterTopics(pubsubAgent);

    const collector = args.catalog.functions.find((f) => f.ingress === 'public');
    this.collectorUrl = collector ? this.services[collector.name]!.uri : pulumi.output('');
    this.registerOutputs({ collectorUrl: this.collectorUrl, topics: Object.keys(this.topics), services: Object.keys(this.services) });
  }

  private topic(t: TopicDecl): gcp.pubsub.Topic {
    const { project, kmsKeyName } = this.args.context;
    return new gcp.pubsub.Topic(
      `${this.prefix}-${t.name}`,
      { project, name: t.name, messageRetentionDuration: `${t.messageRetentionSeconds}s`, labels: { payload: t.payload }, ...(kmsKeyName ? { kmsKeyName } : {}) },
      { parent: this },
    );
  }

  private grantTopics(): void {
    for (const g of grantsOfKind(this.args.grants, 'topic')) {
      new gcp.pubsub.TopicIAMMember(
        `${this.prefix}-${g.scope.topic}-${g.principal}-publisher`,
        { project: this.args.context.project, topic: this.topicOf(g.scope.topic).name, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }
  }

  private piiSecret(): gcp.secretmanager.Secret {
    const { project } = this.args.context;
    const secret = new gcp.secretmanager.Secret(`${this.prefix}-pii-key`, { project, secretId: PII_KEY_SECRET, replication: { auto: {} } }, { parent: this });
    for (const g of grantsOfKind(this.args.grants, 'secret').filter((g) => g.scope.secret === PII_SECRET_SCOPE)) {
      new gcp.secretmanager.SecretIamMember(
        `${this.prefix}-pii-key-${g.principal}`,
        { project, secretId: secret.secretId, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }
    return secret;
  }

  /** Source bucket and archive, and the registry the builds push to, with the builder's grants. */
  private buildInputs(): { sourceLocation: pulumi.Output<string>; sourceMd5: pulumi.Output<string>; imageBase: pulumi.Output<string> } {
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
      { parent: this },
    );
    const archive = new gcp.storage.BucketObject(`${this.prefix}-source-archive`, { bucket: bucket.name, name: 'pizzaflow-source.zip', source: this.args.sourceArchive }, { parent: this });
    const registry = new gcp.artifactregistry.Repository(
      `${this.prefix}-registry`,
      { project, location: region, repositoryId: ARTIFACT_REPOSITORY, format: 'DOCKER', description: 'Images built from the pizzaflow functions' },
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
    return {
      sourceLocation: pulumi.interpolate`gs://${bucket.name}/${archive.outputName}`,
      sourceMd5: archive.md5hash,
      imageBase: pulumi.interpolate`${region}-docker.pkg.dev/${project}/${registry.repositoryId}`,
    };
  }

  private service(f: FunctionDecl, build: ReturnType<Ingestion['buildInputs']>, piiSecret: gcp.secretmanager.Secret): gcp.cloudrunv2.Service {
    const { project, region, location, deletionProtection } = this.args.context;
    const image = pulumi.interpolate`${build.imageBase}/${f.name}`;
    const readsPii = grantsOfKind(this.args.grants, 'secret').some((g) => g.principal === f.name && g.scope.secret === PII_SECRET_SCOPE);
    const envs: gcp.types.input.cloudrunv2.ServiceTemplateContainerEnv[] = [
      { name: 'GOOGLE_CLOUD_PROJECT', value: project },
      { name: 'PIZZAFLOW_LOCATION', value: location },
      { name: 'LOG_LEVEL', value: this.args.logLevel ?? 'info' },
      { name: 'FUNCTION_SOURCE', value: `dist/${f.source}` },
      ...(readsPii ? [{ name: 'PIZZAFLOW_PII_KEY', valueSource: { secretKeyRef: { secret: piiSecret.secretId, version: 'latest' } } }] : []),
    ];
    const isPublic = f.ingress === 'public';
    // The hot path (public or pushed to) runs tens of thousands of requests a second: instance-based
    // billing (CPU always allocated) costs less than per-request fees there and keeps background batching alive.
    const hotPath = isPublic || this.args.catalog.subscriptions.some((s) => s.push?.function === f.name);
    return new gcp.cloudrunv2.Service(
      `${this.prefix}-${f.name}`,
      {
        project,
        location: region,
        name: f.name,
        description: f.description,
        deletionProtection,
        // Public functions check their own credentials (API keys, HMAC): no IAM check, and no allUsers binding.
        ingress: isPublic ? 'INGRESS_TRAFFIC_ALL' : 'INGRESS_TRAFFIC_INTERNAL_ONLY',
        invokerIamDisabled: isPublic,
        buildConfig: {
          sourceLocation: build.sourceLocation,
          functionTarget: f.entryPoint,
          imageUri: image,
          baseImage: FUNCTION_BASE_IMAGE(region),
          serviceAccount: pulumi.interpolate`projects/${project}/serviceAccounts/${emailOf(this.args.emails, PLATFORM_PRINCIPALS.builder)}`,
          // A changed archive changes the build config, so `pulumi up` rebuilds.
          environmentVariables: { GOOGLE_NODE_RUN_SCRIPTS: 'build', PIZZAFLOW_SOURCE_MD5: build.sourceMd5 },
        },
        template: {
          serviceAccount: emailOf(this.args.emails, f.name),
          maxInstanceRequestConcurrency: f.concurrency,
          timeout: `${f.timeoutSeconds}s`,
          scaling: { minInstanceCount: f.minInstances, maxInstanceCount: f.maxInstances },
          containers: [{ image, baseImageUri: FUNCTION_BASE_IMAGE(region), resources: { limits: { memory: `${f.memoryMb}Mi`, cpu: f.memoryMb > 4096 ? '2' : '1' }, cpuIdle: !hotPath }, envs }],
        },
      },
      { parent: this },
    );
  }

  private grantServices(): void {
    for (const g of grantsOfKind(this.args.grants, 'service')) {
      const service = this.serviceOf(g.scope.function);
      new gcp.cloudrunv2.ServiceIamMember(
        `${this.prefix}-${g.scope.function}-${g.principal}-invoker`,
        { project: this.args.context.project, location: service.location, name: service.name, role: g.role, member: emailOf(this.args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }
  }

  private subscription(s: SubscriptionDecl, pubsubAgent: pulumi.Output<string>): gcp.pubsub.Subscription {
    const { project } = this.args.context;
    const push = s.push;
    const service = push ? this.serviceOf(push.function) : undefined;
    const subscription = new gcp.pubsub.Subscription(
      `${this.prefix}-${s.name}`,
      {
        project,
        name: s.name,
        topic: this.topicOf(s.topic).id,
        ackDeadlineSeconds: s.ackDeadlineSeconds,
        messageRetentionDuration: `${s.messageRetentionSeconds}s`,
        retryPolicy: { minimumBackoff: `${s.retryPolicy.minimumBackoffSeconds}s`, maximumBackoff: `${s.retryPolicy.maximumBackoffSeconds}s` },
        ...(s.deadLetter ? { deadLetterPolicy: { deadLetterTopic: this.topicOf(s.deadLetter.topic).id, maxDeliveryAttempts: s.deadLetter.maxDeliveryAttempts } } : {}),
        enableMessageOrdering: s.enableMessageOrdering,
        ...(s.filter ? { filter: s.filter } : {}),
        // Never expire: an idle week (a quiet test stack) must not delete the subscription.
        expirationPolicy: { ttl: '' },
        ...(push && service
          ? {
              pushConfig: {
                pushEndpoint: pulumi.interpolate`${service.uri}${push.path === '/' ? '' : push.path}`,
                oidcToken: { serviceAccountEmail: emailOf(this.args.emails, PLATFORM_PRINCIPALS.pubsubPush), audience: service.uri },
              },
            }
          : {}),
      },
      { parent: this },
    );
    if (s.deadLetter) {
      // The service agent acks the source message when it forwards it to the dead-letter topic.
      new gcp.pubsub.SubscriptionIAMMember(`${this.prefix}-${s.name}-agent-subscriber`, { project, subscription: subscription.name, role: 'roles/pubsub.subscriber', member: pubsubAgent }, { parent: this });
    }
    return subscription;
  }

  private grantDeadLetterTopics(pubsubAgent: pulumi.Output<string>): void {
    const deadLetterTopics = new Set(this.args.catalog.subscriptions.flatMap((s) => (s.deadLetter ? [s.deadLetter.topic] : [])));
    for (const topic of deadLetterTopics) {
      new gcp.pubsub.TopicIAMMember(
        `${this.prefix}-${resourceSuffix(topic)}-agent-publisher`,
        { project: this.args.context.project, topic: this.topicOf(topic).name, role: 'roles/pubsub.publisher', member: pubsubAgent },
        { parent: this },
      );
    }
  }

  private topicOf(name: string): gcp.pubsub.Topic {
    const topic = this.topics[name];
    if (!topic) throw new Error(`topic "${name}" is not declared`);
    return topic;
  }

  private serviceOf(name: string): gcp.cloudrunv2.Service {
    const service = this.services[name];
    if (!service) throw new Error(`function "${name}" is not declared`);
    return service;
  }
}
