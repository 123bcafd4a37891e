// One subscription's messages: the backlog, the leases handed to subscribers with their ack
// deadlines, redelivery with retry-policy backoff, ordering keys and dead-letter hand-off.
// With `retainAcked`, acknowledged messages are kept for the retention window so Seek can bring them
// back (https://cloud.google.com/pubsub/docs/replay-overview). Pure state: time comes from `now()`
// and `tick(now)`, so unit tests drive the clock.
import { Deque } from './deque';
import type { StoredMessage } from './message';
import { TimerWheel, type Scheduled } from './timer-wheel';

/** Whoever holds leases (a StreamingPull stream, the push dispatcher) hears when each one ends. */
export interface LeaseOwner {
  released(lease: Lease): void;
}

interface Entry extends Scheduled {
  readonly type: 'entry';
  readonly msg: StoredMessage;
  readonly seq: number;
  readonly key: KeyState | null;
  attempts: number;
  lease: Lease | null;
  /** Real time (ms) before which a just-enqueued message is not handed to subscribers (0 = at once). */
  readyAt: number;
}

interface KeyState extends Scheduled {
  readonly type: 'key';
  readonly key: string;
  /** Messages waiting, in publish order. */
  pending: Entry[];
  /** Leased messages; the key is blocked until they are all settled (one outstanding batch per key). */
  outstanding: Set<Entry>;
  inReadyList: boolean;
  /** Backoff after a nack: the key stays blocked until the wheel fires. */
  delayed: boolean;
}

export interface Lease extends Scheduled {
  readonly type: 'lease';
  readonly ackId: string;
  readonly entry: Entry;
  readonly owner: LeaseOwner | null;
  deadline: number;
}

export interface Delivery {
  ackId: string;
  message: StoredMessage;
  /** Attempts including this one (1 on first delivery). */
  attempt: number;
  lease: Lease;
}

export interface QueueOptions {
  /** Deliver messages that share an ordering key one batch at a time, in publish order. */
  ordered: boolean;
  /** Delay before redelivering a message nacked or expired after `attempts` deliveries. */
  backoffMs: (attempts: number) => number;
  /** With a dead-letter policy: after this many attempts a nack forwards instead of redelivering. */
  maxDeliveryAttempts?: number;
  /** Forwards a message to the dead-letter topic; false keeps it here (topic missing). */
  deadLetter?: (message: StoredMessage, attempts: number) => boolean;
  /** Retention from publish time, for unacknowledged and (with `retainAcked`) acknowledged messages. */
  retentionMs: number;
  /** Keep acknowledged messages for `retentionMs` (retain_acked_messages), for seeking back. */
  retainAcked?: boolean;
  now: () => number;
  /** Prefix making ack ids unique across subscriptions. */
  ackIdPrefix: string;
  /**
   * A just-enqueued message waits this long (real time, not `now()`) before `take` hands it out;
   * redeliveries do not wait. `take(…, {immediate: true})` (a unary Pull) ignores it.
   */
  deliveryDelayMs?: number;
  /** The real clock for `deliveryDelayMs`; default Date.now. */
  realNow?: () => number;
}

type Timed = Entry | KeyState | Lease;

export class SubscriptionQueue {
  private readonly ready = new Deque<Entry>();
  private readonly readyKeys = new Deque<KeyState>();
  private readonly keys = new Map<string, KeyState>();
  private readonly leases = new Map<string, Lease>();
  private readonly wheel = new TimerWheel<Timed>();
  private seq = 0;
  private ackCounter = 0;
  private backlog = 0;
  /** Acknowledged messages kept for Seek (retain_acked_messages), by message id. */
  private retained = new Map<string, StoredMessage>();
  private acksSincePrune = 0;
  /**
   * Set by the last `take` when it stopped at a message still in its delivery delay: the real time
   * (ms) it becomes deliverable, so the caller can come back then.
   */
  heldUntil: number | undefined;
  /** Called (synchronously) when messages become deliverable. */
  onAvailable: () => void = () => {};

  constructor(private options: QueueOptions) {}

  configure(options: Partial<Omit<QueueOptions, 'now' | 'ackIdPrefix'>>): void {
    this.options = { ...this.options, ...options };
    if (!this.options.retainAcked) this.retained.clear();
  }

  /** Messages not yet acknowledged, leased or not. */
  get size(): number {
    return this.backlog;
  }

  get outstanding(): number {
    return this.leases.size;
  }

  get hasReady(): boolean {
    return this.ready.length > 0 || this.readyKeys.length > 0;
  }

  get hasTimers(): boolean {
    return this.wheel.size > 0;
  }

  enqueue(msg: StoredMessage): void {
    this.backlog++;
    const keyName = this.options.ordered ? msg.orderingKey : '';
    if (!keyName) {
      this.ready.push(this.newEntry(msg, null));
      this.onAvailable();
      return;
    }
    let key = this.keys.get(keyName);
    if (!key) {
      key = { type: 'key', key: keyName, pending: [], outstanding: new Set(), inReadyList: false, delayed: false, slot: -1 };
      this.keys.set(keyName, key);
    }
    key.pending.push(this.newEntry(msg, key));
    if (this.markKeyReady(key)) this.onAvailable();
  }

  /**
   * Leases up to `maxMessages` ready messages (and about `maxBytes`; at least one) for
   * `ackDeadlineMs`. Messages past retention are dropped on the way.
   */
  take(maxMessages: number, maxBytes: number, ackDeadlineMs: number, owner: LeaseOwner | null, opts: { immediate?: boolean } = {}): Delivery[] {
    const out: Delivery[] = [];
    let bytes = 0;
    const now = this.options.now();
    const realNow = opts.immediate ? Infinity : this.realNow();
    this.heldUntil = undefined;
    while (out.length < maxMessages && (bytes < maxBytes || out.length === 0)) {
      const entry = this.ready.peek();
      const key = this.readyKeys.peek();
      if (!entry && !key) break;
      if (entry && (!key || entry.seq < key.pending[0]!.seq)) {
        // Oldest first: a message still in its delivery delay holds back the ones behind it.
        if (entry.readyAt > realNow) {
          this.heldUntil = entry.readyAt;
          break;
        }
        this.ready.shift();
        if (this.expired(entry, now)) continue;
        const d = this.lease(entry, now, ackDeadlineMs, owner);
        out.push(d);
        bytes += entry.msg.size;
      } else {
        if (key!.pending[0]!.readyAt > realNow) {
          this.heldUntil = key!.pending[0]!.readyAt;
          break;
        }
        this.readyKeys.shift();
        key!.inReadyList = false;
        bytes += this.takeKeyBatch(key!, now, ackDeadlineMs, owner, maxMessages - out.length, maxBytes - bytes, out, realNow);
      }
    }
    return out;
  }

  private realNow(): number {
    return (this.options.realNow ?? Date.now)();
  }

  /** Acknowledges; unknown or expired ack ids are ignored, as Pub/Sub does without exactly-once. */
  ack(ackId: string): void {
    const lease = this.leases.get(ackId);
    if (!lease) return;
    this.endLease(lease);
    this.settle(lease.entry);
    if (this.options.retainAcked) this.retain(lease.entry.msg);
  }

  /** ModifyAckDeadline: 0 is a nack, anything else moves the deadline to now + seconds. */
  modifyAckDeadline(ackId: string, seconds: number): void {
    const lease = this.leases.get(ackId);
    if (!lease) return;
    if (seconds <= 0) {
      this.redeliver(lease);
      return;
    }
    lease.deadline = this.options.now() + seconds * 1000;
    this.wheel.schedule(lease, lease.deadline);
  }

  /** Fires expired leases and elapsed backoffs. */
  tick(now: number): void {
    let available = false;
    for (const item of this.wheel.due(now)) {
      if (item.type === 'lease') {
        if (this.leases.get(item.ackId) === item) this.redeliver(item);
      } else if (item.type === 'entry') {
        this.ready.push(item);
        available = true;
      } else {
        item.delayed = false;
        available = this.markKeyReady(item) || available;
      }
    }
    if (available) this.onAvailable();
  }

  /** Every unacknowledged message within retention, leased or not, in publish order. */
  messages(): StoredMessage[] {
    const entries: Entry[] = [...this.ready];
    for (const lease of this.leases.values()) entries.push(lease.entry);
    for (const key of this.keys.values()) entries.push(...key.pending);
    for (const item of this.wheel.items()) if (item.type === 'entry') entries.push(item);
    const now = this.options.now();
    return [...new Set(entries)]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.msg)
      .filter((m) => now - m.publishTimeMs <= this.options.retentionMs);
  }

  /** Acknowledged messages still retained (retain_acked_messages), in publish order. */
  acked(): StoredMessage[] {
    this.pruneRetained();
    return [...this.retained.values()].sort(byPublishOrder);
  }

  /**
   * Seek: the given messages become the backlog (unacknowledged, delivered again from attempt 1)
   * and `acked` the retained acknowledged ones. Leases end: their ack ids go stale.
   */
  reset(unacked: StoredMessage[], acked: StoredMessage[]): void {
    this.clear();
    for (const m of [...unacked].sort(byPublishOrder)) this.enqueue(m);
    if (this.options.retainAcked) for (const m of acked) this.retained.set(m.id, m);
    this.pruneRetained();
  }

  /** Restores retained acknowledged messages (state file). */
  restoreAcked(acked: StoredMessage[]): void {
    if (!this.options.retainAcked) return;
    for (const m of acked) this.retained.set(m.id, m);
  }

  /** Drops every message and lease (subscription deleted or detached). */
  clear(): void {
    const leases = [...this.leases.values()];
    this.leases.clear();
    this.wheel.clear();
    this.ready.clear();
    this.readyKeys.clear();
    this.keys.clear();
    this.retained.clear();
    this.backlog = 0;
    for (const lease of leases) lease.owner?.released(lease);
  }

  private retain(msg: StoredMessage): void {
    this.retained.set(msg.id, msg);
    if (++this.acksSincePrune >= 1000) this.pruneRetained();
  }

  private pruneRetained(): void {
    this.acksSincePrune = 0;
    const oldest = this.options.now() - this.options.retentionMs;
    for (const [id, m] of this.retained) if (m.publishTimeMs < oldest) this.retained.delete(id);
  }

  private newEntry(msg: StoredMessage, key: KeyState | null): Entry {
    const delay = this.options.deliveryDelayMs ?? 0;
    return { type: 'entry', msg, seq: ++this.seq, key, attempts: 0, lease: null, slot: -1, readyAt: delay > 0 ? this.realNow() + delay : 0 };
  }

  private expired(entry: Entry, now: number): boolean {
    if (now - entry.msg.publishTimeMs <= this.options.retentionMs) return false;
    this.settle(entry);
    return true;
  }

  private lease(entry: Entry, now: number, ackDeadlineMs: number, owner: LeaseOwner | null): Delivery {
    const lease: Lease = {
      type: 'lease',
      ackId: `${this.options.ackIdPrefix}-${++this.ackCounter}`,
      entry,
      owner,
      deadline: now + ackDeadlineMs,
      slot: -1,
    };
    entry.attempts++;
    entry.lease = lease;
    this.leases.set(lease.ackId, lease);
    this.wheel.schedule(lease, lease.deadline);
    return { ackId: lease.ackId, message: entry.msg, attempt: entry.attempts, lease };
  }

  private takeKeyBatch(
    key: KeyState,
    now: number,
    ackDeadlineMs: number,
    owner: LeaseOwner | null,
    maxMessages: number,
    maxBytes: number,
    out: Delivery[],
    realNow: number,
  ): number {
    let bytes = 0;
    let n = 0;
    while (n < key.pending.length && n < maxMessages && (bytes < maxBytes || n === 0)) {
      const entry = key.pending[n]!;
      if (entry.readyAt > realNow) break;
      n++;
      if (now - entry.msg.publishTimeMs > this.options.retentionMs) {
        this.backlog--;
        continue;
      }
      key.outstanding.add(entry);
      out.push(this.lease(entry, now, ackDeadlineMs, owner));
      bytes += entry.msg.size;
    }
    key.pending.splice(0, n);
    if (key.outstanding.size === 0) this.markKeyReady(key);
    return bytes;
  }

  private endLease(lease: Lease): void {
    this.leases.delete(lease.ackId);
    this.wheel.cancel(lease);
    if (lease.entry.lease === lease) lease.entry.lease = null;
    lease.owner?.released(lease);
  }

  /** The message leaves the subscription (acked, dead-lettered, or past retention). */
  private settle(entry: Entry): void {
    this.backlog--;
    const key = entry.key;
    if (key && key.outstanding.delete(entry) && key.outstanding.size === 0) {
      if (this.markKeyReady(key)) this.onAvailable();
    }
  }

  /** A nack or an expired deadline: dead-letter, or redeliver after the backoff. */
  private redeliver(lease: Lease): void {
    const entry = lease.entry;
    this.endLease(lease);
    const { maxDeliveryAttempts, deadLetter } = this.options;
    if (maxDeliveryAttempts && deadLetter && entry.attempts >= maxDeliveryAttempts && deadLetter(entry.msg, entry.attempts)) {
      this.settle(entry);
      return;
    }
    const delay = this.options.backoffMs(entry.attempts);
    const now = this.options.now();
    if (entry.key) {
      this.requeueKey(entry, delay, now);
      return;
    }
    if (delay > 0) {
      this.wheel.schedule(entry, now + delay);
    } else {
      this.ready.push(entry);
      this.onAvailable();
    }
  }

  /** Ordered redelivery: the message and every later leased one of its key go back, in order. */
  private requeueKey(entry: Entry, delay: number, now: number): void {
    const key = entry.key!;
    key.outstanding.delete(entry);
    const back = [entry];
    for (const other of key.outstanding) {
      if (other.seq > entry.seq) {
        key.outstanding.delete(other);
        if (other.lease) this.endLease(other.lease);
        back.push(other);
      }
    }
    back.sort((a, b) => a.seq - b.seq);
    key.pending = back.concat(key.pending);
    if (delay > 0) {
      key.delayed = true;
      this.wheel.schedule(key, now + delay);
    } else if (this.markKeyReady(key)) {
      this.onAvailable();
    }
  }

  private markKeyReady(key: KeyState): boolean {
    if (key.inReadyList || key.delayed || key.outstanding.size > 0) return false;
    if (key.pending.length === 0) {
      this.keys.delete(key.key);
      return false;
    }
    // Keep the ready list in publish order of each key's head so older keys go first.
    key.inReadyList = true;
    this.readyKeys.push(key);
    return true;
  }
}

/** Publish order: publish time, then message id (ids grow with publishing). */
export function byPublishOrder(a: StoredMessage, b: StoredMessage): number {
  return a.publishTimeMs - b.publishTimeMs || Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
