// The local functions host decides as Cloud Run does, from the program's IAM: a private function
// refuses calls without a token (401) and callers without roles/run.invoker (403). Break the program
// — drop the push identity's invoker grant on ingest — and pushes are refused, so nothing reaches raw
// and Pub/Sub keeps redelivering, as it would in Google Cloud.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signPushToken } from '@pizzaflow/emulators';
import { orderPlaced } from '../../../contracts/examples';
import * as iam from '../../../infra/builders/iam';
import { API_KEY, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

const ALL = "DATE(ingested_at) >= '2020-01-01'";

/** Status codes the host answered, by function. */
function recordStatuses(p: Platform): Record<string, number[]> {
  const seen: Record<string, number[]> = {};
  p.host.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const name = /^\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
    res.once('finish', () => (seen[name] ??= []).push(res.statusCode));
  });
  return seen;
}

describe('with the program as declared', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  }, 90_000);
  afterAll(async () => {
    await p?.close();
  });

  it('a private function refuses a call without a token (401) and with a token for the wrong audience (401)', async () => {
    expect((await fetch(`${p.host.url}/pos-loader/run`, { method: 'POST' })).status).toBe(401);
    const res = await fetch(`${p.host.url}/ingest`, { method: 'POST', headers: { authorization: 'Bearer not.a.token' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/^ingest: token refused/);
  });

  it('the scheduler identity may call the POS loader; a public function takes anyone', async () => {
    expect((await p.callAsScheduler('/pos-loader/run')).status).toBe(200);
    // The collector is public (allUsers): Cloud Run lets the request in, the collector's own key check answers.
    expect((await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('the scheduler identity may call the serving store publisher, which answers 200 with its summary; without a token 401', async () => {
    expect((await fetch(`${p.host.url}/serving-publisher/run`, { method: 'POST' })).status).toBe(401);
    const res = await p.callAsScheduler('/serving-publisher/run', 'serving-publisher');
    expect(res.status).toBe(200);
    // No transform run recorded yet: nothing to publish.
    expect(await res.json()).toMatchObject({ status: 'up_to_date', runs: [], merchants: 0 });
  });

  it('the scheduler identity may not call ingest: 403 names the account and the role', async () => {
    const token = signPushToken({ audience: `${p.host.url}/ingest`, email: `pf-scheduler@${PROJECT}.iam.gserviceaccount.com` });
    const res = await fetch(`${p.host.url}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { reason: string }).reason).toBe(`pf-scheduler@${PROJECT}.iam.gserviceaccount.com does not hold roles/run.invoker on ingest`);
  });
});

describe("without the push identity's invoker grant on ingest", () => {
  let p: Platform;
  let statuses: Record<string, number[]>;
  beforeAll(async () => {
    const real = iam.grantPlan;
    const spy = jest.spyOn(iam, 'grantPlan').mockImplementation((catalog) => real(catalog).filter((g) => !(g.principal === 'pubsub-push' && g.scope.kind === 'service' && g.scope.function === 'ingest')));
    try {
      p = await startPlatform();
    } finally {
      spy.mockRestore();
    }
    statuses = recordStatuses(p);
  }, 90_000);
  afterAll(async () => {
    await p?.close();
  });

  it('pushes to ingest are refused with 403 and no event reaches raw', async () => {
    const event = { ...orderPlaced(), event_id: 'iam-evt-1' };
    const res = await fetch(`${p.host.url}/collector/v1/orders/events`, { method: 'POST', body: JSON.stringify({ events: [event] }), headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (!(statuses.ingest ?? []).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(statuses.ingest!.length).toBeGreaterThan(0);
    expect(new Set(statuses.ingest)).toEqual(new Set([403]));
    const rows = await query(p.bigquery, `SELECT event_id FROM raw.online_order_events WHERE ${ALL} AND event_id = 'iam-evt-1'`);
    expect(rows).toEqual([]);
  }, 30_000);
});
