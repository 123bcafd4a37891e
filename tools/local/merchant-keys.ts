// Local mode's merchant API keys when none are configured: merchant `m0001` uses `local-m0001`.
// Convenient on a laptop full of generated data, and obviously not a secret; the banner says so,
// and setting PIZZAFLOW_MERCHANT_API_KEYS replaces it.
import type { KeyRing } from '../../functions/metrics-api';

const LOCAL_KEY = /^local-([A-Za-z0-9_.-]{1,64})$/;

export function localMerchantKeyRing(): KeyRing {
  return { ownerOf: (key) => (key ? LOCAL_KEY.exec(key)?.[1] : undefined) };
}
