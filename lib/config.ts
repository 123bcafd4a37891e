// The one configuration loader: every variable pizzaflow reads, with its default and its check.
// Local versus cloud is decided by the standard emulator variables alone.
import { z } from 'zod';
import { ConfigError } from './errors';

const hostPort = z
  .string()
  .regex(/^(https?:\/\/)?[A-Za-z0-9.\-[\]:]+:\d{1,5}\/?$/, 'expected host:port (or http://host:port)');

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
});

export interface Config {
  project: string;
  location: string;
  piiKey: string | undefined;
  logLevel: string;
  emulators: { pubsub?: string; storage?: string; bigquery?: string };
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
    },
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
