// The emulator's state: topics, subscriptions and the fan-out of published messages to them
// (filters, dead-letter forwarding). Transport-free: server.ts maps gRPC calls onto it.
import { status } from '@grpc/grpc-js';
import type { Logger } from '../lib/logger';
import { DeliveryHub } from './delivery-hub';
import { alreadyExists, failedPrecondition, invalidArgument, notFound, unimplemented } from './errors';
import type { FilterPredicate } from './filter';
import { storeMessage, type StoredMessage } from './message';
import { DELETED_TOPIC, parseName, type ResourceName } from './names';
import { durationToMs, msToDuration, type PubsubMessage, type Subscription, type Topic } from './proto-types';
import { PushDispatcher } from './push-dispatcher';
import {
  backoffFor,
  compileSubscriptionFilter,
  renderSubscription,
  updateSubscription,
  validateSubscription,
  type SubscriptionConfig,
} from './subscription-config';
import { SubscriptionQueue } from './subscription-queue';
import { fromSnapshotMessage, toSnapshotMessage, type Snapshot } from './snapshot';

export const MAX_MESSAGES_PER_PUBLISH = 1000;
const MAX_PUBLISH_BYTES = 10 * 1000 * 1000;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_KEY_BYTES = 256;
const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
const MAX_ORDERING_KEY_BYTES = 1024;
const TICK_MS = 25;

export interface TopicState {
  readonly ref: ResourceName;
  labels: Record<string, string>;
  retentionMs: number | null;
  readonly subscriptions: Set<SubscriptionState>;
}

export interface SubscriptionState {
  readonly ref: ResourceName;
  topic: string;
  config: SubscriptionConfig;
  readonly filter: FilterPredicate;
  readonly queue: SubscriptionQueue;
  readonly hub: DeliveryHub;
  push: PushDispatcher | null;
  deleted: boolean;
}

export interface BrokerOptions {
  log: Logger;
  /** Concurrent push requests per subscription. */
  pushConcurrency?: number;
  now?: () => number;
}

export class Broker {
  private readonly topics = new Map<string, TopicState>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly ticker: NodeJS.Timeout;
  private lastMessageId = 0;
  private subscriptionCounter = 0;

  constructor(private readonly options: BrokerOptions) {
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  // --- topics ---

  createTopic(input: Topic): Topic {
    const ref = parseName('topics', input.name);
    if (input.schemaSettings) throw unimplemented('Topic schemas (schema_settings)');
    if (input.ingestionDataSourceSettings) throw unimplemented('Import topics (ingestion_data_source_settings)');
    if (input.messageTransforms && input.messageTransforms.length > 0) throw unimplemented('Single message transforms');
    if (this.topics.has(ref.name)) throw alreadyExists(ref.id);
    const topic: TopicState = {
      ref,
      labels: { ...(input.labels ?? {}) },
      retentionMs: topicRetention(input),
      subscriptions: new Set(),
    };
    this.topics.set(ref.name, topic);
    this.log.debug({ topic: ref.name }, 'topic created');
    return renderTopic(topic);
  }

  getTopic(name: string | undefined): Topic {
    return renderTopic(this.topic(name));
  }

  updateTopic(input: Topic, paths: string[]): Topic {
    const topic = this.topic(input.name);
    if (paths.length === 0) throw invalidArgument('The update_mask in the UpdateTopicRequest must be set.');
    for (const raw of paths) {
      const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (path === 'labels') topic.labels = { ...(input.labels ?? {}) };
      else if (path === 'message_retention_duration') topic.retentionMs = topicRetention(input);
      else if (path === 'schema_settings' || path === 'ingestion_data_source_settings' || path === 'message_transforms') {
        throw unimplemented(`Updating ${path}`);
      } else throw invalidArgument(`Invalid update_mask provided in the UpdateTopicRequest: unknown field ${raw}.`);
    }
    return renderTopic(topic);
  }

  listTopics(project: string): Topic[] {
    return [...this.topics.values()].filter((t) => t.ref.project === project).map(renderTopic);
  }

  listTopicSubscriptions(name: string | undefined): string[] {
    return [...this.topic(name).subscriptions].map((s) => s.ref.name);
  }

  deleteTopic(name: string | undefined): void {
    const topic = this.topic(name);
    this.topics.delete(topic.ref.name);
    for (const sub of topic.subscriptions) sub.topic = DELETED_TOPIC;
    this.log.debug({ topic: topic.ref.name }, 'topic deleted');
  }

  /** Validates the whole request first: a rejected request publishes nothing. */
  publish(name: string | undefined, messages: PubsubMessage[]): string[] {
    const topic = this.topic(name);
    validatePublish(messages);
    const publishTimeMs = this.now();
    const ids: string[] = new Array<string>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const id = String(++this.lastMessageId);
      ids[i] = id;
      const data = m.data ? (Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data)) : Buffer.alloc(0);
      this.fanOut(topic, storeMessage(id, data, { ...(m.attributes ?? {}) }, m.orderingKey ?? '', publishTimeMs));
    }
    return ids;
  }

  // --- subscriptions ---

  createSubscription(input: Subscription): Subscription {
    const ref = parseName('subscriptions', input.name);
    const topicRef = parseName('topics', input.topic);
    const config = validateSubscription(input);
    const topic = this.topics.get(topicRef.name);
    if (!topic) throw notFound(topicRef.id);
    if (config.deadLetter && !this.topics.has(config.deadLetter.topic)) {
      throw notFound(parseName('topics', config.deadLetter.topic).id);
    }
    if (this.subscriptions.has(ref.name)) throw alreadyExists(ref.id);
    const sub = this.newSubscription(ref, topic.ref.name, config);
    topic.subscriptions.add(sub);
    this.subscriptions.set(ref.name, sub);
    this.log.debug({ subscription: ref.name, topic: topic.ref.name }, 'subscription created');
    return this.render(sub);
  }

  getSubscription(name: string | undefined): Subscription {
    return this.render(this.subscription(name));
  }

  updateSubscription(input: Subscription, paths: string[]): Subscription {
    const sub = this.subscription(input.name);
    const next = updateSubscription(sub.config, input, paths);
    if (next.deadLetter && !this.topics.has(next.deadLetter.topic)) {
      throw notFound(parseName('topics', next.deadLetter.topic).id);
    }
    this.applyConfig(sub, next);
    return this.render(sub);
  }

  modifyPushConfig(name: string | undefined, pushConfig: Subscription['pushConfig']): void {
    const sub = this.subscription(name);
    this.applyConfig(sub, updateSubscription(sub.config, { pushConfig }, ['push_config']));
  }

  listSubscriptions(project: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.ref.project === project).map((s) => this.render(s));
  }

  deleteSubscription(name: string | undefined): void {
    const sub = this.subscription(name);
    this.removeSubscription(sub, status.NOT_FOUND, notFound(sub.ref.id).message);
    this.log.debug({ subscription: sub.ref.name }, 'subscription deleted');
  }

  detachSubscription(name: string | undefined): void {
    const sub = this.subscription(name);
    sub.config = { ...sub.config, detached: true };
    this.topics.get(sub.topic)?.subscriptions.delete(sub);
    sub.push?.close();
    sub.push = null;
    sub.hub.closeAll(status.FAILED_PRECONDITION, 'The subscription has been detached from its topic.');
    sub.queue.clear();
  }

  /** The subscription for delivery RPCs; detached ones refuse them like Pub/Sub does. */
  subscriptionForDelivery(name: string | undefined): SubscriptionState {
    const sub = this.subscription(name);
    if (sub.config.detached) throw failedPrecondition(`The subscription is detached (subscription=${sub.ref.name}).`);
    return sub;
  }

  subscription(name: string | undefined): SubscriptionState {
    const ref = parseName('subscriptions', name);
    const sub = this.subscriptions.get(ref.name);
    if (!sub) throw notFound(ref.id);
    return sub;
  }

  /** Topics, subscriptions and their unacknowledged messages, for a snapshot. */
  exportState(): Omit<Snapshot, 'version'> {
    return {
      lastMessageId: this.lastMessageId,
      topics: [...this.topics.values()].map(renderTopic),
      subscriptions: [...this.subscriptions.values()]
        .filter((s) => s.topic !== DELETED_TOPIC && !s.config.detached)
        .map((s) => ({ resource: this.render(s), messages: s.queue.messages().map(toSnapshotMessage) })),
    };
  }

  /** Restores a snapshot into an empty broker. */
  importState(snapshot: Snapshot): void {
    for (const topic of snapshot.topics) this.createTopic(topic);
    for (const { resource, messages } of snapshot.subscriptions) {
      this.createSubscription(resource);
      const sub = this.subscription(resource.name);
      for (const m of messages) sub.queue.enqueue(fromSnapshotMessage(m));
    }
    this.lastMessageId = Math.max(this.lastMessageId, snapshot.lastMessageId);
  }

  /** Stops timers, push deliveries and every stream (UNAVAILABLE, so clients reconnect). */
  close(): void {
    clearInterval(this.ticker);
    for (const sub of this.subscriptions.values()) {
      sub.push?.close();
      sub.hub.closeAll(status.UNAVAILABLE, 'The Pub/Sub emulator is shutting down.');
    }
  }

  // --- internals ---

  private topic(name: string | undefined): TopicState {
    const ref = parseName('topics', name);
    const topic = this.topics.get(ref.name);
    if (!topic) throw notFound(ref.id);
    return topic;
  }

  private newSubscription(ref: ResourceName, topic: string, config: SubscriptionConfig): SubscriptionState {
    const queue = new SubscriptionQueue({
      ordered: config.ordered,
      backoffMs: backoffFor(config),
      retentionMs: config.retentionMs,
      now: this.now,
      ackIdPrefix: `${++this.subscriptionCounter}`,
    });
    const sub: SubscriptionState = {
      ref,
      topic,
      config,
      filter: compileSubscriptionFilter(config.filter),
      queue,
      hub: new DeliveryHub(queue, this.log),
      push: null,
      deleted: false,
    };
    this.applyConfig(sub, config);
    return sub;
  }

  private applyConfig(sub: SubscriptionState, config: SubscriptionConfig): void {
    sub.config = config;
    sub.queue.configure({
      backoffMs: backoffFor(config),
      retentionMs: config.retentionMs,
      maxDeliveryAttempts: config.deadLetter?.maxDeliveryAttempts,
      deadLetter: config.deadLetter ? (msg, attempts) => this.deadLetter(sub, msg, attempts) : undefined,
    });
    if (config.push && !sub.push) {
      sub.push = new PushDispatcher({
        subscription: sub,
        log: this.log,
        concurrency: this.options.pushConcurrency ?? 16,
      });
      sub.hub.add(sub.push);
    } else if (!config.push && sub.push) {
      sub.hub.remove(sub.push);
      sub.push.close();
      sub.push = null;
    }
    sub.hub.schedule();
  }

  private removeSubscription(sub: SubscriptionState, code: status, details: string): void {
    sub.deleted = true;
    this.subscriptions.delete(sub.ref.name);
    this.topics.get(sub.topic)?.subscriptions.delete(sub);
    sub.push?.close();
    sub.push = null;
    sub.hub.closeAll(code, details);
    sub.queue.clear();
  }

  private fanOut(topic: TopicState, msg: StoredMessage): void {
    for (const sub of topic.subscriptions) {
      // Messages that do not match the filter are acknowledged on arrival: never delivered.
      if (sub.config.filter && !sub.filter(msg.attributes)) continue;
      sub.queue.enqueue(msg);
    }
  }

  /** Forwards like Pub/Sub: data and attributes kept, source details added as attributes. */
  private deadLetter(sub: SubscriptionState, msg: StoredMessage, attempts: number): boolean {
    const target = sub.config.deadLetter && this.topics.get(sub.config.deadLetter.topic);
    if (!target) {
      this.log.warn({ subscription: sub.ref.name, messageId: msg.id }, 'dead-letter topic missing; message stays');
      return false;
    }
    const attributes = {
      ...msg.attributes,
      CloudPubSubDeadLetterSourceDeliveryCount: String(attempts),
      CloudPubSubDeadLetterSourceSubscription: sub.ref.id,
      CloudPubSubDeadLetterSourceSubscriptionProject: sub.ref.project,
      CloudPubSubDeadLetterSourceTopicPublishTime: new Date(msg.publishTimeMs).toISOString(),
    };
    const id = String(++this.lastMessageId);
    this.fanOut(target, storeMessage(id, msg.data, attributes, msg.orderingKey, this.now()));
    this.log.debug({ subscription: sub.ref.name, messageId: msg.id, deadLetterId: id, attempts }, 'message dead-lettered');
    return true;
  }

  private tick(): void {
    const now = this.now();
    for (const sub of this.subscriptions.values()) {
      if (!sub.queue.hasTimers) continue;
      try {
        sub.queue.tick(now);
      } catch (err) {
        this.log.error({ err, subscription: sub.ref.name }, 'timer tick failed');
      }
    }
  }

  private render(sub: SubscriptionState): Subscription {
    const r = renderSubscription(sub.ref.name, sub.topic, sub.config);
    const topic = this.topics.get(sub.topic);
    if (topic?.retentionMs) r.topicMessageRetentionDuration = msToDuration(topic.retentionMs);
    return r;
  }
}

function renderTopic(t: TopicState): Topic {
  return {
    name: t.ref.name,
    labels: t.labels,
    messageRetentionDuration: t.retentionMs ? msToDuration(t.retentionMs) : null,
    state: 'ACTIVE',
  };
}

function topicRetention(input: Topic): number | null {
  const ms = durationToMs(input.messageRetentionDuration);
  if (!ms) return null;
  if (ms < 10 * 60 * 1000 || ms > 31 * 24 * 3600 * 1000) {
    throw invalidArgument(`Invalid message_retention_duration: ${ms / 1000}s. It must be between 10 minutes and 31 days.`);
  }
  return ms;
}

function validatePublish(messages: PubsubMessage[]): void {
  if (messages.length === 0) throw invalidArgument('The request contains no messages.');
  if (messages.length > MAX_MESSAGES_PER_PUBLISH) {
    throw invalidArgument(
      `The value for message_count is too large. You passed ${messages.length} in the request, but the maximum value is ${MAX_MESSAGES_PER_PUBLISH}.`,
    );
  }
  let total = 0;
  for (const m of messages) {
    const dataLength = m.data?.length ?? 0;
    const attributes = m.attributes ?? {};
    const keys = Object.keys(attributes);
    if (dataLength === 0 && keys.length === 0) {
      throw invalidArgument(
        'Some messages in the publish request are empty. Each message must contain a non-empty data field, or at least one attribute.',
      );
    }
    if (keys.length > MAX_ATTRIBUTES) {
      throw invalidArgument(`A message has ${keys.length} attributes; the maximum is ${MAX_ATTRIBUTES}.`);
    }
    total += dataLength;
    for (const k of keys) {
      const v = attributes[k]!;
      if (Buffer.byteLength(k) > MAX_ATTRIBUTE_KEY_BYTES) throw invalidArgument(`Attribute key is too long: ${k.slice(0, 64)}…`);
      if (Buffer.byteLength(v) > MAX_ATTRIBUTE_VALUE_BYTES) throw invalidArgument(`The value of attribute ${k} is too long.`);
      if (k.startsWith('goog')) throw invalidArgument(`Attribute keys must not start with "goog" (key=${k}).`);
      total += Buffer.byteLength(k) + Buffer.byteLength(v);
    }
    if (m.orderingKey && Buffer.byteLength(m.orderingKey) > MAX_ORDERING_KEY_BYTES) {
      throw invalidArgument(`The ordering key is longer than ${MAX_ORDERING_KEY_BYTES} bytes.`);
    }
  }
  if (total > MAX_PUBLISH_BYTES) {
    throw invalidArgument(
      `The value for request_size is too large. You passed ${total} in the request, but the maximum value is ${MAX_PUBLISH_BYTES}.`,
    );
  }
}
