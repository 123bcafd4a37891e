// `bootstrap` renders the catalog into the emulators through the official clients, idempotently.
import { bucketName, loadCatalog } from '../../../contracts/catalog';
import { bootstrap, formatChanges } from '../../../tools/local/bootstrap';
import { PROJECT, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

describe('bootstrap', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('creates every catalog resource, with push endpoints under the functions URL', async () => {
    const catalog = loadCatalog();
    const created = p.bootstrapChanges.filter((c) => c.action === 'created');
    expect(created.filter((c) => c.kind === 'topic')).toHaveLength(catalog.topics.length);
    expect(created.filter((c) => c.kind === 'table')).toHaveLength(catalog.tables.length);
    const [meta] = await p.pubsub.subscription('online-orders-ingest').getMetadata();
    expect(meta.pushConfig?.pushEndpoint).toBe(`${p.host.url}/ingest/`);
    expect(meta.deadLetterPolicy?.maxDeliveryAttempts).toBe(10);
    expect(meta.enableMessageOrdering).toBe(true);
    const [exists] = await p.storage.bucket(bucketName(PROJECT, 'pos-landing')).exists();
    expect(exists).toBe(true);
    const [notifications] = await p.storage.bucket(bucketName(PROJECT, 'pos-landing')).getNotifications();
    expect(notifications).toHaveLength(1);
    const [table] = await p.bigquery.dataset('raw').table('online_order_events').getMetadata();
    expect(table.timePartitioning).toMatchObject({ type: 'DAY', field: 'ingested_at' });
    expect(table.clustering).toEqual({ fields: ['ingested_at', 'merchant_id', 'store_id'] });
  });

  it('changes nothing on a second run, and says so', async () => {
    const again = await bootstrap({ pubsub: p.pubsub, storage: p.storage, bigquery: p.bigquery }, { project: PROJECT, location: 'US', catalog: loadCatalog(), functionsUrl: p.host.url });
    expect(again.every((c) => c.action === 'unchanged')).toBe(true);
    expect(formatChanges(again)).toMatch(/^nothing to do: all \d+ resources already exist\n$/);
  });
});
