// Plans by statement text, valid for one catalog version (Store.catalogVersion): a scheduled
// transform sends the same statements run after run, and planning each one again cost more than
// running most of them. A new catalog version empties the cache.
import { Lru } from './lru';

export class PlanCache<T> {
  private readonly entries: Lru<T>;
  private version: number | undefined;

  constructor(capacity = 2000) {
    this.entries = new Lru<T>(capacity);
  }

  get(version: number, key: string): T | undefined {
    this.at(version);
    return this.entries.get(key);
  }

  set(version: number, key: string, value: T): void {
    this.at(version);
    this.entries.set(key, value);
  }

  private at(version: number): void {
    if (version === this.version) return;
    this.entries.clear();
    this.version = version;
  }
}
