// Lease, redelivery, ordering and dead-letter rules of one subscription, on a fake clock.
// https://cloud.google.com/pubsub/docs/lease-management, /ordering, /handling-failures
import { storeMessage, type StoredMessage } from '../../../../emulators/pubsub/message';
import { SubscriptionQueue, type Lease, type LeaseOwner, type QueueOptions } from '../../../../emulators/pubsub/subscription-queue';

let clock = 1_000_000;
let nextId = 0;
const msg = (data: string, orderingKey = ''): StoredMessage => storeMessage(String(++nextId), Buffer.from(data), {}, orderingKey, clock);

function queue(options: Partial<QueueOptions> = {}): SubscriptionQueue {
  return new SubscriptionQueue({ ordered: false, backoffMs: () => 0, retentionMs: 7 * 86_400_000, now: () => clock, ackIdPrefix: '1', ...options });
}

const data = (ds: Array<{ message: StoredMessage }>): string[] => ds.map((d) => d.message.data.toString());
const advance = (q: SubscriptionQueue, ms: number): void => {
  clock += ms;
  q.tick(clock);
};

beforeEach(() => {
  clock = 1_000_000;
});

describe('SubscriptionQueue', () => {
  test('delivers in publish order, leases once, forgets acked messages', () => {
    const q = queue();
    ['a', 'b', 'c'].forEach((x) => q.enqueue(msg(x)));
    const first = q.take(2, Infinity, 10_000, null);
    expect(data(first)).toEqual(['a', 'b']);
    expect(first.map((d) => d.attempt)).toEqual([1, 1]);
    expect(data(q.take(10, Infinity, 10_000, null))).toEqual(['c']);
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]);
    q.ack(first[0]!.ackId);
    q.ack(first[0]!.ackId); // twice: ignored
    expect(q.size).toBe(2);
    expect(q.outstanding).toBe(2);
  });

  test('respects the byte budget but always hands out at least one message', () => {
    const q = queue();
    ['aaaa', 'bbbb', 'cccc'].forEach((x) => q.enqueue(msg(x)));
    expect(data(q.take(10, 2, 10_000, null))).toEqual(['aaaa']);
    expect(data(q.take(10, 6, 10_000, null))).toEqual(['bbbb', 'cccc']);
  });

  test('a nack (deadline 0) redelivers after the backoff, exponentially', () => {
    const q = queue({ backoffMs: (n) => Math.min(1000, 100 * 2 ** (n - 1)) });
    q.enqueue(msg('a'));
    const [d1] = q.take(1, Infinity, 10_000, null);
    q.modifyAckDeadline(d1!.ackId, 0);
    expect(q.take(1, Infinity, 10_000, null)).toEqual([]);
    advance(q, 100);
    const [d2] = q.take(1, Infinity, 10_000, null);
    expect(d2!.attempt).toBe(2);
    q.modifyAckDeadline(d2!.ackId, 0);
    advance(q, 100);
    expect(q.take(1, Infinity, 10_000, null)).toEqual([]);
    advance(q, 100);
    expect(data(q.take(1, Infinity, 10_000, null))).toEqual(['a']);
  });

  test('an expired deadline redelivers; extending it postpones expiry; stale ack ids are ignored', () => {
    const q = queue();
    q.enqueue(msg('a'));
    const [d1] = q.take(1, Infinity, 10_000, null);
    advance(q, 9_000);
    q.modifyAckDeadline(d1!.ackId, 5);
    advance(q, 4_000);
    expect(q.take(1, Infinity, 10_000, null)).toEqual([]);
    advance(q, 1_100);
    const [d2] = q.take(1, Infinity, 10_000, null);
    expect(d2!.message.id).toBe(d1!.message.id);
    expect(d2!.ackId).not.toBe(d1!.ackId);
    q.ack(d1!.ackId);
    expect(q.size).toBe(1);
    q.ack(d2!.ackId);
    expect(q.size).toBe(0);
  });

  test('lease owners hear about every lease that ends', () => {
    const released: string[] = [];
    const owner: LeaseOwner = { released: (l: Lease) => released.push(l.entry.msg.data.toString()) };
    const q = queue();
    ['a', 'b', 'c'].forEach((x) => q.enqueue(msg(x)));
    const ds = q.take(3, Infinity, 1_000, owner);
    q.ack(ds[0]!.ackId);
    q.modifyAckDeadline(ds[1]!.ackId, 0);
    advance(q, 1_000);
    expect(released).toEqual(['a', 'b', 'c']);
  });

  test('ordering: one outstanding batch per key, other keys flow', () => {
    const q = queue({ ordered: true });
    q.enqueue(msg('k1-0', 'k1'));
    q.enqueue(msg('k1-1', 'k1'));
    q.enqueue(msg('k2-0', 'k2'));
    q.enqueue(msg('none'));
    const batch = q.take(10, Infinity, 10_000, null);
    expect(data(batch)).toEqual(['k1-0', 'k1-1', 'k2-0', 'none']);
    q.enqueue(msg('k1-2', 'k1'));
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]); // k1 is busy
    q.ack(batch[0]!.ackId);
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]);
    q.ack(batch[1]!.ackId);
    expect(data(q.take(10, Infinity, 10_000, null))).toEqual(['k1-2']);
  });

  test('ordering: a nack sends the message and every later leased one of its key back, in order', () => {
    const q = queue({ ordered: true, backoffMs: () => 500 });
    ['0', '1', '2', '3'].forEach((x) => q.enqueue(msg(x, 'k')));
    const batch = q.take(10, Infinity, 10_000, null);
    q.ack(batch[0]!.ackId);
    q.modifyAckDeadline(batch[1]!.ackId, 0);
    q.ack(batch[2]!.ackId); // revoked by the nack: ignored
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]);
    advance(q, 500);
    const again = q.take(10, Infinity, 10_000, null);
    expect(data(again)).toEqual(['1', '2', '3']);
    expect(again.map((d) => d.attempt)).toEqual([2, 2, 2]);
  });

  test('dead letters after max attempts (nacks and expiries both count)', () => {
    const forwarded: Array<[string, number]> = [];
    const q = queue({ maxDeliveryAttempts: 3, deadLetter: (m, n) => (forwarded.push([m.data.toString(), n]), true) });
    q.enqueue(msg('poison'));
    for (let i = 1; i <= 3; i++) {
      const [d] = q.take(1, Infinity, 1_000, null);
      expect(d!.attempt).toBe(i);
      if (i === 2) advance(q, 1_000);
      else q.modifyAckDeadline(d!.ackId, 0);
    }
    expect(forwarded).toEqual([['poison', 3]]);
    expect(q.size).toBe(0);
    expect(q.take(1, Infinity, 1_000, null)).toEqual([]);
  });

  test('a missing dead-letter topic keeps the message', () => {
    const q = queue({ maxDeliveryAttempts: 1, deadLetter: () => false });
    q.enqueue(msg('stay'));
    const [d] = q.take(1, Infinity, 1_000, null);
    q.modifyAckDeadline(d!.ackId, 0);
    expect(data(q.take(1, Infinity, 1_000, null))).toEqual(['stay']);
  });

  test('messages past retention are dropped instead of delivered', () => {
    const q = queue({ retentionMs: 60_000 });
    q.enqueue(msg('old'));
    clock += 61_000;
    q.enqueue(msg('new'));
    expect(data(q.take(10, Infinity, 1_000, null))).toEqual(['new']);
    expect(q.size).toBe(1);
  });

  test('retain_acked_messages keeps acknowledged messages for the retention window only', () => {
    const q = queue({ retentionMs: 60_000, retainAcked: true });
    q.enqueue(msg('a'));
    clock += 30_000;
    q.enqueue(msg('b'));
    for (const d of q.take(10, Infinity, 10_000, null)) q.ack(d.ackId);
    expect(q.acked().map((m) => m.data.toString())).toEqual(['a', 'b']);
    clock += 31_000;
    expect(q.acked().map((m) => m.data.toString())).toEqual(['b']);
    q.configure({ retainAcked: false });
    expect(q.acked()).toEqual([]);
  });

  test('without retain_acked_messages nothing acknowledged is kept', () => {
    const q = queue();
    q.enqueue(msg('a'));
    q.ack(q.take(1, Infinity, 10_000, null)[0]!.ackId);
    expect(q.acked()).toEqual([]);
  });

  test('reset (seek) ends leases, redelivers from attempt 1 in publish order, ignores stale ack ids', () => {
    const released: Lease[] = [];
    const owner: LeaseOwner = { released: (l) => released.push(l) };
    const q = queue({ retainAcked: true });
    const [a, b, c] = [msg('a'), msg('b'), msg('c')];
    [a, b, c].forEach((m) => q.enqueue(m));
    const out = q.take(10, Infinity, 10_000, owner);
    q.ack(out[0]!.ackId);
    q.reset([c, a], [b]);
    expect(released).toHaveLength(3);
    q.ack(out[2]!.ackId); // stale: 'c' stays unacknowledged
    const again = q.take(10, Infinity, 10_000, null);
    expect(data(again)).toEqual(['a', 'c']);
    expect(again.map((d) => d.attempt)).toEqual([1, 1]);
    expect(q.size).toBe(2);
    expect(q.acked().map((m) => m.data.toString())).toEqual(['b']);
  });
});

describe('SubscriptionQueue delivery delay (a just-published message trails the Publish answer)', () => {
  let real = 5_000;
  const delayed = (options: Partial<QueueOptions> = {}): SubscriptionQueue => queue({ deliveryDelayMs: 25, realNow: () => real, ...options });

  test('holds a fresh message for deliveryDelayMs of real time and says until when; a unary Pull (immediate) takes it at once', () => {
    const q = delayed();
    q.enqueue(msg('a'));
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]);
    expect(q.heldUntil).toBe(real + 25);
    expect(data(q.take(10, Infinity, 10_000, null, { immediate: true }))).toEqual(['a']);

    q.enqueue(msg('b'));
    real += 24;
    expect(q.take(10, Infinity, 10_000, null)).toEqual([]);
    real += 1;
    expect(data(q.take(10, Infinity, 10_000, null))).toEqual(['b']);
  });

  test('a nacked message comes back without the delay, and ordering keys wait for their head', () => {
    const q = delayed({ ordered: true });
    q.enqueue(msg('k1', 'k'));
    real += 25;
    const [first] = q.take(10, Infinity, 10_000, null);
    q.modifyAckDeadline(first!.ackId, 0);
    expect(data(q.take(10, Infinity, 10_000, null))).toEqual(['k1']);

    const p = delayed({ ordered: true });
    p.enqueue(msg('x1', 'x'));
    p.enqueue(msg('x2', 'x'));
    expect(p.take(10, Infinity, 10_000, null)).toEqual([]);
    real += 25;
    expect(data(p.take(10, Infinity, 10_000, null))).toEqual(['x1', 'x2']);
  });
});
