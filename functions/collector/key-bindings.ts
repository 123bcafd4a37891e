// Which merchants each collector API key may publish for. Every key must say: a key without a
// binding would otherwise be unrestricted (the format before bindings existed) or silently useless,
// so the collector refuses to start on one, naming its client and never the key.
import type { Config, MerchantScope } from '../runtime/config';
import { ConfigError } from '../runtime/errors';

export const API_KEYS_VARIABLE = 'PIZZAFLOW_API_KEYS';

/**
 * client id → its merchants, for every configured client. Throws a ConfigError naming the clients
 * listed without `[…]` (config.ts gives them `*` when no client is bound, none when some are).
 */
export function collectorKeyBindings(config: Pick<Config, 'apiKeys' | 'apiKeyMerchants' | 'apiKeysUnbound'>): Record<string, MerchantScope> {
  const clients = Object.keys(config.apiKeys);
  const unbound = clients.filter((client) => {
    if (config.apiKeysUnbound) return true;
    const scope = Object.prototype.hasOwnProperty.call(config.apiKeyMerchants, client) ? config.apiKeyMerchants[client] : undefined;
    return scope === undefined || (scope !== '*' && scope.length === 0);
  });
  if (unbound.length) {
    const [first] = unbound;
    throw new ConfigError(
      API_KEYS_VARIABLE,
      `client${unbound.length > 1 ? 's' : ''} ${unbound.join(', ')} ${unbound.length > 1 ? 'have' : 'has'} no merchant binding; bind every key to the merchants it may publish for: ${first}[m0001|m0002]=<key>, or ${first}[*]=<key> for a head office`,
    );
  }
  return Object.fromEntries(clients.map((client) => [client, config.apiKeyMerchants[client]!]));
}
