// The local platform's infrastructure is the Pulumi program: the `local` stack applied to the
// emulators through the official clients, idempotently — and a change to the program (or a secret it
// lacks) shows up locally the way `pulumi up` would show it in Google Cloud.
import * as catalogModule from '../../../contracts/catalog';
import { bucketName, loadCatalog, type PlatformCatalog } from '../../../contracts/catalog';
import { packageInfo } from '../../../functions/runtime/package-info';
import { formatChanges } from '../../../tools/local/apply-program';
import { deployLocalStack } from '../../../tools/local/local-stack';
import { PROJECT, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

describe('the local stack applied to the emulators', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  }, 90_000);
  afterAll(async () => {
    await p?.close();
  });

  const redeploy = () => deployLocalStack({ repoRoot: packageInfo().root, env: process.env, project: PROJECT, functionsUrl: p.host.url }, { pubsub: p.pubsub, storage: p.storage, bigquery: p.bigquery });

  it('creates what the program declares: push subscriptions to the local function URL with the push identity, buckets, partitioned and clustered tables', async () => {
    const catalog = loadCatalog();
    const created = p.bootstrapChanges.filter((c) => c.action === 'created');
    expect(created.filter((c) => c.kind === 'topic').map((c) => c.name).sort()).toEqual(catalog.topics.map((t) => t.name).sort());
    expect(created.filter((c) => c.kind === 'table').map((c) => c.name)).toEqual(expect.arrayContaining(catalog.tables.map((t) => `${t.dataset}.${t.name}`)));
    const [meta] = await p.pubsub.subscription('online-orders-ingest').getMetadata();
    // The program's push endpoint: the function's URL (here the local host's /ingest), its OIDC identity.
    expect(meta.pushConfig?.pushEndpoint).toBe(`${p.host.url}/ingest`);
    expect(meta.pushConfig?.oidcToken?.serviceAccountEmail).toBe(`pf-pubsub-push@${PROJECT}.iam.gserviceaccount.com`);
    expect(meta.deadLetterPolicy?.maxDeliveryAttempts).toBe(catalog.subscriptions.find((s) => s.name === 'online-orders-ingest')!.deadLetter!.maxDeliveryAttempts);
    expect(meta.enableMessageOrdering).toBe(true);
    const [exists] = await p.storage.bucket(bucketName(PROJECT, 'pos-landing')).exists();
    expect(exists).toBe(true);
    const [table] = await p.bigquery.dataset('raw').table('online_order_events').getMetadata();
    expect(table.timePartitioning).toMatchObject({ type: 'DAY', field: 'ingested_at', requirePartitionFilter: true });
    expect(table.clustering).toEqual({ fields: ['ingested_at', 'merchant_id', 'store_id'] });
  });

  it('changes nothing on a second run, and says so', async () => {
    const again = await redeploy();
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true);
    expect(formatChanges(again.changes)).toMatch(/^nothing to do: all \d+ resources already exist\n$/);
  });

  it('gives each function exactly its declared environment: the collector its three secrets (the PII key among them), ingest the PII key', async () => {
    const { functions } = await redeploy();
    expect(Object.keys(functions.collector!.env).sort()).toEqual(['GOOGLE_CLOUD_PROJECT', 'LOG_LEVEL', 'PIZZAFLOW_API_KEYS', 'PIZZAFLOW_LOCATION', 'PIZZAFLOW_PII_KEY', 'PIZZAFLOW_WEBHOOK_SECRETS']);
    expect(functions.collector!.env.PIZZAFLOW_API_KEYS).toBe(process.env.PIZZAFLOW_API_KEYS);
    // One key for both: the collector's tokens are the ones ingest checks and makes for rejected copies.
    expect(functions.collector!.env.PIZZAFLOW_PII_KEY).toBe(functions.ingest!.env.PIZZAFLOW_PII_KEY);
    expect(Object.keys(functions['pos-loader']!.env)).not.toContain('PIZZAFLOW_PII_KEY');
  });

  it('gives the serving store publisher the local store (address and AUTH string) and no catalog secret', async () => {
    const { functions } = await redeploy();
    const env = functions['serving-publisher']!.env;
    expect(Object.keys(env).sort()).toEqual(['GOOGLE_CLOUD_PROJECT', 'LOG_LEVEL', 'PIZZAFLOW_LOCATION', 'PIZZAFLOW_REDIS_CA', 'PIZZAFLOW_REDIS_PASSWORD', 'PIZZAFLOW_REDIS_URL']);
    // One store for every client: the one ingest writes the live counters to.
    expect(env.PIZZAFLOW_REDIS_URL).toBe(functions.ingest!.env.PIZZAFLOW_REDIS_URL);
    expect(env.PIZZAFLOW_REDIS_PASSWORD).toBe(functions.ingest!.env.PIZZAFLOW_REDIS_PASSWORD);
    expect(functions['serving-publisher']!.serviceAccount).toBe(`pf-serving-publisher@${PROJECT}.iam.gserviceaccount.com`);
  });

  it('a raw table whose clustering changes in the program changes locally', async () => {
    const real = catalogModule.loadCatalog;
    const spy = jest.spyOn(catalogModule, 'loadCatalog').mockImplementation((settings) => {
      const c: PlatformCatalog = real(settings);
      return { ...c, tables: c.tables.map((t) => (t.dataset === 'raw' && t.name === 'online_order_events' ? { ...t, clustering: ['ingested_at', 'store_id'] } : t)) };
    });
    try {
      const changed = await redeploy();
      expect(changed.changes.filter((c) => c.action !== 'unchanged')).toEqual([
        { kind: 'table', name: 'raw.online_order_events', action: 'updated', detail: 'clustering ingested_at,merchant_id,store_id → ingested_at,store_id' },
      ]);
      const [table] = await p.bigquery.dataset('raw').table('online_order_events').getMetadata();
      expect(table.clustering).toEqual({ fields: ['ingested_at', 'store_id'] });
    } finally {
      spy.mockRestore();
      await redeploy();
    }
  });

  it("without the collector's API-key secret the stack does not deploy, and the error names the key to set", async () => {
    const { PIZZAFLOW_API_KEYS: _dropped, ...env } = process.env;
    await expect(deployLocalStack({ repoRoot: packageInfo().root, env, project: PROJECT, functionsUrl: p.host.url }, { pubsub: p.pubsub, storage: p.storage, bigquery: p.bigquery })).rejects.toThrow(
      /pulumi config set --secret pizzaflow:collectorApiKeys/,
    );
  });
});
