// Lifecycle conditions and actions (https://cloud.google.com/storage/docs/lifecycle): all conditions
// of a rule must hold; Delete wins over SetStorageClass; the coldest SetStorageClass wins and a
// class only ever gets colder; noncurrent-only conditions never hold for the live version.
import { decide, type LifecycleRule, validateLifecycle, type VersionState } from '../../../../emulators/storage/lifecycle';
import { type ObjectRecord } from '../../../../emulators/storage/records';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-10T10:00:00Z');

function version(over: Partial<ObjectRecord> = {}, live = true, newerVersions = 0): VersionState {
  const object: ObjectRecord = {
    bucket: 'b',
    name: 'raw/x.jsonl',
    generation: '1',
    metageneration: '1',
    size: 1,
    md5Hash: '',
    crc32c: '',
    storageClass: 'STANDARD',
    timeCreated: new Date(T0).toISOString(),
    updated: new Date(T0).toISOString(),
    blob: 'k',
    ...over,
  };
  return { object, live, newerVersions };
}

const del = (condition: LifecycleRule['condition']): LifecycleRule => ({ action: { type: 'Delete' }, condition });
const move = (storageClass: string, condition: LifecycleRule['condition']): LifecycleRule => ({ action: { type: 'SetStorageClass', storageClass }, condition });

describe('lifecycle decide', () => {
  it('age holds from exactly N days after creation', () => {
    expect(decide([del({ age: 10 })], version(), T0 + 10 * DAY - 1)).toBeUndefined();
    expect(decide([del({ age: 10 })], version(), T0 + 10 * DAY)).toEqual({ type: 'Delete' });
  });

  it('createdBefore compares with midnight UTC of the date', () => {
    expect(decide([del({ createdBefore: '2026-01-10' })], version(), T0)).toBeUndefined();
    expect(decide([del({ createdBefore: '2026-01-11' })], version(), T0)).toEqual({ type: 'Delete' });
  });

  it('noncurrent-only conditions never hold for the live version', () => {
    expect(decide([del({ numNewerVersions: 0 })], version(), T0)).toBeUndefined();
    expect(decide([del({ daysSinceNoncurrentTime: 0 })], version(), T0)).toBeUndefined();
    const old = version({ timeDeleted: new Date(T0 + DAY).toISOString() }, false, 3);
    expect(decide([del({ numNewerVersions: 3 })], old, T0 + DAY)).toEqual({ type: 'Delete' });
    expect(decide([del({ numNewerVersions: 4 })], old, T0 + DAY)).toBeUndefined();
    expect(decide([del({ daysSinceNoncurrentTime: 2 })], old, T0 + 3 * DAY)).toEqual({ type: 'Delete' });
    expect(decide([del({ noncurrentTimeBefore: '2026-01-12' })], old, T0 + 3 * DAY)).toEqual({ type: 'Delete' });
  });

  it('needs every condition of a rule: isLive, prefixes, suffixes, storage classes, custom time', () => {
    const v = version({ customTime: new Date(T0).toISOString() });
    expect(decide([del({ age: 0, isLive: false })], v, T0)).toBeUndefined();
    expect(decide([del({ age: 0, matchesPrefix: ['landing/'] })], v, T0)).toBeUndefined();
    expect(decide([del({ age: 0, matchesPrefix: ['raw/'], matchesSuffix: ['.jsonl'], matchesStorageClass: ['STANDARD'] })], v, T0)).toEqual({ type: 'Delete' });
    expect(decide([del({ daysSinceCustomTime: 1 })], v, T0 + DAY)).toEqual({ type: 'Delete' });
    expect(decide([del({ customTimeBefore: '2026-01-10' })], v, T0)).toBeUndefined();
  });

  it('Delete wins; the coldest class wins; never warmer', () => {
    expect(decide([move('NEARLINE', { age: 0 }), del({ age: 0 })], version(), T0)).toEqual({ type: 'Delete' });
    expect(decide([move('NEARLINE', { age: 0 }), move('ARCHIVE', { age: 0 }), move('COLDLINE', { age: 0 })], version(), T0)).toEqual({ type: 'SetStorageClass', storageClass: 'ARCHIVE' });
    expect(decide([move('NEARLINE', { age: 0 })], version({ storageClass: 'COLDLINE' }), T0)).toBeUndefined();
    expect(decide([move('NEARLINE', { age: 0 })], version({ storageClass: 'NEARLINE' }), T0)).toBeUndefined();
  });
});

describe('validateLifecycle', () => {
  it('accepts the documented rules and refuses malformed ones', () => {
    expect(() => validateLifecycle({ rule: [del({ age: 30 }), move('COLDLINE', { age: 90, matchesStorageClass: ['STANDARD'] }), del({ daysSinceNoncurrentTime: 7, isLive: false })] })).not.toThrow();
    expect(() => validateLifecycle({})).not.toThrow();
    for (const bad of [{ rule: 'x' }, { rule: [{ condition: { age: 1 } }] }, { rule: [del({})] }, { rule: [del({ isLive: 'yes' } as never)] }, { rule: [del({ matchesPrefix: 'raw/' } as never)] }]) {
      expect(() => validateLifecycle(bad)).toThrow();
    }
  });
});
