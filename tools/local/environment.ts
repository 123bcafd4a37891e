// The environment `pizzaflow local up` runs the functions with: the emulator variables of the
// emulators it started, plus local defaults for the secrets a developer has not set. Pure: it only
// computes the variables; the command applies them.
import { DELIVERY_PROVIDERS } from '../../contracts/delivery';

/** The collector client id the local defaults give the online portal. */
export const LOCAL_PORTAL_CLIENT = 'portal';

export interface LocalDefaults {
  /** Variables to set because the caller's environment leaves them empty. */
  set: Record<string, string>;
  /** Human-readable notes on each default applied (printed in the banner). */
  notes: string[];
}

const has = (env: NodeJS.ProcessEnv, name: string): boolean => (env[name] ?? '').trim() !== '';

export function localDefaults(env: NodeJS.ProcessEnv, project: string): LocalDefaults {
  const set: Record<string, string> = {};
  const notes: string[] = [];
  if (!has(env, 'GOOGLE_CLOUD_PROJECT')) set.GOOGLE_CLOUD_PROJECT = project;
  if (!has(env, 'PIZZAFLOW_PII_KEY')) {
    set.PIZZAFLOW_PII_KEY = 'pizzaflow-local-pii-key-not-secret';
    notes.push('PIZZAFLOW_PII_KEY: a fixed local key (never use it with real data)');
  }
  if (!has(env, 'PIZZAFLOW_API_KEYS')) {
    // Bound to every merchant (`[*]`, a head-office portal): the demo's traffic spans all merchants.
    set.PIZZAFLOW_API_KEYS = `${LOCAL_PORTAL_CLIENT}[*]=local-portal-key`;
    notes.push(`collector API key: x-api-key: local-portal-key (client "${LOCAL_PORTAL_CLIENT}", every merchant)`);
  }
  if (!has(env, 'PIZZAFLOW_WEBHOOK_SECRETS')) {
    set.PIZZAFLOW_WEBHOOK_SECRETS = DELIVERY_PROVIDERS.map((p) => `${p}=local-${p}-secret`).join(',');
    notes.push(`webhook secrets: local-<provider>-secret for ${DELIVERY_PROVIDERS.join(', ')}`);
  }
  // The program's merchant-keys secret needs a value; the local platform serves `local-<merchant>` keys itself.
  if (!has(env, 'PIZZAFLOW_MERCHANT_API_KEYS')) set.PIZZAFLOW_MERCHANT_API_KEYS = 'm0001=local-m0001';
  // The emulators hold no credentials; stop the clients probing a metadata server that is not there.
  if (!has(env, 'METADATA_SERVER_DETECTION')) set.METADATA_SERVER_DETECTION = 'none';
  return { set, notes };
}
