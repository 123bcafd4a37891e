// Admission control for the metrics API, per process (one Cloud Run instance): a token bucket per
// API key (requests per second with a burst) and caps on the warehouse queries in flight, per key
// and in all. Cache hits spend a token but no query slot.

export interface RateLimit {
  /** Tokens a key starts with and can save up: the burst it may send at once. */
  burst: number;
  /** Tokens added per second. */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 20, perSecond: 5 };
export const DEFAULT_MAX_CONCURRENT_QUERIES = 32;
/**
 * Serving-store reads in flight in one process (503 past it): a read is a millisecond of redis,
 * so the cap is there against a pile-up when the store stalls, not to ration a warehouse; it is
 * above Cloud Run's default of 80 concurrent requests per instance.
 */
export const DEFAULT_MAX_CONCURRENT_STORE_READS = 256;
/** The dashboard asks for 7 metrics at once on load: they must all get through. */
export const DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY = 8;

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One bucket per key; idle full buckets are forgotten so the map stays bounded by active keys. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new Error('rate limit: burst must be >= 1 and perSecond > 0');
  }

  take(key: string): Admission {
    const nowMs = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: nowMs };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((nowMs - b.at) / 1000) * this.limit.perSecond);
    b.at = nowMs;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    this.evict(nowMs);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond)) };
  }

  private evict(nowMs: number): void {
    const fullAfterMs = (this.limit.burst / this.limit.perSecond) * 1000;
    // Map order is least recently used first.
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= this.maxKeys && nowMs - b.at < fullAfterMs) break;
      this.buckets.delete(key);
    }
  }
}

/** In-flight counters: `acquire` gives a release function, or undefined when a cap is reached. */
export class ConcurrencyLimiter {
  private total = 0;
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly maxTotal = DEFAULT_MAX_CONCURRENT_QUERIES,
    private readonly maxPerKey = DEFAULT_MAX_CONCURRENT_QUERIES_PER_KEY,
  ) {}

  acquire(key: string): { release(): void } | { refused: 'key' | 'total' } {
    const mine = this.perKey.get(key) ?? 0;
    if (mine >= this.maxPerKey) return { refused: 'key' };
    if (this.total >= this.maxTotal) return { refused: 'total' };
    this.total += 1;
    this.perKey.set(key, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.perKey.get(key) ?? 1) - 1;
        if (left <= 0) this.perKey.delete(key);
        else this.perKey.set(key, left);
      },
    };
  }

  get inFlight(): number {
    return this.total;
  }
}
