// The platform catalog: declarations, physical names, validation. `loadCatalog` is what renderers call.
import { platformCatalog } from './platform';
import type { CatalogSettings, PlatformCatalog } from './types';
import { assertValidCatalog } from './validate';

export * from './types';
export * from './names';
export { CatalogError, validateCatalog, assertValidCatalog, type CatalogProblem } from './validate';
export { BUCKETS, DATASETS, FUNCTIONS, SECRETS, TOPICS, platformCatalog } from './platform';

/** The validated platform catalog for the given settings (retention, instances). */
export function loadCatalog(settings: Partial<CatalogSettings> = {}): PlatformCatalog {
  return assertValidCatalog(platformCatalog(settings));
}
