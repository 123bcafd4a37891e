// Pub/Sub notifications (https://cloud.google.com/storage/docs/pubsub-notifications): the
// notificationConfigs resource of a bucket, and the publisher that turns store events into messages
// with GCS's attributes, through the official Pub/Sub client pointed at the Pub/Sub emulator.
import { PubSub, type Topic } from '@google-cloud/pubsub';
import { type Logger } from '../lib/logger';
import { GcsError, invalid, required } from './errors';
import { type Context, readJson, sendEmpty, sendJson } from './http';
import { type ObjectStore, type StoreEvent } from './object-store';
import { type NotificationRecord, type ObjectRecord } from './records';
import { notificationResource, objectResource } from './resources';

export const EVENT_TYPES = ['OBJECT_FINALIZE', 'OBJECT_METADATA_UPDATE', 'OBJECT_DELETE', 'OBJECT_ARCHIVE'] as const;
const EVENT_OF: Record<StoreEvent['kind'], (typeof EVENT_TYPES)[number]> = {
  finalize: 'OBJECT_FINALIZE',
  delete: 'OBJECT_DELETE',
  archive: 'OBJECT_ARCHIVE',
  metadataUpdate: 'OBJECT_METADATA_UPDATE',
};
const TOPIC = /^(?:\/\/pubsub\.googleapis\.com\/)?projects\/([^/]+)\/topics\/([^/]+)$/;

// ---- the notificationConfigs resource

export async function insertNotification(ctx: Context, store: ObjectStore, bucket: string): Promise<void> {
  const body = await readJson(ctx.req);
  const pick = (snake: string, camel: string): unknown => body[snake] ?? body[camel];
  const topic = body.topic;
  if (typeof topic !== 'string' || topic === '') throw required('topic');
  const m = TOPIC.exec(topic);
  if (!m) throw invalid(`Invalid topic name: ${topic}; expected //pubsub.googleapis.com/projects/P/topics/T`, 'topic');
  const payloadFormat = pick('payload_format', 'payloadFormat');
  if (payloadFormat !== 'JSON_API_V1' && payloadFormat !== 'NONE') throw invalid(`Invalid payload_format: ${String(payloadFormat)}`, 'payload_format');
  const eventTypes = pick('event_types', 'eventTypes');
  if (eventTypes !== undefined && (!Array.isArray(eventTypes) || eventTypes.some((t) => !(EVENT_TYPES as readonly unknown[]).includes(t)))) {
    throw invalid(`Invalid event_types: ${JSON.stringify(eventTypes)}`, 'event_types');
  }
  const prefix = pick('object_name_prefix', 'objectNamePrefix');
  if (prefix !== undefined && typeof prefix !== 'string') throw invalid('Invalid object_name_prefix', 'object_name_prefix');
  const custom = pick('custom_attributes', 'customAttributes');
  if (custom !== undefined && (typeof custom !== 'object' || custom === null || Object.values(custom).some((v) => typeof v !== 'string'))) {
    throw invalid('Invalid custom_attributes: expected string values', 'custom_attributes');
  }
  let created!: NotificationRecord;
  await store.updateBucket(
    bucket,
    {},
    (b) => {
      if (b.notifications.length >= 100) throw new GcsError(400, 'invalid', 'A bucket can have at most 100 notification configurations.');
      created = {
        id: String(b.nextNotificationId++),
        topic: `projects/${m[1]}/topics/${m[2]}`,
        payloadFormat,
        ...(eventTypes ? { eventTypes: eventTypes as string[] } : {}),
        ...(prefix ? { objectNamePrefix: prefix } : {}),
        ...(custom ? { customAttributes: custom as Record<string, string> } : {}),
        etag: String(b.nextNotificationId - 1),
      };
      b.notifications.push(created);
    },
    false,
  );
  sendJson(ctx, 200, notificationResource(bucket, created, ctx.base));
}

export function listNotifications(ctx: Context, store: ObjectStore, bucket: string): void {
  const items = store.getBucket(bucket).notifications.map((n) => notificationResource(bucket, n, ctx.base));
  sendJson(ctx, 200, { kind: 'storage#notifications', items: items.length ? items : undefined });
}

export function getNotification(ctx: Context, store: ObjectStore, bucket: string, id: string): void {
  const n = store.getBucket(bucket).notifications.find((x) => x.id === id);
  if (!n) throw notificationNotFound(bucket, id);
  sendJson(ctx, 200, notificationResource(bucket, n, ctx.base));
}

export async function deleteNotification(ctx: Context, store: ObjectStore, bucket: string, id: string): Promise<void> {
  await store.updateBucket(
    bucket,
    {},
    (b) => {
      const at = b.notifications.findIndex((x) => x.id === id);
      if (at < 0) throw notificationNotFound(bucket, id);
      b.notifications.splice(at, 1);
    },
    false,
  );
  sendEmpty(ctx, 204);
}

function notificationNotFound(bucket: string, id: string): GcsError {
  return new GcsError(404, 'notFound', `No such notification configuration: ${bucket}/notificationConfigs/${id}`);
}

// ---- publishing

export interface PubsubMessage {
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
}

/** The messages a store event produces, one per matching config. Pure. */
export function messagesFor(event: StoreEvent, configs: readonly NotificationRecord[], base: string, now = new Date()): PubsubMessage[] {
  const eventType = EVENT_OF[event.kind];
  const o: ObjectRecord = event.object;
  const out: PubsubMessage[] = [];
  for (const c of configs) {
    if (c.eventTypes && !c.eventTypes.includes(eventType)) continue;
    if (c.objectNamePrefix && !o.name.startsWith(c.objectNamePrefix)) continue;
    const attributes: Record<string, string> = {
      ...(c.customAttributes ?? {}),
      notificationConfig: `projects/_/buckets/${o.bucket}/notificationConfigs/${c.id}`,
      eventType,
      payloadFormat: c.payloadFormat,
      bucketId: o.bucket,
      objectId: o.name,
      objectGeneration: o.generation,
      eventTime: event.kind === 'finalize' ? o.timeCreated : now.toISOString(),
    };
    if (event.kind === 'finalize' && event.overwroteGeneration) attributes.overwroteGeneration = event.overwroteGeneration;
    if ((event.kind === 'delete' || event.kind === 'archive') && event.overwrittenByGeneration) attributes.overwrittenByGeneration = event.overwrittenByGeneration;
    const data = c.payloadFormat === 'JSON_API_V1' ? Buffer.from(JSON.stringify(objectResource(o, base))) : Buffer.alloc(0);
    out.push({ topic: c.topic, data, attributes });
  }
  return out;
}

export interface NotifierOptions {
  store: ObjectStore;
  log: Logger;
  /** host:port of the Pub/Sub emulator; without one, notifications are logged and dropped. */
  pubsubHost?: string;
  /** The emulator's own URL, for links in message payloads. */
  base: () => string;
}

export class Notifier {
  private readonly clients = new Map<string, PubSub>();
  private readonly topics = new Map<string, Topic>();
  private readonly pending = new Set<Promise<void>>();
  private warnedNoHost = false;

  constructor(private readonly opts: NotifierOptions) {}

  /** Called by the store after a change is durable; publishing happens in the background. */
  handle(event: StoreEvent): void {
    const configs = this.opts.store.getBucket(event.object.bucket).notifications;
    if (configs.length === 0) return;
    for (const message of messagesFor(event, configs, this.opts.base(), new Date(this.opts.store.clock()))) this.publish(message);
  }

  /** Waits for every publish started so far. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    await Promise.allSettled([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
    this.topics.clear();
  }

  private publish(message: PubsubMessage): void {
    const log = this.opts.log;
    const host = this.opts.pubsubHost;
    const ctx = { topic: message.topic, eventType: message.attributes.eventType, objectId: message.attributes.objectId };
    if (!host) {
      if (!this.warnedNoHost) log.warn(ctx, 'no Pub/Sub emulator configured (pubsubHost or PUBSUB_EMULATOR_HOST): notifications are dropped');
      this.warnedNoHost = true;
      return;
    }
    const p = this.topic(message.topic, host)
      .publishMessage({ data: message.data, attributes: message.attributes })
      .then((id) => log.debug({ ...ctx, messageId: id }, 'notification published'))
      .catch((err: unknown) => log.warn({ ...ctx, err: errorText(err) }, 'notification not published (does the topic exist?)'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private topic(name: string, host: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      const [, project, id] = /^projects\/([^/]+)\/topics\/(.+)$/.exec(name)!;
      let client = this.clients.get(project);
      if (!client) {
        client = new PubSub({ projectId: project, apiEndpoint: host });
        this.clients.set(project, client);
      }
      topic = client.topic(id);
      this.topics.set(name, topic);
    }
    return topic;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
