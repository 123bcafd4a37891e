// Soft delete (https://cloud.google.com/storage/docs/soft-delete): a bucket's softDeletePolicy, the
// times a soft-deleted object or bucket carries, and the hierarchical-namespace flag whose buckets
// give soft-deleted objects a restoreToken. Pure, so it is unit-tested; the store keeps the
// soft-deleted versions and buckets (object-store.ts).
import { invalid } from './errors';
import { type BucketRecord } from './records';

const DAY_SECONDS = 24 * 60 * 60;
/** The documented range: 0 turns soft delete off, else 7 to 90 days. */
export const MIN_RETENTION_SECONDS = 7 * DAY_SECONDS;
export const MAX_RETENTION_SECONDS = 90 * DAY_SECONDS;

export interface SoftDeletePolicy {
  retentionDurationSeconds: string;
  effectiveTime?: string;
}

/**
 * Checks a `softDeletePolicy` from buckets.insert/patch/update and returns it as stored
 * (retentionDurationSeconds as a string; effectiveTime is output only and dropped); null removes it.
 */
export function readSoftDeletePolicy(value: unknown): { retentionDurationSeconds: string } | null {
  if (value === null) return null;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid value for softDeletePolicy', 'softDeletePolicy');
  const raw = (value as Record<string, unknown>).retentionDurationSeconds;
  const where = 'softDeletePolicy.retentionDurationSeconds';
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) throw invalid(`Invalid value for ${where}: expected a number of seconds`, where);
  const seconds = Number(text);
  if (seconds !== 0 && (seconds < MIN_RETENTION_SECONDS || seconds > MAX_RETENTION_SECONDS)) {
    throw invalid(
      `The soft delete retention duration must be 0 (off) or between ${MIN_RETENTION_SECONDS} (7 days) and ${MAX_RETENTION_SECONDS} (90 days) seconds.`,
      where,
    );
  }
  return { retentionDurationSeconds: String(seconds) };
}

/**
 * The policy as GCS returns it: effectiveTime is "the time from which the policy, or one with a
 * greater retention, was effective", so it moves to `now` unless the retention did not grow.
 */
export function softDeletePolicyAfter(previous: unknown, next: { retentionDurationSeconds: string } | null, now: string): SoftDeletePolicy | undefined {
  if (next === null) return undefined;
  const prev = previous && typeof previous === 'object' ? (previous as SoftDeletePolicy) : undefined;
  const keep = prev?.effectiveTime !== undefined && Number(next.retentionDurationSeconds) <= Number(prev.retentionDurationSeconds);
  return { retentionDurationSeconds: next.retentionDurationSeconds, effectiveTime: keep ? prev.effectiveTime : now };
}

/** Seconds a version deleted now is kept soft-deleted; 0 when the bucket has no (or a 0) policy. */
export function retentionSeconds(bucket: BucketRecord): number {
  const policy = bucket.stored.softDeletePolicy as SoftDeletePolicy | undefined;
  const seconds = Number(policy?.retentionDurationSeconds ?? 0);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** softDeleteTime and hardDeleteTime for something soft-deleted at `now` (ms) in `bucket`. */
export function softDeleteTimes(now: number, seconds: number): { softDeleteTime: string; hardDeleteTime: string } {
  return { softDeleteTime: new Date(now).toISOString(), hardDeleteTime: new Date(now + seconds * 1000).toISOString() };
}

/** True once the hard delete time has come: the version or bucket is gone for good. */
export function isHardDeleted(record: { hardDeleteTime?: string }, now: number): boolean {
  return record.hardDeleteTime !== undefined && Date.parse(record.hardDeleteTime) <= now;
}

/** `hierarchicalNamespace: { enabled }`; GCS requires uniform bucket-level access with it. */
export function readHierarchicalNamespace(value: unknown): { enabled: boolean } | null {
  if (value === null) return null;
  if (!value || typeof value !== 'object' || Array.isArray(value) || !['boolean', 'undefined'].includes(typeof (value as Record<string, unknown>).enabled)) {
    throw invalid('Invalid value for hierarchicalNamespace.enabled: expected a boolean', 'hierarchicalNamespace.enabled');
  }
  return { enabled: (value as { enabled?: boolean }).enabled === true };
}

export function isHierarchical(bucket: BucketRecord): boolean {
  return (bucket.stored.hierarchicalNamespace as { enabled?: unknown } | undefined)?.enabled === true;
}
