// JSON resources as the JSON API returns them (storage#bucket, storage#object,
// storage#notification), and the checks on the writable fields clients send.
import { invalid, unimplemented } from './errors';
import { validateLifecycle } from './lifecycle';
import { readObjectRetention, retentionExpiry } from './retention';
import { readHierarchicalNamespace, readSoftDeletePolicy } from './soft-delete';
import { type BucketRecord, type NotificationRecord, OBJECT_FIELD_NAMES, type ObjectFields, type ObjectRecord } from './records';

export type Json = Record<string, unknown>;

/** Object fields that are output only: clients that echo a resource back send them; GCS ignores them. */
const OBJECT_OUTPUT_ONLY = new Set([
  'retentionExpirationTime', 'kind', 'id', 'selfLink', 'mediaLink', 'name', 'bucket', 'generation', 'metageneration', 'size', 'etag',
  'timeCreated', 'updated', 'timeStorageClassUpdated', 'timeFinalized', 'timeDeleted', 'componentCount', 'owner', 'crc32c', 'md5Hash',
  'acl', 'contexts', 'customerEncryption', 'softDeleteTime', 'hardDeleteTime', 'restoreToken',
]);

/** Bucket fields kept and returned as given; their behaviour is not emulated (README). */
const BUCKET_STORED = new Set([
  'lifecycle', 'versioning', 'cors', 'website', 'logging', 'iamConfiguration', 'rpo', 'billing', 'softDeletePolicy', 'hierarchicalNamespace',
  'customPlacementConfig', 'autoclass', 'retentionPolicy', 'defaultEventBasedHold',
]);
/** Predefined dual-regions (https://cloud.google.com/storage/docs/locations#predefined). */
const DUAL_REGIONS = new Set(['ASIA1', 'EUR4', 'EUR5', 'EUR7', 'EUR8', 'NAM4']);
const BUCKET_OUTPUT_ONLY = new Set(['kind', 'id', 'selfLink', 'name', 'projectNumber', 'metageneration', 'etag', 'timeCreated', 'updated', 'locationType', 'acl', 'defaultObjectAcl', 'owner', 'satisfiesPZS', 'objectRetention', 'generation', 'softDeleteTime', 'hardDeleteTime']);

/**
 * `bucket` gives retentionExpirationTime when it has a retention policy; `hideHashes` leaves out
 * md5Hash and crc32c (an object with a customer-supplied key read without the key).
 */
export function objectResource(o: ObjectRecord, base: string, bucket?: BucketRecord, hideHashes = false): Json {
  const enc = encodeURIComponent(o.name);
  const retentionEnd = bucket ? retentionExpiry(o, bucket) : undefined;
  return {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${base}/storage/v1/b/${o.bucket}/o/${enc}`,
    mediaLink: `${base}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: o.generation,
    metageneration: o.metageneration,
    contentType: o.contentType,
    contentEncoding: o.contentEncoding,
    contentDisposition: o.contentDisposition,
    contentLanguage: o.contentLanguage,
    cacheControl: o.cacheControl,
    customTime: o.customTime,
    storageClass: o.storageClass,
    size: String(o.size),
    md5Hash: hideHashes ? undefined : o.md5Hash,
    crc32c: hideHashes ? undefined : o.crc32c,
    etag: objectEtag(o),
    timeCreated: o.timeCreated,
    updated: o.updated,
    timeStorageClassUpdated: o.timeStorageClassUpdated ?? o.timeCreated,
    timeFinalized: o.timeCreated,
    timeDeleted: o.timeDeleted,
    componentCount: o.componentCount,
    metadata: o.metadata && Object.keys(o.metadata).length > 0 ? o.metadata : undefined,
    temporaryHold: o.temporaryHold,
    eventBasedHold: o.eventBasedHold,
    retentionExpirationTime: retentionEnd === undefined ? undefined : new Date(retentionEnd).toISOString(),
    retention: o.retention,
    customerEncryption: o.customerEncryption,
    softDeleteTime: o.softDeleteTime,
    hardDeleteTime: o.hardDeleteTime,
    restoreToken: o.restoreToken,
  };
}

export function objectEtag(o: ObjectRecord): string {
  return Buffer.from(`${o.generation}/${o.metageneration}`).toString('base64');
}

export function bucketResource(b: BucketRecord, base: string): Json {
  return {
    kind: 'storage#bucket',
    id: b.name,
    selfLink: `${base}/storage/v1/b/${b.name}`,
    projectNumber: '0',
    name: b.name,
    timeCreated: b.timeCreated,
    updated: b.updated,
    metageneration: b.metageneration,
    generation: b.generation,
    location: b.location,
    locationType: locationType(b),
    storageClass: b.storageClass,
    etag: Buffer.from(`${b.name}/${b.metageneration}`).toString('base64'),
    labels: b.labels && Object.keys(b.labels).length > 0 ? b.labels : undefined,
    ...Object.fromEntries(Object.entries(b.stored).filter(([, v]) => !(Array.isArray(v) && v.length === 0))),
    // GCS always returns iamConfiguration, with its defaults filled in.
    iamConfiguration: iamConfiguration(b.stored.iamConfiguration),
    softDeleteTime: b.softDeleteTime,
    hardDeleteTime: b.hardDeleteTime,
  };
}

function locationType(b: BucketRecord): string {
  const placement = b.stored.customPlacementConfig as { dataLocations?: unknown } | undefined;
  if (DUAL_REGIONS.has(b.location) || (Array.isArray(placement?.dataLocations) && placement.dataLocations.length > 0)) return 'dual-region';
  return b.location.includes('-') ? 'region' : 'multi-region';
}

/** The stored iamConfiguration over GCS's defaults (UBLA off, PAP inherited); bucketPolicyOnly mirrors UBLA. */
function iamConfiguration(stored: unknown): Json {
  const given = stored && typeof stored === 'object' ? (stored as Json) : {};
  const ubla = { enabled: false, ...((given.uniformBucketLevelAccess as Json | undefined) ?? (given.bucketPolicyOnly as Json | undefined) ?? {}) };
  return { ...given, bucketPolicyOnly: ubla, uniformBucketLevelAccess: ubla, publicAccessPrevention: given.publicAccessPrevention ?? 'inherited' };
}

export function notificationResource(bucket: string, n: NotificationRecord, base: string): Json {
  return {
    kind: 'storage#notification',
    id: n.id,
    selfLink: `${base}/storage/v1/b/${bucket}/notificationConfigs/${n.id}`,
    topic: `//pubsub.googleapis.com/${n.topic}`,
    payload_format: n.payloadFormat,
    event_types: n.eventTypes,
    object_name_prefix: n.objectNamePrefix,
    custom_attributes: n.customAttributes,
    etag: n.etag,
  };
}

/**
 * The writable object fields of a request body (insert metadata, patch, rewrite/compose
 * destination). `null` clears a field in a patch. Fields the emulator cannot honour answer 501.
 */
export function readObjectFields(body: Json, context: string): Partial<Record<keyof ObjectFields, unknown>> {
  const out: Partial<Record<keyof ObjectFields, unknown>> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((OBJECT_FIELD_NAMES as readonly string[]).includes(key)) {
      out[key as keyof ObjectFields] =
        key === 'metadata'
          ? readMetadata(value)
          : key === 'temporaryHold' || key === 'eventBasedHold'
            ? readBoolean(key, value)
            : key === 'retention'
              ? readObjectRetention(value)
              : readString(key, value);
      continue;
    }
    if (OBJECT_OUTPUT_ONLY.has(key) || value === undefined || value === null) continue;
    throw unimplemented(`The object field "${key}" in ${context}`);
  }
  return out;
}

/** Applies a patch (merge semantics: `metadata` keys merge, null deletes) to a record. */
export function applyObjectPatch(record: ObjectFields, patch: Partial<Record<keyof ObjectFields, unknown>>): void {
  for (const [key, value] of Object.entries(patch) as [keyof ObjectFields, unknown][]) {
    if (key === 'metadata') {
      if (value === null) {
        delete record.metadata;
        continue;
      }
      const merged: Record<string, string> = { ...(record.metadata ?? {}) };
      for (const [k, v] of Object.entries(value as Record<string, string | null>)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      record.metadata = merged;
    } else if (value === null) {
      delete record[key];
    } else {
      (record as Record<string, unknown>)[key] = value;
    }
  }
}

/** Fields for a new object generation: a body's fields on top of defaults; nulls dropped. */
export function newObjectFields(fields: Partial<Record<keyof ObjectFields, unknown>>, defaults: ObjectFields = {}): ObjectFields {
  const out: ObjectFields = { ...defaults };
  applyObjectPatch(out, fields);
  if (out.metadata) out.metadata = Object.fromEntries(Object.entries(out.metadata).filter(([, v]) => v !== null));
  return out;
}

export interface BucketFields {
  location?: string;
  storageClass?: string;
  labels?: Record<string, string | null> | null;
  stored: Record<string, unknown>;
}

export function readBucketFields(body: Json, context: string): BucketFields {
  const out: BucketFields = { stored: {} };
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (key === 'location') out.location = readString(key, value) ?? undefined;
    else if (key === 'storageClass') out.storageClass = readString(key, value)?.toUpperCase();
    else if (key === 'labels') out.labels = value === null ? null : readMetadata(value);
    else if (BUCKET_STORED.has(key)) {
      if (key === 'softDeletePolicy') {
        out.stored[key] = readSoftDeletePolicy(value);
        continue;
      }
      if (key === 'hierarchicalNamespace') {
        out.stored[key] = readHierarchicalNamespace(value);
        continue;
      }
      if (key === 'lifecycle') validateLifecycle(value);
      if (key === 'customPlacementConfig') validatePlacement(value);
      if (key === 'autoclass') validateAutoclass(value);
      if (key === 'defaultEventBasedHold' && value !== null && typeof value !== 'boolean') {
        throw invalid('Invalid value for defaultEventBasedHold: expected a boolean', 'defaultEventBasedHold');
      }
      if (key === 'iamConfiguration') validateIamConfiguration(value);
      if (key === 'versioning' && value !== null && (typeof value !== 'object' || !['boolean', 'undefined'].includes(typeof (value as Json).enabled))) {
        throw invalid('Invalid value for versioning.enabled: expected a boolean', 'versioning.enabled');
      }
      out.stored[key] = value;
    } else if (!BUCKET_OUTPUT_ONLY.has(key) && value !== null) {
      throw unimplemented(`The bucket field "${key}" in ${context}`);
    }
  }
  return out;
}

/** customPlacementConfig.dataLocations: the two regions of a configurable dual-region. */
function validatePlacement(value: unknown): void {
  if (value === null) return;
  const locations = value && typeof value === 'object' ? (value as Json).dataLocations : undefined;
  if (!Array.isArray(locations) || locations.length !== 2 || locations.some((l) => typeof l !== 'string')) {
    throw invalid('Invalid value for customPlacementConfig.dataLocations: expected two regions', 'customPlacementConfig.dataLocations');
  }
}

/** autoclass.enabled, and terminalStorageClass NEARLINE or ARCHIVE (https://cloud.google.com/storage/docs/autoclass). */
function validateAutoclass(value: unknown): void {
  if (value === null) return;
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Json).enabled !== 'boolean') {
    throw invalid('Invalid value for autoclass.enabled: expected a boolean', 'autoclass.enabled');
  }
  const terminal = (value as Json).terminalStorageClass;
  if (terminal !== undefined && terminal !== 'NEARLINE' && terminal !== 'ARCHIVE') {
    throw invalid('Invalid value for autoclass.terminalStorageClass: expected NEARLINE or ARCHIVE', 'autoclass.terminalStorageClass');
  }
}

/**
 * Autoclass as GCS returns it: toggleTime is when `enabled` last changed (set on insert), and an
 * enabled configuration names its terminal class (NEARLINE by default). The class transitions
 * themselves are not emulated.
 */
export function autoclassAfter(previous: unknown, next: unknown, now: string): unknown {
  if (!next || typeof next !== 'object') return next;
  const prev = previous && typeof previous === 'object' ? (previous as Json) : undefined;
  const out: Json = { ...(next as Json) };
  const changed = !prev || prev.enabled !== out.enabled;
  out.toggleTime = changed ? now : (prev.toggleTime ?? now);
  if (out.enabled === true) out.terminalStorageClass ??= 'NEARLINE';
  else delete out.terminalStorageClass;
  return out;
}

/** `publicAccessPrevention` is `enforced` or `inherited` (https://cloud.google.com/storage/docs/public-access-prevention). */
function validateIamConfiguration(value: unknown): void {
  if (value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid value for iamConfiguration', 'iamConfiguration');
  const pap = (value as Json).publicAccessPrevention;
  if (pap !== undefined && pap !== null && pap !== 'enforced' && pap !== 'inherited') {
    throw invalid(`Invalid value for iamConfiguration.publicAccessPrevention: ${JSON.stringify(pap)}; expected "enforced" or "inherited"`, 'iamConfiguration.publicAccessPrevention');
  }
  for (const key of ['uniformBucketLevelAccess', 'bucketPolicyOnly'] as const) {
    const v = (value as Json)[key];
    if (v !== undefined && v !== null && (typeof v !== 'object' || !['boolean', 'undefined'].includes(typeof (v as Json).enabled))) {
      throw invalid(`Invalid value for iamConfiguration.${key}.enabled: expected a boolean`, `iamConfiguration.${key}.enabled`);
    }
  }
}

/**
 * A patch of a stored bucket field, with the JSON API's patch semantics: objects merge key by key,
 * `null` removes, anything else (arrays included) replaces.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (typeof patch !== 'object' || Array.isArray(patch) || !target || typeof target !== 'object' || Array.isArray(target)) return patch;
  const out: Json = { ...(target as Json) };
  for (const [k, v] of Object.entries(patch as Json)) {
    const merged = mergePatch(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function readBoolean(key: string, value: unknown): boolean | null {
  if (value === null) return null;
  if (typeof value !== 'boolean') throw invalid(`Invalid value for ${key}: expected a boolean`, key);
  return value;
}

function readString(key: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(`Invalid value for ${key}: expected a string`, key);
  return value;
}

function readMetadata(value: unknown): Record<string, string | null> | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid value for metadata: expected an object', 'metadata');
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) out[k] = null;
    else if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw invalid(`Invalid value for metadata.${k}`, `metadata.${k}`);
  }
  return out;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

export function validateBucketName(name: string): void {
  const tooLongPart = name.split('.').some((p) => p.length > 63);
  if (!BUCKET_NAME.test(name) || tooLongPart || (!name.includes('.') && name.length > 63) || name.startsWith('goog')) {
    throw invalid(`Invalid bucket name: '${name}'`, 'name');
  }
}

export function validateObjectName(name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || bytes > 1024) throw invalid('The object name must be 1-1024 bytes of UTF-8.', 'name');
  if (name === '.' || name === '..') throw invalid(`Invalid object name: '${name}'`, 'name');
  if (/[\r\n]/.test(name)) throw invalid('Object names cannot contain carriage return or line feed characters.', 'name');
  if (name.startsWith('.well-known/acme-challenge/')) throw invalid(`Invalid object name: '${name}'`, 'name');
}
