// buckets.insert/get/list/patch/update/delete/restore.
import { type Context, queryFlag, readJson, sendEmpty, sendJson } from './http';
import { invalid, required } from './errors';
import { checkPreconditions, readPreconditions } from './preconditions';
import { type BucketRecord } from './records';
import { nextRetentionPolicy, policyOf } from './retention';
import { autoclassAfter, bucketResource, mergePatch, readBucketFields, validateBucketName } from './resources';
import { type Services } from './services';
import { isHierarchical, softDeletePolicyAfter } from './soft-delete';

export async function insertBucket(ctx: Context, svc: Services): Promise<void> {
  const body = await readJson(ctx.req);
  const name = body.name;
  if (typeof name !== 'string' || name === '') throw required('name');
  validateBucketName(name);
  const project = ctx.query.get('project');
  if (!project) throw required('project');
  const fields = readBucketFields(body, 'buckets.insert');
  const now = svc.store.nowIso();
  if (fields.stored.autoclass !== undefined) fields.stored.autoclass = autoclassAfter(undefined, fields.stored.autoclass, now);
  if (fields.stored.retentionPolicy !== undefined) fields.stored.retentionPolicy = nextRetentionPolicy(undefined, fields.stored.retentionPolicy, now);
  if (fields.stored.retentionPolicy === undefined) delete fields.stored.retentionPolicy;
  // No policy means no soft delete here: GCS's default 7-day policy for new buckets is not applied (README).
  fields.stored.softDeletePolicy = softDeletePolicyAfter(undefined, fields.stored.softDeletePolicy as { retentionDurationSeconds: string } | null ?? null, now);
  if (fields.stored.softDeletePolicy === undefined) delete fields.stored.softDeletePolicy;
  if (fields.stored.hierarchicalNamespace === null) delete fields.stored.hierarchicalNamespace;
  const record: BucketRecord = {
    name,
    project,
    metageneration: '1',
    generation: svc.store.nextGeneration(),
    timeCreated: now,
    updated: now,
    location: (fields.location ?? 'US').toUpperCase(),
    storageClass: fields.storageClass ?? 'STANDARD',
    // enableObjectRetention=true turns on Object Retention Lock for good.
    stored: queryFlag(ctx.query, 'enableObjectRetention') ? { ...fields.stored, objectRetention: { mode: 'Enabled' } } : fields.stored,
    labels: fields.labels ? dropNulls(fields.labels) : undefined,
    notifications: [],
    nextNotificationId: 1,
  };
  if (isHierarchical(record) && !uniformAccess(record.stored.iamConfiguration)) {
    throw invalid('A bucket with hierarchical namespace enabled requires uniform bucket-level access.', 'iamConfiguration.uniformBucketLevelAccess');
  }
  await svc.store.createBucket(record);
  svc.log.debug({ bucket: name, project }, 'bucket created');
  sendJson(ctx, 200, bucketResource(record, ctx.base));
}

export async function getBucket(ctx: Context, svc: Services, bucket: string): Promise<void> {
  if (queryFlag(ctx.query, 'softDeleted')) {
    const generation = ctx.query.get('generation');
    if (!generation) throw required('generation');
    return sendJson(ctx, 200, bucketResource(svc.store.getSoftDeletedBucket(bucket, generation), ctx.base));
  }
  const record = svc.store.getBucket(bucket);
  const p = readPreconditions(ctx.query);
  checkPreconditions(
    { ifMetagenerationMatch: p.ifMetagenerationMatch, ifMetagenerationNotMatch: p.ifMetagenerationNotMatch },
    { generation: 0n, metageneration: BigInt(record.metageneration) },
    'read',
  );
  sendJson(ctx, 200, bucketResource(record, ctx.base));
}

export async function listBuckets(ctx: Context, svc: Services): Promise<void> {
  const project = ctx.query.get('project');
  if (!project) throw required('project');
  const prefix = ctx.query.get('prefix') ?? '';
  // softDeleted=true lists only soft-deleted buckets, each generation of a name apart.
  const softDeleted = queryFlag(ctx.query, 'softDeleted');
  const all = (softDeleted ? svc.store.listSoftDeletedBuckets(project) : svc.store.listBuckets(project)).filter((b) => b.name.startsWith(prefix));
  const keyOf = (b: BucketRecord): string => (softDeleted ? `${b.name}\u0000${(b.generation ?? '').padStart(20, '0')}` : b.name);
  const max = Math.max(1, Math.min(Number(ctx.query.get('maxResults') ?? 1000) || 1000, 1000));
  const token = ctx.query.get('pageToken');
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = all.findIndex((b) => keyOf(b) > after);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + max);
  const more = start + max < all.length;
  sendJson(ctx, 200, {
    kind: 'storage#buckets',
    items: page.length ? page.map((b) => bucketResource(b, ctx.base)) : undefined,
    nextPageToken: more ? Buffer.from(keyOf(page[page.length - 1])).toString('base64url') : undefined,
  });
}

export async function patchBucket(ctx: Context, svc: Services, bucket: string, replace: boolean): Promise<void> {
  const body = await readJson(ctx.req);
  const fields = readBucketFields(body, replace ? 'buckets.update' : 'buckets.patch');
  if (fields.location !== undefined && fields.location.toUpperCase() !== svc.store.getBucket(bucket).location) {
    throw invalid('A bucket location cannot be changed.', 'location');
  }
  const record = await svc.store.updateBucket(bucket, readPreconditions(ctx.query), (b) => {
    const previous = b.stored;
    const previousPolicy = policyOf(b);
    if (replace) {
      // buckets.update replaces every setting: leaving a locked retention policy out would remove it.
      if (previousPolicy?.isLocked && fields.stored.retentionPolicy === undefined) nextRetentionPolicy(previousPolicy, null, svc.store.nowIso());
      // Object Retention Lock, once enabled at creation, is not a setting an update can drop.
      b.stored = previous.objectRetention === undefined ? {} : { objectRetention: previous.objectRetention };
      // Hierarchical namespace is fixed at creation.
      if (previous.hierarchicalNamespace !== undefined) b.stored.hierarchicalNamespace = previous.hierarchicalNamespace;
      b.labels = undefined;
    }
    if (fields.storageClass) b.storageClass = fields.storageClass;
    for (const [k, v] of Object.entries(fields.stored)) {
      // A patch merges into the stored value: patching publicAccessPrevention keeps uniformBucketLevelAccess.
      let next = replace ? (v === null ? undefined : v) : mergePatch(b.stored[k], v);
      if (k === 'autoclass') next = autoclassAfter(previous.autoclass, next, svc.store.nowIso());
      if (k === 'retentionPolicy') next = nextRetentionPolicy(previousPolicy, v === null ? null : next, svc.store.nowIso());
      if (k === 'softDeletePolicy') next = softDeletePolicyAfter(previous.softDeletePolicy, v as { retentionDurationSeconds: string } | null, svc.store.nowIso());
      if (k === 'hierarchicalNamespace' && isHierarchical(b) !== ((v as { enabled?: boolean } | null)?.enabled === true)) {
        throw invalid('Hierarchical namespace can only be set when a bucket is created.', 'hierarchicalNamespace');
      }
      // An empty list removes the field (setCorsConfiguration([]) leaves no `cors`).
      if (Array.isArray(next) && next.length === 0) next = undefined;
      if (next === undefined) delete b.stored[k];
      else b.stored[k] = next;
    }
    if (fields.labels === null) b.labels = undefined;
    else if (fields.labels) b.labels = dropNulls({ ...(b.labels ?? {}), ...fields.labels });
  });
  sendJson(ctx, 200, bucketResource(record, ctx.base));
}

/**
 * buckets.lockRetentionPolicy: the policy can then never be removed or shortened. GCS requires
 * ifMetagenerationMatch (the metageneration the caller saw the policy at).
 */
export async function lockRetentionPolicy(ctx: Context, svc: Services, bucket: string): Promise<void> {
  const preconditions = readPreconditions(ctx.query);
  if (preconditions.ifMetagenerationMatch === undefined) throw required('ifMetagenerationMatch');
  const record = await svc.store.updateBucket(bucket, preconditions, (b) => {
    const policy = policyOf(b);
    if (!policy) throw invalid('The bucket has no retention policy to lock.', 'retentionPolicy');
    b.stored.retentionPolicy = { ...policy, isLocked: true };
  });
  sendJson(ctx, 200, bucketResource(record, ctx.base));
}

export async function deleteBucket(ctx: Context, svc: Services, bucket: string): Promise<void> {
  await svc.store.deleteBucket(bucket, readPreconditions(ctx.query));
  sendEmpty(ctx, 204);
}

/** buckets.restore (https://cloud.google.com/storage/docs/json_api/v1/buckets/restore): `generation` is required. */
export async function restoreBucket(ctx: Context, svc: Services, bucket: string): Promise<void> {
  await readJson(ctx.req);
  const generation = ctx.query.get('generation');
  if (!generation) throw required('generation');
  const record = await svc.store.restoreBucket(bucket, generation);
  sendJson(ctx, 200, bucketResource(record, ctx.base));
}

function uniformAccess(iam: unknown): boolean {
  const given = (iam ?? {}) as { uniformBucketLevelAccess?: { enabled?: unknown }; bucketPolicyOnly?: { enabled?: unknown } };
  return (given.uniformBucketLevelAccess ?? given.bucketPolicyOnly)?.enabled === true;
}

function dropNulls(o: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as Record<string, string>;
}
