// The collector's Publisher over the official Pub/Sub client: ordered publishing (ordering key =
// order id), resolved only when every message of the request was accepted.
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { OutboundMessage, Publisher } from './handler';

export function pubsubPublisher(pubsub: PubSub): Publisher {
  const topics = new Map<string, Topic>();
  const topicOf = (name: string): Topic => {
    let t = topics.get(name);
    if (!t) {
      t = pubsub.topic(name, { messageOrdering: true, batching: { maxMessages: 1000, maxMilliseconds: 5 } });
      topics.set(name, t);
    }
    return t;
  };
  return {
    async publish(topicName, messages: OutboundMessage[]) {
      const topic = topicOf(topicName);
      const results = await Promise.allSettled(messages.map((m) => topic.publishMessage({ data: m.data, orderingKey: m.orderingKey, attributes: m.attributes })));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) {
        // A failed ordered publish pauses its key until resumed; the client retries the whole request.
        for (const m of messages) topic.resumePublishing(m.orderingKey);
        throw failed[0]!.reason;
      }
      return results.map((r) => (r as PromiseFulfilledResult<string>).value);
    },
  };
}
