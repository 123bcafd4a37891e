// What the Storage emulator's pure-rule tests share: a bucket record, and the status a rule refuses with.
import { GcsError } from '../../../../emulators/storage/errors';
import type { BucketRecord } from '../../../../emulators/storage/records';

/** A bucket record created at `createdAt`, with `stored` as its stored fields. */
export const bucketRecord = (createdAt: string, stored: Record<string, unknown> = {}): BucketRecord => ({
  name: 'b', project: 'p', metageneration: '1', timeCreated: createdAt, updated: createdAt, location: 'US', storageClass: 'STANDARD',
  stored, notifications: [], nextNotificationId: 1,
});

/** The HTTP status of the GcsError `fn` throws (-1 for another error), undefined when it does not throw. */
export function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof GcsError ? err.code : -1;
  }
  return undefined;
}
