import { loadCatalog } from '../../../../contracts/catalog';
import { reconcile, type ReconcileInput } from '../../../../ops/reconcile/reconcile';

const catalog = loadCatalog();
const base = (): ReconcileInput => ({
  raw: [
    { source: 'online_orders', hour: '2026-11-23T18:00Z', rows: 10, distinctIds: 9 },
    { source: 'delivery_events', hour: '2026-11-23T18:00Z', rows: 4, distinctIds: 4 },
  ],
  rejected: [
    { source: 'online_orders', hour: '2026-11-23T18:00Z', reasonCode: 'schema_violation', rows: 2, deadLetterFrom: null },
    { source: 'dead_letter', hour: '2026-11-23T19:00Z', reasonCode: 'dead_lettered', rows: 1, deadLetterFrom: 'delivery-events-ingest' },
  ],
  pos: [{ sourceObject: 'gs://b/pos/a', manifestTransactions: 3, manifestInventory: 1, rawTransactions: 3, rawInventory: 1 }],
});

describe('reconcile', () => {
  it('accounts every published message as raw, rejected or dead-lettered', () => {
    const r = reconcile({ ...base(), published: { online_orders: 12, delivery_events: 5 } }, catalog);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('online_orders: 10 raw + 0 replayed + 2 still rejected + 0 still dead-lettered = 12 of 12 published');
    expect(r.lines).toContain('delivery_events: 4 raw + 0 replayed + 0 still rejected + 1 still dead-lettered = 5 of 5 published');
    expect(r.lines.at(-1)).toBe('reconciled: everything is accounted for');
  });

  it('counts a redelivered message once (a second copy under the same message id)', () => {
    const input = base();
    input.raw[0]!.rows = 11;
    const doubled = reconcile({ ...input, published: { online_orders: 12, delivery_events: 5 } }, catalog);
    expect(doubled.problems).toEqual(['online_orders: 12 published but 13 accounted for (1 more than published)']);
    const r = reconcile({ ...input, redelivered: { online_orders: 1 }, published: { online_orders: 12, delivery_events: 5 } }, catalog);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('online_orders: 11 raw + 0 replayed + 2 still rejected + 0 still dead-lettered - 1 redelivered copies = 12 of 12 published');
  });

  it('fails when published messages are missing', () => {
    const r = reconcile({ ...base(), published: { online_orders: 13 } }, catalog);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['online_orders: 13 published but 12 accounted for (1 missing)']);
  });

  it('fails when POS rows in raw differ from the manifest (lost or doubled)', () => {
    const input = base();
    input.pos.push({ sourceObject: 'gs://b/pos/b', manifestTransactions: 2, manifestInventory: 0, rawTransactions: 4, rawInventory: 0 });
    input.pos.push({ sourceObject: 'gs://b/pos/c', manifestTransactions: 0, manifestInventory: 0, rawTransactions: 1, rawInventory: 0 });
    const r = reconcile(input, catalog);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toContain('gs://b/pos/b: manifest says 2 transactions, raw has 4');
  });
});
