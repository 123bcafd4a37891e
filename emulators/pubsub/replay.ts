// Snapshots and Seek (https://cloud.google.com/pubsub/docs/replay-overview): what a snapshot keeps,
// when it expires, and which messages a seek leaves unacknowledged. Pure: the broker owns the state.
import { failedPrecondition, invalidArgument } from './errors';
import type { ResourceName } from './names';
import type { StoredMessage } from './message';
import { durationToMs, msToTimestamp, type Timestamp } from './proto-types';
import { byPublishOrder } from './subscription-queue';

/** A new snapshot lives at most 7 days, less the age of the oldest unacknowledged message. */
export const SNAPSHOT_MAX_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** Pub/Sub refuses a snapshot that would expire sooner than this after creation. */
export const SNAPSHOT_MIN_LIFETIME_MS = 3600 * 1000;

export interface SnapshotState {
  readonly ref: ResourceName;
  topic: string;
  expireTimeMs: number;
  labels: Record<string, string>;
  /** The source's backlog at creation plus every message published to the topic since, by id. */
  readonly messages: Map<string, StoredMessage>;
}

export interface SnapshotResource {
  name?: string;
  topic?: string;
  expireTime?: Timestamp | null;
  labels?: Record<string, string> | null;
}

export interface SeekOutcome {
  unacked: StoredMessage[];
  acked: StoredMessage[];
}

/** Expiry of a snapshot of a backlog whose oldest message was published at `oldestMs`. */
export function snapshotExpiry(oldestMs: number | undefined, now: number): number {
  const expire = Math.min(oldestMs ?? now, now) + SNAPSHOT_MAX_LIFETIME_MS;
  if (expire - now < SNAPSHOT_MIN_LIFETIME_MS) {
    throw failedPrecondition(
      'The subscription\'s backlog is too old: a snapshot of it would expire in less than 1 hour after creation.',
    );
  }
  return expire;
}

export function renderSnapshot(s: SnapshotState): SnapshotResource {
  return { name: s.ref.name, topic: s.topic, expireTime: msToTimestamp(s.expireTimeMs), labels: s.labels };
}

/** UpdateSnapshot: `labels` and `expire_time` (which must lie in the future). */
export function updateSnapshot(s: SnapshotState, patch: SnapshotResource, paths: string[], now: number): void {
  if (paths.length === 0) throw invalidArgument('The update_mask in the UpdateSnapshotRequest must be set.');
  const next = { labels: s.labels, expireTimeMs: s.expireTimeMs };
  for (const raw of paths) {
    const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (path === 'labels') next.labels = { ...(patch.labels ?? {}) };
    else if (path === 'expire_time') {
      const ms = durationToMs(patch.expireTime);
      if (!ms || ms <= now) throw invalidArgument('Invalid expire_time in the UpdateSnapshotRequest: it must be in the future.');
      next.expireTimeMs = ms;
    } else if (path === 'name' || path === 'topic') {
      throw invalidArgument(`Invalid update_mask provided in the UpdateSnapshotRequest: the ${path} field is immutable.`);
    } else throw invalidArgument(`Invalid update_mask provided in the UpdateSnapshotRequest: unknown field ${raw}.`);
  }
  s.labels = next.labels;
  s.expireTimeMs = next.expireTimeMs;
}

/** Every message a subscription still holds (or its topic retains), each once, in publish order. */
export function retainedMessages(...lists: Iterable<StoredMessage>[]): StoredMessage[] {
  const byId = new Map<string, StoredMessage>();
  for (const list of lists) for (const m of list) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()].sort(byPublishOrder);
}

/** Seek to a time: retained messages published at or after it are unacknowledged, older ones acknowledged. */
export function seekToTime(retained: StoredMessage[], timeMs: number): SeekOutcome {
  const unacked: StoredMessage[] = [];
  const acked: StoredMessage[] = [];
  for (const m of retained) (m.publishTimeMs >= timeMs ? unacked : acked).push(m);
  return { unacked, acked };
}

/**
 * Seek to a snapshot: the subscription's acknowledgment state becomes the snapshot's. Its messages
 * (those the subscription's filter admits) are unacknowledged; every other retained one acknowledged.
 */
export function seekToSnapshot(
  retained: StoredMessage[],
  snapshot: SnapshotState,
  admits: (m: StoredMessage) => boolean,
): SeekOutcome {
  const unacked = [...snapshot.messages.values()].filter(admits).sort(byPublishOrder);
  const acked = retained.filter((m) => !snapshot.messages.has(m.id));
  return { unacked, acked };
}
