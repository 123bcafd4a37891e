// What the emulator stores about buckets, objects and notification configs. The JSON resources the
// API returns are rendered from these (resources.ts); nothing here depends on the request.

export interface NotificationRecord {
  id: string;
  /** `projects/P/topics/T` (the API's `//pubsub.googleapis.com/` prefix removed). */
  topic: string;
  payloadFormat: 'JSON_API_V1' | 'NONE';
  eventTypes?: string[];
  objectNamePrefix?: string;
  customAttributes?: Record<string, string>;
  etag: string;
}

export interface BucketRecord {
  name: string;
  project: string;
  metageneration: string;
  /** Tells apart buckets that had the same name (soft delete); older data directories lack it. */
  generation?: string;
  timeCreated: string;
  updated: string;
  location: string;
  storageClass: string;
  /** Fields stored and returned as given, without their effect being emulated (see README). */
  stored: Record<string, unknown>;
  labels?: Record<string, string>;
  notifications: NotificationRecord[];
  nextNotificationId: number;
  /** Set on a soft-deleted bucket (https://cloud.google.com/storage/docs/use-soft-deleted-buckets). */
  softDeleteTime?: string;
  hardDeleteTime?: string;
}

export interface ObjectRetention {
  mode: 'Unlocked' | 'Locked';
  retainUntilTime: string;
}

export interface ObjectRecord {
  bucket: string;
  name: string;
  generation: string;
  metageneration: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  customTime?: string;
  metadata?: Record<string, string>;
  storageClass: string;
  timeCreated: string;
  updated: string;
  componentCount?: number;
  /** When a lifecycle rule last changed the storage class (else timeCreated applies). */
  timeStorageClassUpdated?: string;
  /** Set on a noncurrent version (versioned bucket): when it stopped being the live one. */
  timeDeleted?: string;
  /** Holds (https://cloud.google.com/storage/docs/object-holding): the object cannot be deleted or replaced. */
  temporaryHold?: boolean;
  eventBasedHold?: boolean;
  /** When the retention period started, if not at timeCreated (an event-based hold was released). */
  retentionStart?: string;
  /** Object Retention Lock (https://cloud.google.com/storage/docs/object-lock): kept until retainUntilTime. */
  retention?: ObjectRetention;
  /** A customer-supplied encryption key's hash: reads of the data must present the key. */
  customerEncryption?: { encryptionAlgorithm: 'AES256'; keySha256: string };
  /** Set on a soft-deleted version (https://cloud.google.com/storage/docs/soft-delete): kept, unreadable, until hardDeleteTime. */
  softDeleteTime?: string;
  hardDeleteTime?: string;
  /** A soft-deleted version in a hierarchical-namespace bucket carries one; objects.restore accepts it. */
  restoreToken?: string;
  /** Where the backend keeps the bytes (a path relative to the data directory, or a memory key). */
  blob: string;
}

/** The writable, user-settable fields of an object. */
export type ObjectFields = Pick<
  ObjectRecord,
  'contentType' | 'contentEncoding' | 'contentDisposition' | 'contentLanguage' | 'cacheControl' | 'customTime' | 'metadata' | 'temporaryHold' | 'eventBasedHold' | 'retention' | 'customerEncryption'
> & { storageClass?: string };

export const OBJECT_FIELD_NAMES = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
  'customTime',
  'metadata',
  'storageClass',
  'temporaryHold',
  'eventBasedHold',
  'retention',
] as const;
