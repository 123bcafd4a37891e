// The emulators the conformance suite runs against: ours, always (in-process, port 0), and Google's
// official emulator when it and java are installed. Where the official one lacks a feature the
// suite marks it here, and emulators/pubsub/README.md records the difference.
import { findOfficialEmulator, startOfficialEmulator } from '@pizzaflow/emulators';
import { startPubsub as start } from '@pizzaflow/emulators';

export interface Target {
  name: string;
  /** Starts the emulator; returns its host:port and a stop function. */
  start(): Promise<{ url: string; close(): Promise<void> }>;
  /** Features the official emulator does not implement (checked by hand, see README). */
  supports: {
    filters: boolean;
    oidc: boolean;
    /** The server stops sending when a stream has max_outstanding_messages unacked. */
    flowControl: boolean;
    /** GCP's error texts ("Resource not found (resource=…).") */
    errorMessages: boolean;
    /** Range checks: ack_deadline_seconds 10–600, ModifyAckDeadline 0–600. */
    rangeChecks: boolean;
    /** `deliveryAttempt` in push bodies when a dead-letter policy exists. */
    pushDeliveryAttempt: boolean;
    /** A private instance the test may shut down. */
    inProcess: boolean;
  };
}

const ours: Target = {
  name: 'pizzaflow emulator',
  start: () => start({ port: 0, logLevel: 'error' }),
  supports: {
    filters: true,
    oidc: true,
    flowControl: true,
    errorMessages: true,
    rangeChecks: true,
    pushDeliveryAttempt: true,
    inProcess: true,
  },
};

const launcher = findOfficialEmulator();

const official: Target = {
  name: 'official emulator',
  start: () => startOfficialEmulator(launcher!),
  supports: {
    filters: false,
    oidc: false,
    flowControl: false,
    errorMessages: false,
    rangeChecks: false,
    pushDeliveryAttempt: false,
    inProcess: false,
  },
};

/** Targets to run, and the official one to skip (with describe.skip) when it is not installed. */
export const targets: Array<[string, Target, boolean]> = [
  [ours.name, ours, true],
  [official.name, official, launcher !== undefined],
];
