// The Pub/Sub emulator as a library: `start()` serves google.pubsub.v1 over insecure gRPC so the
// official client works unchanged through PUBSUB_EMULATOR_HOST=host:port (or apiEndpoint).
import { allowedHostsFromEnv, hostCheck } from '../lib/host-check';
import { createLogger } from '../lib/logger';
import { Broker } from './broker';
import { pushPublicKeyPem } from './oidc';
import { startGrpcServer, type GrpcServer } from './server';
import { readState, writeState } from './state-file';

export { verifyPushToken, signPushToken, pushJwks, pushPublicKeyPem, PushTokenError, type PushTokenClaims } from './oidc';

export interface PubsubEmulatorOptions {
  /** Interface to listen on; default localhost. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default project, reported back for convenience; any project id is accepted. */
  project?: string;
  logLevel?: string;
  /** Concurrent push requests per push subscription (default 16). */
  pushConcurrency?: number;
  /**
   * Keep state across restarts: topics, subscriptions and unacknowledged messages are loaded from
   * here on start and saved on close. In memory only when absent.
   */
  dataDir?: string;
  /**
   * `:authority` host names served besides loopback and `host` (default
   * PIZZAFLOW_EMULATOR_ALLOWED_HOSTS); other calls get PERMISSION_DENIED (DNS rebinding protection).
   */
  allowedHosts?: string[];
  /**
   * The emulator's clock in ms (publish times, ack deadlines, retention, snapshot expiry); default
   * Date.now. Tests pass a controllable one to step through days of retention.
   */
  clock?: () => number;
  /**
   * Memory per topic for messages kept by topic message retention (for Seek); beyond it the oldest
   * are dropped before their time, with a warning. Default 64 MiB.
   */
  topicRetentionBytes?: number;
}

export interface PubsubEmulator {
  /** `host:port`, the value for PUBSUB_EMULATOR_HOST. */
  url: string;
  host: string;
  port: number;
  project: string;
  /** PEM of the key that signs push OIDC tokens, for receivers in another process. */
  oidcPublicKeyPem(): string;
  close(): Promise<void>;
}

export async function start(options: PubsubEmulatorOptions = {}): Promise<PubsubEmulator> {
  const host = options.host ?? 'localhost';
  const log = createLogger('pubsub-emulator', { level: options.logLevel ?? 'warn' });
  const broker = new Broker({ log, pushConcurrency: options.pushConcurrency, now: options.clock, topicRetentionBytes: options.topicRetentionBytes });
  const dataDir = options.dataDir;
  let grpc: GrpcServer;
  try {
    const state = dataDir ? readState(dataDir) : undefined;
    if (state) {
      broker.importState(state);
      log.info({ dataDir, topics: state.topics.length, subscriptions: state.subscriptions.length }, 'state restored');
    }
    grpc = await startGrpcServer(broker, log, host, options.port ?? 0, hostCheck(host, options.allowedHosts ?? allowedHostsFromEnv()));
  } catch (err) {
    broker.close();
    throw err;
  }
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `${hostPart}:${grpc.port}`;
  log.info({ url }, 'pubsub emulator ready');
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    // Save before closing: closing clears push dispatchers and streams, not the queues.
    try {
      if (dataDir) writeState(dataDir, broker.exportState());
    } finally {
      await grpc.close();
    }
  };
  return {
    url,
    host,
    port: grpc.port,
    project: options.project ?? 'pizzaflow-local',
    oidcPublicKeyPem: pushPublicKeyPem,
    close: () => (closing ??= close()),
  };
}
