// Bucket retention policies, holds and Object Retention Lock as pure rules
// (https://cloud.google.com/storage/docs/bucket-lock, /docs/object-holding, /docs/object-lock).
import { bucketRecord, status } from './fixtures';
import type { BucketRecord, ObjectRecord } from '../../../../emulators/storage/records';
import { assertRemovable, checkRetentionChange, nextRetentionPolicy, retentionExpiry } from '../../../../emulators/storage/retention';

const T0 = '2026-04-01T00:00:00.000Z';
const bucket = (stored: Record<string, unknown> = {}): BucketRecord => bucketRecord(T0, stored);
const object = (extra: Partial<ObjectRecord> = {}): ObjectRecord => ({
  bucket: 'b', name: 'o', generation: '1', metageneration: '1', size: 1, md5Hash: '', crc32c: '', storageClass: 'STANDARD',
  timeCreated: T0, updated: T0, blob: 'x', ...extra,
});

describe('nextRetentionPolicy', () => {
  it('keeps the period as a string of seconds with effectiveTime, and refuses periods outside 1 s … 100 years', () => {
    expect(nextRetentionPolicy(undefined, { retentionPeriod: 10 }, T0)).toEqual({ retentionPeriod: '10', effectiveTime: T0 });
    for (const bad of [0, -1, 'ten', 3_155_760_001, 1.5]) expect(status(() => nextRetentionPolicy(undefined, { retentionPeriod: bad }, T0))).toBe(400);
  });

  it('a locked policy can grow but not shrink or go (403); the lock survives a change', () => {
    const locked = { retentionPeriod: '100', effectiveTime: T0, isLocked: true };
    expect(nextRetentionPolicy(locked, { retentionPeriod: 200 }, '2026-05-01T00:00:00.000Z')).toEqual({
      retentionPeriod: '200', effectiveTime: '2026-05-01T00:00:00.000Z', isLocked: true,
    });
    expect(status(() => nextRetentionPolicy(locked, { retentionPeriod: 50 }, T0))).toBe(403);
    expect(status(() => nextRetentionPolicy(locked, null, T0))).toBe(403);
    expect(nextRetentionPolicy({ retentionPeriod: '100', effectiveTime: T0 }, null, T0)).toBeUndefined();
  });
});

describe('assertRemovable', () => {
  const withPolicy = bucket({ retentionPolicy: { retentionPeriod: '60', effectiveTime: T0 } });
  const t0 = Date.parse(T0);

  it('protects an object until timeCreated (or the event-based hold release) + the period', () => {
    expect(retentionExpiry(object(), withPolicy)).toBe(t0 + 60_000);
    expect(status(() => assertRemovable(object(), withPolicy, t0 + 59_999))).toBe(403);
    expect(status(() => assertRemovable(object(), withPolicy, t0 + 60_000))).toBeUndefined();
    const released = object({ retentionStart: '2026-04-01T00:10:00.000Z' });
    expect(status(() => assertRemovable(released, withPolicy, t0 + 600_000 + 59_000))).toBe(403);
    expect(retentionExpiry(object(), bucket())).toBeUndefined();
  });

  it('holds and an unexpired object retention protect with or without a bucket policy', () => {
    expect(status(() => assertRemovable(object({ temporaryHold: true }), bucket(), t0))).toBe(403);
    expect(status(() => assertRemovable(object({ eventBasedHold: true }), bucket(), t0))).toBe(403);
    const retained = object({ retention: { mode: 'Unlocked', retainUntilTime: '2026-04-02T00:00:00.000Z' } });
    expect(status(() => assertRemovable(retained, bucket(), t0))).toBe(403);
    expect(status(() => assertRemovable(retained, bucket(), Date.parse('2026-04-02T00:00:00.000Z')))).toBeUndefined();
  });
});

describe('checkRetentionChange', () => {
  const enabled = bucket({ objectRetention: { mode: 'Enabled' } });
  const unlocked = { mode: 'Unlocked' as const, retainUntilTime: '2026-05-01T00:00:00Z' };
  const locked = { mode: 'Locked' as const, retainUntilTime: '2026-05-01T00:00:00Z' };

  it('needs a bucket with object retention enabled', () => {
    expect(status(() => checkRetentionChange(bucket(), undefined, unlocked, false))).toBe(400);
    expect(status(() => checkRetentionChange(enabled, undefined, unlocked, false))).toBeUndefined();
  });

  it('shortening or removing Unlocked needs the override; Locked can only be extended', () => {
    expect(status(() => checkRetentionChange(enabled, unlocked, undefined, false))).toBe(403);
    expect(status(() => checkRetentionChange(enabled, unlocked, undefined, true))).toBeUndefined();
    expect(status(() => checkRetentionChange(enabled, locked, undefined, true))).toBe(403);
    expect(status(() => checkRetentionChange(enabled, locked, { ...locked, retainUntilTime: '2026-04-15T00:00:00Z' }, true))).toBe(403);
    expect(status(() => checkRetentionChange(enabled, locked, { ...locked, retainUntilTime: '2026-06-01T00:00:00Z' }, false))).toBeUndefined();
    expect(status(() => checkRetentionChange(enabled, locked, { ...unlocked, retainUntilTime: '2026-06-01T00:00:00Z' }, true))).toBe(403);
  });
});
