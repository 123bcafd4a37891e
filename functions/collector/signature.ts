// Delivery-provider webhook signatures: HMAC-SHA256 over `timestamp + "." + body`, hex, sent as
// `v1=<hex>`; a timestamp outside the tolerance window or a signature already seen is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The header value a provider sends for `body` signed at `timestampSeconds`. */
export function signWebhook(secret: string, timestampSeconds: number, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
  return `v1=${mac}`;
}

export type SignatureVerdict = { ok: true; signature: string } | { ok: false; reason: string };

export interface VerifyInput {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowMs: number;
  toleranceSeconds?: number;
}

/** Checks format, freshness and the MAC (constant time). Replays are the ReplayCache's job. */
export function verifyWebhookSignature(input: VerifyInput): SignatureVerdict {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (!input.signature) return { ok: false, reason: 'missing signature' };
  const age = Math.abs(input.nowMs / 1000 - Number(input.timestamp));
  if (age > tolerance) return { ok: false, reason: 'timestamp outside the tolerance window' };
  const expected = Buffer.from(signWebhook(input.secret, Number(input.timestamp), input.body));
  // A header may carry several signatures (secret rotation): any one matching is enough.
  for (const candidate of input.signature.split(',').map((s) => s.trim())) {
    const given = Buffer.from(candidate);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, signature: candidate };
  }
  return { ok: false, reason: 'signature mismatch' };
}

/**
 * Signatures seen within the tolerance window, per process. A signature is reserved while its
 * request is handled, kept once accepted, and released when publishing failed (the provider's
 * retry of the same delivery must then get through). Entries expire after twice the tolerance:
 * older timestamps are refused anyway.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs = 2 * DEFAULT_TOLERANCE_SECONDS * 1000,
    private readonly maxEntries = 1_000_000,
  ) {}

  /** False when the key is already reserved or kept. */
  reserve(key: string, nowMs: number): boolean {
    this.evict(nowMs);
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, nowMs + this.ttlMs);
    return true;
  }

  release(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(nowMs: number): void {
    // Insertion order is expiry order (one TTL for all), so the oldest entries come first.
    for (const [key, until] of this.seen) {
      if (until > nowMs && this.seen.size < this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
