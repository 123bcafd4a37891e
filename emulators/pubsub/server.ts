// The gRPC surface: google.pubsub.v1 Publisher, Subscriber and SchemaService (and google.iam.v1.IAMPolicy)
// mapped onto the broker.
// Every handler turns errors into gRPC statuses (a bad request never crashes the server), and every
// method the emulator does not support answers UNIMPLEMENTED with a message. Every call must name a
// loopback host (or an allowed one) in its `:authority`, else PERMISSION_DENIED (DNS rebinding).
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type ServerInterceptor,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { foreignHostMessage, hostCheck, type HostCheck } from '../lib/host-check';
import type { Logger } from '../lib/logger';
import { applyAcks, applyModAcks } from './acks';
import type { Broker } from './broker';
import type { Capacity, Consumer } from './delivery-hub';
import { ApiError, invalidArgument, unimplemented } from './errors';
import type { Policy } from './iam';
import { parseProject } from './names';
import type { FieldMask, PubsubMessage, ReceivedMessage, Subscription, Timestamp, Topic } from './proto-types';
import { loadPubsubServices } from './protos';
import type { SnapshotResource } from './replay';
import type { SchemaResource } from './schemas';
import { StreamSession, type StreamingPullCall } from './streaming-pull';
import type { Delivery } from './subscription-queue';

const MAX_PULL_MESSAGES = 1000;
const MAX_PULL_BYTES = 10 * 1024 * 1024;
/** A Pull without return_immediately waits this long (or until its deadline) for messages. */
const PULL_WAIT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

type Handler = (request: never, call: ServerUnaryCall<unknown, unknown>) => unknown;

export interface GrpcServer {
  server: Server;
  port: number;
  /** Ends streams with UNAVAILABLE, then stops the server. */
  close(): Promise<void>;
}

/** `allowHost`: which `:authority` hosts are served (DNS rebinding protection); default loopback names only. */
export async function startGrpcServer(broker: Broker, log: Logger, host: string, port: number, allowHost: HostCheck = hostCheck(undefined)): Promise<GrpcServer> {
  const services = loadPubsubServices();
  const server = new Server({
    // Above Pub/Sub's 10 MB request limit, so oversized publishes get its INVALID_ARGUMENT rather
    // than a transport RESOURCE_EXHAUSTED that the client would retry.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': -1,
    interceptors: [authorityCheck(allowHost, log)],
  });
  const sessions = new Set<StreamSession>();
  const handlers = new Handlers(broker, log, sessions);
  server.addService(services.Publisher, implement('Publisher', services.Publisher, handlers.publisher(), log));
  server.addService(services.Subscriber, implement('Subscriber', services.Subscriber, handlers.subscriber(), log));
  server.addService(services.SchemaService, implement('SchemaService', services.SchemaService, handlers.schemaService(), log));
  server.addService(services.IAMPolicy, implement('IAMPolicy', services.IAMPolicy, handlers.iamPolicy(), log));
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    server,
    port: bound,
    close: () => closeServer(server, broker),
  };
}

/**
 * Refuses a call whose `:authority` (Host) is not allowed with PERMISSION_DENIED before its
 * metadata reaches the handler, so no request message is read and no handler runs.
 */
function authorityCheck(allowHost: HostCheck, log: Logger): ServerInterceptor {
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            const authority = call.getHost();
            if (allowHost(authority)) {
              forward(metadata);
              return;
            }
            log.warn({ authority, rpc: method.path }, 'refused a call for a foreign host');
            call.sendStatus({ code: status.PERMISSION_DENIED, details: foreignHostMessage(authority) });
          },
        }),
    });
}

async function closeServer(server: Server, broker: Broker): Promise<void> {
  broker.close();
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 1000);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

/** Wraps unary handlers and fills every method the emulator lacks with UNIMPLEMENTED. */
function implement(
  service: string,
  definition: ServiceDefinition,
  handlers: Record<string, Handler | UntypedHandleCall>,
  log: Logger,
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const [method, def] of Object.entries(definition)) {
    const handler = handlers[method] ?? handlers[def.originalName ?? ''];
    if (def.requestStream || def.responseStream) {
      impl[method] = (handler as UntypedHandleCall) ?? unimplementedStream(`${service}.${method}`);
    } else {
      impl[method] = unary(`${service}.${method}`, (handler as Handler | undefined) ?? null, log);
    }
  }
  return impl;
}

function unary(rpc: string, handler: Handler | null, log: Logger): UntypedHandleCall {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    if (!handler) {
      callback({ code: status.UNIMPLEMENTED, details: unimplemented(rpc).message });
      return;
    }
    let result: unknown;
    try {
      result = handler(call.request as never, call);
    } catch (err) {
      callback(toStatus(err, rpc, log));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => callback(null, r),
        (err: unknown) => callback(toStatus(err, rpc, log)),
      );
    } else {
      callback(null, result);
    }
  };
}

function unimplementedStream(rpc: string): UntypedHandleCall {
  return (call: { emit(event: 'error', err: unknown): void }) =>
    call.emit('error', { code: status.UNIMPLEMENTED, details: unimplemented(rpc).message });
}

function toStatus(err: unknown, rpc: string, log: Logger): { code: status; details: string } {
  if (err instanceof ApiError) return { code: err.code, details: err.message };
  log.error({ err, rpc }, 'request failed');
  return { code: status.INTERNAL, details: `Internal error in the Pub/Sub emulator while handling ${rpc}.` };
}

function paginate<T>(items: T[], pageSize: number | undefined, pageToken: string | undefined): { page: T[]; next: string } {
  let start = 0;
  if (pageToken) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(pageToken, 'base64url').toString('utf8'));
    if (!m) throw invalidArgument(`Invalid page_token: ${pageToken}`);
    start = Number(m[1]);
  }
  if (pageSize !== undefined && pageSize < 0) throw invalidArgument('page_size must not be negative.');
  const size = Math.min(pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return { page, next: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : '' };
}

const byName = <T extends { name?: string }>(a: T, b: T): number => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0);

function maskPaths(mask: FieldMask | null | undefined): string[] {
  return mask?.paths ?? [];
}

class Handlers {
  constructor(
    private readonly broker: Broker,
    private readonly log: Logger,
    private readonly sessions: Set<StreamSession>,
  ) {}

  publisher(): Record<string, Handler> {
    const b = this.broker;
    return {
      CreateTopic: (req: Topic) => b.createTopic(req),
      GetTopic: (req: { topic: string }) => b.getTopic(req.topic),
      UpdateTopic: (req: { topic: Topic | null; updateMask: FieldMask | null }) => {
        if (!req.topic) throw invalidArgument('The topic in the UpdateTopicRequest must be set.');
        return b.updateTopic(req.topic, maskPaths(req.updateMask));
      },
      Publish: (req: { topic: string; messages: PubsubMessage[] }) => ({ messageIds: b.publish(req.topic, req.messages) }),
      ListTopics: (req: { project: string; pageSize: number; pageToken: string }) => {
        const { page, next } = paginate(b.listTopics(parseProject(req.project)).sort(byName), req.pageSize, req.pageToken);
        return { topics: page, nextPageToken: next };
      },
      ListTopicSubscriptions: (req: { topic: string; pageSize: number; pageToken: string }) => {
        const { page, next } = paginate(b.listTopicSubscriptions(req.topic).sort(), req.pageSize, req.pageToken);
        return { subscriptions: page, nextPageToken: next };
      },
      ListTopicSnapshots: (req: { topic: string; pageSize: number; pageToken: string }) => {
        const { page, next } = paginate(b.listTopicSnapshots(req.topic).sort(), req.pageSize, req.pageToken);
        return { snapshots: page, nextPageToken: next };
      },
      DeleteTopic: (req: { topic: string }) => {
        b.deleteTopic(req.topic);
        return {};
      },
      DetachSubscription: (req: { subscription: string }) => {
        b.detachSubscription(req.subscription);
        return {};
      },
    };
  }

  /** google.iam.v1.IAMPolicy on topics, subscriptions, snapshots and schemas (iam.ts). */
  iamPolicy(): Record<string, Handler> {
    const iam = this.broker.iam;
    return {
      GetIamPolicy: (req: { resource: string }) => iam.get(req.resource),
      SetIamPolicy: (req: { resource: string; policy: Policy | null }) => iam.set(req.resource, req.policy),
      TestIamPermissions: (req: { resource: string; permissions: string[] }) => iam.testPermissions(req.resource, req.permissions),
    };
  }

  schemaService(): Record<string, Handler> {
    const b = this.broker;
    const r = b.schemas;
    type Req = { name: string; view: string; pageSize: number; pageToken: string };
    return {
      CreateSchema: (req: { parent: string; schema: SchemaResource | null; schemaId: string }) => {
        parseProject(req.parent);
        return r.create(req.parent, req.schemaId, req.schema);
      },
      GetSchema: (req: Req) => r.get(req.name, req.view),
      ListSchemas: (req: { parent: string; view: string; pageSize: number; pageToken: string }) => {
        const { page, next } = paginate(r.list(parseProject(req.parent), req.view).sort(byName), req.pageSize, req.pageToken);
        return { schemas: page, nextPageToken: next };
      },
      ListSchemaRevisions: (req: Req) => {
        const { page, next } = paginate(r.listRevisions(req.name, req.view), req.pageSize, req.pageToken);
        return { schemas: page, nextPageToken: next };
      },
      CommitSchema: (req: { name: string; schema: SchemaResource | null }) => r.commit(req.name, req.schema),
      RollbackSchema: (req: { name: string; revisionId: string }) => r.rollback(req.name, req.revisionId),
      DeleteSchemaRevision: (req: { name: string; revisionId: string }) => r.deleteRevision(req.name, req.revisionId),
      DeleteSchema: (req: { name: string }) => {
        b.deleteSchema(req.name);
        return {};
      },
      ValidateSchema: (req: { parent: string; schema: SchemaResource | null }) => {
        parseProject(req.parent);
        r.validateSchema(req.schema);
        return {};
      },
      ValidateMessage: (req: { parent: string; name: string; schema: SchemaResource | null; message: Buffer; encoding: string }) => {
        parseProject(req.parent);
        r.validateMessage({ name: req.name || undefined, schema: req.schema }, req.message ?? Buffer.alloc(0), req.encoding);
        return {};
      },
    };
  }

  subscriber(): Record<string, Handler | UntypedHandleCall> {
    const b = this.broker;
    return {
      CreateSubscription: (req: Subscription) => b.createSubscription(req),
      GetSubscription: (req: { subscription: string }) => b.getSubscription(req.subscription),
      UpdateSubscription: (req: { subscription: Subscription | null; updateMask: FieldMask | null }) => {
        if (!req.subscription) throw invalidArgument('The subscription in the UpdateSubscriptionRequest must be set.');
        return b.updateSubscription(req.subscription, maskPaths(req.updateMask));
      },
      ListSubscriptions: (req: { project: string; pageSize: number; pageToken: string }) => {
        const all = b.listSubscriptions(parseProject(req.project)).sort(byName);
        const { page, next } = paginate(all, req.pageSize, req.pageToken);
        return { subscriptions: page, nextPageToken: next };
      },
      DeleteSubscription: (req: { subscription: string }) => {
        b.deleteSubscription(req.subscription);
        return {};
      },
      ModifyPushConfig: (req: { subscription: string; pushConfig: Subscription['pushConfig'] }) => {
        b.modifyPushConfig(req.subscription, req.pushConfig);
        return {};
      },
      Acknowledge: (req: { subscription: string; ackIds: string[] }) => {
        if (req.ackIds.length === 0) throw invalidArgument('No ack ids specified.');
        applyAcks(b.subscription(req.subscription), req.ackIds);
        return {};
      },
      ModifyAckDeadline: (req: { subscription: string; ackIds: string[]; ackDeadlineSeconds: number }) => {
        if (req.ackIds.length === 0) throw invalidArgument('No ack ids specified.');
        applyModAcks(b.subscription(req.subscription), req.ackIds, req.ackDeadlineSeconds);
        return {};
      },
      Pull: (req: { subscription: string; maxMessages: number; returnImmediately: boolean }, call: ServerUnaryCall<unknown, unknown>) =>
        this.pull(req, call),
      CreateSnapshot: (req: { name: string; subscription: string; labels: Record<string, string> }) =>
        b.createSnapshot(req.name, req.subscription, req.labels),
      GetSnapshot: (req: { snapshot: string }) => b.getSnapshot(req.snapshot),
      ListSnapshots: (req: { project: string; pageSize: number; pageToken: string }) => {
        const all = b.listSnapshots(parseProject(req.project)).sort(byName);
        const { page, next } = paginate(all, req.pageSize, req.pageToken);
        return { snapshots: page, nextPageToken: next };
      },
      UpdateSnapshot: (req: { snapshot: SnapshotResource | null; updateMask: FieldMask | null }) => {
        if (!req.snapshot) throw invalidArgument('The snapshot in the UpdateSnapshotRequest must be set.');
        return b.updateSnapshot(req.snapshot, maskPaths(req.updateMask));
      },
      DeleteSnapshot: (req: { snapshot: string }) => {
        b.deleteSnapshot(req.snapshot);
        return {};
      },
      Seek: (req: { subscription: string; time?: Timestamp | null; snapshot?: string }) => {
        b.seek(req.subscription, { time: req.time, snapshot: req.snapshot });
        return {};
      },
      StreamingPull: ((call: StreamingPullCall) => {
        const session = new StreamSession(call, b, this.log, (s) => this.sessions.delete(s));
        this.sessions.add(session);
      }) as UntypedHandleCall,
    };
  }

  private pull(
    req: { subscription: string; maxMessages: number; returnImmediately: boolean },
    call: ServerUnaryCall<unknown, unknown>,
  ): { receivedMessages: ReceivedMessage[] } | Promise<{ receivedMessages: ReceivedMessage[] }> {
    const sub = this.broker.subscriptionForDelivery(req.subscription);
    if (!req.maxMessages || req.maxMessages <= 0) throw invalidArgument('max_messages must be greater than 0.');
    const max = Math.min(req.maxMessages, MAX_PULL_MESSAGES);
    const ackDeadlineMs = sub.config.ackDeadlineSeconds * 1000;
    const withAttempt = sub.config.deadLetter !== null;
    const toResponse = (ds: Delivery[]) => ({
      receivedMessages: ds.map((d) => ({ ackId: d.ackId, message: d.message.wire, deliveryAttempt: withAttempt ? d.attempt : 0 })),
    });
    // A Pull issued after a publish answered sees its messages at once (no delivery delay).
    const now = sub.queue.take(max, MAX_PULL_BYTES, ackDeadlineMs, null, { immediate: true });
    if (now.length > 0 || req.returnImmediately) return toResponse(now);
    const deadline = call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
    const waitMs = Math.max(0, Math.min(PULL_WAIT_MS, Number.isFinite(deadlineMs) ? deadlineMs - Date.now() - 200 : PULL_WAIT_MS));
    return new Promise((resolve, reject) => {
      const waiter = new PullWaiter(max, ackDeadlineMs, (ds) => resolve(toResponse(ds)), reject);
      const timer = setTimeout(() => waiter.finish([]), waitMs);
      waiter.onDone = () => {
        clearTimeout(timer);
        sub.hub.remove(waiter);
      };
      call.on('cancelled', () => waiter.finish([]));
      sub.hub.add(waiter);
    });
  }
}

/** A Pull waiting for messages: takes one batch from the hub, then leaves. */
class PullWaiter implements Consumer {
  private done = false;
  onDone: () => void = () => {};

  constructor(
    private readonly max: number,
    private readonly deadlineMs: number,
    private readonly resolve: (deliveries: Delivery[]) => void,
    private readonly reject: (err: ApiError) => void,
  ) {}

  capacity(): Capacity | null {
    return this.done ? null : { messages: this.max, bytes: MAX_PULL_BYTES };
  }

  ackDeadlineMs(): number {
    return this.deadlineMs;
  }

  deliver(deliveries: Delivery[]): void {
    this.finish(deliveries);
  }

  released(): void {}

  close(code: status, details: string): void {
    if (this.done) return;
    this.done = true;
    this.onDone();
    this.reject(new ApiError(code, details));
  }

  finish(deliveries: Delivery[]): void {
    if (this.done) return;
    this.done = true;
    this.onDone();
    this.resolve(deliveries);
  }
}
