// Snapshots, Seek and message retention through the official client, on the emulator's clock.
// Semantics from https://cloud.google.com/pubsub/docs/replay-overview and /replay-message, and the
// google.pubsub.v1 Subscriber proto (CreateSnapshot, Snapshot.expire_time, SeekRequest).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { PubSub, v1, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import { startPubsub as start, type PubsubEmulator } from '@pizzaflow/emulators';
import { grpcCode, uid } from './helpers';

jest.setTimeout(30_000);
process.env.METADATA_SERVER_DETECTION ??= 'none';

const MINUTE = 60_000;
const DAY = 24 * 3600_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The emulator's clock: real time plus an offset the tests move forward. */
let offsetMs = 0;
const clock = (): number => Date.now() + offsetMs;
const advance = (ms: number): void => {
  offsetMs += ms;
};

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface Env {
  emulator: PubsubEmulator;
  pubsub: PubSub;
  raw: v1.SubscriberClient;
  close(): Promise<void>;
}

async function open(project: string, dataDir?: string): Promise<Env> {
  const emulator = await start({ port: 0, logLevel: 'error', clock, dataDir });
  const pubsub = new PubSub({ projectId: project, apiEndpoint: emulator.url });
  const raw = new v1.SubscriberClient({ servicePath: 'localhost', port: emulator.port, sslCreds: credentials.createInsecure(), projectId: project });
  return {
    emulator,
    pubsub,
    raw,
    close: async () => {
      await pubsub.close();
      await raw.close();
      await emulator.close();
    },
  };
}

describe('Pub/Sub snapshots, seek and retention', () => {
  let env: Env;
  const project = uid('seek');

  beforeAll(async () => {
    env = await open(project);
  });

  afterAll(async () => {
    await env?.close();
  });

  async function topicWithSubscription(
    options: Parameters<Topic['createSubscription']>[1] = {},
    topicOptions: { messageRetentionDuration?: { seconds: number } } = {},
  ): Promise<{ topic: Topic; subscription: Subscription }> {
    const [topic] = await env.pubsub.createTopic({ name: uid('t'), ...topicOptions });
    const [subscription] = await topic.createSubscription(uid('s'), options);
    return { topic, subscription };
  }

  async function publish(topic: Topic, ...data: string[]): Promise<void> {
    for (const d of data) await topic.publishMessage({ data: Buffer.from(d) });
  }

  /** Pulls everything available and acknowledges it; returns the data, in delivery order. */
  async function pullAndAck(subscription: Subscription, ack = true): Promise<string[]> {
    const [resp] = await env.raw.pull({ subscription: subscription.name, maxMessages: 100, returnImmediately: true });
    const received = resp.receivedMessages ?? [];
    if (ack && received.length > 0) await env.raw.acknowledge({ subscription: subscription.name, ackIds: received.map((m) => m.ackId!) });
    return received.map((m) => Buffer.from(m.message!.data as Uint8Array).toString());
  }

  test('retain_acked_messages: seek to a time redelivers the acked messages published after it', async () => {
    const { topic, subscription } = await topicWithSubscription({ retainAckedMessages: true });
    await publish(topic, 'a', 'b');
    advance(MINUTE);
    const between = new Date(clock());
    advance(MINUTE);
    await publish(topic, 'c', 'd');
    expect(await pullAndAck(subscription)).toEqual(['a', 'b', 'c', 'd']);
    expect(await pullAndAck(subscription)).toEqual([]);

    await subscription.seek(between);
    expect(await pullAndAck(subscription)).toEqual(['c', 'd']);
    await subscription.seek(new Date(clock() - DAY));
    expect(await pullAndAck(subscription)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('without retained acks, seek to a time acks older messages and cannot bring acked ones back', async () => {
    const { topic, subscription } = await topicWithSubscription();
    await publish(topic, 'a', 'b');
    advance(MINUTE);
    const between = new Date(clock());
    advance(MINUTE);
    await publish(topic, 'c', 'd');
    const [resp] = await env.raw.pull({ subscription: subscription.name, maxMessages: 1, returnImmediately: true });
    await env.raw.acknowledge({ subscription: subscription.name, ackIds: [resp.receivedMessages![0]!.ackId!] }); // 'a'
    const [dResp] = await env.raw.pull({ subscription: subscription.name, maxMessages: 100, returnImmediately: true });
    const d = dResp.receivedMessages!.find((m) => Buffer.from(m.message!.data as Uint8Array).toString() === 'd')!;
    await env.raw.acknowledge({ subscription: subscription.name, ackIds: [d.ackId!] });

    // 'b' (before the time) becomes acked; 'c' stays unacked and comes back; 'd' was acked and not retained.
    await subscription.seek(between);
    expect(await pullAndAck(subscription, false)).toEqual(['c']);
    await subscription.seek(new Date(clock() - DAY));
    expect(await pullAndAck(subscription)).toEqual(['c']);
  });

  test('message_retention_duration bounds what seek can bring back (emulator clock)', async () => {
    const { topic, subscription } = await topicWithSubscription({
      retainAckedMessages: true,
      messageRetentionDuration: { seconds: 600 },
    });
    await publish(topic, 'old');
    advance(11 * MINUTE);
    await publish(topic, 'new');
    expect(await pullAndAck(subscription)).toEqual(['new']); // 'old' expired unacked
    await subscription.seek(new Date(0));
    expect(await pullAndAck(subscription)).toEqual(['new']);
    advance(11 * MINUTE);
    await subscription.seek(new Date(0));
    expect(await pullAndAck(subscription)).toEqual([]);
  });

  test('topic message retention lets a new subscription seek back to messages published before it existed', async () => {
    const [topic] = await env.pubsub.createTopic({ name: uid('t'), messageRetentionDuration: { seconds: 3600 } });
    const before = new Date(clock());
    await publish(topic, 'early-1', 'early-2');
    const [subscription] = await topic.createSubscription(uid('s'));
    await publish(topic, 'late');
    expect(await pullAndAck(subscription)).toEqual(['late']);

    await subscription.seek(before);
    expect(await pullAndAck(subscription)).toEqual(['early-1', 'early-2', 'late']);
    const [meta] = await subscription.getMetadata();
    expect(Number(meta.topicMessageRetentionDuration!.seconds)).toBe(3600);
  });

  test('seek to a snapshot restores its backlog plus every message published after it', async () => {
    const { topic, subscription } = await topicWithSubscription();
    await publish(topic, 'a', 'b');
    const [first] = await env.raw.pull({ subscription: subscription.name, maxMessages: 1, returnImmediately: true });
    await env.raw.acknowledge({ subscription: subscription.name, ackIds: [first.receivedMessages![0]!.ackId!] }); // 'a'
    const [snapshot] = await subscription.createSnapshot(uid('snap'));
    expect(await pullAndAck(subscription)).toEqual(['b']);
    await publish(topic, 'c');
    expect(await pullAndAck(subscription)).toEqual(['c']);

    await subscription.seek(snapshot.name);
    expect(await pullAndAck(subscription)).toEqual(['b', 'c']);
    // snapshot.seek() is the same call, from the snapshot's side.
    await subscription.snapshot(snapshot.name).seek();
    expect(await pullAndAck(subscription)).toEqual(['b', 'c']);
  });

  test('another subscription of the same topic can seek to the snapshot; its filter still applies', async () => {
    const [topic] = await env.pubsub.createTopic(uid('t'));
    const [source] = await topic.createSubscription(uid('s'));
    const [filtered] = await topic.createSubscription(uid('s'), { filter: 'attributes.kind = "keep"' });
    await topic.publishMessage({ data: Buffer.from('x'), attributes: { kind: 'keep' } });
    await topic.publishMessage({ data: Buffer.from('y'), attributes: { kind: 'drop' } });
    const [snapshot] = await source.createSnapshot(uid('snap'));
    expect(await pullAndAck(filtered)).toEqual(['x']);

    await filtered.seek(snapshot.name);
    expect(await pullAndAck(filtered)).toEqual(['x']);
  });

  test('seek redelivers to a streaming-pull subscriber', async () => {
    const { topic, subscription } = await topicWithSubscription({ retainAckedMessages: true });
    const since = new Date(clock());
    const received: string[] = [];
    subscription.on('message', (m: Message) => {
      received.push(m.data.toString());
      m.ack();
    });
    try {
      await publish(topic, 'one', 'two');
      await waitFor('first delivery', () => received.length === 2);
      await sleep(300); // the client flushes acks every 100 ms
      await subscription.seek(since);
      await waitFor('redelivery', () => received.length === 4);
      expect(received.slice(2).sort()).toEqual(['one', 'two']);
    } finally {
      await subscription.close();
    }
  });

  test('seek redelivers to a push endpoint', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const message = (JSON.parse(body) as { message: { data: string } }).message;
        bodies.push(Buffer.from(message.data, 'base64').toString());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
      const { topic, subscription } = await topicWithSubscription({ retainAckedMessages: true, pushConfig: { pushEndpoint: endpoint } });
      const since = new Date(clock());
      await publish(topic, 'p1', 'p2');
      await waitFor('push delivery', () => bodies.length === 2);
      await sleep(50);
      await subscription.seek(since);
      await waitFor('push redelivery', () => bodies.length === 4);
      expect(bodies.slice(2).sort()).toEqual(['p1', 'p2']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('snapshot administration: get, list (paged), listTopicSnapshots, update, delete and their errors', async () => {
    const admin = new PubSub({ projectId: uid('snapadmin'), apiEndpoint: env.emulator.url });
    try {
      const [topic] = await admin.createTopic(uid('t'));
      const [subscription] = await topic.createSubscription(uid('s'));
      const names = ['snap-a', 'snap-b', 'snap-c'];
      for (const n of names) await subscription.createSnapshot(n);
      const full = (n: string): string => `projects/${admin.projectId}/snapshots/${n}`;

      const [page, next] = await admin.getSnapshots({ pageSize: 2, autoPaginate: false });
      expect(page.map((s) => s.name)).toEqual([full('snap-a'), full('snap-b')]);
      expect(next).toMatchObject({ pageToken: expect.any(String) });
      const [all] = await admin.getSnapshots();
      expect(all.map((s) => s.name)).toEqual(names.map(full));

      const publisherApi = new v1.PublisherClient({ servicePath: 'localhost', port: env.emulator.port, sslCreds: credentials.createInsecure() });
      try {
        const [listed] = await publisherApi.listTopicSnapshots({ topic: topic.name });
        expect(listed).toEqual(names.map(full));
      } finally {
        await publisherApi.close();
      }

      const [got] = await env.raw.getSnapshot({ snapshot: full('snap-a') });
      expect(got).toMatchObject({ name: full('snap-a'), topic: topic.name });
      const expire = Number(got.expireTime!.seconds) * 1000;
      expect(Math.abs(expire - (clock() + 7 * DAY))).toBeLessThan(60_000);

      const later = Math.floor((clock() + 2 * DAY) / 1000);
      const [updated] = await env.raw.updateSnapshot({
        snapshot: { name: full('snap-a'), labels: { team: 'ops' }, expireTime: { seconds: later } },
        updateMask: { paths: ['labels', 'expire_time'] },
      });
      expect(updated.labels).toEqual({ team: 'ops' });
      expect(Number(updated.expireTime!.seconds)).toBe(later);
      expect(await grpcCode(env.raw.updateSnapshot({ snapshot: { name: full('snap-a'), topic: 'x' }, updateMask: { paths: ['topic'] } }))).toBe(3);

      expect(await grpcCode(subscription.createSnapshot('snap-a'))).toBe(6); // ALREADY_EXISTS
      expect(await grpcCode(admin.subscription('missing-sub').createSnapshot('snap-x'))).toBe(5); // NOT_FOUND
      expect(await grpcCode(subscription.seek('missing-snap'))).toBe(5);
      const [otherTopic] = await admin.createTopic(uid('t'));
      const [otherSub] = await otherTopic.createSubscription(uid('s'));
      expect(await grpcCode(otherSub.seek('snap-a'))).toBe(3); // INVALID_ARGUMENT: another topic's snapshot

      await admin.snapshot('snap-b').delete();
      expect(await grpcCode(admin.snapshot('snap-b').delete())).toBe(5);
      expect(await grpcCode(env.raw.getSnapshot({ snapshot: full('snap-b') }))).toBe(5);
      const [left] = await admin.getSnapshots();
      expect(left.map((s) => s.name)).toEqual([full('snap-a'), full('snap-c')]);
    } finally {
      await admin.close();
    }
  });

  test('snapshot lifetime is 7 days less the age of the oldest unacked message; under an hour is FAILED_PRECONDITION', async () => {
    const { topic, subscription } = await topicWithSubscription({ messageRetentionDuration: { seconds: 10 * 24 * 3600 } });
    const publishedAt = clock();
    await publish(topic, 'aging');
    advance(3 * DAY);
    const [snapshot] = await subscription.createSnapshot(uid('snap'));
    const [meta] = await env.raw.getSnapshot({ snapshot: snapshot.name });
    expect(Math.abs(Number(meta.expireTime!.seconds) * 1000 - (publishedAt + 7 * DAY))).toBeLessThan(2_000);

    advance(4 * DAY - 30 * MINUTE);
    expect(await grpcCode(subscription.createSnapshot(uid('snap')))).toBe(9); // FAILED_PRECONDITION
    advance(31 * MINUTE);
    expect(await grpcCode(env.raw.getSnapshot({ snapshot: snapshot.name }))).toBe(5); // expired
  });
});

test('a restart keeps snapshots and retained acknowledged messages (dataDir state file)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubsub-seek-'));
  const project = uid('seekstate');
  try {
    let first = await open(project, dataDir);
    let since: Date;
    try {
      const [topic] = await first.pubsub.createTopic('orders');
      const [subscription] = await topic.createSubscription('replayable', { retainAckedMessages: true });
      since = new Date(clock());
      await topic.publishMessage({ data: Buffer.from('kept') });
      await subscription.createSnapshot('before-ack');
      const [resp] = await first.raw.pull({ subscription: subscription.name, maxMessages: 10, returnImmediately: true });
      await first.raw.acknowledge({ subscription: subscription.name, ackIds: resp.receivedMessages!.map((m) => m.ackId!) });
    } finally {
      await first.close();
    }
    first = await open(project, dataDir);
    try {
      const subscription = first.pubsub.subscription('replayable');
      const pullData = async (): Promise<string[]> => {
        const [resp] = await first.raw.pull({ subscription: subscription.name, maxMessages: 10, returnImmediately: true });
        const got = resp.receivedMessages ?? [];
        if (got.length > 0) await first.raw.acknowledge({ subscription: subscription.name, ackIds: got.map((m) => m.ackId!) });
        return got.map((m) => Buffer.from(m.message!.data as Uint8Array).toString());
      };
      expect(await pullData()).toEqual([]);
      const [snapshots] = await first.pubsub.getSnapshots();
      expect(snapshots.map((s) => s.name)).toEqual([`projects/${project}/snapshots/before-ack`]);
      await subscription.seek('before-ack');
      expect(await pullData()).toEqual(['kept']);
      await subscription.seek(since);
      expect(await pullData()).toEqual(['kept']);
    } finally {
      await first.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
