// The `local` stack's resource handler: what the Pulumi program declares, applied to the emulators
// with the official clients — topics, subscriptions (push endpoint, OIDC identity, retry and
// dead-letter policies, filter, ordering), buckets, datasets and tables (schema, partitioning,
// clustering, required partition filter, expiration) — and the functions' declared environment with
// each secret reference resolved from the program's secret versions (a local secret store). A
// reference to a secret without a version, or to one the function's service account may not read
// (no roles/secretmanager.secretAccessor on it), stops the platform, naming the secret and the function.
// Idempotent: what exists is left alone (a table whose clustering changed is updated).
import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import type { ComputeState, AnswerCall, Recorded, RenderedProgram } from './render-program';

/** Pulumi's wire marker of a secret value (`@pulumi/pulumi` runtime/rpc specialSigKey / specialSecretSig). */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export const TYPES = {
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  bucket: 'gcp:storage/bucket:Bucket',
  dataset: 'gcp:bigquery/dataset:Dataset',
  table: 'gcp:bigquery/table:Table',
  secret: 'gcp:secretmanager/secret:Secret',
  secretIamMember: 'gcp:secretmanager/secretIamMember:SecretIamMember',
  projectIamMember: 'gcp:projects/iAMMember:IAMMember',
  secretVersion: 'gcp:secretmanager/secretVersion:SecretVersion',
  function: 'gcp:cloudfunctionsv2/function:Function',
  account: 'gcp:serviceaccount/account:Account',
  redisInstance: 'gcp:redis/instance:Instance',
} as const;

/** The local serving store (tools/local/redis.ts) that answers for the program's Memorystore instance. */
export interface LocalServingStore {
  host: string;
  port: number;
  password: string;
}

/** Without a local store (`pizzaflow bootstrap`): a redis-server of your own on the default port, no password. */
export const DEFAULT_LOCAL_SERVING_STORE: LocalServingStore = { host: '127.0.0.1', port: 6379, password: '' };

export interface LocalTargets {
  project: string;
  /** The local URL a function is served at (its Cloud Run URL in GCP). */
  functionUrl(name: string): string;
  /** The redis-server that stands for Memorystore (default DEFAULT_LOCAL_SERVING_STORE). */
  servingStore?: LocalServingStore;
}

/** Outputs as the local platform has them: local URLs, the service accounts' emails, resource ids. */
export function localComputeState(targets: LocalTargets): ComputeState {
  return (type, name, inputs) => {
    const project = String(inputs.project ?? targets.project);
    switch (type) {
      case TYPES.account: {
        const email = `${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`;
        return { email, name: `projects/${project}/serviceAccounts/${email}`, member: `serviceAccount:${email}` };
      }
      case TYPES.function: {
        const uri = targets.functionUrl(String(inputs.name));
        return { url: uri, serviceConfig: { ...(inputs.serviceConfig as Record<string, unknown>), uri } };
      }
      case TYPES.redisInstance: {
        // Memorystore answered by the local redis-server: its address and password (AUTH string).
        // It speaks plain TCP on loopback, so there is no server CA: the program then gives the
        // functions a redis:// URL instead of rediss:// (docs/local-stack.md).
        const store = targets.servingStore ?? DEFAULT_LOCAL_SERVING_STORE;
        const id = `projects/${project}/locations/${String(inputs.region ?? 'local')}/instances/${String(inputs.name)}`;
        return { id, host: store.host, port: store.port, authString: store.password, serverCaCerts: [], currentLocationId: 'local', readEndpoint: '', readEndpointPort: 0 };
      }
      case TYPES.topic:
        return { id: `projects/${project}/topics/${String(inputs.name)}` };
      case TYPES.dataset:
        return { id: `projects/${project}/datasets/${String(inputs.datasetId)}` };
      case TYPES.secret:
        return { id: `projects/${project}/secrets/${String(inputs.secretId)}`, name: `projects/${project}/secrets/${String(inputs.secretId)}` };
      case TYPES.secretVersion:
        return { id: `${String(inputs.secret)}/versions/1`, name: `${String(inputs.secret)}/versions/1`, version: '1' };
      case 'gcp:storage/bucketObject:BucketObject':
        return { outputName: inputs.name, md5hash: '', generation: 1 };
      case 'gcp:projects/serviceIdentity:ServiceIdentity': {
        const email = `service-0@gcp-sa-${String(inputs.service).split('.')[0]}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}` };
      }
      default:
        return { id: `${name}-id` };
    }
  };
}

export const localAnswerCall: AnswerCall = (token, inputs) => {
  if (token === 'gcp:organizations/getProject:getProject') return { number: '0', projectId: inputs.projectId };
  if (token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') return { emailAddress: 'service-0@gs-project-accounts.iam.gserviceaccount.com', member: 'serviceAccount:service-0@gs-project-accounts.iam.gserviceaccount.com' };
  if (token === 'gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount') return { email: 'bq-0@bigquery-encryption.iam.gserviceaccount.com', member: 'serviceAccount:bq-0@bigquery-encryption.iam.gserviceaccount.com' };
  throw new Error(`the local stack cannot answer ${token}`);
};

export interface ApplyClients {
  pubsub: PubSub;
  storage: Storage;
  bigquery: BigQuery;
}

export interface Change {
  kind: 'topic' | 'subscription' | 'bucket' | 'dataset' | 'table';
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  detail?: string;
}

export interface LocalFunction {
  name: string;
  url: string;
  serviceAccount: string;
  /** The declared plain environment and every secret reference resolved: exactly what the function gets. */
  env: Record<string, string>;
}

export interface AppliedProgram {
  changes: Change[];
  functions: Record<string, LocalFunction>;
}

/** A declared secret reference that resolves to no secret version of the program. */
export class MissingSecretError extends Error {
  constructor(
    readonly functionName: string,
    readonly secret: string,
    readonly variable: string,
  ) {
    super(`function ${functionName}: secret "${secret}" (${variable}) has no version in the program; the function cannot start`);
    this.name = 'MissingSecretError';
  }
}

/**
 * A declared secret reference whose secret the function's service account may not read: Cloud Run
 * refuses to deploy such a revision (the service agent resolves secrets as the revision's identity).
 */
export class SecretAccessError extends Error {
  constructor(
    readonly functionName: string,
    readonly secret: string,
    readonly serviceAccount: string,
  ) {
    super(`function ${functionName}: its service account ${serviceAccount} holds no roles/secretmanager.secretAccessor on secret "${secret}" in the program; the function cannot start`);
    this.name = 'SecretAccessError';
  }
}

/** Roles that let a principal read a secret's versions (secretmanager.versions.access). */
const SECRET_READER_ROLES = new Set(['roles/secretmanager.secretAccessor', 'roles/secretmanager.admin', 'roles/owner']);

/** Whether the program lets `member` read secret `secretId`: a grant on the secret, or one on the project. */
export function secretReaders(program: RenderedProgram): (secretId: string, member: string) => boolean {
  const grants = new Set<string>();
  for (const g of program.ofType(TYPES.secretIamMember)) if (SECRET_READER_ROLES.has(String(g.inputs.role))) grants.add(`${lastSegment(g.inputs.secretId)}|${String(g.inputs.member)}`);
  for (const g of program.ofType(TYPES.projectIamMember)) if (SECRET_READER_ROLES.has(String(g.inputs.role))) grants.add(`*|${String(g.inputs.member)}`);
  return (secretId, member) => grants.has(`${secretId}|${member}`) || grants.has(`*|${member}`);
}

const lastSegment = (id: unknown): string => String(id).split('/').pop()!;
const seconds = (duration: unknown): number | undefined => (typeof duration === 'string' && duration.endsWith('s') ? Number(duration.slice(0, -1)) : undefined);
const unwrapSecret = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return unwrapSecret((value as { value: unknown }).value);
  return undefined;
};

/** The local secret store: secret id → the value of its version, from the program's secret versions. */
export function secretStore(program: RenderedProgram): Map<string, string> {
  const store = new Map<string, string>();
  for (const v of program.ofType(TYPES.secretVersion)) {
    const secret = program.resources.find((r) => r.type === TYPES.secret && r.id === v.inputs.secret);
    const value = unwrapSecret(v.inputs.secretData);
    if (secret && value !== undefined) store.set(String(secret.inputs.secretId), value);
  }
  return store;
}

/** Each declared function with exactly its declared environment and resolved secrets. */
export function localFunctions(program: RenderedProgram): Record<string, LocalFunction> {
  const store = secretStore(program);
  const mayRead = secretReaders(program);
  const out: Record<string, LocalFunction> = {};
  for (const f of program.ofType(TYPES.function)) {
    const name = String(f.inputs.name);
    const service = (f.state.serviceConfig ?? {}) as { uri?: string; serviceAccountEmail?: string; environmentVariables?: Record<string, string>; secretEnvironmentVariables?: { key: string; secret: string; version: string }[] };
    const env: Record<string, string> = { ...(service.environmentVariables ?? {}) };
    for (const ref of service.secretEnvironmentVariables ?? []) {
      const value = store.get(ref.secret);
      if (value === undefined) throw new MissingSecretError(name, ref.secret, ref.key);
      const account = String(service.serviceAccountEmail ?? '');
      if (!mayRead(lastSegment(ref.secret), `serviceAccount:${account}`)) throw new SecretAccessError(name, ref.secret, account);
      env[ref.key] = value;
    }
    out[name] = { name, url: String(service.uri ?? ''), serviceAccount: String(service.serviceAccountEmail ?? ''), env };
  }
  return out;
}

export async function applyProgram(program: RenderedProgram, clients: ApplyClients): Promise<AppliedProgram> {
  const functions = localFunctions(program);
  const changes: Change[] = [];
  for (const t of program.ofType(TYPES.topic)) changes.push(await ensureTopic(clients.pubsub, t));
  for (const s of program.ofType(TYPES.subscription)) changes.push(await ensureSubscription(clients.pubsub, s));
  for (const b of program.ofType(TYPES.bucket)) changes.push(await ensureBucket(clients.storage, b));
  for (const d of program.ofType(TYPES.dataset)) changes.push(await ensureDataset(clients.bigquery, d));
  for (const t of program.ofType(TYPES.table)) {
    // Views (authorized views over the marts) are built once Dataform has run; the local executor owns the marts.
    if (t.inputs.view) continue;
    changes.push(await ensureTable(clients.bigquery, t));
  }
  return { changes, functions };
}

async function ensureTopic(pubsub: PubSub, t: Recorded): Promise<Change> {
  const name = String(t.inputs.name);
  const [exists] = await pubsub.topic(name).exists();
  if (!exists) await pubsub.createTopic({ name, ...(seconds(t.inputs.messageRetentionDuration) ? { messageRetentionDuration: { seconds: seconds(t.inputs.messageRetentionDuration)! } } : {}) });
  return { kind: 'topic', name, action: exists ? 'unchanged' : 'created' };
}

async function ensureSubscription(pubsub: PubSub, s: Recorded): Promise<Change> {
  const name = String(s.inputs.name);
  const push = s.inputs.pushConfig as { pushEndpoint: string; oidcToken?: { serviceAccountEmail: string; audience?: string } } | undefined;
  const pushConfig = push ? { pushEndpoint: push.pushEndpoint, ...(push.oidcToken ? { oidcToken: { serviceAccountEmail: push.oidcToken.serviceAccountEmail, audience: push.oidcToken.audience ?? push.pushEndpoint } } : {}) } : undefined;
  const sub = pubsub.subscription(name);
  const [exists] = await sub.exists();
  if (exists) {
    const [meta] = await sub.getMetadata();
    if ((meta.pushConfig?.pushEndpoint || undefined) === pushConfig?.pushEndpoint) return { kind: 'subscription', name, action: 'unchanged' };
    await sub.modifyPushConfig(pushConfig ?? {});
    return { kind: 'subscription', name, action: 'updated', detail: pushConfig ? `push → ${pushConfig.pushEndpoint}` : 'pull' };
  }
  const retry = s.inputs.retryPolicy as { minimumBackoff?: string; maximumBackoff?: string } | undefined;
  const deadLetter = s.inputs.deadLetterPolicy as { deadLetterTopic: string; maxDeliveryAttempts: number } | undefined;
  await pubsub.topic(lastSegment(s.inputs.topic)).createSubscription(name, {
    ackDeadlineSeconds: Number(s.inputs.ackDeadlineSeconds ?? 10),
    ...(seconds(s.inputs.messageRetentionDuration) ? { messageRetentionDuration: { seconds: seconds(s.inputs.messageRetentionDuration)! } } : {}),
    ...(retry ? { retryPolicy: { minimumBackoff: { seconds: seconds(retry.minimumBackoff) ?? 10 }, maximumBackoff: { seconds: seconds(retry.maximumBackoff) ?? 600 } } } : {}),
    enableMessageOrdering: Boolean(s.inputs.enableMessageOrdering),
    ...(s.inputs.filter ? { filter: String(s.inputs.filter) } : {}),
    ...(deadLetter ? { deadLetterPolicy: { deadLetterTopic: deadLetter.deadLetterTopic, maxDeliveryAttempts: deadLetter.maxDeliveryAttempts } } : {}),
    ...(pushConfig ? { pushConfig } : {}),
  });
  return { kind: 'subscription', name, action: 'created', detail: pushConfig ? `push → ${pushConfig.pushEndpoint}` : 'pull' };
}

async function ensureBucket(storage: Storage, b: Recorded): Promise<Change> {
  const name = String(b.inputs.name);
  const bucket = storage.bucket(name);
  const [exists] = await bucket.exists();
  if (!exists) await storage.createBucket(name, { storageClass: String(b.inputs.storageClass ?? 'STANDARD'), versioning: { enabled: Boolean((b.inputs.versioning as { enabled?: boolean } | undefined)?.enabled) } });
  return { kind: 'bucket', name, action: exists ? 'unchanged' : 'created' };
}

async function ensureDataset(bigquery: BigQuery, d: Recorded): Promise<Change> {
  const id = String(d.inputs.datasetId);
  const dataset = bigquery.dataset(id);
  const [exists] = await dataset.exists();
  if (!exists) await bigquery.createDataset(id, { location: String(d.inputs.location ?? 'US'), ...(d.inputs.description ? { description: String(d.inputs.description) } : {}) });
  return { kind: 'dataset', name: id, action: exists ? 'unchanged' : 'created' };
}

function tableMetadata(t: Recorded): Record<string, unknown> {
  const p = t.inputs.timePartitioning as { type: string; field?: string; expirationMs?: number } | undefined;
  const clustering = t.inputs.clusterings as string[] | undefined;
  return {
    ...(t.inputs.description ? { description: String(t.inputs.description) } : {}),
    schema: { fields: JSON.parse(String(t.inputs.schema)) as unknown[] },
    ...(p
      ? {
          timePartitioning: {
            type: p.type,
            ...(p.field ? { field: p.field } : {}),
            requirePartitionFilter: Boolean(t.inputs.requirePartitionFilter),
            ...(p.expirationMs ? { expirationMs: String(p.expirationMs) } : {}),
          },
        }
      : {}),
    ...(clustering?.length ? { clustering: { fields: clustering } } : {}),
  };
}

async function ensureTable(bigquery: BigQuery, t: Recorded): Promise<Change> {
  const name = `${String(t.inputs.datasetId)}.${String(t.inputs.tableId)}`;
  const table = bigquery.dataset(String(t.inputs.datasetId)).table(String(t.inputs.tableId));
  const [exists] = await table.exists();
  const wanted = tableMetadata(t);
  if (!exists) {
    await table.create(wanted);
    return { kind: 'table', name, action: 'created' };
  }
  // What BigQuery changes in place, the local table follows: clustering, and columns the program
  // added (NULLABLE or REPEATED: the compatibility gate refuses anything else), appended after the
  // existing ones as BigQuery adds them, every existing row kept with the new columns NULL.
  const [meta] = await table.getMetadata();
  const update: Record<string, unknown> = {};
  const details: string[] = [];
  const current = (meta.schema?.fields ?? []) as SchemaField[];
  const declared = (wanted.schema as { fields: SchemaField[] }).fields;
  const added = declared.filter((f) => !current.some((c) => c.name.toLowerCase() === f.name.toLowerCase()));
  if (added.length > 0) {
    update.schema = { fields: [...current, ...added] };
    details.push(`columns added: ${added.map((f) => f.name).join(', ')}`);
  }
  const now = (meta.clustering?.fields ?? []) as string[];
  const want = ((wanted.clustering as { fields: string[] } | undefined)?.fields ?? []) as string[];
  if (now.join(',') !== want.join(',')) {
    update.clustering = { fields: want };
    details.push(`clustering ${now.join(',') || '(none)'} → ${want.join(',') || '(none)'}`);
  }
  if (details.length === 0) return { kind: 'table', name, action: 'unchanged' };
  await table.setMetadata(update);
  return { kind: 'table', name, action: 'updated', detail: details.join('; ') };
}

/** A column as the tables API returns it. */
interface SchemaField {
  name: string;
  type?: string;
  mode?: string;
  fields?: SchemaField[];
}

/** One line per change, then a summary; "nothing to do" on a second run. */
export function formatChanges(changes: readonly Change[]): string {
  const changed = changes.filter((c) => c.action !== 'unchanged');
  const lines = changed.map((c) => `${c.action} ${c.kind} ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
  lines.push(changed.length === 0 ? `nothing to do: all ${changes.length} resources already exist` : `${changed.length} changed, ${changes.length - changed.length} unchanged`);
  return `${lines.join('\n')}\n`;
}
