// Renders the platform catalog into the emulators (or any endpoint the official clients are
// pointed at): topics, subscriptions with push endpoints, buckets, notification configs, datasets,
// tables. Idempotent: what exists is left alone, and the report says what changed.
import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { bucketName, topicPath, type PlatformCatalog, type PushTarget, type SubscriptionDecl, type TableDecl } from '../../contracts/catalog';

export interface BootstrapClients {
  pubsub: PubSub;
  storage: Storage;
  bigquery: BigQuery;
}

export interface BootstrapOptions {
  project: string;
  location: string;
  catalog: PlatformCatalog;
  /** Base URL under which each function is served at `/<function name>`; push subscriptions need it. */
  functionsUrl?: string;
}

export type ChangeAction = 'created' | 'updated' | 'unchanged';

export interface Change {
  kind: 'topic' | 'subscription' | 'bucket' | 'notification' | 'dataset' | 'table';
  name: string;
  action: ChangeAction;
  detail?: string;
}

/** `http://host:port/ingest/` for target {function: ingest, path: '/'}. */
export function pushEndpoint(functionsUrl: string, target: PushTarget): string {
  return `${functionsUrl.replace(/\/+$/, '')}/${target.function}${target.path.startsWith('/') ? target.path : `/${target.path}`}`;
}

export async function bootstrap(clients: BootstrapClients, o: BootstrapOptions): Promise<Change[]> {
  const changes: Change[] = [];
  for (const t of o.catalog.topics) {
    const topic = clients.pubsub.topic(t.name);
    const [exists] = await topic.exists();
    if (!exists) await clients.pubsub.createTopic({ name: t.name, messageRetentionDuration: { seconds: t.messageRetentionSeconds } });
    changes.push({ kind: 'topic', name: t.name, action: exists ? 'unchanged' : 'created' });
  }
  for (const s of o.catalog.subscriptions) changes.push(await ensureSubscription(clients.pubsub, o, s));
  for (const b of o.catalog.buckets) {
    const name = bucketName(o.project, b.name);
    const bucket = clients.storage.bucket(name);
    const [exists] = await bucket.exists();
    if (!exists) {
      await clients.storage.createBucket(name, { storageClass: b.storageClass, versioning: { enabled: b.versioning } });
    }
    changes.push({ kind: 'bucket', name, action: exists ? 'unchanged' : 'created' });
    const [current] = await bucket.getNotifications();
    for (const n of b.notifications) {
      const topic = topicPath(o.project, n.topic);
      const label = `${name} → ${n.topic}${n.objectNamePrefix ? ` (${n.objectNamePrefix})` : ''}`;
      const found = current.some((c) => String(c.metadata.topic ?? '').endsWith(topic) && (c.metadata.object_name_prefix ?? undefined) === n.objectNamePrefix);
      if (!found) await bucket.createNotification(topic, { eventTypes: n.eventTypes, objectNamePrefix: n.objectNamePrefix, payloadFormat: n.payloadFormat });
      changes.push({ kind: 'notification', name: label, action: found ? 'unchanged' : 'created' });
    }
  }
  for (const d of o.catalog.datasets) {
    const dataset = clients.bigquery.dataset(d.id);
    const [exists] = await dataset.exists();
    if (!exists) await clients.bigquery.createDataset(d.id, { location: o.location, description: d.description });
    changes.push({ kind: 'dataset', name: d.id, action: exists ? 'unchanged' : 'created' });
  }
  for (const t of o.catalog.tables) {
    const table = clients.bigquery.dataset(t.dataset).table(t.name);
    const [exists] = await table.exists();
    if (!exists) await table.create(tableMetadata(t));
    changes.push({ kind: 'table', name: `${t.dataset}.${t.name}`, action: exists ? 'unchanged' : 'created' });
  }
  return changes;
}

async function ensureSubscription(pubsub: PubSub, o: BootstrapOptions, s: SubscriptionDecl): Promise<Change> {
  const endpoint = s.push && o.functionsUrl ? pushEndpoint(o.functionsUrl, s.push) : undefined;
  const sub = pubsub.subscription(s.name);
  const [exists] = await sub.exists();
  if (exists) {
    const [meta] = await sub.getMetadata();
    const current = meta.pushConfig?.pushEndpoint || undefined;
    if (current === endpoint) return { kind: 'subscription', name: s.name, action: 'unchanged' };
    await sub.modifyPushConfig(endpoint ? { pushEndpoint: endpoint } : {});
    return { kind: 'subscription', name: s.name, action: 'updated', detail: endpoint ? `push → ${endpoint}` : 'pull' };
  }
  await pubsub.topic(s.topic).createSubscription(s.name, {
    ackDeadlineSeconds: s.ackDeadlineSeconds,
    messageRetentionDuration: { seconds: s.messageRetentionSeconds },
    retryPolicy: { minimumBackoff: { seconds: s.retryPolicy.minimumBackoffSeconds }, maximumBackoff: { seconds: s.retryPolicy.maximumBackoffSeconds } },
    enableMessageOrdering: s.enableMessageOrdering,
    ...(s.filter ? { filter: s.filter } : {}),
    ...(s.deadLetter ? { deadLetterPolicy: { deadLetterTopic: topicPath(o.project, s.deadLetter.topic), maxDeliveryAttempts: s.deadLetter.maxDeliveryAttempts } } : {}),
    ...(endpoint ? { pushConfig: { pushEndpoint: endpoint } } : {}),
  });
  const detail = endpoint ? `push → ${endpoint}` : s.push ? 'pull (no functions URL given; rerun with one to make it push)' : 'pull';
  return { kind: 'subscription', name: s.name, action: 'created', detail };
}

function tableMetadata(t: TableDecl): Record<string, unknown> {
  const p = t.partitioning;
  return {
    description: t.description,
    schema: { fields: t.schema },
    ...(p
      ? {
          timePartitioning: {
            type: p.type,
            field: p.field,
            requirePartitionFilter: p.requirePartitionFilter,
            ...(p.expirationDays ? { expirationMs: String(p.expirationDays * 86_400_000) } : {}),
          },
        }
      : {}),
    ...(t.clustering.length ? { clustering: { fields: t.clustering } } : {}),
  };
}

/** One line per change, then a summary; "nothing to do" on a second run. */
export function formatChanges(changes: readonly Change[]): string {
  const changed = changes.filter((c) => c.action !== 'unchanged');
  const lines = changed.map((c) => `${c.action} ${c.kind} ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
  lines.push(changed.length === 0 ? `nothing to do: all ${changes.length} resources already exist` : `${changed.length} changed, ${changes.length - changed.length} unchanged`);
  return `${lines.join('\n')}\n`;
}
