// The ingest function over HTTP, without I/O of its own: accepts a Pub/Sub push body, a binary-mode
// CloudEvent (ce-* headers, body = {message, subscription}) or a structured one, and maps outcomes
// to status codes: 204 once the row is in raw or rejected_events (ack), 400 for a request that is
// not a Pub/Sub delivery, 503 for a transient failure (Pub/Sub redelivers with backoff).
import { traceFields, type Logger } from '../runtime/logger';
import { RetryableError } from '../runtime/errors';
import type { AcceptedVersions, Flow } from './decision';
import { ingestMessage, type IngestSinks } from './ingest';
import { decodePushBody, PushFormatError, topicFromCloudEventSource, type PushedMessage } from './push-message';

export const MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

export interface IngestHttpRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: unknown;
}

export interface IngestHttpResponse {
  status: number;
  body?: Record<string, unknown>;
}

export interface IngestHttpDeps {
  sinks: IngestSinks;
  piiKey: string;
  route: (msg: PushedMessage, topic?: string) => Flow | undefined;
  log: Logger;
  /** Project whose Cloud Trace the request's X-Cloud-Trace-Context names (log lines join its trace). */
  project?: string;
  now?: () => number;
  /** Asked for every message: the schema versions accepted per flow (undefined: each contract's). */
  acceptedVersions?: () => AcceptedVersions | undefined;
}

/** The push body and the CloudEvent's topic, whichever way the delivery came. */
export function unwrapDelivery(req: IngestHttpRequest): { body: unknown; topic?: string } {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const ceType = header('ce-type');
  if (ceType !== undefined) {
    if (ceType !== MESSAGE_PUBLISHED) throw new PushFormatError(`unsupported CloudEvent type ${ceType}`);
    return { body: req.body, topic: topicFromCloudEventSource(header('ce-source')) };
  }
  const b = req.body as { specversion?: unknown; type?: unknown; source?: unknown; data?: unknown } | null;
  if (b && typeof b === 'object' && typeof b.specversion === 'string') {
    if (b.type !== MESSAGE_PUBLISHED) throw new PushFormatError(`unsupported CloudEvent type ${String(b.type)}`);
    return { body: b.data, topic: topicFromCloudEventSource(typeof b.source === 'string' ? b.source : undefined) };
  }
  return { body: req.body };
}

export function createIngestHttpHandler(deps: IngestHttpDeps): (req: IngestHttpRequest) => Promise<IngestHttpResponse> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    const traceHeader = req.headers['x-cloud-trace-context'];
    const log: Logger = deps.project ? deps.log.child(traceFields(deps.project, Array.isArray(traceHeader) ? traceHeader[0] : traceHeader)) : deps.log;
    let msg: PushedMessage;
    let flow: Flow | undefined;
    try {
      const { body, topic } = unwrapDelivery(req);
      msg = decodePushBody(body);
      flow = deps.route(msg, topic);
    } catch (err) {
      if (!(err instanceof PushFormatError)) throw err;
      log.warn({ reason: err.message }, 'not a Pub/Sub delivery');
      return { status: 400, body: { error: 'bad_request', message: err.message } };
    }
    if (!flow) {
      // Not acked: it will be retried, then dead-lettered, and recorded from the dead-letter subscription.
      log.error({ messageId: msg.messageId, subscription: msg.subscription }, 'no flow for this subscription');
      return { status: 400, body: { error: 'bad_request', message: 'unknown subscription' } };
    }
    try {
      const outcome = await ingestMessage(msg, flow, { piiKey: deps.piiKey, nowMs: now(), acceptedVersions: deps.acceptedVersions?.() }, deps.sinks);
      if (outcome.status === 'rejected') log.info({ messageId: msg.messageId, eventId: outcome.eventId, reasonCode: outcome.reasonCode, fieldPath: outcome.fieldPath, flow }, 'event rejected');
      return { status: 204 };
    } catch (err) {
      const retryable = err instanceof RetryableError;
      log.warn({ messageId: msg.messageId, flow, err: (err as Error).message, retryable }, 'ingest failed; Pub/Sub will redeliver');
      return { status: retryable ? 503 : 500, body: { error: 'unavailable' } };
    }
  };
}
