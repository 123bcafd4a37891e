// Which `schema_version` each event stream accepts, from its contract, and the check the collector
// and ingest apply before validating: a version nobody accepts is refused as
// `unsupported_schema_version`, with a reason naming the versions that are accepted.
import { SCHEMA_VERSION } from './common';
import { ONLINE_ORDER_SCHEMA_VERSIONS } from './online-order';

/** The versions each event stream accepts side by side (docs/contracts.md, "Contract versions"). */
export const ACCEPTED_SCHEMA_VERSIONS = {
  'online-order': ONLINE_ORDER_SCHEMA_VERSIONS,
  delivery: [SCHEMA_VERSION],
} as const satisfies Record<string, readonly number[]>;

export type VersionedStream = keyof typeof ACCEPTED_SCHEMA_VERSIONS;

/**
 * The reason a record's `schema_version` is refused, or undefined when it is accepted or is not a
 * number at all (then the contract's own check reports it as a schema violation).
 */
export function unsupportedSchemaVersion(value: unknown, accepted: readonly number[]): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const version = (value as Record<string, unknown>).schema_version;
  if (typeof version !== 'number' || accepted.includes(version)) return undefined;
  return `schema_version ${version} is not supported; accepted: ${accepted.join(', ')}`;
}
