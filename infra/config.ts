// The stack's configuration, read once and validated with zod. A pure function over a key reader so
// tests feed it plain objects; `infra/index.ts` passes a reader over `pulumi.Config`.
import { z } from 'zod';
import { DEFAULT_CATALOG_SETTINGS } from '../contracts/catalog';
import { ConfigError } from '../functions/runtime/errors';

/** Returns the raw value of a fully qualified key (`gcp:project`, `pizzaflow:alertEmail`), or undefined. */
export type ConfigReader = (key: string) => string | undefined;

const email = z.email('expected an email address');
const principal = z
  .string()
  .regex(/^(user|group|serviceAccount):[^@\s]+@[^@\s]+\.[^@\s]+$|^domain:[a-z0-9.-]+\.[a-z]{2,}$/, 'expected user:, group: or serviceAccount: followed by an email, or domain:example.com');
const merchantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a merchant id (letters, digits, _ and -)');
const days = z.coerce.number().int().min(1).max(36500);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Every key the program reads, with its check. Keys without a namespace live under `pizzaflow:`. */
const keys = {
  'gcp:project': z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'expected a GCP project id (6-30 chars: lowercase, digits, hyphens)'),
  'gcp:region': z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'expected a region such as us-central1'),
  bigqueryLocation: z.string().min(2).default('US'),
  rawRetentionDays: days.default(DEFAULT_CATALOG_SETTINGS.rawRetentionDays),
  rejectedRetentionDays: days.default(DEFAULT_CATALOG_SETTINGS.rejectedRetentionDays),
  archiveRetentionDays: days.default(DEFAULT_CATALOG_SETTINGS.archiveRetentionDays),
  alertEmail: email,
  minInstances: z.coerce.number().int().min(0).max(100),
  kmsKeyName: z
    .string()
    .regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/, 'expected projects/P/locations/L/keyRings/R/cryptoKeys/K')
    .optional(),
  deletionProtection: bool,
  protect: bool.default(false),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  noncurrentVersionDays: days.default(DEFAULT_CATALOG_SETTINGS.noncurrentVersionDays),
  teamGroups: z.strictObject({ analytics: email, logistics: email, sales: email }),
  merchantPrincipals: z.record(merchantId, z.array(principal).min(1)).default({}),
  metricMartsBuilt: bool.default(false),
  lookerTemplateReportId: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
  dataformGitUrl: z.url().optional(),
  // The branch `pizzaflow dataform publish` writes: the Dataform project at its root (managed Dataform compiles the root).
  dataformGitBranch: z.string().min(1).default('dataform-release'),
  dataformVars: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a Dataform var name'), z.string()).default({}),
  dataformWorkspaceSchemaSuffix: z.string().regex(/^[a-z0-9_]{1,32}$/, 'expected letters, digits or _').default('workspace'),
  dataformGitTokenSecret: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'expected a Secret Manager secret id').optional(),
} as const;

type Keys = typeof keys;
const OBJECT_KEYS = new Set<keyof Keys>(['teamGroups', 'merchantPrincipals', 'dataformVars']);

export interface InfraConfig {
  project: string;
  region: string;
  bigqueryLocation: string;
  rawRetentionDays: number;
  rejectedRetentionDays: number;
  archiveRetentionDays: number;
  alertEmail: string;
  minInstances: number;
  /** Customer-managed key for buckets, topics, datasets and tables; Google-managed when absent. */
  kmsKeyName?: string;
  /** Stops `pulumi destroy` from removing data: BigQuery tables, Cloud Run services, non-empty buckets. */
  deletionProtection: boolean;
  /** Pulumi's `protect` on datasets, buckets and secrets: a stack change cannot delete them (prod). */
  protect: boolean;
  /** Days a landing file's noncurrent version is kept. */
  noncurrentVersionDays: number;
  /** LOG_LEVEL of every function. */
  logLevel: string;
  teamGroups: { analytics: string; logistics: string; sales: string };
  /** merchant id → IAM principals that may read that merchant's rows. */
  merchantPrincipals: Record<string, string[]>;
  /** Set after Dataform has built the marts: table grants, authorized views and row policies need them to exist. */
  metricMartsBuilt: boolean;
  lookerTemplateReportId?: string;
  /** Git remote of the Dataform release (the published branch), its compile vars and the workspaces' schema suffix. */
  dataform: { url?: string; branch: string; tokenSecret?: string; vars: Record<string, string>; workspaceSchemaSuffix: string };
}

function qualified(key: string): string {
  return key.includes(':') ? key : `pizzaflow:${key}`;
}

function parseValue(key: keyof Keys, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  if (!OBJECT_KEYS.has(key)) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ConfigError(qualified(key), 'expected a structured (object) value');
  }
}

/** Reads and validates every key; throws a ConfigError naming the first bad key. */
export function loadInfraConfig(read: ConfigReader): InfraConfig {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(keys) as (keyof Keys)[]) {
    const parsed = keys[key].safeParse(parseValue(key, read(qualified(key))));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${qualified(key)}.${issue.path.join('.')}` : qualified(key);
      throw new ConfigError(where, issue.message);
    }
    values[key] = parsed.data;
  }
  const v = values as { [K in keyof Keys]: z.infer<Keys[K]> };
  if (v.dataformGitTokenSecret && !v.dataformGitUrl) throw new ConfigError('pizzaflow:dataformGitTokenSecret', 'set pizzaflow:dataformGitUrl too');
  return {
    project: v['gcp:project'],
    region: v['gcp:region'],
    bigqueryLocation: v.bigqueryLocation,
    rawRetentionDays: v.rawRetentionDays,
    rejectedRetentionDays: v.rejectedRetentionDays,
    archiveRetentionDays: v.archiveRetentionDays,
    alertEmail: v.alertEmail,
    minInstances: v.minInstances,
    ...(v.kmsKeyName ? { kmsKeyName: v.kmsKeyName } : {}),
    deletionProtection: v.deletionProtection,
    protect: v.protect,
    noncurrentVersionDays: v.noncurrentVersionDays,
    logLevel: v.logLevel,
    teamGroups: v.teamGroups,
    merchantPrincipals: v.merchantPrincipals,
    metricMartsBuilt: v.metricMartsBuilt,
    ...(v.lookerTemplateReportId ? { lookerTemplateReportId: v.lookerTemplateReportId } : {}),
    dataform: {
      branch: v.dataformGitBranch,
      vars: v.dataformVars,
      workspaceSchemaSuffix: v.dataformWorkspaceSchemaSuffix,
      ...(v.dataformGitUrl ? { url: v.dataformGitUrl } : {}),
      ...(v.dataformGitTokenSecret ? { tokenSecret: v.dataformGitTokenSecret } : {}),
    },
  };
}

/** Every key `loadInfraConfig` reads, fully qualified (for the README and a test against the stack files). */
export const CONFIG_KEYS: readonly string[] = Object.keys(keys).map(qualified);
