// Coarse timers for thousands of leases and backoffs: items sit in buckets of `resolutionMs` and a
// single ticker collects the due ones, so rescheduling (every modAck) is O(1) and leaves no garbage.

export interface Scheduled {
  /** Bucket index while scheduled, -1 otherwise; owned by the wheel. */
  slot: number;
}

export class TimerWheel<T extends Scheduled> {
  private readonly buckets = new Map<number, Set<T>>();
  private count = 0;

  constructor(private readonly resolutionMs = 25) {}

  get size(): number {
    return this.count;
  }

  schedule(item: T, atMs: number): void {
    this.cancel(item);
    const slot = Math.ceil(atMs / this.resolutionMs);
    let bucket = this.buckets.get(slot);
    if (!bucket) this.buckets.set(slot, (bucket = new Set()));
    bucket.add(item);
    item.slot = slot;
    this.count++;
  }

  cancel(item: T): void {
    if (item.slot < 0) return;
    const bucket = this.buckets.get(item.slot);
    if (bucket?.delete(item)) {
      this.count--;
      if (bucket.size === 0) this.buckets.delete(item.slot);
    }
    item.slot = -1;
  }

  /** Removes and returns every item due at `nowMs`, earliest bucket first. */
  due(nowMs: number): T[] {
    if (this.count === 0) return [];
    const current = Math.floor(nowMs / this.resolutionMs);
    const slots: number[] = [];
    for (const slot of this.buckets.keys()) if (slot <= current) slots.push(slot);
    if (slots.length === 0) return [];
    slots.sort((a, b) => a - b);
    const out: T[] = [];
    for (const slot of slots) {
      const bucket = this.buckets.get(slot)!;
      this.buckets.delete(slot);
      for (const item of bucket) {
        item.slot = -1;
        out.push(item);
      }
      this.count -= bucket.size;
    }
    return out;
  }

  *items(): IterableIterator<T> {
    for (const bucket of this.buckets.values()) yield* bucket;
  }

  clear(): void {
    for (const bucket of this.buckets.values()) for (const item of bucket) item.slot = -1;
    this.buckets.clear();
    this.count = 0;
  }
}
