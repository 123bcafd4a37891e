// Subscription limits: https://cloud.google.com/pubsub/docs/reference/rpc/google.pubsub.v1#subscription
import { backoffFor, updateSubscription, validateSubscription } from '../../../../emulators/pubsub/subscription-config';
import { buildPushRequest } from '../../../../emulators/pubsub/push-dispatcher';
import { storeMessage } from '../../../../emulators/pubsub/message';
import { verifyPushToken } from '../../../../emulators/pubsub/oidc';

const s = (seconds: number) => ({ seconds: Math.floor(seconds), nanos: Math.round((seconds % 1) * 1e9) });

describe('subscription settings', () => {
  test('defaults', () => {
    const c = validateSubscription({});
    expect(c).toMatchObject({ ackDeadlineSeconds: 10, ordered: false, filter: '', retryPolicy: null, deadLetter: null, push: null });
    expect(c.retentionMs).toBe(7 * 86_400_000);
  });

  test.each([
    [{ ackDeadlineSeconds: 9 }, /ack_deadline_seconds/],
    [{ ackDeadlineSeconds: 601 }, /ack_deadline_seconds/],
    [{ retryPolicy: { minimumBackoff: s(601) } }, /minimum_backoff/],
    [{ retryPolicy: { minimumBackoff: s(5), maximumBackoff: s(1) } }, /not be greater/],
    [{ deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dlq', maxDeliveryAttempts: 4 } }, /too small/],
    [{ deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dlq', maxDeliveryAttempts: 101 } }, /too large/],
    [{ deadLetterPolicy: { deadLetterTopic: 'not-a-topic' } }, /Invalid \[topics\] name/],
    [{ pushConfig: { pushEndpoint: 'ftp://x' } }, /push_endpoint/],
    [{ pushConfig: { pushEndpoint: 'http://x', oidcToken: { audience: 'a' } } }, /service_account_email/],
    [{ filter: 'attributes.a =' }, /Invalid filter/],
    [{ messageRetentionDuration: s(60) }, /message_retention_duration/],
  ])('rejects %o', (input, message) => {
    expect(() => validateSubscription(input)).toThrow(message);
  });

  test('unsupported features answer UNIMPLEMENTED instead of being ignored', () => {
    expect(() => validateSubscription({ enableExactlyOnceDelivery: true })).toThrow(/not implemented/);
    expect(() => validateSubscription({ bigqueryConfig: { table: 'p.d.t' } })).toThrow(/not implemented/);
  });

  test('retry backoff grows exponentially between minimum and maximum; push has its own default', () => {
    const b = backoffFor(validateSubscription({ retryPolicy: { minimumBackoff: s(0.1), maximumBackoff: s(0.5) } }));
    expect([1, 2, 3, 4, 5].map(b)).toEqual([100, 200, 400, 500, 500]);
    const defaults = backoffFor(validateSubscription({ retryPolicy: {} }));
    expect(defaults(1)).toBe(10_000);
    expect(defaults(10)).toBe(600_000);
    expect(backoffFor(validateSubscription({}))(3)).toBe(0);
    const push = backoffFor(validateSubscription({ pushConfig: { pushEndpoint: 'http://localhost:1/p' } }));
    expect([1, 2, 20].map(push)).toEqual([100, 200, 60_000]);
  });

  test('update masks change mutable fields only', () => {
    const c = validateSubscription({ filter: 'attributes:a' });
    expect(updateSubscription(c, { ackDeadlineSeconds: 30 }, ['ackDeadlineSeconds']).ackDeadlineSeconds).toBe(30);
    expect(() => updateSubscription(c, { filter: '' }, ['filter'])).toThrow(/immutable/);
    expect(() => updateSubscription(c, { enableMessageOrdering: true }, ['enable_message_ordering'])).toThrow(/immutable/);
    expect(() => updateSubscription(c, {}, [])).toThrow(/update_mask/);
  });
});

describe('push request', () => {
  const message = storeMessage('42', Buffer.from('{"a":1}'), { kind: 'order' }, 'order-7', Date.UTC(2026, 0, 2, 3, 4, 5, 678));

  test('standard JSON wrapper (https://cloud.google.com/pubsub/docs/push#receive_push)', () => {
    const config = validateSubscription({
      pushConfig: { pushEndpoint: 'http://localhost:8080/push' },
      deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dlq' },
    });
    const req = buildPushRequest('projects/p/subscriptions/s', config, message, 3);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body.toString())).toEqual({
      message: {
        attributes: { kind: 'order' },
        data: Buffer.from('{"a":1}').toString('base64'),
        messageId: '42',
        message_id: '42',
        publishTime: '2026-01-02T03:04:05.678Z',
        publish_time: '2026-01-02T03:04:05.678Z',
        orderingKey: 'order-7',
      },
      subscription: 'projects/p/subscriptions/s',
      deliveryAttempt: 3,
    });
  });

  test('no deliveryAttempt without a dead-letter policy; OIDC audience defaults to the endpoint', () => {
    const config = validateSubscription({
      pushConfig: { pushEndpoint: 'http://localhost:8080/push', oidcToken: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' } },
    });
    const req = buildPushRequest('projects/p/subscriptions/s', config, message, 1);
    expect(JSON.parse(req.body.toString()).deliveryAttempt).toBeUndefined();
    const claims = verifyPushToken(req.headers.authorization!, { audience: 'http://localhost:8080/push' });
    expect(claims.email).toBe('sa@p.iam.gserviceaccount.com');
  });

  test('unwrapped delivery sends the raw data, metadata as headers when asked', () => {
    const config = validateSubscription({ pushConfig: { pushEndpoint: 'http://localhost:8080/push', noWrapper: { writeMetadata: true } } });
    const req = buildPushRequest('projects/p/subscriptions/s', config, message, 1);
    expect(req.body.toString()).toBe('{"a":1}');
    expect(req.headers).toMatchObject({ kind: 'order', 'x-goog-pubsub-message-id': '42', 'x-goog-pubsub-subscription-name': 'projects/p/subscriptions/s' });
  });
});
