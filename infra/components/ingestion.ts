// Ingestion: the catalog's topics and subscriptions. Push subscriptions deliver to the functions the
// Services component deploys, authenticating with OIDC; dead letters go to the dead-letter topic,
// which the Pub/Sub service agent may publish to.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformCatalog, SubscriptionDecl, TopicDecl } from '../../contracts/catalog';
import { grantsOfKind, type Grant } from '../builders/iam';
import { PLATFORM_PRINCIPALS, resourceSuffix, serviceAccountMember } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';
import type { DeployedService } from './services';

export interface IngestionArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The grant plan; this component applies topic grants. */
  grants: Grant[];
  /** The deployed functions, by name: push endpoints. */
  services: Readonly<Record<string, DeployedService>>;
  /** The Pub/Sub service agent's IAM member (from the provider's service identity). */
  pubsubAgent: pulumi.Output<string>;
}

export class Ingestion extends pulumi.ComponentResource {
  readonly topics: Readonly<Record<string, gcp.pubsub.Topic>>;
  readonly subscriptions: Readonly<Record<string, gcp.pubsub.Subscription>>;

  private readonly prefix: string;
  private readonly args: IngestionArgs;

  constructor(name: string, args: IngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Ingestion', name, {}, opts);
    this.prefix = name;
    this.args = args;
    const pubsubAgent = args.pubsubAgent;

    this.topics = Object.fromEntries(args.catalog.topics.map((t) => [t.name, this.topic(t)]));
    this.grantTopics();
    this.subscriptions = Object.fromEntries(args.catalog.subscriptions.map((s) => [s.name, this.subscription(s, pubsubAgent)]));
    this.grantDeadLetterTopics(pubsubAgent);
    this.registerOutputs({ topics: Object.keys(this.topics), subscriptions: Object.keys(this.subscriptions) });
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

  private serviceOf(name: string): DeployedService {
    const service = this.args.services[name];
    if (!service) throw new Error(`function "${name}" is not declared`);
    return service;
  }
}
