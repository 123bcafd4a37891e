// One StreamingPull call: the first request names the subscription and the stream's flow control
// (max_outstanding_messages/bytes, 0 = unlimited) and ack deadline; later requests are keepalives
// (`{}`), deadline changes, or acks/modAcks. Streams end with UNAVAILABLE when the emulator stops,
// never OK, because the Node client treats OK on its last stream as a fatal error.
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from '../lib/logger';
import type { Broker, SubscriptionState } from './broker';
import type { Capacity, Consumer } from './delivery-hub';
import { ApiError, invalidArgument } from './errors';
import type { ReceivedMessage, StreamingPullRequest } from './proto-types';
import type { Delivery } from './subscription-queue';
import { applyAcks, applyModAcks } from './acks';

export interface StreamingPullResponse {
  receivedMessages: ReceivedMessage[];
  subscriptionProperties: { exactlyOnceDeliveryEnabled: boolean; messageOrderingEnabled: boolean };
}

export type StreamingPullCall = ServerDuplexStream<StreamingPullRequest, StreamingPullResponse>;

export class StreamSession implements Consumer {
  private sub: SubscriptionState | null = null;
  private maxMessages = 0;
  private maxBytes = 0;
  private outstandingMessages = 0;
  private outstandingBytes = 0;
  private deadlineMs = 10_000;
  private writable = true;
  private ended = false;

  constructor(
    private readonly call: StreamingPullCall,
    private readonly broker: Broker,
    private readonly log: Logger,
    private readonly onEnd: (session: StreamSession) => void,
  ) {
    call.on('data', (req: StreamingPullRequest) => this.onRequest(req));
    call.on('end', () => this.finish(status.OK, ''));
    call.on('cancelled', () => this.detach());
    call.on('error', () => this.detach());
    call.on('close', () => this.detach());
    call.on('drain', () => {
      this.writable = true;
      this.sub?.hub.schedule();
    });
  }

  capacity(): Capacity | null {
    if (this.ended || !this.writable) return null;
    const messages = this.maxMessages > 0 ? this.maxMessages - this.outstandingMessages : Number.MAX_SAFE_INTEGER;
    const bytes = this.maxBytes > 0 ? this.maxBytes - this.outstandingBytes : Number.MAX_SAFE_INTEGER;
    return messages > 0 && bytes > 0 ? { messages, bytes } : null;
  }

  ackDeadlineMs(): number {
    return this.deadlineMs;
  }

  deliver(deliveries: Delivery[]): void {
    const sub = this.sub!;
    const withAttempt = sub.config.deadLetter !== null;
    const receivedMessages: ReceivedMessage[] = new Array<ReceivedMessage>(deliveries.length);
    for (let i = 0; i < deliveries.length; i++) {
      const d = deliveries[i]!;
      this.outstandingMessages++;
      this.outstandingBytes += d.message.size;
      receivedMessages[i] = { ackId: d.ackId, message: d.message.wire, deliveryAttempt: withAttempt ? d.attempt : 0 };
    }
    const ok = this.call.write({
      receivedMessages,
      subscriptionProperties: { exactlyOnceDeliveryEnabled: false, messageOrderingEnabled: sub.config.ordered },
    });
    if (!ok) this.writable = false;
  }

  released(lease: Delivery['lease']): void {
    this.outstandingMessages--;
    this.outstandingBytes -= lease.entry.msg.size;
    if (!this.ended) this.sub?.hub.schedule();
  }

  close(code: status, details: string): void {
    this.finish(code, details);
  }

  private onRequest(req: StreamingPullRequest): void {
    try {
      if (!this.sub) this.attach(req);
      else if (req.streamAckDeadlineSeconds) this.deadlineMs = streamDeadline(req.streamAckDeadlineSeconds);
      const sub = this.sub!;
      if (req.ackIds && req.ackIds.length > 0) applyAcks(sub, req.ackIds);
      if (req.modifyDeadlineAckIds && req.modifyDeadlineAckIds.length > 0) {
        if (req.modifyDeadlineAckIds.length !== (req.modifyDeadlineSeconds?.length ?? 0)) {
          throw invalidArgument('modify_deadline_seconds and modify_deadline_ack_ids must have the same length.');
        }
        req.modifyDeadlineAckIds.forEach((id, i) => applyModAcks(sub, [id], req.modifyDeadlineSeconds![i]!));
      }
    } catch (err) {
      if (err instanceof ApiError) this.finish(err.code, err.message);
      else {
        this.log.error({ err }, 'StreamingPull request failed');
        this.finish(status.INTERNAL, 'Internal error in the Pub/Sub emulator.');
      }
    }
  }

  private attach(req: StreamingPullRequest): void {
    if (!req.subscription) throw invalidArgument('The first StreamingPullRequest must name a subscription.');
    const sub = this.broker.subscriptionForDelivery(req.subscription);
    this.deadlineMs = req.streamAckDeadlineSeconds
      ? streamDeadline(req.streamAckDeadlineSeconds)
      : sub.config.ackDeadlineSeconds * 1000;
    this.maxMessages = Math.max(0, Number(req.maxOutstandingMessages ?? 0));
    this.maxBytes = Math.max(0, Number(req.maxOutstandingBytes ?? 0));
    this.sub = sub;
    sub.hub.add(this);
    this.log.debug(
      { subscription: sub.ref.name, maxMessages: this.maxMessages, maxBytes: this.maxBytes, deadlineMs: this.deadlineMs },
      'streaming pull opened',
    );
  }

  private finish(code: status, details: string): void {
    if (this.ended) return;
    this.detach();
    try {
      if (code === status.OK) this.call.end();
      else this.call.emit('error', { code, details, name: 'ApiError', message: details });
    } catch (err) {
      this.log.debug({ err }, 'stream already closed');
    }
  }

  private detach(): void {
    if (this.ended) return;
    this.ended = true;
    this.sub?.hub.remove(this);
    this.onEnd(this);
  }
}

/** Pub/Sub accepts stream deadlines up to 600 s; the client may ask for less than 10 s. */
function streamDeadline(seconds: number): number {
  if (seconds < 0 || seconds > 600) {
    throw invalidArgument(`Invalid stream_ack_deadline_seconds: ${seconds}. It must be at most 600 seconds.`);
  }
  return seconds * 1000;
}
