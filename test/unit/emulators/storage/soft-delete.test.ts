// Soft delete policies and times as pure rules (https://cloud.google.com/storage/docs/soft-delete,
// the bucket resource's softDeletePolicy and hierarchicalNamespace).
import { bucketRecord, status } from './fixtures';
import type { BucketRecord } from '../../../../emulators/storage/records';
import {
  isHardDeleted,
  isHierarchical,
  readHierarchicalNamespace,
  readSoftDeletePolicy,
  retentionSeconds,
  softDeletePolicyAfter,
  softDeleteTimes,
} from '../../../../emulators/storage/soft-delete';

const T0 = '2026-05-01T00:00:00.000Z';
const T1 = '2026-05-02T00:00:00.000Z';
const DAY = 86_400;
const bucket = (stored: Record<string, unknown> = {}): BucketRecord => bucketRecord(T0, stored);

describe('readSoftDeletePolicy', () => {
  it('takes 0 or 7 to 90 days, as a number or a string, and keeps the seconds as a string without effectiveTime', () => {
    expect(readSoftDeletePolicy({ retentionDurationSeconds: 7 * DAY })).toEqual({ retentionDurationSeconds: String(7 * DAY) });
    expect(readSoftDeletePolicy({ retentionDurationSeconds: String(90 * DAY), effectiveTime: T0 })).toEqual({ retentionDurationSeconds: String(90 * DAY) });
    expect(readSoftDeletePolicy({ retentionDurationSeconds: 0 })).toEqual({ retentionDurationSeconds: '0' });
    expect(readSoftDeletePolicy(null)).toBeNull();
  });

  it('refuses durations outside the documented range and values that are not whole seconds (400)', () => {
    for (const bad of [7 * DAY - 1, 90 * DAY + 1, 1, -1, 'week', 604800.5, undefined]) {
      expect([bad, status(() => readSoftDeletePolicy({ retentionDurationSeconds: bad }))]).toEqual([bad, 400]);
    }
    expect(status(() => readSoftDeletePolicy('7d'))).toBe(400);
  });
});

describe('softDeletePolicyAfter', () => {
  it('sets effectiveTime when the policy is set or its retention grows, keeps it when the retention shrinks, removes the policy on null', () => {
    const first = softDeletePolicyAfter(undefined, { retentionDurationSeconds: String(10 * DAY) }, T0);
    expect(first).toEqual({ retentionDurationSeconds: String(10 * DAY), effectiveTime: T0 });
    expect(softDeletePolicyAfter(first, { retentionDurationSeconds: String(8 * DAY) }, T1)).toEqual({ retentionDurationSeconds: String(8 * DAY), effectiveTime: T0 });
    expect(softDeletePolicyAfter(first, { retentionDurationSeconds: String(20 * DAY) }, T1)).toEqual({ retentionDurationSeconds: String(20 * DAY), effectiveTime: T1 });
    expect(softDeletePolicyAfter(first, null, T1)).toBeUndefined();
  });
});

describe('retentionSeconds, softDeleteTimes and isHardDeleted', () => {
  it('reads the retention of a bucket (0 without a policy or with a 0 one)', () => {
    expect(retentionSeconds(bucket())).toBe(0);
    expect(retentionSeconds(bucket({ softDeletePolicy: { retentionDurationSeconds: '0', effectiveTime: T0 } }))).toBe(0);
    expect(retentionSeconds(bucket({ softDeletePolicy: { retentionDurationSeconds: String(7 * DAY), effectiveTime: T0 } }))).toBe(7 * DAY);
  });

  it('puts hardDeleteTime one retention after softDeleteTime, and counts the version gone from that instant on', () => {
    const now = Date.parse(T0);
    const times = softDeleteTimes(now, 7 * DAY);
    expect(times).toEqual({ softDeleteTime: T0, hardDeleteTime: '2026-05-08T00:00:00.000Z' });
    expect(isHardDeleted(times, Date.parse(times.hardDeleteTime) - 1)).toBe(false);
    expect(isHardDeleted(times, Date.parse(times.hardDeleteTime))).toBe(true);
    expect(isHardDeleted({}, now)).toBe(false);
  });
});

describe('hierarchical namespace', () => {
  it('reads enabled as a boolean and refuses anything else (400)', () => {
    expect(readHierarchicalNamespace({ enabled: true })).toEqual({ enabled: true });
    expect(readHierarchicalNamespace({})).toEqual({ enabled: false });
    expect(status(() => readHierarchicalNamespace({ enabled: 'yes' }))).toBe(400);
    expect(isHierarchical(bucket({ hierarchicalNamespace: { enabled: true } }))).toBe(true);
    expect(isHierarchical(bucket({ hierarchicalNamespace: { enabled: false } }))).toBe(false);
  });
});
