// Hands a subscription's ready messages to its consumers (StreamingPull streams, waiting Pulls, the
// push dispatcher), round-robin and within each consumer's flow-control window. A lease belongs to
// exactly one consumer, so a message is never with two streams at once.
import type { status } from '@grpc/grpc-js';
import type { Logger } from '../lib/logger';
import type { Delivery, LeaseOwner, SubscriptionQueue } from './subscription-queue';

/** Pub/Sub sends at most this many messages in one StreamingPull response. */
export const MAX_MESSAGES_PER_RESPONSE = 1000;
const MAX_BYTES_PER_RESPONSE = 10 * 1024 * 1024;
/**
 * A just-published message reaches subscribers this long after it was enqueued (real time), as
 * with Pub/Sub and Google's emulator, where delivery trails the Publish response by tens of
 * milliseconds. Without it a subscriber in the publishing process can get the message before its
 * `publish()` promise resolves, which code that matches received ids against published ones does
 * not expect (the official client's system tests do). The broker gives it to each subscription's
 * queue (`deliveryDelayMs`); redeliveries and unary Pulls do not wait.
 */
export const PUBLISH_TO_DELIVERY_MS = 25;

export interface Capacity {
  messages: number;
  bytes: number;
}

export interface Consumer extends LeaseOwner {
  /** How much more the consumer takes now; null when it takes nothing. */
  capacity(): Capacity | null;
  ackDeadlineMs(): number;
  deliver(deliveries: Delivery[]): void;
  /** The subscription went away or the emulator stops. */
  close(code: status, details: string): void;
}

export class DeliveryHub {
  private consumers: Consumer[] = [];
  private next = 0;
  private scheduled = false;

  constructor(
    private readonly queue: SubscriptionQueue,
    private readonly log?: Logger,
  ) {
    queue.onAvailable = () => this.schedule();
  }

  get size(): number {
    return this.consumers.length;
  }

  add(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.schedule();
  }

  remove(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  /**
   * Coalesces wake-ups (publishes, acks, drains) into one pump: on the next event-loop turn, or
   * `delayMs` later; a wake-up while one is pending rides with it.
   */
  schedule(delayMs = 0): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      try {
        this.queue.heldUntil = undefined;
        this.pump();
        // Messages still in their delivery delay: come back when the first of them is due.
        const held = this.queue.heldUntil;
        if (held !== undefined && this.consumers.length > 0) this.schedule(Math.max(1, held - Date.now()));
      } catch (err) {
        // A consumer failing must not take the emulator down; its leases expire and redeliver.
        this.log?.error({ err }, 'delivery failed');
      }
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  closeAll(code: status, details: string): void {
    const all = this.consumers;
    this.consumers = [];
    for (const c of all) c.close(code, details);
  }

  private pump(): void {
    let progress = true;
    while (progress && this.queue.hasReady && this.consumers.length > 0) {
      progress = false;
      const n = this.consumers.length;
      const start = this.next++ % n;
      for (let i = 0; i < n && this.queue.hasReady; i++) {
        const consumer = this.consumers[(start + i) % n];
        if (!consumer) break;
        const cap = consumer.capacity();
        if (!cap || cap.messages <= 0 || cap.bytes <= 0) continue;
        const batch = this.queue.take(
          Math.min(cap.messages, MAX_MESSAGES_PER_RESPONSE),
          Math.min(cap.bytes, MAX_BYTES_PER_RESPONSE),
          consumer.ackDeadlineMs(),
          consumer,
        );
        if (batch.length > 0) {
          consumer.deliver(batch);
          progress = true;
        }
      }
    }
  }
}
