// Delivery trails the Publish response, through the official client: a subscriber in the
// publishing process must not see a message before its publish() promise has resolved with the id,
// as with Pub/Sub and Google's emulator. googleapis/nodejs-pubsub's system tests ("should seek to a
// snapshot", "should seek to a date") match received ids against the awaited id and time out
// otherwise; see emulators/pubsub/README.md, "Official client system tests".
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import { startPubsub as start, type PubsubEmulator } from '@pizzaflow/emulators';
import { uid } from './helpers';

jest.setTimeout(30_000);
process.env.METADATA_SERVER_DETECTION ??= 'none';

let emulator: PubsubEmulator;
let pubsub: PubSub;

beforeAll(async () => {
  emulator = await start({ port: 0, logLevel: 'error' });
  pubsub = new PubSub({ projectId: 'delivery-order', apiEndpoint: emulator.url });
});

afterAll(async () => {
  await pubsub.close();
  await emulator.close();
});

async function topicWithSubscription(): Promise<{ topic: Topic; sub: Subscription }> {
  const [topic] = await pubsub.createTopic(uid('t'));
  const [sub] = await topic.createSubscription(uid('s'));
  return { topic, sub };
}

/** `promise`, or a rejection naming `what` after `ms`; the timer never outlives the test. */
async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what())), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the first message, or rejects after `ms`. */
function nextMessage(sub: Subscription, accept: (m: Message) => boolean, ms = 8_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms`)), ms);
    const onMessage = (m: Message): void => {
      if (!accept(m)) return;
      clearTimeout(timer);
      sub.off('message', onMessage);
      resolve(m);
    };
    sub.on('message', onMessage);
    sub.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('Pub/Sub emulator: delivery after the Publish response', () => {
  it('hands a message to an open streaming subscriber only after publish() resolved in the same process', async () => {
    const { topic, sub } = await topicWithSubscription();
    const events: string[] = [];
    sub.on('message', (m: Message) => {
      events.push(`received ${m.id}`);
      m.ack();
    });
    try {
      for (let i = 0; i < 5; i++) {
        const received = new Promise<void>((resolve) => sub.once('message', () => resolve()));
        const id = await topic.publishMessage({ data: Buffer.from(`m${i}`) });
        events.push(`published ${id}`);
        await received;
        const published = events.indexOf(`published ${id}`);
        const got = events.indexOf(`received ${id}`);
        expect({ id, published, got: got > published }).toEqual({ id, published, got: true });
      }
    } finally {
      await sub.close();
    }
  });

  /**
   * Publishes one message, acknowledges it, then `seek`s (as the official tests do: only the awaited
   * id counts) and waits for it to come again: 'twice' when it was delivered twice.
   */
  async function deliveriesAfterSeek(topic: Topic, sub: Subscription, seek: (first: Message) => Promise<unknown>): Promise<string> {
    let id = '';
    const deliveries: string[] = [];
    const second = new Promise<void>((resolve, reject) => {
      sub.on('error', reject);
      sub.on('message', (m: Message) => {
        if (m.id !== id) return;
        m.ack();
        deliveries.push(m.id);
        if (deliveries.length === 1) seek(m).catch(reject);
        else resolve();
      });
    });
    try {
      id = await topic.publishMessage({ data: Buffer.from('Hello, world!') });
      await within(second, 8_000, () => `deliveries of ${id}: ${deliveries.length}`);
      return deliveries.length === 2 && deliveries.every((d) => d === id) ? 'twice' : `delivered ${JSON.stringify(deliveries)}`;
    } finally {
      await sub.close();
    }
  }

  it('seeks back to a snapshot taken before the publish and redelivers the acknowledged message (the official "should seek to a snapshot")', async () => {
    const { topic, sub } = await topicWithSubscription();
    const [snapshot] = await sub.createSnapshot(uid('snap'));
    expect(await deliveriesAfterSeek(topic, sub, () => snapshot.seek())).toEqual('twice');
  });

  it('seeks back to the publish time of a received message and redelivers it (the official "should seek to a date")', async () => {
    const { topic, sub } = await topicWithSubscription();
    await pubsub.subscription(sub.name).setMetadata({ retainAckedMessages: true });
    expect(await deliveriesAfterSeek(topic, sub, (m) => sub.seek(m.publishTime))).toEqual('twice');
  });

  it('still delivers at once what an ack frees: a nacked message comes back without waiting for a new publish', async () => {
    const { topic, sub } = await topicWithSubscription();
    try {
      const first = nextMessage(sub, () => true);
      const id = await topic.publishMessage({ data: Buffer.from('again') });
      const m = await first;
      expect(m.id).toBe(id);
      const again = nextMessage(sub, (x) => x.id === id);
      m.nack();
      expect((await again).id).toBe(id);
    } finally {
      await sub.close();
    }
  });
});
