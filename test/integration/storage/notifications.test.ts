// Bucket notifications reaching a Pub/Sub subscription, as GCS sends them
// (https://cloud.google.com/storage/docs/pubsub-notifications): created with the official storage
// client's createNotification, received with the official Pub/Sub client from the project's own
// Pub/Sub emulator (emulators/pubsub).
import { type Message, PubSub, type Subscription } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { startPubsub, startStorage as start, type PubsubEmulator, type StorageEmulator } from '@pizzaflow/emulators';

const PROJECT = 'pizzaflow-test';
// No GCE metadata probe from the auth library: the clients talk to local emulators only.
process.env.METADATA_SERVER_DETECTION ??= 'none';

/** Collects messages from a subscription until `count` arrived or the time is up. */
class Inbox {
  readonly messages: Message[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly subscription: Subscription) {
    subscription.on('message', (m: Message) => {
      m.ack();
      this.messages.push(m);
      this.waiters.forEach((w) => w());
    });
  }
  async waitFor(count: number, timeoutMs = 10_000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.messages.length} of ${count} messages arrived`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters = [];
    }
    return this.messages.slice(0, count);
  }
}

describe('Cloud Storage notifications to Pub/Sub', () => {
  let pubsubEmu: PubsubEmulator;
  let storageEmu: StorageEmulator;
  let pubsub: PubSub;
  let storage: Storage;
  const inboxes: Inbox[] = [];

  beforeAll(async () => {
    // Loaded lazily so that a missing Pub/Sub emulator skips this file instead of failing it.
    pubsubEmu = await startPubsub({ port: 0, logLevel: 'error' });
    storageEmu = await start({ port: 0, inMemory: true, pubsubHost: pubsubEmu.url, logLevel: 'error' });
    pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: pubsubEmu.url });
    storage = new Storage({ apiEndpoint: storageEmu.url, projectId: PROJECT });
  });

  afterAll(async () => {
    for (const inbox of inboxes) await inbox.subscription.close().catch(() => undefined);
    await storageEmu?.close();
    await pubsub?.close();
    await pubsubEmu?.close();
  });

  async function subscribe(topicName: string): Promise<Inbox> {
    const [topic] = await pubsub.createTopic(topicName);
    const [sub] = await topic.createSubscription(`${topicName}-sub`);
    const inbox = new Inbox(sub);
    inboxes.push(inbox);
    return inbox;
  }

  it('publishes OBJECT_FINALIZE, OBJECT_METADATA_UPDATE and OBJECT_DELETE with GCS attributes', async () => {
    const inbox = await subscribe('gcs-events');
    const [bucket] = await storage.createBucket('notify-all');
    const [notification] = await bucket.createNotification('gcs-events', { customAttributes: { pipeline: 'pos' } });
    expect(notification.metadata).toMatchObject({ topic: `//pubsub.googleapis.com/projects/${PROJECT}/topics/gcs-events`, payload_format: 'JSON_API_V1' });

    const file = bucket.file('pos/store-1/w1.csv');
    await file.save('a,b\n1,2\n', { resumable: false });
    const [meta] = await file.getMetadata();
    await file.setMetadata({ metadata: { checked: 'yes' } });
    await file.delete();

    const messages = await inbox.waitFor(3);
    const byType = Object.fromEntries(messages.map((m) => [m.attributes.eventType, m]));
    expect(Object.keys(byType).sort()).toEqual(['OBJECT_DELETE', 'OBJECT_FINALIZE', 'OBJECT_METADATA_UPDATE']);
    const finalize = byType.OBJECT_FINALIZE;
    expect(finalize.attributes).toMatchObject({
      bucketId: 'notify-all',
      objectId: 'pos/store-1/w1.csv',
      objectGeneration: meta.generation,
      payloadFormat: 'JSON_API_V1',
      notificationConfig: `projects/_/buckets/notify-all/notificationConfigs/${notification.id}`,
      pipeline: 'pos',
    });
    expect(Number.isNaN(Date.parse(finalize.attributes.eventTime))).toBe(false);
    const resource = JSON.parse(finalize.data.toString()) as Record<string, unknown>;
    expect(resource).toMatchObject({ kind: 'storage#object', name: 'pos/store-1/w1.csv', size: '8', md5Hash: meta.md5Hash, crc32c: meta.crc32c });
    expect(JSON.parse(byType.OBJECT_METADATA_UPDATE.data.toString())).toMatchObject({ metageneration: '2', metadata: { checked: 'yes' } });
  });

  it('honours event_types and object_name_prefix, payload NONE, and lists/deletes configs', async () => {
    const inbox = await subscribe('gcs-filtered');
    const [bucket] = await storage.createBucket('notify-filtered');
    const [n] = await bucket.createNotification('gcs-filtered', { eventTypes: ['OBJECT_FINALIZE'], objectNamePrefix: 'in/', payloadFormat: 'NONE' });
    await bucket.file('out/skip.csv').save('x', { resumable: false });
    await bucket.file('in/take.csv').save('x', { resumable: false });
    await bucket.file('in/take.csv').delete();
    await bucket.file('in/second.csv').save('y');

    const messages = await inbox.waitFor(2);
    // Nothing else may arrive: give stragglers a moment, then check the count.
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.messages.map((m) => [m.attributes.eventType, m.attributes.objectId]).sort()).toEqual([
      ['OBJECT_FINALIZE', 'in/second.csv'],
      ['OBJECT_FINALIZE', 'in/take.csv'],
    ]);
    expect(messages.every((m) => m.data.length === 0 && m.attributes.payloadFormat === 'NONE')).toBe(true);

    const [configs] = await bucket.getNotifications();
    expect(configs.map((c) => c.id)).toEqual([n.id]);
    await n.delete();
    expect((await bucket.getNotifications())[0]).toEqual([]);
  });

  it('sends OBJECT_ARCHIVE when a live object of a versioned bucket becomes noncurrent, and OBJECT_DELETE only when a generation is removed for good', async () => {
    const inbox = await subscribe('gcs-versioned');
    const [bucket] = await storage.createBucket('notify-versioned', { versioning: { enabled: true } });
    await bucket.createNotification('gcs-versioned', { eventTypes: ['OBJECT_ARCHIVE', 'OBJECT_DELETE'] });
    const file = bucket.file('landing/w1.csv');
    await file.save('one', { resumable: false });
    const [m1] = await file.getMetadata();
    await file.save('two', { resumable: false });
    const [m2] = await file.getMetadata();
    await file.delete();
    await bucket.file(file.name, { generation: Number(m1.generation) }).delete();

    const messages = await inbox.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    const seen = inbox.messages.map((m) => [m.attributes.eventType, m.attributes.objectGeneration, m.attributes.overwrittenByGeneration]);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['OBJECT_ARCHIVE', m1.generation, m2.generation],
        ['OBJECT_ARCHIVE', m2.generation, undefined],
        ['OBJECT_DELETE', m1.generation, undefined],
      ]),
    );
    const archived = messages.find((m) => m.attributes.eventType === 'OBJECT_ARCHIVE' && m.attributes.objectGeneration === m1.generation)!;
    expect(JSON.parse(archived.data.toString())).toMatchObject({ generation: m1.generation, timeDeleted: expect.any(String) });
  });

  it('keeps serving when the notification topic does not exist', async () => {
    const [bucket] = await storage.createBucket('notify-missing-topic');
    await bucket.createNotification('no-such-topic');
    await bucket.file('x.csv').save('x', { resumable: false });
    expect((await bucket.file('x.csv').download())[0].toString()).toBe('x');
  });
});
