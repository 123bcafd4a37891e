// Landing: the POS buckets from the catalog (uniform access, public access prevention, versioning and
// lifecycle as declared, CMEK when configured), their Pub/Sub notifications, and the functions' grants.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { bucketName, type BucketDecl, type PlatformCatalog } from '../../contracts/catalog';
import { grantsOfKind, type Grant } from '../builders/iam';
import { lifecycleRules } from '../builders/lifecycle';
import { resourceSuffix, serviceAccountMember } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';

export interface LandingArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The grant plan; this component applies the bucket grants. */
  grants: Grant[];
  /** The catalog's topics by logical name (notifications publish to them). */
  topics: Readonly<Record<string, gcp.pubsub.Topic>>;
  /** Cloud Storage's service agent, which publishes the notifications. */
  /** IAM member of the Cloud Storage service agent (publishes the bucket notifications). */
  storageAgent: pulumi.Input<string>;
  /** Protect the buckets from `pulumi destroy` (prod). */
  protect: boolean;
}

export class Landing extends pulumi.ComponentResource {
  readonly buckets: Readonly<Record<string, gcp.storage.Bucket>>;

  constructor(name: string, args: LandingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Landing', name, {}, opts);
    const { project, location, kmsKeyName, deletionProtection } = args.context;
    const bucket = (b: BucketDecl) =>
      new gcp.storage.Bucket(
        `${name}-${b.name}`,
        {
          project,
          name: bucketName(project, b.name),
          location,
          storageClass: b.storageClass,
          uniformBucketLevelAccess: true,
          publicAccessPrevention: 'enforced',
          versioning: { enabled: b.versioning },
          lifecycleRules: lifecycleRules(b.lifecycle),
          forceDestroy: !deletionProtection,
          labels: { component: 'landing' },
          ...(kmsKeyName ? { encryption: { defaultKmsKeyName: kmsKeyName } } : {}),
        },
        { parent: this, protect: args.protect },
      );
    this.buckets = Object.fromEntries(args.catalog.buckets.map((b) => [b.name, bucket(b)]));

    for (const g of grantsOfKind(args.grants, 'bucket')) {
      const target = this.buckets[g.scope.bucket];
      if (!target) throw new Error(`bucket "${g.scope.bucket}" is not declared`);
      new gcp.storage.BucketIAMMember(
        `${name}-${g.scope.bucket}-${g.principal}-${g.role.split('.').pop()}`,
        { bucket: target.name, role: g.role, member: emailOf(args.emails, g.principal).apply(serviceAccountMember) },
        { parent: this },
      );
    }

    const agent = pulumi.output(args.storageAgent);
    const notifiedTopics = new Set(args.catalog.buckets.flatMap((b) => b.notifications.map((n) => n.topic)));
    const publishers = new Map<string, gcp.pubsub.TopicIAMMember>();
    for (const topicName of notifiedTopics) {
      const topic = args.topics[topicName];
      if (!topic) throw new Error(`notification topic "${topicName}" is not declared`);
      publishers.set(topicName, new gcp.pubsub.TopicIAMMember(`${name}-${resourceSuffix(topicName)}-gcs-publisher`, { project, topic: topic.name, role: 'roles/pubsub.publisher', member: agent }, { parent: this }));
    }
    for (const b of args.catalog.buckets) {
      b.notifications.forEach((n, i) => {
        new gcp.storage.Notification(
          `${name}-${b.name}-notification-${i}`,
          {
            bucket: this.buckets[b.name]!.name,
            topic: args.topics[n.topic]!.id,
            payloadFormat: n.payloadFormat,
            eventTypes: n.eventTypes,
            ...(n.objectNamePrefix ? { objectNamePrefix: n.objectNamePrefix } : {}),
          },
          // The service agent must be allowed to publish before the notification is created.
          { parent: this, dependsOn: [publishers.get(n.topic)!] },
        );
      });
    }
    this.registerOutputs({ buckets: Object.fromEntries(Object.entries(this.buckets).map(([k, v]) => [k, v.name])) });
  }
}
