// With a data directory the emulator keeps topics, subscriptions and unacknowledged messages
// across restarts (local mode restarts without losing the bootstrap).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { PubSub, v1 } from '@google-cloud/pubsub';
import { startPubsub as start } from '@pizzaflow/emulators';

process.env.METADATA_SERVER_DETECTION ??= 'none';

async function withEmulator<T>(dataDir: string, fn: (pubsub: PubSub, raw: v1.SubscriberClient) => Promise<T>): Promise<T> {
  const emulator = await start({ port: 0, dataDir, logLevel: 'error' });
  const pubsub = new PubSub({ projectId: 'snap', apiEndpoint: emulator.url });
  const raw = new v1.SubscriberClient({ servicePath: 'localhost', port: emulator.port, sslCreds: credentials.createInsecure(), projectId: 'snap' });
  try {
    return await fn(pubsub, raw);
  } finally {
    await pubsub.close();
    await raw.close();
    await emulator.close();
  }
}

test('state survives a restart: topology, settings and the unacknowledged backlog', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubsub-snap-'));
  try {
    const firstIds = await withEmulator(dataDir, async (pubsub, raw) => {
      const [dlq] = await pubsub.createTopic('dead-letters');
      const [topic] = await pubsub.createTopic('orders');
      const [sub] = await topic.createSubscription('ingest', {
        ackDeadlineSeconds: 30,
        deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 7 },
        filter: 'attributes:kind',
      });
      const ids = await Promise.all(['a', 'b', 'c'].map((x) => topic.publishMessage({ data: Buffer.from(x), attributes: { kind: x } })));
      const [resp] = await raw.pull({ subscription: sub.name, maxMessages: 1, returnImmediately: true });
      await raw.acknowledge({ subscription: sub.name, ackIds: [resp.receivedMessages![0]!.ackId!] });
      // One more leased but not acked: it must come back after the restart.
      await raw.pull({ subscription: sub.name, maxMessages: 1, returnImmediately: true });
      return ids;
    });
    await withEmulator(dataDir, async (pubsub, raw) => {
      const [meta] = await pubsub.subscription('ingest').getMetadata();
      expect(meta).toMatchObject({ ackDeadlineSeconds: 30, filter: 'attributes:kind', topic: 'projects/snap/topics/orders' });
      expect(meta.deadLetterPolicy).toMatchObject({ deadLetterTopic: 'projects/snap/topics/dead-letters', maxDeliveryAttempts: 7 });
      const [resp] = await raw.pull({ subscription: meta.name!, maxMessages: 10, returnImmediately: true });
      expect(resp.receivedMessages!.map((m) => m.message!.messageId)).toEqual(firstIds.slice(1));
      const next = await pubsub.topic('orders').publishMessage({ data: Buffer.from('d'), attributes: { kind: 'd' } });
      expect(Number(next)).toBeGreaterThan(Math.max(...firstIds.map(Number)));
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
