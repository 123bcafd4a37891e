// "Nothing lost, never double counted" under faults, on the real emulators and functions host:
// Storage Write appends that fail (UNAVAILABLE) or answer after the writer's deadline (written, yet
// reported as failed), and a crash between a durable append and the ack. Pub/Sub redelivers each
// time; every published event ends in raw or rejected_events, and the staging model that
// de-duplicates on event_id (dataform/definitions/staging/stg_online_order_events.sqlx) counts each
// event once.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { status } from '@grpc/grpc-js';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { orderPlaced } from '../../../contracts/examples';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { pseudonymiseRecord } from '../../../contracts/pii';
import { compileProject, runGraph, type CompiledGraph } from '../../../tools/dataform';
import type { FunctionsHost } from '../../../tools/local/functions-host';
import { API_KEY, eventually, PII_KEY, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

// BigQuery requires a partition filter on raw tables (see ingest-flow.test.ts for why DATE()).
const ALL = "DATE(ingested_at) >= '2020-01-01'";
/** The writer's deadline for one append (PIZZAFLOW_APPEND_TIMEOUT_SECONDS), and a hang well past it. */
const APPEND_TIMEOUT_SECONDS = 2;
const HANG_MS = 5_000;

/** One push request to ingest, as the functions host answered it (or did not). */
interface Delivery {
  eventId: string;
  messageId: string;
  attempt: number | undefined;
  status: number;
  crashed: boolean;
}

interface IngestObserver {
  deliveries: Delivery[];
  inFlight(): number;
  restore(): void;
}

/** The event id a pushed message carries (also out of JSON too broken to parse). */
function eventIdOf(data: string): string {
  try {
    return String((JSON.parse(data) as { event_id?: unknown }).event_id);
  } catch {
    return /"event_id":\s*"([^"]+)"/.exec(data)?.[1] ?? data;
  }
}

/**
 * Wraps the functions host's listener to record every push to ingest with the status it answered.
 * `crash` picks deliveries to "die" on instead: once ingest has answered (after its append is
 * durable), the socket is destroyed rather than the answer sent, as if the instance were killed
 * between the write and the ack.
 */
function observeIngest(host: FunctionsHost, crash: (d: Delivery) => boolean = () => false): IngestObserver {
  const original = host.server.listeners('request') as RequestListener[];
  const deliveries: Delivery[] = [];
  let inFlight = 0;
  const wrapper: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/ingest')) {
      for (const l of original) l(req, res);
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    (res as unknown as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
      // The functions framework (express) has parsed the push body onto the same request object.
      const body = (req as IncomingMessage & { body?: { message?: { data?: string; messageId?: string }; deliveryAttempt?: number } }).body;
      const data = Buffer.from(body?.message?.data ?? '', 'base64').toString('utf8');
      const d: Delivery = { eventId: eventIdOf(data), messageId: body?.message?.messageId ?? '', attempt: body?.deliveryAttempt, status: res.statusCode, crashed: false };
      d.crashed = res.statusCode === 204 && crash(d);
      deliveries.push(d);
      if (!d.crashed) return end(...args);
      res.socket?.destroy();
      return res;
    };
    for (const l of original) l(req, res);
  };
  host.server.removeAllListeners('request');
  host.server.on('request', wrapper);
  return {
    deliveries,
    inFlight: () => inFlight,
    restore: () => {
      host.server.removeListener('request', wrapper);
      for (const l of original) host.server.on('request', l);
    },
  };
}

describe('ingest under Storage Write faults and crashes: nothing lost, never double counted', () => {
  let p: Platform;
  let graph: CompiledGraph;
  const previousTimeout = process.env.PIZZAFLOW_APPEND_TIMEOUT_SECONDS;

  beforeAll(async () => {
    // Read by the ingest entry point on its first request, with the rest of its configuration.
    process.env.PIZZAFLOW_APPEND_TIMEOUT_SECONDS = String(APPEND_TIMEOUT_SECONDS);
    p = await startPlatform();
    // The catalog's 10 s minimum backoff would make each redelivery slow; the same subscription with
    // a short one behaves the same otherwise (push endpoint, ordering, dead-letter after 10 attempts).
    await p.pubsub.subscription('online-orders-ingest').setMetadata({ retryPolicy: { minimumBackoff: { seconds: 0, nanos: 200_000_000 }, maximumBackoff: { seconds: 1 } } });
    graph = compileProject('dataform', { defaultDatabase: PROJECT });
  }, 60_000);

  afterAll(async () => {
    await p?.close();
    if (previousTimeout === undefined) delete process.env.PIZZAFLOW_APPEND_TIMEOUT_SECONDS;
    else process.env.PIZZAFLOW_APPEND_TIMEOUT_SECONDS = previousTimeout;
  });

  const publishThroughCollector = async (prefix: string, n: number): Promise<string[]> => {
    const events = Array.from({ length: n }, (_, i) => ({ ...orderPlaced(), event_id: `${prefix}-${i}`, order_id: `o-${prefix}-${i}` }));
    const res = await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body: JSON.stringify({ events }), headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } });
    expect(res.status).toBe(202);
    return events.map((e) => e.event_id);
  };

  /** Until every event was acknowledged by an answer that reached Pub/Sub, and nothing is in flight. */
  const allAcked = (observer: IngestObserver, eventIds: string[], what: string) =>
    eventually(
      async () => {
        const acked = new Set(observer.deliveries.filter((d) => d.status === 204 && !d.crashed).map((d) => d.eventId));
        return eventIds.every((id) => acked.has(id)) && observer.inFlight() === 0 ? true : undefined;
      },
      40_000,
      what,
    );

  const rawRows = (prefix: string) =>
    query<{ event_id: string; message_id: string; n: number }>(p.bigquery, `SELECT event_id, message_id, COUNT(*) AS n FROM raw.online_order_events WHERE ${ALL} AND event_id LIKE '${prefix}-%' GROUP BY event_id, message_id`);

  /** Rebuilds the staging model (and what it depends on) from raw, as a full refresh does. */
  const stagedCounts = async (prefix: string): Promise<{ rows: number; ids: number }> => {
    const report = await runGraph({ bigquery: p.bigquery, graph, fullRefresh: true, selection: { actions: ['stg_online_order_events'], includeAssertions: false }, runsTable: null, concurrency: 2 });
    expect(report.ok).toBe(true);
    const [r] = await query<{ row_count: number; id_count: number }>(p.bigquery, `SELECT COUNT(*) AS row_count, COUNT(DISTINCT event_id) AS id_count FROM \`${PROJECT}.staging.stg_online_order_events\` WHERE event_id LIKE '${prefix}-%'`);
    return { rows: r!.row_count, ids: r!.id_count };
  };

  it('retries appends that fail or outlive the deadline: every event lands, staging counts each once', async () => {
    const observer = observeIngest(p.host);
    try {
      // Phase 1, valid events: three appends fail, then one is written but answered after the deadline.
      p.bigqueryEmu.writeFaults.failNext(3, status.UNAVAILABLE);
      p.bigqueryEmu.writeFaults.hangNext(1, HANG_MS);
      const valid = await publishThroughCollector('af-ok', 20);
      await allAcked(observer, valid, 'every valid event acknowledged');
      expect(p.bigqueryEmu.writeFaults.injected()).toEqual({ failed: 3, hung: 1 });
      // Appends queued behind the held one on its connection are written when it is released, maybe
      // after the checks below: more copies of the same messages, which change none of them.

      // Phase 2, rejected events: their appends to rejected_events fail twice first.
      p.bigqueryEmu.writeFaults.failNext(2, status.UNAVAILABLE);
      const topic = p.pubsub.topic('online-orders', { messageOrdering: true });
      // PII as the collector publishes it (tokens), so the only fault is the one under test.
      const placed = pseudonymiseRecord(orderPlaced(), piiPaths(onlineOrderEvent), PII_KEY);
      if (placed.event_type !== 'order.placed') throw new Error('example');
      await topic.publishMessage({ data: Buffer.from(JSON.stringify({ ...placed, event_id: 'af-bad-1', lines: [{ ...placed.lines[0], quantity: -1 }] })), orderingKey: 'o-af-bad-1' });
      await topic.publishMessage({ data: Buffer.from('{"event_id": "af-bad-2", '), orderingKey: 'o-af-bad-2' });
      await allAcked(observer, ['af-bad-1', 'af-bad-2'], 'both rejected events acknowledged');
      expect(p.bigqueryEmu.writeFaults.injected()).toEqual({ failed: 5, hung: 1 });
      expect(p.bigqueryEmu.writeFaults.pending()).toBe(0);

      // Pub/Sub did redeliver: ingest answered 503, and later attempts carry a higher delivery attempt.
      expect(observer.deliveries.filter((d) => d.status === 503).length).toBeGreaterThanOrEqual(2);
      expect(observer.deliveries.some((d) => (d.attempt ?? 0) > 1)).toBe(true);

      // Nothing lost: every valid event in raw, both bad ones in rejected_events with their reason.
      const raw = await rawRows('af-ok');
      expect(new Set(raw.map((r) => r.event_id))).toEqual(new Set(valid));
      const rejected = await query<{ reason_code: string; payload: string; n: number }>(
        p.bigquery,
        `SELECT reason_code, payload, COUNT(*) AS n FROM raw.rejected_events WHERE source = 'online_orders' AND payload LIKE '%af-bad-%' GROUP BY reason_code, payload ORDER BY reason_code`,
      );
      expect(rejected.map((r) => r.reason_code)).toEqual(['invalid_json', 'schema_violation']);
      expect(rejected[0]!.payload).toContain('af-bad-2');
      expect(rejected[1]!.payload).toContain('af-bad-1');

      // The held append was durable although ingest reported it failed: its messages came again and
      // were written again, under the same message id (a redelivery, not a new publish).
      expect(raw).toHaveLength(valid.length);
      expect(raw.filter((r) => r.n > 1).length).toBeGreaterThan(0);

      // Never double counted: staging keeps one row per event.
      expect(await stagedCounts('af-ok')).toEqual({ rows: valid.length, ids: valid.length });
    } finally {
      observer.restore();
    }
  }, 60_000);

  it('survives a crash between a durable append and the ack: the redelivery is harmless', async () => {
    const victims = new Set(['af-crash-1', 'af-crash-3', 'af-crash-4']);
    const crashed = new Set<string>();
    const observer = observeIngest(p.host, (d) => {
      if (!victims.has(d.eventId) || crashed.has(d.eventId)) return false;
      crashed.add(d.eventId);
      return true;
    });
    try {
      const ids = await publishThroughCollector('af-crash', 6);
      await allAcked(observer, ids, 'every event acknowledged after the crashes');
      expect(crashed).toEqual(victims);

      // Nothing lost; each crashed message was written twice, under its one message id.
      const raw = await rawRows('af-crash');
      expect(new Set(raw.map((r) => r.event_id))).toEqual(new Set(ids));
      for (const id of victims) {
        const rows = raw.filter((r) => r.event_id === id);
        expect({ id, messageIds: rows.length, copies: rows[0]!.n >= 2 }).toEqual({ id, messageIds: 1, copies: true });
      }
      const redelivered = observer.deliveries.filter((d) => victims.has(d.eventId) && !d.crashed);
      expect(redelivered.every((d) => (d.attempt ?? 0) >= 2)).toBe(true);

      // Never double counted: staging keeps the first ingested copy of each event.
      expect(await stagedCounts('af-crash')).toEqual({ rows: ids.length, ids: ids.length });
      const kept = await query<{ event_id: string; kept: unknown; first: unknown }>(
        p.bigquery,
        `SELECT s.event_id, s.ingested_at AS kept, MIN(r.ingested_at) AS first
         FROM \`${PROJECT}.staging.stg_online_order_events\` s
         JOIN raw.online_order_events r ON r.event_id = s.event_id AND DATE(r.ingested_at) >= '2020-01-01'
         WHERE s.event_id IN ('af-crash-1', 'af-crash-3', 'af-crash-4')
         GROUP BY s.event_id, s.ingested_at`,
      );
      expect(kept).toHaveLength(3);
      for (const k of kept) expect(k.kept).toEqual(k.first);
    } finally {
      observer.restore();
    }
  }, 60_000);
});
