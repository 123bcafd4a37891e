// Optional persistence (the `dataDir` state file, not Pub/Sub snapshots): with a data directory
// the emulator saves topics, subscriptions, every unacknowledged message, retained acknowledged
// messages, Pub/Sub snapshots and schemas when it stops, and loads them when it starts.
// Leases are not kept: a message that was out with a subscriber comes back as ready.
import fs from 'node:fs';
import path from 'node:path';
import { storeMessage, type StoredMessage } from './message';
import type { Subscription, Topic } from './proto-types';
import type { SavedSchema } from './schemas';

const FILE = 'pubsub-state.json';
const VERSION = 1;

export interface SavedMessage {
  id: string;
  data: string;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTimeMs: number;
}

export interface SavedSnapshot {
  name: string;
  topic: string;
  expireTimeMs: number;
  labels: Record<string, string>;
  messages: SavedMessage[];
}

/** Version 1; the fields marked optional were added later and default to empty. */
export interface SavedState {
  version: number;
  lastMessageId: number;
  topics: Topic[];
  subscriptions: Array<{ resource: Subscription; messages: SavedMessage[]; acked?: SavedMessage[] }>;
  snapshots?: SavedSnapshot[];
  schemas?: SavedSchema[];
}

export function toSavedMessage(m: StoredMessage): SavedMessage {
  return { id: m.id, data: m.data.toString('base64'), attributes: { ...m.attributes }, orderingKey: m.orderingKey, publishTimeMs: m.publishTimeMs };
}

export function fromSavedMessage(m: SavedMessage): StoredMessage {
  return storeMessage(m.id, Buffer.from(m.data, 'base64'), m.attributes, m.orderingKey, m.publishTimeMs);
}

export function readState(dataDir: string): SavedState | undefined {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) return undefined;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
  if (state.version !== VERSION) throw new Error(`${file}: unsupported state file version ${state.version}`);
  return state;
}

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
export function writeState(dataDir: string, state: Omit<SavedState, 'version'>): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ version: VERSION, ...state }));
  fs.renameSync(`${file}.tmp`, file);
}
