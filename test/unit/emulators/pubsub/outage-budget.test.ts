// The 6-hour outage budget on a simulated clock: the raw-ingest subscriptions' declared retry policy
// and dead-letter policy (contracts/catalog/platform.ts), run through the Pub/Sub emulator's
// subscription queue (its model of Pub/Sub's exponential retry backoff and max delivery attempts),
// with an ingest whose raw writes fail until the outage ends. Worst case: every failed delivery is
// answered at once (a slow 503 would only stretch the schedule). No real time passes.
import { loadCatalog, type SubscriptionDecl } from '../../../../contracts/catalog';
import { OUTAGE_BUDGET_SECONDS, retryWindowSeconds } from '../../../../contracts/catalog/retry';
import { storeMessage } from '../../../../emulators/pubsub/message';
import { backoffFor, validateSubscription } from '../../../../emulators/pubsub/subscription-config';
import { SubscriptionQueue } from '../../../../emulators/pubsub/subscription-queue';

const HOUR_MS = 3_600_000;
/** The clock advances in steps of this much; delivery times are exact to a step. */
const STEP_MS = 1_000;

interface Outcome {
  /** `acked`: written once the outage ended; `dead-lettered`: the attempts ran out first. */
  result: 'acked' | 'dead-lettered';
  attempts: number;
  /** Milliseconds from the first delivery to the last one. */
  atMs: number;
}

/** The subscription as the emulator compiles it from the declaration (push, retry and dead-letter policy). */
function compiled(decl: SubscriptionDecl) {
  return validateSubscription({
    name: `projects/p/subscriptions/${decl.name}`,
    topic: `projects/p/topics/${decl.topic}`,
    ackDeadlineSeconds: decl.ackDeadlineSeconds,
    pushConfig: { pushEndpoint: 'http://ingest.invalid/' },
    retryPolicy: { minimumBackoff: { seconds: decl.retryPolicy.minimumBackoffSeconds }, maximumBackoff: { seconds: decl.retryPolicy.maximumBackoffSeconds } },
    deadLetterPolicy: decl.deadLetter ? { deadLetterTopic: `projects/p/topics/${decl.deadLetter.topic}`, maxDeliveryAttempts: decl.deadLetter.maxDeliveryAttempts } : null,
    enableMessageOrdering: decl.enableMessageOrdering,
  });
}

/** One message published at t = 0 while raw writes fail for `outageMs`; deliveries nack until then. */
function simulate(decl: SubscriptionDecl, outageMs: number): Outcome {
  const config = compiled(decl);
  let clock = 0;
  let deadLettered: number | undefined;
  const queue = new SubscriptionQueue({
    ordered: config.ordered,
    backoffMs: backoffFor(config),
    maxDeliveryAttempts: config.deadLetter?.maxDeliveryAttempts,
    deadLetter: (_msg, attempts) => {
      deadLettered = attempts;
      return true;
    },
    retentionMs: config.retentionMs,
    now: () => clock,
    ackIdPrefix: 'sim',
  });
  queue.enqueue(storeMessage('1', Buffer.from('{"event_id":"e-1"}'), {}, 'order-1', clock));
  let lastAt = 0;
  for (;;) {
    for (const d of queue.take(1, Infinity, config.ackDeadlineSeconds * 1000, null)) {
      lastAt = clock;
      if (clock < outageMs) {
        queue.modifyAckDeadline(d.ackId, 0); // ingest answered 503: a nack
      } else {
        queue.ack(d.ackId);
        return { result: 'acked', attempts: d.attempt, atMs: lastAt };
      }
    }
    if (deadLettered !== undefined) return { result: 'dead-lettered', attempts: deadLettered, atMs: lastAt };
    if (clock > 48 * HOUR_MS) throw new Error('no outcome after 48 simulated hours');
    clock += STEP_MS;
    queue.tick(clock);
  }
}

const ingestSubscriptions = loadCatalog().subscriptions.filter((s) => s.deadLetter && s.push?.function === 'ingest');

describe('retry budget of the raw-ingest subscriptions, on a simulated clock', () => {
  test('the catalog declares it on both raw-ingest subscriptions', () => {
    expect(ingestSubscriptions.map((s) => s.name).sort()).toEqual(['delivery-events-ingest', 'online-orders-ingest']);
  });

  describe.each(ingestSubscriptions.map((s) => [s.name, s] as const))('%s', (_name, decl) => {
    const windowMs = retryWindowSeconds(decl.retryPolicy, decl.deadLetter!.maxDeliveryAttempts) * 1000;

    test('an event whose raw writes fail for 6 hours is written after the outage, within one maximum backoff, without dead-lettering', () => {
      const out = simulate(decl, OUTAGE_BUDGET_SECONDS * 1000);
      expect(out.result).toBe('acked');
      expect(out.attempts).toBeLessThan(decl.deadLetter!.maxDeliveryAttempts);
      expect(out.atMs).toBeGreaterThanOrEqual(OUTAGE_BUDGET_SECONDS * 1000);
      expect(out.atMs - OUTAGE_BUDGET_SECONDS * 1000).toBeLessThanOrEqual(decl.retryPolicy.maximumBackoffSeconds * 1000);
    });

    test('an event whose writes fail for longer than the retry window is dead-lettered after the last attempt, when retry.ts says', () => {
      const out = simulate(decl, windowMs + HOUR_MS);
      expect(out.result).toBe('dead-lettered');
      expect(out.attempts).toBe(decl.deadLetter!.maxDeliveryAttempts);
      // The last delivery comes when contracts/catalog/retry.ts computes it (to a clock step per attempt).
      expect(Math.abs(out.atMs - windowMs)).toBeLessThanOrEqual(decl.deadLetter!.maxDeliveryAttempts * STEP_MS);
      expect(out.atMs).toBeGreaterThan(OUTAGE_BUDGET_SECONDS * 1000);
    });

    test('the edge: an outage ending just before the last attempt is ridden out, one ending just after is not', () => {
      expect(simulate(decl, windowMs - 2 * decl.retryPolicy.maximumBackoffSeconds * 1000).result).toBe('acked');
      expect(simulate(decl, windowMs + 2 * decl.retryPolicy.maximumBackoffSeconds * 1000).result).toBe('dead-lettered');
    });
  });
});
