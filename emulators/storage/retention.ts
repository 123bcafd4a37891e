// Bucket retention policies and object holds (https://cloud.google.com/storage/docs/bucket-lock,
// /object-holding): an object under a temporary or event-based hold, or younger than the bucket's
// retention period, cannot be deleted or replaced (403); a locked policy cannot be removed or
// shortened (403). Pure, so it is unit-tested; the store applies it.
import { GcsError, invalid } from './errors';
import type { BucketRecord, ObjectRecord, ObjectRetention } from './records';

/** GCS's limit: 100 years, in seconds. */
const MAX_RETENTION_SECONDS = 3_155_760_000;

export interface RetentionPolicy {
  retentionPeriod: string;
  effectiveTime: string;
  isLocked?: boolean;
}

/** The bucket's retention policy, when it has one. */
export function policyOf(bucket: BucketRecord): RetentionPolicy | undefined {
  const p = bucket.stored.retentionPolicy as RetentionPolicy | undefined;
  return p && typeof p.retentionPeriod === 'string' ? p : undefined;
}

/**
 * A `retentionPolicy` value of buckets.insert/patch/update as the bucket keeps it: the period as a
 * string of seconds, effectiveTime when it was set, the lock kept. `undefined` removes the policy.
 */
export function nextRetentionPolicy(previous: RetentionPolicy | undefined, value: unknown, now: string): RetentionPolicy | undefined {
  if (value === null || value === undefined) {
    if (previous?.isLocked) throw forbidden('Cannot remove a locked retention policy.');
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid value for retentionPolicy', 'retentionPolicy');
  const raw = (value as { retentionPeriod?: unknown }).retentionPeriod;
  const seconds = typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_RETENTION_SECONDS) {
    throw invalid('Invalid value for retentionPolicy.retentionPeriod: a number of seconds from 1 to 100 years', 'retentionPolicy.retentionPeriod');
  }
  if (previous?.isLocked && seconds < Number(previous.retentionPeriod)) {
    throw forbidden('Cannot reduce the retention period of a locked retention policy.');
  }
  const unchanged = previous && Number(previous.retentionPeriod) === seconds;
  return {
    retentionPeriod: String(seconds),
    effectiveTime: unchanged ? previous.effectiveTime : now,
    ...(previous?.isLocked ? { isLocked: true } : {}),
  };
}

/** When the object's retention ends (ms), or undefined without a retention policy. */
export function retentionExpiry(object: ObjectRecord, bucket: BucketRecord): number | undefined {
  const policy = policyOf(bucket);
  if (!policy) return undefined;
  return Date.parse(object.retentionStart ?? object.timeCreated) + Number(policy.retentionPeriod) * 1000;
}

/** 403 when a hold or the retention period protects the version from deletion or replacement. */
export function assertRemovable(object: ObjectRecord, bucket: BucketRecord, nowMs: number): void {
  const id = `${object.bucket}/${object.name}`;
  if (object.temporaryHold) {
    throw forbidden(`Object '${id}' is under active Temporary hold and cannot be deleted, overwritten or archived until hold is removed.`, 'retentionPolicyNotMet');
  }
  if (object.eventBasedHold) {
    throw forbidden(`Object '${id}' is under active Event-Based hold and cannot be deleted, overwritten or archived until hold is removed.`, 'retentionPolicyNotMet');
  }
  if (object.retention && nowMs < Date.parse(object.retention.retainUntilTime)) {
    throw forbidden(
      `Object '${id}' is subject to object retention and cannot be deleted, overwritten or archived until ${object.retention.retainUntilTime}`,
      'retentionPolicyNotMet',
    );
  }
  const expiry = retentionExpiry(object, bucket);
  if (expiry !== undefined && nowMs < expiry) {
    throw forbidden(
      `Object '${id}' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until ${new Date(expiry).toISOString()}`,
      'retentionPolicyNotMet',
    );
  }
}

/** Whether lifecycle may delete or archive the version now (GCS skips protected objects). */
export function removable(object: ObjectRecord, bucket: BucketRecord, nowMs: number): boolean {
  try {
    assertRemovable(object, bucket, nowMs);
    return true;
  } catch {
    return false;
  }
}

/** Whether the bucket was created with enableObjectRetention=true. */
export function objectRetentionEnabled(bucket: BucketRecord): boolean {
  return (bucket.stored.objectRetention as { mode?: unknown } | undefined)?.mode === 'Enabled';
}

/** An object's `retention` field as sent: {mode: Unlocked|Locked, retainUntilTime: RFC 3339}; null clears. */
export function readObjectRetention(value: unknown): ObjectRetention | null {
  if (value === null) return null;
  const v = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  if (v.mode !== 'Unlocked' && v.mode !== 'Locked') throw invalid('Invalid value for retention.mode: expected Unlocked or Locked', 'retention.mode');
  if (typeof v.retainUntilTime !== 'string' || Number.isNaN(Date.parse(v.retainUntilTime))) {
    throw invalid('Invalid value for retention.retainUntilTime: expected an RFC 3339 time', 'retention.retainUntilTime');
  }
  return { mode: v.mode, retainUntilTime: v.retainUntilTime };
}

/**
 * Checks a change of an object's retention: only in a bucket with object retention enabled; a
 * Locked configuration can only be extended; shortening or removing an Unlocked one needs
 * overrideUnlockedRetention=true.
 */
export function checkRetentionChange(
  bucket: BucketRecord,
  before: ObjectRetention | undefined,
  after: ObjectRetention | undefined,
  overrideUnlocked: boolean,
): void {
  if (after && !objectRetentionEnabled(bucket)) {
    throw invalid(`Object retention is not enabled on the bucket ${bucket.name}.`, 'retention');
  }
  if (!before) return;
  const reduced = !after || Date.parse(after.retainUntilTime) < Date.parse(before.retainUntilTime) || (before.mode === 'Locked' && after.mode !== 'Locked');
  if (!reduced) return;
  if (before.mode === 'Locked') throw forbidden('A Locked object retention configuration can only be extended.');
  if (!overrideUnlocked) throw forbidden('Shortening or removing an Unlocked object retention configuration needs overrideUnlockedRetention=true.');
}

function forbidden(message: string, reason: 'forbidden' | 'retentionPolicyNotMet' = 'forbidden'): GcsError {
  return new GcsError(403, reason, message);
}
