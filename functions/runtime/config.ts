// The one configuration loader: every variable pizzaflow reads, with its default and its check.
// Local versus cloud is decided by the standard emulator variables alone.
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
  // `client=key,client2=key2`: the collector's API keys, one per online-portal client.
  PIZZAFLOW_API_KEYS: pairList('client=key').optional(),
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
});

export interface Config {
  project: string;
  location: string;
  piiKey: string | undefined;
  logLevel: string;
  emulators: { pubsub?: string; storage?: string; bigquery?: string; bigqueryStorage?: string };
  /** client id → API key (collector). */
  apiKeys: Record<string, string>;
  /** provider → webhook HMAC secret (collector). */
  webhookSecrets: Record<string, string>;
  webhookToleranceSeconds: number;
  /** Deadline of one Storage Write append (ingest). */
  appendTimeoutSeconds: number;
  functionsUrl: string | undefined;
  /** merchant id → API key (merchant metrics API). */
  merchantApiKeys: Record<string, string>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
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
    apiKeys: c.PIZZAFLOW_API_KEYS ?? {},
    webhookSecrets: c.PIZZAFLOW_WEBHOOK_SECRETS ?? {},
    webhookToleranceSeconds: c.PIZZAFLOW_WEBHOOK_TOLERANCE_SECONDS,
    appendTimeoutSeconds: c.PIZZAFLOW_APPEND_TIMEOUT_SECONDS,
    functionsUrl: c.PIZZAFLOW_FUNCTIONS_URL,
    merchantApiKeys: c.PIZZAFLOW_MERCHANT_API_KEYS ?? {},
  };
}

function emptyAsUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    out[key] = value === '' ? undefined : value;
  }
  return out;
}
