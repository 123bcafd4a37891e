// The push dispatcher against a local HTTP endpoint: which answers acknowledge
// (https://cloud.google.com/pubsub/docs/push#receive_push: 102, 200, 201, 202, 204), timeouts,
// and the per-subscription concurrency bound.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../functions/runtime/logger';
import { DeliveryHub } from '../../../emulators/pubsub/delivery-hub';
import { storeMessage } from '../../../emulators/pubsub/message';
import { PushDispatcher } from '../../../emulators/pubsub/push-dispatcher';
import { validateSubscription, type SubscriptionConfig } from '../../../emulators/pubsub/subscription-config';
import { SubscriptionQueue } from '../../../emulators/pubsub/subscription-queue';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

type Responder = (path: string, body: { message: { messageId: string } }) => { status: number; delayMs?: number } | 'hang';

async function harness(respond: Responder, tweak: Partial<SubscriptionConfig> = {}, concurrency = 4) {
  let inflight = 0;
  let maxInflight = 0;
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { message: { messageId: string } };
      seen.push(body.message.messageId);
      const answer = respond(req.url ?? '', body);
      if (answer === 'hang') {
        req.socket.on('close', () => inflight--);
        return;
      }
      setTimeout(() => {
        inflight--;
        res.statusCode = answer.status;
        res.end();
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, 'localhost', r));
  const endpoint = `http://localhost:${(server.address() as AddressInfo).port}/push`;
  const config: SubscriptionConfig = {
    ...validateSubscription({
      pushConfig: { pushEndpoint: endpoint },
      retryPolicy: { minimumBackoff: { seconds: 0, nanos: 0 }, maximumBackoff: { seconds: 0, nanos: 0 } },
    }),
    ...tweak,
  };
  const queue = new SubscriptionQueue({ ordered: false, backoffMs: () => 0, retentionMs: 86_400_000, now: Date.now, ackIdPrefix: '1' });
  const hub = new DeliveryHub(queue);
  const dispatcher = new PushDispatcher({
    subscription: { ref: { name: 'projects/p/subscriptions/s' }, config, queue, hub },
    log: createLogger('push-test', { level: 'silent' }),
    concurrency,
  });
  hub.add(dispatcher);
  const ticker = setInterval(() => queue.tick(Date.now()), 10);
  let n = 0;
  const publish = (count: number): void => {
    for (let i = 0; i < count; i++) queue.enqueue(storeMessage(String(++n), Buffer.from(`m${n}`), {}, '', Date.now()));
  };
  const close = async (): Promise<void> => {
    clearInterval(ticker);
    dispatcher.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { queue, publish, seen, close, maxInflight: () => maxInflight };
}

describe('push dispatcher', () => {
  test('bounds concurrent requests per subscription and acks every 2xx', async () => {
    const h = await harness(() => ({ status: 200, delayMs: 20 }), {}, 4);
    try {
      h.publish(40);
      await waitFor('all acked', () => h.queue.size === 0);
      expect(h.maxInflight()).toBeLessThanOrEqual(4);
      expect(h.maxInflight()).toBeGreaterThan(1);
      expect(new Set(h.seen).size).toBe(40);
    } finally {
      await h.close();
    }
  });

  test.each([200, 201, 202, 204])('%i acknowledges', async (status) => {
    const h = await harness(() => ({ status }));
    try {
      h.publish(1);
      await waitFor('acked', () => h.queue.size === 0);
      await sleep(50);
      expect(h.seen).toEqual(['1']);
    } finally {
      await h.close();
    }
  });

  test.each([203, 301, 400, 429, 500, 503])('%i is a nack: the message comes again', async (status) => {
    let calls = 0;
    const h = await harness(() => ({ status: ++calls === 1 ? status : 200 }));
    try {
      h.publish(1);
      await waitFor('acked', () => h.queue.size === 0);
      expect(h.seen).toEqual(['1', '1']);
    } finally {
      await h.close();
    }
  });

  test('no answer within the ack deadline is a nack', async () => {
    let calls = 0;
    const h = await harness(() => (++calls === 1 ? 'hang' : { status: 204 }), { ackDeadlineSeconds: 0.3 });
    try {
      const t0 = Date.now();
      h.publish(1);
      await waitFor('acked', () => h.queue.size === 0);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(h.seen).toEqual(['1', '1']);
    } finally {
      await h.close();
    }
  });

  test('an unreachable endpoint is a nack, not a crash', async () => {
    const h = await harness(() => ({ status: 200 }), {
      push: { endpoint: 'http://localhost:1/nothing-listens', attributes: {}, oidc: null, noWrapper: null },
    });
    try {
      h.publish(1);
      await sleep(200);
      expect(h.queue.size).toBe(1);
    } finally {
      await h.close();
    }
  });
});
