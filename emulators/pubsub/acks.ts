// Acknowledge and ModifyAckDeadline, shared by the unary RPCs and StreamingPull requests.
// Expired or foreign ack ids are ignored (at-least-once Pub/Sub does the same); malformed ones
// are INVALID_ARGUMENT.
import { invalidArgument } from './errors';
import type { SubscriptionQueue } from './subscription-queue';

const ACK_ID = /^\d+-\d+$/;
export const MAX_ACK_DEADLINE_SECONDS = 600;

function checkAckIds(ackIds: readonly string[]): void {
  for (const id of ackIds) {
    if (!ACK_ID.test(id)) throw invalidArgument(`You have passed an invalid ack ID to the service (ack_id=${id}).`);
  }
}

export function applyAcks(sub: { queue: SubscriptionQueue }, ackIds: readonly string[]): void {
  checkAckIds(ackIds);
  for (const id of ackIds) sub.queue.ack(id);
}

export function applyModAcks(sub: { queue: SubscriptionQueue }, ackIds: readonly string[], seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_ACK_DEADLINE_SECONDS) {
    throw invalidArgument(
      `Invalid ack deadline given: ${seconds}. The ack deadline must be between 0 and ${MAX_ACK_DEADLINE_SECONDS} seconds.`,
    );
  }
  checkAckIds(ackIds);
  for (const id of ackIds) sub.queue.modifyAckDeadline(id, seconds);
}
