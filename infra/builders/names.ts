// Physical names the Pulumi program adds to the catalog's: service accounts, service agents, the
// infra-owned datasets and tables. Catalog names (buckets, topics, tables) come from contracts/catalog.

/** Principals that get their own service account: one per function, plus the platform's callers. */
export const PLATFORM_PRINCIPALS = {
  pubsubPush: 'pubsub-push',
  scheduler: 'scheduler',
  dataform: 'dataform',
  builder: 'builder',
} as const;

/** Service account id (6-30 chars, lowercase, digits, hyphens) of a function or platform principal. */
export function serviceAccountId(principal: string): string {
  const id = `pf-${principal}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30).replace(/-+$/, '');
  return id.length >= 6 ? id : `${id}-sa`;
}

export function serviceAccountEmail(project: string, principal: string): string {
  return `${serviceAccountId(principal)}@${project}.iam.gserviceaccount.com`;
}

/** Bucket holding the functions' source archives (global name, so it carries the project id). */
export function sourceBucketName(project: string): string {
  return `${project}-functions-source`;
}

/** Artifact Registry repository the function builds push their images to. */
export const ARTIFACT_REPOSITORY = 'pizzaflow-functions';

/** Dataset of authorized views through which merchants read their own rows. */
export const MERCHANT_ACCESS_DATASET = 'merchant_access';

/** Mapping table merchant → principal, read by the authorized views (kept in ops: merchants cannot read it). */
export const MERCHANT_PRINCIPALS_TABLE = { dataset: 'ops', name: 'merchant_principals' } as const;

/** Secret Manager id of a catalog secret (`pii-key` → `pizzaflow-pii-key`). */
export function secretId(name: string): string {
  return `pizzaflow-${name}`;
}

/** Dataform repository id. */
export const DATAFORM_REPOSITORY = 'pizzaflow';

/** IAM member string of a service account email. */
export function serviceAccountMember(email: string): string {
  return `serviceAccount:${email}`;
}

/** A Pulumi resource name for a logical name with dots or underscores (`raw.ref_products` → `raw-ref-products`). */
export function resourceSuffix(logical: string): string {
  return logical.replace(/[._]/g, '-');
}
