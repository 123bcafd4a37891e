// The emulator's state: topics, subscriptions, snapshots and the fan-out of published messages to
// them (filters, dead-letter forwarding, topic retention, Seek). Transport-free: server.ts maps gRPC
// calls onto it.
import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { Logger } from '../lib/logger';
import { DeliveryHub, PUBLISH_TO_DELIVERY_MS } from './delivery-hub';
import { alreadyExists, failedPrecondition, invalidArgument, notFound, unimplemented } from './errors';
import type { FilterPredicate } from './filter';
import { IamPolicies } from './iam';
import { storeMessage, type StoredMessage } from './message';
import { DELETED_TOPIC, parseName, type ResourceKind, type ResourceName } from './names';
import { durationToMs, msToDuration, type PubsubMessage, type Subscription, type Timestamp, type Topic } from './proto-types';
import { PushDispatcher } from './push-dispatcher';
import {
  backoffFor,
  compileSubscriptionFilter,
  renderSubscription,
  updateSubscription,
  validateSubscription,
  type SubscriptionConfig,
} from './subscription-config';
import {
  renderSnapshot,
  retainedMessages,
  seekToSnapshot,
  seekToTime,
  snapshotExpiry,
  updateSnapshot,
  type SeekOutcome,
  type SnapshotResource,
  type SnapshotState,
} from './replay';
import { DELETED_SCHEMA, SchemaRegistry, type SchemaSettings } from './schemas';
import { fromSavedMessage, toSavedMessage, type SavedState } from './state-file';
import { SubscriptionQueue } from './subscription-queue';

export const MAX_MESSAGES_PER_PUBLISH = 1000;
const MAX_PUBLISH_BYTES = 10 * 1000 * 1000;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_KEY_BYTES = 256;
const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
const MAX_ORDERING_KEY_BYTES = 1024;
const TICK_MS = 25;
/** Memory a topic's retained messages may use (topic message retention) before the oldest go early. */
const DEFAULT_TOPIC_RETENTION_BYTES = 64 * 1024 * 1024;

export interface TopicState {
  readonly ref: ResourceName;
  labels: Record<string, string>;
  retentionMs: number | null;
  readonly subscriptions: Set<SubscriptionState>;
  readonly snapshots: Set<SnapshotState>;
  /** With topic retention: every message published, oldest first, kept `retentionMs` for Seek. */
  log: StoredMessage[];
  logBytes: number;
  /** schema_settings: messages are checked against the schema on publish. */
  schema: Required<SchemaSettings> | null;
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
  /** Bytes of messages a topic with retention keeps in memory; the oldest go first beyond it. */
  topicRetentionBytes?: number;
}

export class Broker {
  private readonly topics = new Map<string, TopicState>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly snapshots = new Map<string, SnapshotState>();
  private readonly warnedRetention = new Set<string>();
  readonly schemas: SchemaRegistry;
  /** IAM policies of topics, subscriptions, snapshots and schemas (kept, not enforced). */
  readonly iam = new IamPolicies((kind, name) => this.exists(kind, name));
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly ticker: NodeJS.Timeout;
  private lastMessageId = 0;
  private subscriptionCounter = 0;

  constructor(private readonly options: BrokerOptions) {
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.schemas = new SchemaRegistry(this.now);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** Whether the named resource exists (for IAM calls on it). */
  private exists(kind: ResourceKind, name: string): boolean {
    if (kind === 'topics') return this.topics.has(name);
    if (kind === 'subscriptions') return this.subscriptions.has(name);
    if (kind === 'snapshots') return this.snapshots.has(name);
    try {
      this.schemas.get(name, 'BASIC');
      return true;
    } catch {
      return false;
    }
  }

  // --- topics ---

  createTopic(input: Topic): Topic {
    const ref = parseName('topics', input.name);
    if (input.ingestionDataSourceSettings) throw unimplemented('Import topics (ingestion_data_source_settings)');
    if (input.messageTransforms && input.messageTransforms.length > 0) throw unimplemented('Single message transforms');
    if (this.topics.has(ref.name)) throw alreadyExists(ref.id);
    const topic: TopicState = {
      ref,
      labels: { ...(input.labels ?? {}) },
      retentionMs: topicRetention(input),
      subscriptions: new Set(),
      snapshots: new Set(),
      log: [],
      logBytes: 0,
      schema: input.schemaSettings ? this.schemas.settings(input.schemaSettings as SchemaSettings) : null,
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
      else if (path === 'message_retention_duration') {
        topic.retentionMs = topicRetention(input);
        if (!topic.retentionMs) this.setTopicLog(topic, []);
        for (const sub of topic.subscriptions) this.applyConfig(sub, sub.config);
      } else if (path === 'schema_settings') {
        topic.schema = input.schemaSettings ? this.schemas.settings(input.schemaSettings as SchemaSettings) : null;
      } else if (path === 'ingestion_data_source_settings' || path === 'message_transforms') {
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

  listTopicSnapshots(name: string | undefined): string[] {
    const topic = this.topic(name);
    this.expireSnapshots();
    return [...topic.snapshots].map((s) => s.ref.name);
  }

  deleteTopic(name: string | undefined): void {
    const topic = this.topic(name);
    this.topics.delete(topic.ref.name);
    this.iam.forget(topic.ref.name);
    for (const sub of topic.subscriptions) sub.topic = DELETED_TOPIC;
    for (const snap of topic.snapshots) snap.topic = DELETED_TOPIC;
    this.log.debug({ topic: topic.ref.name }, 'topic deleted');
  }

  /** Validates the whole request first: a rejected request publishes nothing. */
  publish(name: string | undefined, messages: PubsubMessage[]): string[] {
    const topic = this.topic(name);
    validatePublish(messages);
    const schemaAttributes = topic.schema ? this.checkSchema(topic.schema, messages) : null;
    const publishTimeMs = this.now();
    const ids: string[] = new Array<string>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const id = String(++this.lastMessageId);
      ids[i] = id;
      const data = m.data ? (Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data)) : Buffer.alloc(0);
      const attributes = schemaAttributes ? { ...(m.attributes ?? {}), ...schemaAttributes[i] } : { ...(m.attributes ?? {}) };
      this.fanOut(topic, storeMessage(id, data, attributes, m.orderingKey ?? '', publishTimeMs));
    }
    return ids;
  }

  /** DeleteSchema: topics using it then show `_deleted-schema_` and refuse publishes. */
  deleteSchema(name: string | undefined): void {
    const schema = this.schemas.get(name, 'BASIC').name!;
    this.schemas.delete(schema);
    this.iam.forget(schema);
    for (const topic of this.topics.values()) if (topic.schema?.schema === schema) topic.schema = { ...topic.schema, schema: DELETED_SCHEMA };
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
    this.iam.forget(sub.ref.name);
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

  // --- snapshots and seek (https://cloud.google.com/pubsub/docs/replay-overview) ---

  /** Keeps the subscription's backlog now and every message its topic gets from now on. */
  createSnapshot(name: string | undefined, subscription: string | undefined, labels: Record<string, string> | null | undefined): SnapshotResource {
    const sub = this.subscription(subscription);
    const ref = name ? parseName('snapshots', name) : parseName('snapshots', `projects/${sub.ref.project}/snapshots/snapshot-${randomBytes(8).toString('hex')}`);
    this.expireSnapshots();
    if (this.snapshots.has(ref.name)) throw alreadyExists(ref.id);
    const topic = this.topics.get(sub.topic);
    if (!topic || sub.config.detached) {
      throw failedPrecondition(`The subscription has no topic to snapshot (subscription=${sub.ref.name}).`);
    }
    const now = this.now();
    const backlog = sub.queue.messages();
    const oldest = backlog.reduce<number | undefined>((min, m) => (min === undefined || m.publishTimeMs < min ? m.publishTimeMs : min), undefined);
    const snapshot: SnapshotState = {
      ref,
      topic: topic.ref.name,
      expireTimeMs: snapshotExpiry(oldest, now),
      labels: { ...(labels ?? {}) },
      messages: new Map(backlog.map((m) => [m.id, m])),
    };
    this.snapshots.set(ref.name, snapshot);
    topic.snapshots.add(snapshot);
    this.log.debug({ snapshot: ref.name, subscription: sub.ref.name, messages: backlog.length }, 'snapshot created');
    return renderSnapshot(snapshot);
  }

  getSnapshot(name: string | undefined): SnapshotResource {
    return renderSnapshot(this.snapshot(name));
  }

  listSnapshots(project: string): SnapshotResource[] {
    this.expireSnapshots();
    return [...this.snapshots.values()].filter((s) => s.ref.project === project).map(renderSnapshot);
  }

  updateSnapshot(input: SnapshotResource, paths: string[]): SnapshotResource {
    const snapshot = this.snapshot(input.name);
    updateSnapshot(snapshot, input, paths, this.now());
    return renderSnapshot(snapshot);
  }

  deleteSnapshot(name: string | undefined): void {
    this.removeSnapshot(this.snapshot(name));
  }

  /**
   * Seek: to a time (retained messages published from then on are unacknowledged, older ones
   * acknowledged) or to a snapshot (its acknowledgment state). Outstanding leases end and the
   * unacknowledged messages are delivered again to pull, streaming and push subscribers.
   */
  seek(subscription: string | undefined, target: { time?: Timestamp | null; snapshot?: string }): void {
    const sub = this.subscriptionForDelivery(subscription);
    const topic = this.topics.get(sub.topic);
    const retained = retainedMessages(
      sub.queue.messages(),
      sub.queue.acked(),
      topic ? this.topicLog(topic).filter((m) => this.admits(sub, m)) : [],
    );
    let outcome: SeekOutcome;
    if (target.snapshot) {
      const snapshot = this.snapshot(target.snapshot);
      if (snapshot.topic !== sub.topic || sub.topic === DELETED_TOPIC) {
        throw invalidArgument(`The snapshot's topic (${snapshot.topic}) is not the subscription's topic (${sub.topic}).`);
      }
      outcome = seekToSnapshot(retained, snapshot, (m) => this.admits(sub, m));
    } else if (target.time) {
      outcome = seekToTime(retained, durationToMs(target.time) ?? 0);
    } else {
      throw invalidArgument('The SeekRequest must set either time or snapshot.');
    }
    sub.queue.reset(outcome.unacked, outcome.acked);
    sub.hub.schedule();
    this.log.debug({ subscription: sub.ref.name, unacked: outcome.unacked.length, acked: outcome.acked.length }, 'seek');
  }

  /** Topics, subscriptions, their messages and snapshots, for the state file. */
  exportState(): Omit<SavedState, 'version'> {
    this.expireSnapshots();
    return {
      lastMessageId: this.lastMessageId,
      schemas: this.schemas.export(),
      // Topic-retained messages are not saved: with a week's retention they would make every
      // restart of local mode write and read the whole week's traffic.
      topics: [...this.topics.values()].map(renderTopic),
      subscriptions: [...this.subscriptions.values()]
        .filter((s) => s.topic !== DELETED_TOPIC && !s.config.detached)
        .map((s) => ({
          resource: this.render(s),
          messages: s.queue.messages().map(toSavedMessage),
          acked: s.queue.acked().map(toSavedMessage),
        })),
      snapshots: [...this.snapshots.values()]
        .filter((s) => s.topic !== DELETED_TOPIC)
        .map((s) => ({
          name: s.ref.name,
          topic: s.topic,
          expireTimeMs: s.expireTimeMs,
          labels: s.labels,
          messages: [...s.messages.values()].map(toSavedMessage),
        })),
    };
  }

  /** Restores a saved state into an empty broker. */
  importState(state: SavedState): void {
    this.schemas.import(state.schemas ?? []);
    for (const topic of state.topics) {
      const settings = topic.schemaSettings as SchemaSettings | null | undefined;
      const deleted = settings?.schema === DELETED_SCHEMA;
      this.createTopic(deleted ? { ...topic, schemaSettings: null } : topic);
      if (deleted) this.topics.get(topic.name!)!.schema = settings as Required<SchemaSettings>;
    }
    for (const { resource, messages, acked } of state.subscriptions) {
      this.createSubscription(resource);
      const sub = this.subscription(resource.name);
      for (const m of messages) sub.queue.enqueue(fromSavedMessage(m));
      sub.queue.restoreAcked((acked ?? []).map(fromSavedMessage));
    }
    for (const saved of state.snapshots ?? []) {
      const topic = this.topics.get(saved.topic);
      if (!topic) continue;
      const snapshot: SnapshotState = {
        ref: parseName('snapshots', saved.name),
        topic: saved.topic,
        expireTimeMs: saved.expireTimeMs,
        labels: saved.labels,
        messages: new Map(saved.messages.map((m) => [m.id, fromSavedMessage(m)])),
      };
      this.snapshots.set(snapshot.ref.name, snapshot);
      topic.snapshots.add(snapshot);
    }
    this.lastMessageId = Math.max(this.lastMessageId, state.lastMessageId);
    this.expireSnapshots();
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

  /** Every message must match the topic's schema, else the whole request is refused. */
  private checkSchema(settings: Required<SchemaSettings>, messages: PubsubMessage[]): Array<Record<string, string>> {
    return messages.map((m) => this.schemas.checkPublish(settings, m.data ? Buffer.from(m.data) : Buffer.alloc(0)));
  }

  private snapshot(name: string | undefined): SnapshotState {
    const ref = parseName('snapshots', name);
    this.expireSnapshots();
    const snapshot = this.snapshots.get(ref.name);
    if (!snapshot) throw notFound(ref.id);
    return snapshot;
  }

  private removeSnapshot(snapshot: SnapshotState): void {
    this.snapshots.delete(snapshot.ref.name);
    this.iam.forget(snapshot.ref.name);
    this.topics.get(snapshot.topic)?.snapshots.delete(snapshot);
  }

  private expireSnapshots(): void {
    const now = this.now();
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.expireTimeMs <= now) {
        this.removeSnapshot(snapshot);
        this.log.debug({ snapshot: snapshot.ref.name }, 'snapshot expired');
      }
    }
  }

  /** The topic's retained messages (topic message retention), expired ones dropped. */
  private topicLog(topic: TopicState): StoredMessage[] {
    this.pruneTopicLog(topic, this.now());
    return topic.log;
  }

  private pruneTopicLog(topic: TopicState, now: number): void {
    if (!topic.retentionMs) return;
    const oldest = now - topic.retentionMs;
    const budget = this.options.topicRetentionBytes ?? DEFAULT_TOPIC_RETENTION_BYTES;
    let drop = 0;
    while (drop < topic.log.length && (topic.log[drop]!.publishTimeMs < oldest || topic.logBytes > budget)) {
      topic.logBytes -= topic.log[drop]!.size;
      drop++;
    }
    if (drop === 0) return;
    if (topic.logBytes > 0 && topic.log[drop - 1]!.publishTimeMs >= oldest && !this.warnedRetention.has(topic.ref.name)) {
      this.warnedRetention.add(topic.ref.name);
      this.log.warn({ topic: topic.ref.name, budget }, 'topic retention over its memory budget: oldest messages dropped early');
    }
    topic.log.splice(0, drop);
  }

  private setTopicLog(topic: TopicState, log: StoredMessage[]): void {
    topic.log = log;
    topic.logBytes = log.reduce((n, m) => n + m.size, 0);
  }

  private admits(sub: SubscriptionState, msg: StoredMessage): boolean {
    return !sub.config.filter || sub.filter(msg.attributes);
  }

  private newSubscription(ref: ResourceName, topic: string, config: SubscriptionConfig): SubscriptionState {
    const queue = new SubscriptionQueue({
      ordered: config.ordered,
      backoffMs: backoffFor(config),
      retentionMs: config.retentionMs,
      now: this.now,
      ackIdPrefix: `${++this.subscriptionCounter}`,
      deliveryDelayMs: PUBLISH_TO_DELIVERY_MS,
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
      retentionMs: this.effectiveRetention(sub.topic, config),
      retainAcked: config.retainAckedMessages,
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

  /**
   * Messages of a topic with retention stay available to its subscriptions at least that long
   * (Subscription.topic_message_retention_duration), whatever the subscription's own retention.
   */
  private effectiveRetention(topicName: string, config: SubscriptionConfig): number {
    return Math.max(config.retentionMs, this.topics.get(topicName)?.retentionMs ?? 0);
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
    if (topic.retentionMs) {
      topic.log.push(msg);
      topic.logBytes += msg.size;
      this.pruneTopicLog(topic, msg.publishTimeMs);
    }
    for (const snapshot of topic.snapshots) snapshot.messages.set(msg.id, msg);
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
    if (this.snapshots.size > 0) this.expireSnapshots();
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
    schemaSettings: t.schema,
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
