// A published message as the emulator stores it: one immutable object shared by every subscription
// of its topic, with the wire form built once.
import { msToTimestamp, type PubsubMessage, type Timestamp } from './proto-types';

export interface StoredMessage {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string;
  readonly publishTimeMs: number;
  /** Bytes counted against flow control: data plus attribute keys and values plus ordering key. */
  readonly size: number;
  /** The PubsubMessage handed to subscribers (shared, never mutated). */
  readonly wire: Required<Omit<PubsubMessage, 'publishTime'>> & { publishTime: Timestamp };
}

export function storeMessage(
  id: string,
  data: Buffer,
  attributes: Record<string, string>,
  orderingKey: string,
  publishTimeMs: number,
): StoredMessage {
  let size = data.length + Buffer.byteLength(orderingKey);
  for (const k in attributes) size += Buffer.byteLength(k) + Buffer.byteLength(attributes[k]!);
  return {
    id,
    data,
    attributes,
    orderingKey,
    publishTimeMs,
    size,
    wire: { data, attributes, messageId: id, publishTime: msToTimestamp(publishTimeMs), orderingKey },
  };
}
