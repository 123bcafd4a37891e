// The one configuration loader: every variable pizzaflow reads, with its default and its check.
// Local versus cloud is decided by the standard emulator variables alone.
import { functionEnvironment } from './environment';
import { z } from 'zod';
import { ConfigError } from './errors';

const hostPort = z
  .string()
  .regex(/^(https?:\/\/)?[A-Za-z0-9.\-[\]:]+:\d{1,5}\/?$/, 'expected host:port (or http://host:port)');

/** `name=value,name2=value2` (names: letters, digits, _ . -; values without commas). */
function pairList(shape: string) {
  return z
    .string()
    .regex(/^\s*[A-Za-z0-9_.-]+=[^,=\s][^,]*(\s*,\s*[A-Za-z0-9_.-]+=[^,=\s][^,]*)*\s*$/, `expected ${shape}[,${shape}…]`)
    .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.trim().split(/=(.*)/s).slice(0, 2).map((x) => x.trim()) as [string, string])));
}

/** The merchants one collector client may publish events for: every one (`*`) or a list of ids. */
export type MerchantScope = '*' | readonly string[];

const MERCHANT_ID = '[A-Za-z0-9_.-]+';
const SCOPE = `\\[\\s*(?:\\*|${MERCHANT_ID}(?:\\s*\\|\\s*${MERCHANT_ID})*)\\s*\\]`;
const KEY_PAIR = `[A-Za-z0-9_.-]+(?:${SCOPE})?=[^,=\\s][^,]*`;

/**
 * The collector's `PIZZAFLOW_API_KEYS`: `client=key` pairs as before, each optionally bound to the
 * merchants it may publish for: `client[m0001|m0002]=key`, `hq[*]=key` (every merchant).
 */
const apiKeyList = z
  .string()
  .regex(new RegExp(`^\\s*${KEY_PAIR}(\\s*,\\s*${KEY_PAIR})*\\s*$`), 'expected client=key or client[m0001|m0002]=key or client[*]=key[,…]')
  .transform((text) => {
    const keys: Record<string, string> = {};
    const scopes: Record<string, MerchantScope> = {};
    for (const pair of text.split(',')) {
      const m = /^\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?=(.*)$/s.exec(pair)!;
      const client = m[1]!;
      keys[client] = m[3]!.trim();
      if (m[2] !== undefined) scopes[client] = m[2].trim() === '*' ? '*' : m[2].split('|').map((id) => id.trim());
    }
    return { keys, scopes };
  });

const ConfigSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'expected a GCP project id (6-30 chars: lowercase, digits, hyphens)')
    .default('pizzaflow-local'),
  PIZZAFLOW_LOCATION: z.string().min(2).default('US'),
  PIZZAFLOW_PII_KEY: z.string().min(16, 'the PII key must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  PUBSUB_EMULATOR_HOST: hostPort.optional(),
  STORAGE_EMULATOR_HOST: hostPort.optional(),
  // The BigQuery client uses this value verbatim as its base URL, so it needs the scheme.
  BIGQUERY_EMULATOR_HOST: z
    .string()
    .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}\/?$/, 'expected http://host:port (the BigQuery client uses it verbatim as its base URL)')
    .optional(),
  // The Storage Write API client (managed writer) has no emulator variable of its own.
  BIGQUERY_STORAGE_EMULATOR_HOST: hostPort.optional(),
  // `client=key,client2=key2`: the collector's API keys, one per online-portal client, each optionally
  // bound to its merchants: `client[m0001|m0002]=key`, `hq[*]=key` (see apiKeyMerchants).
  PIZZAFLOW_API_KEYS: apiKeyList.optional(),
  // `provider=secret,…`: HMAC secrets of the delivery providers' webhooks.
  PIZZAFLOW_WEBHOOK_SECRETS: pairList('provider=secret').optional(),
  PIZZAFLOW_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Deadline of one Storage Write append (ingest). Past it the push answers 503 and Pub/Sub redelivers,
  // though the rows may have been written: staging de-duplicates on event_id.
  PIZZAFLOW_APPEND_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  // Base URL of the functions (local bootstrap renders push endpoints from it).
  PIZZAFLOW_FUNCTIONS_URL: z.url({ protocol: /^https?$/ }).optional(),
  // `merchant=key,merchant2=key2`: the merchant metrics API's keys, one per merchant account.
  PIZZAFLOW_MERCHANT_API_KEYS: pairList('merchant=key').optional(),
  // POS loader limits (hostile or broken files are quarantined, never loaded; see functions/pos-loader).
  // Largest landed object, compressed, judged from its metadata before any download.
  PIZZAFLOW_POS_MAX_OBJECT_BYTES: z.coerce.number().int().min(1024).max(5 * 2 ** 30).default(16 * 2 ** 20),
  // Largest file once gunzipped (the stream stops there).
  PIZZAFLOW_POS_MAX_INFLATED_BYTES: z.coerce.number().int().min(1024).max(2 ** 31).default(64 * 2 ** 20),
  PIZZAFLOW_POS_MAX_LINE_BYTES: z.coerce.number().int().min(1024).max(64 * 2 ** 20).default(256 * 2 ** 10),
  PIZZAFLOW_POS_MAX_LINES: z.coerce.number().int().min(3).max(10_000_002).default(200_000),
  // Files judged per run, oldest first; the rest wait for the next run.
  PIZZAFLOW_POS_MAX_FILES_PER_RUN: z.coerce.number().int().min(1).max(100_000).default(2_000),
  // Event times older than this (days) or further ahead than this (hours) quarantine the file. Keep
  // the age below the manifest lookback (62 days) so a re-upload is always recognised.
  PIZZAFLOW_POS_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(60).default(30),
  PIZZAFLOW_POS_MAX_FUTURE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(24),
  // The serving store (Memorystore for Redis; a local redis-server): live counters, and the settled
  // metrics and merchant key digests the metrics API reads instead of BigQuery. Unset: none kept.
  PIZZAFLOW_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/(:[^@\s]*@)?[A-Za-z0-9.\-[\]:]+:\d{1,5}\/?$/, 'expected redis://host:port or rediss://host:port (TLS)')
    .optional(),
  // Its AUTH string (Memorystore's, from Secret Manager), when not in the URL.
  PIZZAFLOW_REDIS_PASSWORD: z.string().optional(),
  // PEM of the store's server CA: a rediss:// store is verified against it.
  PIZZAFLOW_REDIS_CA: z.string().optional(),
});

export interface Config {
  project: string;
  location: string;
  piiKey: string | undefined;
  logLevel: string;
  emulators: { pubsub?: string; storage?: string; bigquery?: string; bigqueryStorage?: string };
  /** client id → API key (collector). */
  apiKeys: Record<string, string>;
  /**
   * client id → the merchants its key may publish for (collector), one entry per client. Once any
   * client is bound, an unbound client may publish for no merchant. A list binding no client at all
   * (the format before bindings existed) keeps every client unrestricted (`*`) and sets
   * `apiKeysUnbound`, which the collector warns about at start.
   */
  apiKeyMerchants: Record<string, MerchantScope>;
  apiKeysUnbound: boolean;
  /** provider → webhook HMAC secret (collector). */
  webhookSecrets: Record<string, string>;
  webhookToleranceSeconds: number;
  /** Deadline of one Storage Write append (ingest). */
  appendTimeoutSeconds: number;
  functionsUrl: string | undefined;
  /** merchant id → API key (merchant metrics API). */
  merchantApiKeys: Record<string, string>;
  /** POS loader limits. */
  posLoader: {
    maxObjectBytes: number;
    maxInflatedBytes: number;
    maxLineBytes: number;
    maxLines: number;
    maxFilesPerRun: number;
    maxAgeDays: number;
    maxFutureHours: number;
  };
  /** The serving store (live counters; settled metrics and merchant keys for the metrics API), when configured. */
  servingStore: { url: string; password?: string; ca?: string } | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = functionEnvironment()): Config {
  const parsed = ConfigSchema.safeParse(emptyAsUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const c = parsed.data;
  return {
    project: c.GOOGLE_CLOUD_PROJECT,
    location: c.PIZZAFLOW_LOCATION,
    piiKey: c.PIZZAFLOW_PII_KEY,
    logLevel: c.LOG_LEVEL,
    emulators: {
      pubsub: c.PUBSUB_EMULATOR_HOST,
      storage: c.STORAGE_EMULATOR_HOST,
      bigquery: c.BIGQUERY_EMULATOR_HOST,
      bigqueryStorage: c.BIGQUERY_STORAGE_EMULATOR_HOST,
    },
    apiKeys: c.PIZZAFLOW_API_KEYS?.keys ?? {},
    ...merchantScopes(c.PIZZAFLOW_API_KEYS),
    webhookSecrets: c.PIZZAFLOW_WEBHOOK_SECRETS ?? {},
    webhookToleranceSeconds: c.PIZZAFLOW_WEBHOOK_TOLERANCE_SECONDS,
    appendTimeoutSeconds: c.PIZZAFLOW_APPEND_TIMEOUT_SECONDS,
    functionsUrl: c.PIZZAFLOW_FUNCTIONS_URL,
    merchantApiKeys: c.PIZZAFLOW_MERCHANT_API_KEYS ?? {},
    posLoader: {
      maxObjectBytes: c.PIZZAFLOW_POS_MAX_OBJECT_BYTES,
      maxInflatedBytes: c.PIZZAFLOW_POS_MAX_INFLATED_BYTES,
      maxLineBytes: c.PIZZAFLOW_POS_MAX_LINE_BYTES,
      maxLines: c.PIZZAFLOW_POS_MAX_LINES,
      maxFilesPerRun: c.PIZZAFLOW_POS_MAX_FILES_PER_RUN,
      maxAgeDays: c.PIZZAFLOW_POS_MAX_AGE_DAYS,
      maxFutureHours: c.PIZZAFLOW_POS_MAX_FUTURE_HOURS,
    },
    servingStore: c.PIZZAFLOW_REDIS_URL
      ? { url: c.PIZZAFLOW_REDIS_URL, ...(c.PIZZAFLOW_REDIS_PASSWORD ? { password: c.PIZZAFLOW_REDIS_PASSWORD } : {}), ...(c.PIZZAFLOW_REDIS_CA ? { ca: c.PIZZAFLOW_REDIS_CA } : {}) }
      : undefined,
  };
}

function merchantScopes(list: { keys: Record<string, string>; scopes: Record<string, MerchantScope> } | undefined): Pick<Config, 'apiKeyMerchants' | 'apiKeysUnbound'> {
  const clients = Object.keys(list?.keys ?? {});
  const scopes = list?.scopes ?? {};
  const unbound = clients.length > 0 && Object.keys(scopes).length === 0;
  const none: readonly string[] = [];
  return { apiKeyMerchants: Object.fromEntries(clients.map((client) => [client, unbound ? '*' : (scopes[client] ?? none)])), apiKeysUnbound: unbound };
}

function emptyAsUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    out[key] = value === '' ? undefined : value;
  }
  return out;
}
