// Push delivery (https://cloud.google.com/pubsub/docs/push): POSTs each message to the endpoint in
// the standard JSON wrapper, with an OIDC token when configured. 102/200/201/202/204 acknowledge;
// any other answer, a network error or a timeout (the ack deadline) is a nack, so the retry policy
// (or push backoff) decides when the message comes again. Concurrency is bounded per subscription.
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../lib/logger';
import type { Capacity, Consumer, DeliveryHub } from './delivery-hub';
import type { StoredMessage } from './message';
import { signPushToken } from './oidc';
import type { SubscriptionConfig } from './subscription-config';
import type { Delivery, SubscriptionQueue } from './subscription-queue';

/** Status codes Pub/Sub treats as an acknowledgement. */
export const PUSH_ACK_STATUSES: ReadonlySet<number> = new Set([102, 200, 201, 202, 204]);

export interface PushTarget {
  readonly ref: { name: string };
  readonly config: SubscriptionConfig;
  readonly queue: SubscriptionQueue;
  readonly hub: DeliveryHub;
}

export interface PushDispatcherOptions {
  subscription: PushTarget;
  log: Logger;
  concurrency: number;
}

export interface PushRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** The JSON wrapper body (and headers) Pub/Sub sends for one message. */
export function buildPushRequest(
  subscription: string,
  config: SubscriptionConfig,
  message: StoredMessage,
  attempt: number,
): PushRequest {
  const push = config.push!;
  const headers: Record<string, string> = {
    'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
  };
  if (push.oidc) {
    const audience = push.oidc.audience || push.endpoint;
    headers.authorization = `Bearer ${signPushToken({ audience, email: push.oidc.serviceAccountEmail })}`;
  }
  const publishTime = new Date(message.publishTimeMs).toISOString();
  if (push.noWrapper) {
    headers['content-type'] = 'application/octet-stream';
    if (push.noWrapper.writeMetadata) {
      for (const [k, v] of Object.entries(message.attributes)) {
        if (/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k)) headers[k.toLowerCase()] = v;
      }
      headers['x-goog-pubsub-subscription-name'] = subscription;
      headers['x-goog-pubsub-message-id'] = message.id;
      headers['x-goog-pubsub-publish-time'] = publishTime;
      if (message.orderingKey) headers['x-goog-pubsub-ordering-key'] = message.orderingKey;
      if (config.deadLetter) headers['x-goog-pubsub-delivery-attempt'] = String(attempt);
    }
    return { body: message.data, headers };
  }
  const wrapped: Record<string, unknown> = {};
  if (Object.keys(message.attributes).length > 0) wrapped.attributes = message.attributes;
  if (message.data.length > 0) wrapped.data = message.data.toString('base64');
  wrapped.messageId = message.id;
  wrapped.message_id = message.id;
  wrapped.publishTime = publishTime;
  wrapped.publish_time = publishTime;
  if (message.orderingKey) wrapped.orderingKey = message.orderingKey;
  const body: Record<string, unknown> = { message: wrapped, subscription };
  if (config.deadLetter) body.deliveryAttempt = attempt;
  headers['content-type'] = 'application/json';
  return { body: Buffer.from(JSON.stringify(body)), headers };
}

export class PushDispatcher implements Consumer {
  private inflight = 0;
  private closed = false;
  private readonly requests = new Set<http.ClientRequest>();
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  constructor(private readonly options: PushDispatcherOptions) {}

  capacity(): Capacity | null {
    if (this.closed || !this.options.subscription.config.push) return null;
    const free = this.options.concurrency - this.inflight;
    return free > 0 ? { messages: free, bytes: Number.MAX_SAFE_INTEGER } : null;
  }

  ackDeadlineMs(): number {
    return this.options.subscription.config.ackDeadlineSeconds * 1000;
  }

  deliver(deliveries: Delivery[]): void {
    for (const d of deliveries) void this.send(d);
  }

  released(): void {
    // Concurrency counts HTTP requests, not leases: nothing to do when a lease ends.
  }

  close(): void {
    this.closed = true;
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async send(d: Delivery): Promise<void> {
    const sub = this.options.subscription;
    const push = sub.config.push;
    if (!push) {
      sub.queue.modifyAckDeadline(d.ackId, 0);
      return;
    }
    this.inflight++;
    let outcome: number | string;
    try {
      const request = buildPushRequest(sub.ref.name, sub.config, d.message, d.attempt);
      outcome = await this.post(push.endpoint, request, this.ackDeadlineMs());
    } catch (err) {
      outcome = err instanceof Error ? err.message : String(err);
    } finally {
      this.inflight--;
    }
    if (this.closed) return;
    if (typeof outcome === 'number' && PUSH_ACK_STATUSES.has(outcome)) {
      sub.queue.ack(d.ackId);
    } else {
      this.options.log.debug(
        { subscription: sub.ref.name, messageId: d.message.id, attempt: d.attempt, outcome },
        'push delivery failed',
      );
      sub.queue.modifyAckDeadline(d.ackId, 0);
    }
    sub.hub.schedule();
  }

  /** Resolves with the HTTP status, or rejects on network error or timeout. */
  private post(endpoint: string, request: PushRequest, timeoutMs: number): Promise<number> {
    const url = new URL(endpoint);
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          headers: { ...request.headers, 'content-length': String(request.body.length) },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      this.requests.add(req);
      req.on('close', () => this.requests.delete(req));
      req.on('timeout', () => req.destroy(new Error(`push endpoint did not answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(request.body);
    });
  }
}
