// Conformance: the official @google-cloud/pubsub client against our emulator and, when installed,
// Google's official emulator. Protocol facts come from https://cloud.google.com/pubsub/docs
// (publish limits: /quotas; ordering: /ordering; dead letters: /handling-failures; filters:
// /subscription-message-filter; push: /push and /authenticate-push-subscriptions).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { PubSub, v1, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import { startPubsub as start, verifyPushToken } from '@pizzaflow/emulators';
import { targets, type Target } from './targets';
import { grpcCode, uid } from './helpers';

jest.setTimeout(30_000);
// No GCE metadata probing from the raw v1 clients (it only prints MetadataLookupWarning noise).
process.env.METADATA_SERVER_DETECTION ??= 'none';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const fast = { minimumBackoff: { seconds: 0, nanos: 100e6 }, maximumBackoff: { seconds: 0, nanos: 200e6 } };

describe.each(targets)('Pub/Sub conformance: %s', (_name: string, target: Target, available: boolean) => {
  const d = available ? describe : describe.skip;
  d('with the official client', () => {
    let emulator: { url: string; close(): Promise<void> };
    let pubsub: PubSub;
    let admin: v1.SubscriberClient;
    let publisherApi: v1.PublisherClient;
    const project = uid('conf');
    const clients: PubSub[] = [];

    beforeAll(async () => {
      emulator = await target.start();
      const [host, port] = [emulator.url.slice(0, emulator.url.lastIndexOf(':')), Number(emulator.url.split(':').pop())];
      pubsub = new PubSub({ projectId: project, apiEndpoint: emulator.url });
      clients.push(pubsub);
      const raw = { servicePath: host, port, sslCreds: credentials.createInsecure(), projectId: project };
      admin = new v1.SubscriberClient(raw);
      publisherApi = new v1.PublisherClient(raw);
    }, 90_000);

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await admin?.close();
      await publisherApi?.close();
      await emulator?.close();
    });

    async function topicWithSubscription(
      options: Parameters<Topic['createSubscription']>[1] = {},
    ): Promise<{ topic: Topic; subscription: Subscription }> {
      const [topic] = await pubsub.createTopic(uid('t'));
      const [subscription] = await topic.createSubscription(uid('s'), options);
      return { topic, subscription };
    }

    async function pull(subscription: string, maxMessages = 100, returnImmediately = true) {
      const [response] = await admin.pull({ subscription, maxMessages, returnImmediately });
      return response.receivedMessages ?? [];
    }

    test('topic and subscription lifecycle, paging and errors', async () => {
      const pager = new PubSub({ projectId: uid('paging'), apiEndpoint: emulator.url });
      clients.push(pager);
      const names = ['topic-a', 'topic-b', 'topic-c', 'topic-d', 'topic-e'];
      for (const n of names) await pager.createTopic(n);
      const seen: string[] = [];
      let query: { pageSize: number; autoPaginate: false; pageToken?: string } | null = { pageSize: 2, autoPaginate: false };
      let pages = 0;
      while (query) {
        const [topics, next] = (await pager.getTopics(query)) as unknown as [Topic[], { pageToken?: string } | null];
        seen.push(...topics.map((t) => t.name.split('/').pop()!));
        pages++;
        query = next?.pageToken ? { ...query, pageToken: next.pageToken } : null;
      }
      expect(seen.sort()).toEqual(names);
      expect(pages).toBe(3);

      const topic = pager.topic('topic-a');
      expect(await grpcCode(pager.createTopic('topic-a'))).toBe(6); // ALREADY_EXISTS
      expect(await grpcCode(pager.topic('missing').getMetadata())).toBe(5); // NOT_FOUND
      expect(await grpcCode(pager.createTopic('1-starts-with-digit'))).toBe(3); // INVALID_ARGUMENT
      expect(await grpcCode(pager.createTopic('goog-reserved'))).toBe(3);
      expect(await grpcCode(pager.topic('missing').createSubscription('sub-x'))).toBe(5);
      if (target.supports.rangeChecks) {
        // ack_deadline_seconds must be 10-600 (https://cloud.google.com/pubsub/docs/lease-management)
        expect(await grpcCode(topic.createSubscription('sub-bad', { ackDeadlineSeconds: 5 }))).toBe(3);
      }

      const [sub] = await topic.createSubscription('sub-a', { ackDeadlineSeconds: 20, labels: { team: 'data' } });
      expect(await grpcCode(topic.createSubscription('sub-a'))).toBe(6);
      const [meta] = await sub.getMetadata();
      expect(meta.ackDeadlineSeconds).toBe(20);
      expect(meta.topic).toBe(topic.name);
      const [updated] = await sub.setMetadata({ ackDeadlineSeconds: 30 });
      expect(updated.ackDeadlineSeconds).toBe(30);
      const [subs] = await topic.getSubscriptions();
      expect(subs.map((s) => s.name)).toEqual([sub.name]);
      const [allSubs] = await pager.getSubscriptions();
      expect(allSubs.map((s) => s.name)).toEqual([sub.name]);
      if (target.supports.errorMessages) {
        // Unsupported features fail loudly instead of being accepted.
        const eod = topic.createSubscription('sub-eod', { enableExactlyOnceDelivery: true });
        await expect(eod).rejects.toMatchObject({ code: 12 }); // UNIMPLEMENTED
        await expect(eod).rejects.toThrow('not implemented by the pizzaflow Pub/Sub emulator');
      }

      await topic.delete();
      const [orphan] = await sub.getMetadata();
      expect(orphan.topic).toBe('_deleted-topic_');
      await sub.delete();
      expect(await grpcCode(sub.getMetadata())).toBe(5);
      if (target.supports.errorMessages) {
        // GCP's wording: https://cloud.google.com/pubsub/docs/reference/error-codes
        await expect(pager.topic('missing').getMetadata()).rejects.toThrow('Resource not found (resource=missing).');
      }
    });

    test('publish limits: 1,000 messages per request, empty messages rejected', async () => {
      const [topic] = await pubsub.createTopic(uid('limits'));
      const many = Array.from({ length: 1001 }, (_, i) => ({ data: Buffer.from(`m${i}`) }));
      expect(await grpcCode(publisherApi.publish({ topic: topic.name, messages: many }))).toBe(3);
      expect(await grpcCode(publisherApi.publish({ topic: topic.name, messages: [{}] }))).toBe(3);
      expect(await grpcCode(publisherApi.publish({ topic: topic.name, messages: [] }))).toBe(3);
      const [ok] = await publisherApi.publish({ topic: topic.name, messages: many.slice(0, 1000) });
      expect(ok.messageIds).toHaveLength(1000);
    });

    test('client batching of 1,000 messages: decimal ids, each message delivered once over 5 streams', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const batched = pubsub.topic(topic.name, { batching: { maxMessages: 1000, maxMilliseconds: 50 } });
      const ids = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => batched.publishMessage({ data: Buffer.from(`payload-${i}`), attributes: { i: String(i) } })),
      );
      expect(new Set(ids).size).toBe(1000);
      for (const id of ids) expect(id).toMatch(/^\d+$/);

      const received = new Map<string, number>();
      const bad: string[] = [];
      subscription.on('message', (m: Message) => {
        received.set(m.id, (received.get(m.id) ?? 0) + 1);
        if (m.data.toString() !== `payload-${m.attributes.i}`) bad.push(m.id);
        m.ack();
      });
      try {
        await waitFor('1000 messages', () => received.size === 1000);
        await sleep(200);
      } finally {
        await subscription.close();
      }
      expect(bad).toEqual([]);
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      expect([...received.keys()].sort()).toEqual([...ids].sort());
    });

    (target.supports.flowControl ? test : test.skip)('StreamingPull honours max_outstanding_messages: the server holds back the rest', async () => {
      const { topic, subscription: created } = await topicWithSubscription();
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => topic.publishMessage({ data: Buffer.from(`f${i}`) })));
      expect(ids).toHaveLength(20);
      const subscription = pubsub.subscription(created.name, {
        flowControl: { maxMessages: 5, allowExcessMessages: false },
        streamingOptions: { maxStreams: 1 },
      });
      const held: Message[] = [];
      subscription.on('message', (m: Message) => held.push(m));
      try {
        await waitFor('5 messages', () => held.length === 5);
        await sleep(300);
        expect(held).toHaveLength(5);
        // Messages the stream was not given are still available to a plain Pull.
        const rest = await pull(created.name, 100);
        expect(rest.length).toBe(15);
        await admin.acknowledge({ subscription: created.name, ackIds: rest.map((r) => r.ackId!) });
        const heldIds = new Set(held.map((m) => m.id));
        for (const r of rest) expect(heldIds.has(r.message!.messageId!)).toBe(false);
        held.forEach((m) => m.ack());
      } finally {
        await subscription.close();
      }
    });

    test('raw StreamingPull: keepalives, acks and nacks written on the stream itself', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const ids = await Promise.all(['x', 'y'].map((v) => topic.publishMessage({ data: Buffer.from(v) })));
      const stream = admin.streamingPull();
      const received: Array<{ ackId: string; id: string }> = [];
      stream.on('data', (r: { receivedMessages?: Array<{ ackId?: string | null; message?: { messageId?: string | null } | null }> }) => {
        for (const m of r.receivedMessages ?? []) received.push({ ackId: m.ackId!, id: m.message!.messageId! });
      });
      const ended = new Promise<void>((resolve) => {
        stream.on('error', () => resolve());
        stream.on('end', () => resolve());
      });
      try {
        stream.write({ subscription: subscription.name, streamAckDeadlineSeconds: 10 });
        await waitFor('two messages', () => received.length === 2);
        stream.write({}); // keepalive
        const x = received.find((r) => r.id === ids[0])!;
        const y = received.find((r) => r.id === ids[1])!;
        stream.write({ ackIds: [x.ackId], modifyDeadlineAckIds: [y.ackId], modifyDeadlineSeconds: [0] });
        await waitFor('y again', () => received.length === 3);
        expect(received[2]!.id).toBe(ids[1]);
        stream.write({ ackIds: [received[2]!.ackId] });
        await sleep(300);
        expect(received).toHaveLength(3);
      } finally {
        stream.cancel();
        await ended;
      }
      expect(await pull(subscription.name)).toHaveLength(0);
    });

    test('nack redelivers the same message; delivery_attempt stays 0 without a dead-letter policy', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const published = await Promise.all(['a', 'b', 'c'].map((x) => topic.publishMessage({ data: Buffer.from(x) })));
      const seen = new Map<string, number>();
      const attempts: number[] = [];
      subscription.on('message', (m: Message) => {
        const n = (seen.get(m.id) ?? 0) + 1;
        seen.set(m.id, n);
        attempts.push(m.deliveryAttempt);
        if (n === 1) m.nack();
        else m.ack();
      });
      try {
        await waitFor('redeliveries', () => published.every((id) => seen.get(id) === 2));
        await sleep(300);
      } finally {
        await subscription.close();
      }
      expect(published.map((id) => seen.get(id))).toEqual([2, 2, 2]);
      expect(attempts.every((a) => a === 0)).toBe(true);
    });

    test('an expired ack deadline redelivers; the stale ack id is ignored', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const id = await topic.publishMessage({ data: Buffer.from('lease') });
      const [first] = await pull(subscription.name, 10, false);
      expect(first!.message!.messageId).toBe(id);
      // ModifyAckDeadline accepts 0-600 s; 1 s makes the lease expire quickly.
      await admin.modifyAckDeadline({ subscription: subscription.name, ackIds: [first!.ackId!], ackDeadlineSeconds: 1 });
      expect(await pull(subscription.name)).toHaveLength(0);
      await sleep(1100);
      let again: Awaited<ReturnType<typeof pull>> = [];
      for (let i = 0; i < 50 && again.length === 0; i++) {
        again = await pull(subscription.name);
        if (again.length === 0) await sleep(100);
      }
      expect(again).toHaveLength(1);
      expect(again[0]!.message!.messageId).toBe(id);
      expect(again[0]!.ackId).not.toBe(first!.ackId);
      await admin.acknowledge({ subscription: subscription.name, ackIds: [first!.ackId!] }); // stale: no error
      await admin.modifyAckDeadline({ subscription: subscription.name, ackIds: [again[0]!.ackId!], ackDeadlineSeconds: 0 });
      const [third] = await pull(subscription.name, 10, false);
      expect(third!.message!.messageId).toBe(id);
      await admin.acknowledge({ subscription: subscription.name, ackIds: [third!.ackId!] });
      expect(await pull(subscription.name)).toHaveLength(0);
    });

    test('message ordering: per-key order, and a nack redelivers the key from that message on', async () => {
      const { topic, subscription } = await topicWithSubscription({ enableMessageOrdering: true });
      topic.setPublishOptions({ messageOrdering: true });
      const keys = ['order-1', 'order-2', 'order-3'];
      const perKey = 30;
      for (let i = 0; i < perKey; i++) {
        for (const key of keys) void topic.publishMessage({ data: Buffer.from(String(i)), orderingKey: key });
      }
      await topic.flush();
      const acked = new Map<string, number[]>(keys.map((k) => [k, []]));
      const failedOnce = new Set<string>();
      const blocked = new Map<string, number>(); // key -> index we nacked, until it comes back
      subscription.on('message', (m: Message) => {
        const i = Number(m.data.toString());
        const key = m.orderingKey!;
        const stop = blocked.get(key);
        if (stop !== undefined && i !== stop) return m.nack(); // a consumer stops the key after a failure
        blocked.delete(key);
        if (i === 10 && !failedOnce.has(key)) {
          failedOnce.add(key);
          blocked.set(key, i);
          return m.nack();
        }
        acked.get(key)!.push(i);
        m.ack();
      });
      try {
        await waitFor('all keys', () => keys.every((k) => acked.get(k)!.length >= perKey), 20_000);
        await sleep(200);
      } finally {
        await subscription.close();
      }
      for (const k of keys) expect(acked.get(k)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    });

    test('dead letters: after max_delivery_attempts the message moves with its data, attributes and source details', async () => {
      const [dlq] = await pubsub.createTopic(uid('dlq'));
      const [dlqSub] = await dlq.createSubscription(uid('dlq-sub'));
      const { topic, subscription } = await topicWithSubscription({
        deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
        retryPolicy: fast,
      });
      const publishedAt = Date.now();
      const id = await topic.publishMessage({ data: Buffer.from('poison'), attributes: { kind: 'bad' } });
      const attempts: number[] = [];
      subscription.on('message', (m: Message) => {
        attempts.push(m.deliveryAttempt);
        m.nack();
      });
      let forwarded: Awaited<ReturnType<typeof pull>> = [];
      try {
        for (let i = 0; i < 100 && forwarded.length === 0; i++) {
          forwarded = await pull(dlqSub.name);
          if (forwarded.length === 0) await sleep(100);
        }
      } finally {
        await subscription.close();
      }
      expect(attempts).toEqual([1, 2, 3, 4, 5]);
      expect(forwarded).toHaveLength(1);
      const m = forwarded[0]!.message!;
      expect(Buffer.from(m.data as Uint8Array).toString()).toBe('poison');
      expect(m.messageId).not.toBe(id);
      expect(m.attributes).toMatchObject({
        kind: 'bad',
        CloudPubSubDeadLetterSourceDeliveryCount: '5',
        CloudPubSubDeadLetterSourceSubscription: subscription.name.split('/').pop(),
        CloudPubSubDeadLetterSourceSubscriptionProject: project,
      });
      const sourceTime = Date.parse(m.attributes!.CloudPubSubDeadLetterSourceTopicPublishTime!);
      expect(Math.abs(sourceTime - publishedAt)).toBeLessThan(5000);
    });

    (target.supports.filters ? test : test.skip)('filters: only matching messages are delivered; invalid filters are rejected', async () => {
      const [topic] = await pubsub.createTopic(uid('filtered'));
      const filters: Record<string, string[]> = {
        'attributes.kind = "order"': ['order-web', 'order-pos'],
        'attributes.kind != "order"': ['refund', 'plain'],
        'attributes:channel': ['order-web', 'order-pos', 'refund'],
        'NOT attributes:channel': ['plain'],
        '-attributes:channel': ['plain'],
        'hasPrefix(attributes.channel, "we")': ['order-web', 'refund'],
        'attributes.kind = "order" AND attributes.channel = "pos"': ['order-pos'],
        'attributes.kind = "refund" OR attributes.channel = "pos"': ['order-pos', 'refund'],
        '(attributes.kind = "order" OR attributes.kind = "refund") AND NOT attributes.channel = "pos"': ['order-web', 'refund'],
      };
      const subs = new Map<string, string>();
      for (const f of Object.keys(filters)) {
        const [s] = await topic.createSubscription(uid('f'), { filter: f });
        subs.set(f, s.name);
      }
      for (const bad of ['attributes.kind = ', 'attributes.kind = "a" AND attributes.x = "b" OR attributes:y', 'attributes.kind = "a" and attributes:y', 'data = "x"']) {
        expect(await grpcCode(topic.createSubscription(uid('bad'), { filter: bad }))).toBe(3);
      }
      await topic.publishMessage({ data: Buffer.from('order-web'), attributes: { kind: 'order', channel: 'web' } });
      await topic.publishMessage({ data: Buffer.from('order-pos'), attributes: { kind: 'order', channel: 'pos' } });
      await topic.publishMessage({ data: Buffer.from('refund'), attributes: { kind: 'refund', channel: 'web' } });
      await topic.publishMessage({ data: Buffer.from('plain') });
      for (const [f, expected] of Object.entries(filters)) {
        const got = (await pull(subs.get(f)!)).map((r) => Buffer.from(r.message!.data as Uint8Array).toString());
        expect({ filter: f, got: got.sort() }).toEqual({ filter: f, got: [...expected].sort() });
      }
    });

    test('push: JSON wrapper, retries with backoff on non-2xx, delivery attempts, OIDC token', async () => {
      const bodies: Array<{ body: Record<string, unknown>; auth?: string; path: string }> = [];
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          bodies.push({ body, auth: req.headers.authorization, path: req.url ?? '' });
          const failures = bodies.filter((b) => b.path === '/flaky').length;
          res.statusCode = req.url === '/flaky' && failures < 3 ? 503 : req.url === '/flaky' ? 204 : 200;
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, 'localhost', r));
      const base = `http://localhost:${(server.address() as AddressInfo).port}`;
      try {
        const [dlq] = await pubsub.createTopic(uid('push-dlq'));
        const [topic] = await pubsub.createTopic(uid('push'));
        const [flaky] = await topic.createSubscription(uid('flaky'), {
          pushConfig: { pushEndpoint: `${base}/flaky` },
          retryPolicy: fast,
          deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
        });
        const oidc = { serviceAccountEmail: 'pusher@conformance.iam.gserviceaccount.com', audience: 'https://ingest.example' };
        if (target.supports.oidc) {
          await topic.createSubscription(uid('oidc'), { pushConfig: { pushEndpoint: `${base}/oidc`, oidcToken: oidc } });
          await topic.createSubscription(uid('oidc-default'), {
            pushConfig: { pushEndpoint: `${base}/oidc-default`, oidcToken: { serviceAccountEmail: oidc.serviceAccountEmail } },
          });
        }
        const id = await topic.publishMessage({ data: Buffer.from('{"order":1}'), attributes: { kind: 'order' } });
        await waitFor('three flaky attempts', () => bodies.filter((b) => b.path === '/flaky').length >= 3);
        if (target.supports.oidc) await waitFor('oidc pushes', () => bodies.filter((b) => b.path.startsWith('/oidc')).length >= 2);
        await sleep(400); // an acked push must not come again
        const flakyBodies = bodies.filter((b) => b.path === '/flaky').map((b) => b.body);
        expect(flakyBodies).toHaveLength(3);
        if (target.supports.pushDeliveryAttempt) {
          expect(flakyBodies.map((b) => b.deliveryAttempt)).toEqual([1, 2, 3]);
        }
        const message = flakyBodies[0]!.message as Record<string, unknown>;
        expect(Buffer.from(message.data as string, 'base64').toString()).toBe('{"order":1}');
        expect(message.attributes).toEqual({ kind: 'order' });
        expect(message.messageId).toBe(id);
        expect(message.message_id).toBe(id);
        expect(typeof message.publishTime).toBe('string');
        expect(message.publish_time).toBe(message.publishTime);
        expect(Number.isNaN(Date.parse(message.publishTime as string))).toBe(false);
        expect(flakyBodies[0]!.subscription).toBe(flaky.name);
        if (target.supports.oidc) {
          const withAudience = bodies.find((b) => b.path === '/oidc')!;
          expect(withAudience.body.deliveryAttempt).toBeUndefined();
          const claims = verifyPushToken(withAudience.auth!, { audience: oidc.audience, email: oidc.serviceAccountEmail });
          expect(claims.iss).toBe('https://accounts.google.com');
          const byEndpoint = bodies.find((b) => b.path === '/oidc-default')!;
          expect(verifyPushToken(byEndpoint.auth!, { audience: `${base}/oidc-default` }).email).toBe(oidc.serviceAccountEmail);
          expect(() => verifyPushToken(byEndpoint.auth!, { audience: 'https://elsewhere' })).toThrow('audience');
        }
        // Switching to pull stops pushes.
        await flaky.modifyPushConfig({});
        const [meta] = await flaky.getMetadata();
        expect(meta.pushConfig?.pushEndpoint ?? '').toBe('');
      } finally {
        await new Promise((r) => server.close(r));
        server.closeAllConnections();
      }
    });

    (target.supports.rangeChecks ? test : test.skip)('ModifyAckDeadline rejects deadlines over 600 s and malformed ack ids', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await topic.publishMessage({ data: Buffer.from('x') });
      const [m] = await pull(subscription.name, 1, false);
      const req = { subscription: subscription.name, ackIds: [m!.ackId!], ackDeadlineSeconds: 601 };
      expect(await grpcCode(admin.modifyAckDeadline(req))).toBe(3);
      expect(await grpcCode(admin.acknowledge({ subscription: subscription.name, ackIds: ['not-an-ack-id'] }))).toBe(3);
      await admin.acknowledge({ subscription: subscription.name, ackIds: [m!.ackId!] });
    });

    (target.supports.inProcess ? test : test.skip)('shutdown ends streams with UNAVAILABLE, never OK: the subscriber emits no error', async () => {
      const own = await start({ port: 0, logLevel: 'error' });
      const client = new PubSub({ projectId: uid('shutdown'), apiEndpoint: own.url });
      const errors: Error[] = [];
      try {
        const [topic] = await client.createTopic('t-shutdown');
        const [sub] = await topic.createSubscription('s-shutdown');
        sub.on('error', (e: Error) => errors.push(e));
        const got: string[] = [];
        sub.on('message', (m: Message) => {
          got.push(m.id);
          m.ack();
        });
        await topic.publishMessage({ data: Buffer.from('before') });
        await waitFor('message', () => got.length === 1);
        await sleep(300); // let the client flush its batched ack (100 ms) while the server is up
        await own.close();
        await sleep(500);
        expect(errors).toEqual([]);
        await sub.close();
      } finally {
        await own.close();
        await client.close();
      }
    });
  });
});
