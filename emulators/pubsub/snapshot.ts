// Optional persistence: with a data directory the emulator saves topics, subscriptions and every
// unacknowledged message when it stops, and loads them when it starts. Leases are not kept: a
// message that was out with a subscriber comes back as ready.
import fs from 'node:fs';
import path from 'node:path';
import { storeMessage, type StoredMessage } from './message';
import type { Subscription, Topic } from './proto-types';

const FILE = 'pubsub-state.json';
const VERSION = 1;

export interface SnapshotMessage {
  id: string;
  data: string;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTimeMs: number;
}

export interface Snapshot {
  version: number;
  lastMessageId: number;
  topics: Topic[];
  subscriptions: Array<{ resource: Subscription; messages: SnapshotMessage[] }>;
}

export function toSnapshotMessage(m: StoredMessage): SnapshotMessage {
  return { id: m.id, data: m.data.toString('base64'), attributes: { ...m.attributes }, orderingKey: m.orderingKey, publishTimeMs: m.publishTimeMs };
}

export function fromSnapshotMessage(m: SnapshotMessage): StoredMessage {
  return storeMessage(m.id, Buffer.from(m.data, 'base64'), m.attributes, m.orderingKey, m.publishTimeMs);
}

export function readSnapshot(dataDir: string): Snapshot | undefined {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) return undefined;
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  if (snapshot.version !== VERSION) throw new Error(`${file}: unsupported snapshot version ${snapshot.version}`);
  return snapshot;
}

/** Written to a temporary file and renamed, so a crash never leaves half a snapshot. */
export function writeSnapshot(dataDir: string, snapshot: Omit<Snapshot, 'version'>): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ version: VERSION, ...snapshot }));
  fs.renameSync(`${file}.tmp`, file);
}
