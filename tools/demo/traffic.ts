// The demo's senders, behaving as the real clients do: the online portal posts batches of order
// events to the collector and, when a batch is refused (400), drops the events the collector named
// and sends the rest again; delivery providers post each status change as a signed webhook; stores'
// POS terminals upload their window files to the landing bucket. Every line ends accepted (202) or
// refused with the collector's reason; a 503 or a network error is retried, as a client must.
import { readFileSync } from 'node:fs';
import type { Storage } from '@google-cloud/storage';
import { API_KEY_HEADER } from '../../functions/runtime/api-keys';
import { MAX_EVENTS_PER_BATCH, SIGNATURE_HEADER, TIMESTAMP_HEADER, type EventError } from '../../contracts/collector-protocol';
import { signWebhook } from '../../functions/collector/signature';

export interface TrafficTally {
  /** Event ids the collector accepted (202), per flow; a resent duplicate counts each time. */
  accepted: { orders: number; webhooks: number };
  /** Lines refused by the collector, per flow and reason (`invalid_json`, or the field it named). */
  refused: Record<string, number>;
  /** Requests answered 503 or failed on the network, then retried. */
  retries: number;
  posUploaded: number;
  requests: number;
  /** Order event id → when the request the collector accepted was sent (wall clock, ms): live freshness starts here. */
  ordersAcceptedAtMs: Map<string, number>;
  /** Every accepted order event with the simulated time it was sent: what the live counters could count. */
  orderEventsSent: SentOrderEvent[];
}

export interface SentOrderEvent {
  eventId: string;
  eventType: string;
  orderId: string;
  merchantId: string;
  storeId: string;
  eventMs: number;
  /** The demo's (simulated) clock, and the wall clock, when the request the collector accepted was sent. */
  sentSimMs: number;
  sentRealMs: number;
}

export const newTally = (): TrafficTally => ({ accepted: { orders: 0, webhooks: 0 }, refused: {}, retries: 0, posUploaded: 0, requests: 0, ordersAcceptedAtMs: new Map(), orderEventsSent: [] });

export interface TrafficTargets {
  collectorUrl: string;
  apiKey: string;
  webhookSecrets: Readonly<Record<string, string>>;
  storage: Storage;
  landingBucket: string;
  /** The demo's clock (simulated ms), stamped on each accepted order event. */
  simNow?: () => number;
}

const refuse = (tally: TrafficTally, flow: string, reason: string, n = 1): void => {
  const key = `${flow}: ${reason}`;
  tally.refused[key] = (tally.refused[key] ?? 0) + n;
};

async function post(tally: TrafficTally, url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  for (let attempt = 1; ; attempt++) {
    tally.requests++;
    try {
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      const json = (await res.json().catch(() => null)) as unknown;
      if (res.status !== 503 && res.status < 500) return { status: res.status, json };
    } catch {
      // a refused or reset connection: retried below like a 503
    }
    tally.retries++;
    if (attempt >= 8) throw new Error(`POST ${url}: still failing after ${attempt} attempts`);
    await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
  }
}

function errorsOf(json: unknown): EventError[] {
  const errors = (json as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as EventError[]) : [];
}

export async function sendOrderEvents(targets: TrafficTargets, tally: TrafficTally, lines: readonly string[]): Promise<void> {
  const url = `${targets.collectorUrl}/v1/orders/events`;
  const headers = { [API_KEY_HEADER]: targets.apiKey };
  const parsed: string[] = [];
  const ids = new Map<string, string>();
  const events = new Map<string, Omit<SentOrderEvent, 'sentSimMs' | 'sentRealMs'>>();
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as Record<string, unknown> | null;
      if (typeof e?.event_id === 'string') ids.set(line, e.event_id);
      if (e && typeof e.event_id === 'string' && typeof e.order_id === 'string' && typeof e.merchant_id === 'string' && typeof e.event_type === 'string') {
        events.set(line, { eventId: e.event_id, eventType: e.event_type, orderId: e.order_id, merchantId: e.merchant_id, storeId: String(e.store_id ?? ''), eventMs: Date.parse(String(e.event_time)) });
      }
      parsed.push(line);
    } catch {
      // What a client with a broken serializer would send: the collector must refuse it, and does.
      const res = await post(tally, url, `{"events":[${line}]}`, headers);
      if (res.status !== 400) throw new Error(`collector answered ${res.status} to malformed JSON (expected 400)`);
      refuse(tally, 'orders', 'invalid_json');
    }
  }
  for (let i = 0; i < parsed.length; i += MAX_EVENTS_PER_BATCH) {
    let batch = parsed.slice(i, i + MAX_EVENTS_PER_BATCH);
    while (batch.length > 0) {
      const sentAt = Date.now();
      const res = await post(tally, url, `{"events":[${batch.join(',')}]}`, headers);
      if (res.status === 202) {
        tally.accepted.orders += batch.length;
        const sentSimMs = targets.simNow?.() ?? sentAt;
        for (const line of batch) {
          const id = ids.get(line);
          if (id !== undefined && !tally.ordersAcceptedAtMs.has(id)) tally.ordersAcceptedAtMs.set(id, sentAt);
          const e = events.get(line);
          if (e) tally.orderEventsSent.push({ ...e, sentSimMs, sentRealMs: sentAt });
        }
        break;
      }
      const errors = errorsOf(res.json);
      if (res.status !== 400 || errors.length === 0) throw new Error(`collector answered ${res.status}: ${JSON.stringify(res.json)}`);
      const bad = new Set(errors.map((e) => e.index));
      for (const e of errors) refuse(tally, 'orders', e.field_path ?? 'invalid');
      batch = batch.filter((_, index) => !bad.has(index));
    }
  }
}

export async function sendWebhook(targets: TrafficTargets, tally: TrafficTally, line: string): Promise<void> {
  const named = /"provider":"([a-z0-9_-]+)"/.exec(line)?.[1];
  // A line naming a provider that is not configured still came from some provider: it is sent
  // through the first one's URL, and the collector must refuse the mismatch.
  const provider = named && targets.webhookSecrets[named] ? named : Object.keys(targets.webhookSecrets)[0];
  if (!provider) throw new Error('no webhook secrets configured: cannot sign delivery webhooks');
  const secret = targets.webhookSecrets[provider]!;
  for (;;) {
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await post(tally, `${targets.collectorUrl}/v1/providers/${provider}/webhooks`, line, {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, line),
    });
    if (res.status === 202) {
      tally.accepted.webhooks += 1;
      return;
    }
    // The same delivery sent twice in one second carries the same signature: the collector refuses
    // the replay, and the provider re-signs with a new timestamp.
    if (res.status === 401 && /already used/.test(JSON.stringify(res.json))) {
      tally.retries++;
      await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 5));
      continue;
    }
    if (res.status !== 400) throw new Error(`collector answered ${res.status} to a ${provider} webhook: ${JSON.stringify(res.json)}`);
    const errors = errorsOf(res.json);
    refuse(tally, 'webhooks', errors[0]?.field_path ?? (errors.length ? 'invalid' : 'invalid_json'));
    return;
  }
}

export async function uploadPosFile(targets: TrafficTargets, tally: TrafficTally, path: string, objectName: string): Promise<void> {
  await targets.storage.bucket(targets.landingBucket).file(objectName).save(readFileSync(path), { resumable: false, contentType: 'application/gzip' });
  tally.posUploaded++;
}
