// The hub shares a subscription between consumers (StreamingPull streams): each message is leased
// to one consumer at a time, and no consumer gets more than its flow-control window.
import { status } from '@grpc/grpc-js';
import { DeliveryHub, type Consumer } from '../../../../emulators/pubsub/delivery-hub';
import { storeMessage } from '../../../../emulators/pubsub/message';
import { SubscriptionQueue, type Delivery } from '../../../../emulators/pubsub/subscription-queue';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

class FakeStream implements Consumer {
  held: Delivery[] = [];
  total = 0;
  closed?: status;
  hub?: DeliveryHub;
  constructor(private readonly window: number) {}
  capacity() {
    const free = this.window - this.held.length;
    return free > 0 ? { messages: free, bytes: Number.MAX_SAFE_INTEGER } : null;
  }
  ackDeadlineMs() {
    return 10_000;
  }
  deliver(ds: Delivery[]) {
    this.held.push(...ds);
    this.total += ds.length;
  }
  released(lease: Delivery['lease']) {
    this.held = this.held.filter((d) => d.lease !== lease);
    this.hub?.schedule(); // as StreamSession does: a freed slot wakes the hub
  }
  close(code: status) {
    this.closed = code;
  }
}

describe('DeliveryHub', () => {
  test('splits the backlog across consumers within their windows, never twice', async () => {
    const queue = new SubscriptionQueue({ ordered: false, backoffMs: () => 0, retentionMs: 1e9, now: Date.now, ackIdPrefix: '1' });
    const hub = new DeliveryHub(queue);
    const a = new FakeStream(3);
    const b = new FakeStream(3);
    a.hub = b.hub = hub;
    hub.add(a);
    hub.add(b);
    for (let i = 0; i < 10; i++) queue.enqueue(storeMessage(String(i), Buffer.from('x'), {}, '', Date.now()));
    await tick();
    expect(a.held).toHaveLength(3);
    expect(b.held).toHaveLength(3);
    const ids = [...a.held, ...b.held].map((d) => d.message.id);
    expect(new Set(ids).size).toBe(6);

    for (const d of [...a.held]) queue.ack(d.ackId);
    await tick();
    expect(a.held).toHaveLength(3);
    expect(b.held).toHaveLength(3);
    for (const d of [...a.held, ...b.held]) queue.ack(d.ackId);
    await tick();
    expect(a.total + b.total).toBe(10);
    expect(queue.size).toBe(a.held.length + b.held.length);
  });

  test('closeAll tells every consumer why', () => {
    const queue = new SubscriptionQueue({ ordered: false, backoffMs: () => 0, retentionMs: 1e9, now: Date.now, ackIdPrefix: '1' });
    const hub = new DeliveryHub(queue);
    const a = new FakeStream(1);
    hub.add(a);
    hub.closeAll(status.UNAVAILABLE, 'shutting down');
    expect(a.closed).toBe(status.UNAVAILABLE);
    expect(hub.size).toBe(0);
  });
});
