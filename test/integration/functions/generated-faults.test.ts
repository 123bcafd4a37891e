// The generator's fault-injected data end to end: its online and delivery lines published to Pub/Sub
// as the collector would publish them (valid lines with their PII as tokens, faulty ones as they
// are), its POS files landed; every injected fault ends in rejected_events or quarantine with a
// reason, everything else in raw, and reconciliation passes.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bucketName, loadCatalog } from '../../../contracts/catalog';
import { generate, type FaultRecord } from '../../../tools/generator';
import { collectReconcileInput, countPublished } from '../../../ops/reconcile/collect';
import { reconcile } from '../../../ops/reconcile/reconcile';
import { asCollectorPublishes } from '../../../tools/testing/as-published';
import { eventually, PII_KEY, PROJECT, query, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

describe('generated data with faults, end to end', () => {
  let p: Platform;
  let outDir: string;
  let faults: FaultRecord[];
  beforeAll(async () => {
    p = await startPlatform();
    outDir = mkdtempSync(join(tmpdir(), 'pizzaflow-e2e-'));
    await generate({ stores: 1, hours: 3, start: '2026-11-23T17:00:00Z', seed: 5, outDir, faultRate: 0.2 });
    faults = (JSON.parse(readFileSync(join(outDir, 'faults.json'), 'utf8')) as { faults: FaultRecord[] }).faults;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('lands every published line in raw or rejected_events, faults with their reason', async () => {
    const published = countPublished(outDir);
    expect(published.online_orders).toBeGreaterThan(0);
    expect(faults.filter((f) => f.kind === 'schema_violation').length).toBeGreaterThan(0);
    expect(faults.filter((f) => f.kind === 'malformed_json').length).toBeGreaterThan(0);
    for (const [dir, topicName, stream] of [['online', 'online-orders', 'online-order'], ['deliveries', 'delivery-events', 'delivery']] as const) {
      const topic = p.pubsub.topic(topicName);
      const sends: Promise<string>[] = [];
      for (const path of walk(join(outDir, dir)).sort()) {
        for (const line of readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')) sends.push(topic.publishMessage({ data: Buffer.from(asCollectorPublishes(line, stream, PII_KEY)) }));
      }
      await Promise.all(sends);
    }
    const total = published.online_orders + published.delivery_events;
    await eventually(async () => {
      const input = await collectReconcileInput(p.bigquery, PROJECT, '2020-01-01');
      const landed = [...input.raw.map((r) => r.rows), ...input.rejected.map((r) => r.rows)].reduce((a, b) => a + b, 0);
      return landed >= total ? landed : undefined;
    }, 60_000, `${total} landed rows`);

    const rejected = await query<{ event_id: string | null; reason_code: string; field_path: string | null }>(p.bigquery, 'SELECT event_id, reason_code, field_path FROM raw.rejected_events');
    for (const f of faults.filter((x) => x.expected_outcome === 'rejected')) {
      if (f.kind === 'malformed_json') continue;
      const row = rejected.find((r) => r.event_id === f.event_id);
      expect({ event_id: f.event_id, field: row?.field_path }).toEqual({ event_id: f.event_id, field: f.field });
    }
    expect(rejected.filter((r) => r.reason_code === 'invalid_json')).toHaveLength(faults.filter((f) => f.kind === 'malformed_json').length);
    // What the collector would have published carries no plain PII: nothing is refused for it.
    expect(rejected.filter((r) => r.reason_code === 'pii_not_pseudonymised')).toEqual([]);
  }, 120_000);

  it('quarantines or archives every faulty POS file, and reconciliation passes', async () => {
    expect(faults.filter((f) => f.flow === 'pos').length).toBeGreaterThan(0);
    const landing = bucketName(PROJECT, 'pos-landing');
    const paths = walk(join(outDir, 'pos')).sort((a, b) => Number(/-(reupload|resend)/.test(a)) - Number(/-(reupload|resend)/.test(b)) || a.localeCompare(b));
    for (const path of paths) await p.storage.bucket(landing).file(relative(outDir, path)).save(readFileSync(path), { resumable: false });
    const res = await p.callAsScheduler(`/pos-loader/run`);
    expect(res.status).toBe(200);
    const manifest = await query<{ object_name: string; status: string; reason: string | null }>(p.bigquery, 'SELECT object_name, status, reason FROM ops.load_manifest');
    for (const f of faults.filter((x) => x.flow === 'pos')) {
      const row = manifest.find((m) => m.object_name === f.file);
      expect({ file: f.file, status: row?.status, hasReason: !!row?.reason }).toEqual({ file: f.file, status: f.expected_outcome === 'archived_duplicate' ? 'archived' : 'quarantined', hasReason: true });
    }
    const input = await collectReconcileInput(p.bigquery, PROJECT, '2020-01-01');
    const report = reconcile({ ...input, published: countPublished(outDir) }, loadCatalog());
    expect(report.problems).toEqual([]);
  }, 120_000);
});
