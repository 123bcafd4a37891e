// The public entry of @pizzaflow/emulators: local stand-ins for Pub/Sub, Cloud Storage and BigQuery
// that the official Google clients talk to unchanged. Each is a library first (`start({port: 0})`
// resolves to `{url, close()}`) and a command second. Everything outside this package imports from
// here, never from the emulators' internal modules.
export {
  start as startPubsub,
  verifyPushToken,
  signPushToken,
  pushJwks,
  pushPublicKeyPem,
  PushTokenError,
  type PushTokenClaims,
  type PubsubEmulator,
  type PubsubEmulatorOptions,
} from './pubsub';
export { findOfficialEmulator, startOfficialEmulator } from './pubsub/official-emulator';
export { start as startStorage, type StorageEmulator, type StorageEmulatorOptions } from './storage';
export { start as startBigquery, type RunningEmulator as BigqueryEmulator, type StartOptions as BigqueryEmulatorOptions } from './bigquery';
export { EMULATOR_NAMES, parseOnly, readyLines, registerEmulatorsCommand, startEmulators, type EmulatorName, type EmulatorsOptions } from './cli';
export { EmulatorUsageError } from './lib/cli-options';
export { IDLE_KEEP_ALIVE_MS, keepIdleConnectionsLikeGoogle } from './lib/keep-alive';
