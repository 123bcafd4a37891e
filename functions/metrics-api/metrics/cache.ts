// Results stay valid until the next transform run: the cache is keyed by the latest run in
// ops.transform_runs, and that run is looked up at most once per check interval (one tiny query
// shared by every concurrent request), not once per request.
import type { DataVersion, MetricsSource } from './source';

export interface VersionTracker {
  current(): Promise<DataVersion>;
}

export function createVersionTracker(source: Pick<MetricsSource, 'dataVersion'>, options: { checkIntervalMs: number; now?: () => number }): VersionTracker {
  const now = options.now ?? Date.now;
  let known: { version: DataVersion; checkedAt: number } | undefined;
  let inFlight: Promise<DataVersion> | undefined;
  return {
    current() {
      if (known && now() - known.checkedAt < options.checkIntervalMs) return Promise.resolve(known.version);
      inFlight ??= source
        .dataVersion()
        .then((version) => {
          known = { version, checkedAt: now() };
          return version;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}

/** A bounded map from request to answer for one data version; a new version empties it. */
export class ResultCache<T> {
  private version: string | undefined;
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries: number) {}

  get(version: string, key: string): T | undefined {
    if (version !== this.version) return undefined;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert so the map's order is least recently used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(version: string, key: string, value: T): void {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
