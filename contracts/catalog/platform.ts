// pizzaflow's platform, declared once. Table schemas are derived from the zod contracts.
import { deriveBigQuerySchema } from '../bigquery-schema';
import { deliveryEvent } from '../delivery';
import { inventoryMovement } from '../inventory';
import { onlineOrderEvent } from '../online-order';
import { batchIngestMetadata, loadManifestEntry, rejectedEvent, replayRecord, streamIngestMetadata } from '../ops';
import { transformLease, transformRun } from '../transform-run';
import { posTransaction } from '../pos';
import { merchant, product, promotion, rawMaterial, store, supplier } from '../reference';
import { tableRef } from './names';
import { DEFAULT_CATALOG_SETTINGS, type CatalogSettings, type PlatformCatalog, type SubscriptionDecl, type TableDecl } from './types';

const WEEK_SECONDS = 7 * 24 * 3600;

export const TOPICS = { onlineOrders: 'online-orders', deliveryEvents: 'delivery-events', deadLetter: 'dead-letter' } as const;
export const BUCKETS = { landing: 'pos-landing', archive: 'pos-archive', quarantine: 'pos-quarantine' } as const;
export const DATASETS = { raw: 'raw', staging: 'staging', marts: 'marts', ops: 'ops', assertions: 'dataform_assertions' } as const;
export const FUNCTIONS = { collector: 'collector', ingest: 'ingest', posLoader: 'pos-loader', metricsApi: 'metrics-api', servingPublisher: 'serving-publisher' } as const;
export const SECRETS = { piiKey: 'pii-key', collectorApiKeys: 'collector-api-keys', webhookSecrets: 'webhook-secrets', merchantApiKeys: 'merchant-api-keys' } as const;

const RAW_PARTITION_RATIONALE =
  'Partitioned on arrival (ingested_at), not event time: raw is append-only, so each run of the ' +
  'incremental transform finds new rows by pruning to the partitions since its watermark, late events ' +
  'never rewrite old partitions, and retention counts from arrival. Staging and marts are partitioned ' +
  'on event date. Clustered on ingested_at first: the incremental run reads only rows newer than its ' +
  'watermark, and clustering lets BigQuery prune to those blocks instead of scanning the whole day.';

function ingestSubscription(name: string, topic: string, description: string): SubscriptionDecl {
  return {
    name,
    topic,
    description,
    push: { function: FUNCTIONS.ingest, path: '/' },
    ackDeadlineSeconds: 60,
    messageRetentionSeconds: WEEK_SECONDS,
    retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
    // 60 deliveries with 10-600 s backoff ride out ≈ 9 h of BigQuery being down before anything is
    // dead-lettered (contracts/catalog/retry.ts); Pub/Sub keeps the messages for the week of retention.
    deadLetter: { topic: TOPICS.deadLetter, maxDeliveryAttempts: 60 },
    enableMessageOrdering: true,
  };
}

function rawEventTable(name: string, description: string, schema: TableDecl['schema'], clustering: string[], settings: CatalogSettings, writeMethod: TableDecl['writeMethod']): TableDecl {
  return {
    dataset: DATASETS.raw,
    name,
    description,
    schema,
    partitioning: { type: 'DAY', field: 'ingested_at', expirationDays: settings.rawRetentionDays, requirePartitionFilter: true, rationale: RAW_PARTITION_RATIONALE },
    clustering,
    writeMethod,
  };
}

function referenceTable(name: string, description: string, schema: TableDecl['schema']): TableDecl {
  return { dataset: DATASETS.raw, name, description, schema, clustering: [], writeMethod: 'snapshot' };
}

export function platformCatalog(overrides: Partial<CatalogSettings> = {}): PlatformCatalog {
  const settings: CatalogSettings = { ...DEFAULT_CATALOG_SETTINGS, ...overrides };
  return {
    topics: [
      { name: TOPICS.onlineOrders, description: 'Online order events from the collector, ordering key = order id', messageRetentionSeconds: WEEK_SECONDS, payload: 'online-order' },
      { name: TOPICS.deliveryEvents, description: 'Delivery provider webhooks from the collector, ordering key = order id', messageRetentionSeconds: WEEK_SECONDS, payload: 'delivery' },
      { name: TOPICS.deadLetter, description: 'Messages that exhausted their delivery attempts', messageRetentionSeconds: WEEK_SECONDS, payload: 'dead-letter' },
    ],
    subscriptions: [
      ingestSubscription('online-orders-ingest', TOPICS.onlineOrders, 'Pushes online order events to the ingest function'),
      ingestSubscription('delivery-events-ingest', TOPICS.deliveryEvents, 'Pushes delivery webhooks to the ingest function'),
      {
        name: 'dead-letter-ingest',
        topic: TOPICS.deadLetter,
        description: 'Pushes dead-lettered messages to the ingest function, which records them in raw.rejected_events',
        push: { function: FUNCTIONS.ingest, path: '/' },
        ackDeadlineSeconds: 60,
        messageRetentionSeconds: WEEK_SECONDS,
        retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
        enableMessageOrdering: false,
      },
    ],
    buckets: [
      {
        name: BUCKETS.landing,
        description: 'Stores upload POS batch files here: pos/store=<id>/date=<YYYY-MM-DD>/<HHMM>.ndjson.gz',
        storageClass: 'STANDARD',
        versioning: true,
        // Nothing unprocessed is ever deleted: the loader moves every file to archive or quarantine. A
        // moved or overwritten file leaves a noncurrent version behind, kept a few days for recovery.
        lifecycle: [
          { action: 'AbortIncompleteMultipartUpload', ageDays: 1 },
          { action: 'DeleteNoncurrent', ageDays: settings.noncurrentVersionDays },
        ],
        // No notifications: the loader lists the bucket past its manifest watermark; a notification
        // topic nobody consumes only grows a backlog.
        notifications: [],
      },
      {
        name: BUCKETS.archive,
        description: 'Loaded POS files, kept for reprocessing beyond BigQuery time travel',
        storageClass: 'STANDARD',
        versioning: false,
        lifecycle: [
          { action: 'SetStorageClass', storageClass: 'COLDLINE', ageDays: 30 },
          { action: 'Delete', ageDays: settings.archiveRetentionDays },
        ],
        notifications: [],
      },
      {
        name: BUCKETS.quarantine,
        description: 'POS files that failed validation, with the reason in object metadata and ops.load_manifest',
        storageClass: 'STANDARD',
        versioning: true,
        lifecycle: [
          { action: 'Delete', ageDays: settings.archiveRetentionDays },
          { action: 'DeleteNoncurrent', ageDays: settings.noncurrentVersionDays },
        ],
        notifications: [],
      },
    ],
    datasets: [
      { id: DATASETS.raw, description: 'Immutable raw events as received (PII pseudonymised), rejected events, reference snapshots', ownedBy: 'catalog' },
      { id: DATASETS.staging, description: 'Typed, de-duplicated staging and intermediate models (Dataform)', ownedBy: 'dataform' },
      { id: DATASETS.marts, description: 'Facts, dimensions and metric marts for analysts, dashboards and the merchant API (Dataform)', ownedBy: 'dataform' },
      { id: DATASETS.ops, description: "pizzaflow's own bookkeeping: POS load manifest", ownedBy: 'catalog' },
      // workflow_settings.yaml's defaultAssertionDataset: Dataform writes each assertion's view here.
      { id: DATASETS.assertions, description: 'Dataform assertion views (rows that break a data-quality rule)', ownedBy: 'dataform' },
    ],
    tables: [
      rawEventTable('online_order_events', 'Online order events, one row per accepted Pub/Sub message', deriveBigQuerySchema(onlineOrderEvent, streamIngestMetadata), ['ingested_at', 'merchant_id', 'store_id'], settings, 'storage-write'),
      rawEventTable('delivery_events', 'Delivery provider webhooks, one row per accepted Pub/Sub message', deriveBigQuerySchema(deliveryEvent, streamIngestMetadata), ['ingested_at', 'merchant_id', 'store_id'], settings, 'storage-write'),
      rawEventTable('pos_transactions', 'POS transactions loaded from the stores\' 15-minute batch files', deriveBigQuerySchema(posTransaction, batchIngestMetadata), ['ingested_at', 'merchant_id', 'store_id'], settings, 'load-job'),
      rawEventTable('inventory_movements', 'Inventory movements loaded from the stores\' batch files', deriveBigQuerySchema(inventoryMovement, batchIngestMetadata), ['ingested_at', 'merchant_id', 'store_id'], settings, 'load-job'),
      {
        dataset: DATASETS.raw,
        name: 'rejected_events',
        description: 'Every event pizzaflow could not accept, with its reason and original payload (R6)',
        schema: deriveBigQuerySchema(rejectedEvent),
        partitioning: {
          type: 'DAY',
          field: 'rejected_at',
          expirationDays: settings.rejectedRetentionDays,
          requirePartitionFilter: false,
          rationale: 'Partitioned on rejection time: operators look at recent rejections; reconciliation scans the same arrival window as raw.',
        },
        clustering: ['source', 'reason_code'],
        writeMethod: 'storage-write',
      },
      referenceTable('ref_merchants', 'Merchants (franchise accounts)', deriveBigQuerySchema(merchant)),
      referenceTable('ref_stores', 'Stores and the merchant owning each', deriveBigQuerySchema(store)),
      referenceTable('ref_suppliers', 'Suppliers of raw materials', deriveBigQuerySchema(supplier)),
      referenceTable('ref_raw_materials', 'Raw materials and resale goods with pack costs', deriveBigQuerySchema(rawMaterial)),
      referenceTable('ref_products', 'Products (SKUs) with recipes and list prices', deriveBigQuerySchema(product)),
      referenceTable('ref_promotions', 'Promotions calendar with store and SKU scope', deriveBigQuerySchema(promotion)),
      {
        dataset: DATASETS.ops,
        name: 'load_manifest',
        description: 'One row per POS file the loader processed: loaded, archived or quarantined',
        schema: deriveBigQuerySchema(loadManifestEntry),
        partitioning: {
          type: 'DAY',
          field: 'recorded_at',
          requirePartitionFilter: false,
          rationale: 'Partitioned on when the loader recorded the file; kept without expiration as the audit trail.',
        },
        clustering: ['status', 'store_id'],
        writeMethod: 'dml',
      },
      {
        dataset: DATASETS.ops,
        name: 'replays',
        description: 'One row per `pizzaflow replay`: rejected events put back through the pipeline',
        schema: deriveBigQuerySchema(replayRecord),
        partitioning: {
          type: 'DAY',
          field: 'replayed_at',
          requirePartitionFilter: false,
          rationale: 'A few rows a month; partitioned on when the replay ran, kept as the audit trail.',
        },
        clustering: [],
        writeMethod: 'dml',
      },
      {
        dataset: DATASETS.ops,
        name: 'transform_runs',
        description: 'One row per successful transform run (Dataform action record_transform_run): its watermark and the newest event time of each mart',
        schema: deriveBigQuerySchema(transformRun),
        partitioning: {
          type: 'DAY',
          field: 'finished_at',
          requirePartitionFilter: false,
          rationale: '96 rows a day; readers ask for the newest run, so partitions on finish time let them read today only.',
        },
        clustering: [],
        writeMethod: 'dml',
        writtenBy: 'dataform',
      },
      {
        dataset: DATASETS.ops,
        name: 'transform_lease',
        description: 'The lease a transform run takes as its first action (acquire_run_lease): a run refuses to start while another holds it',
        schema: deriveBigQuerySchema(transformLease),
        clustering: [],
        writeMethod: 'dml',
        writtenBy: 'dataform',
      },
    ],
    schedules: [
      {
        name: 'pos-loader',
        description: 'Loads the POS files of the last 15-minute window (one load job per target table)',
        cron: '*/15 * * * *',
        timeZone: 'Etc/UTC',
        target: { function: FUNCTIONS.posLoader, path: '/run' },
      },
      {
        name: 'dataform-incremental',
        description: 'Incremental Dataform run, five minutes after each POS loader run',
        cron: '5-59/15 * * * *',
        timeZone: 'Etc/UTC',
        target: { dataform: 'incremental' },
        after: 'pos-loader',
      },
      {
        name: FUNCTIONS.servingPublisher,
        description: 'Publishes the transform runs not yet in the serving store, five minutes after each incremental Dataform run',
        cron: '10-59/15 * * * *',
        timeZone: 'Etc/UTC',
        target: { function: FUNCTIONS.servingPublisher, path: '/run' },
        after: 'dataform-incremental',
        // A publish is idempotent (the store's marker moves last), so a failed one (503: the store or
        // BigQuery) is retried; the retries end well before the next firing, 15 minutes on.
        retry: { count: 3, minBackoffSeconds: 30, maxBackoffSeconds: 120, maxRetrySeconds: 600 },
      },
    ],
    functions: [
      {
        name: FUNCTIONS.collector,
        description: 'HTTP collector for online order events and delivery webhooks; pseudonymises PII and publishes to Pub/Sub',
        source: 'functions/collector',
        entryPoint: FUNCTIONS.collector,
        signature: 'http',
        ingress: 'public',
        concurrency: 80,
        minInstances: Math.max(1, settings.minInstances),
        maxInstances: 100,
        memoryMb: 512,
        timeoutSeconds: 30,
        access: { publishes: [TOPICS.onlineOrders, TOPICS.deliveryEvents], writesTables: [], readsTables: [], readsDatasets: [], readsBuckets: [], writesBuckets: [] },
        // The PII key: events are pseudonymised before they are published, so no plain PII is in
        // Pub/Sub, its dead letters or rejected_events (R7).
        secrets: [SECRETS.collectorApiKeys, SECRETS.webhookSecrets, SECRETS.piiKey],
      },
      {
        name: FUNCTIONS.ingest,
        description: 'Push target: validates, checks PII arrived pseudonymised and appends events to raw through the Storage Write API',
        source: 'functions/ingest',
        entryPoint: FUNCTIONS.ingest,
        // HTTP, not CloudEvent: the push subscriptions deliver plain push bodies, and the handler picks
        // its status codes (204 ack, 503 redeliver). It also accepts messagePublished CloudEvents.
        signature: 'http',
        ingress: 'private',
        concurrency: 250,
        minInstances: settings.minInstances,
        maxInstances: 200,
        memoryMb: 1024,
        timeoutSeconds: 60,
        access: {
          publishes: [],
          writesTables: [tableRef('raw', 'online_order_events'), tableRef('raw', 'delivery_events'), tableRef('raw', 'rejected_events')],
          readsTables: [],
          readsDatasets: [],
          readsBuckets: [],
          writesBuckets: [],
        },
        // PII arrives as tokens (the collector's); ingest refuses plain PII and pseudonymises the
        // stored copy of a rejected payload with the same key (R7).
        secrets: [SECRETS.piiKey],
      },
      {
        name: FUNCTIONS.posLoader,
        description: 'Scheduled loader: validates landed POS files, one load job per window per table, archives or quarantines',
        source: 'functions/pos-loader',
        entryPoint: FUNCTIONS.posLoader,
        signature: 'http',
        ingress: 'private',
        concurrency: 1,
        minInstances: 0,
        maxInstances: 1,
        memoryMb: 2048,
        timeoutSeconds: 900,
        access: {
          publishes: [],
          writesTables: [tableRef('raw', 'pos_transactions'), tableRef('raw', 'inventory_movements'), tableRef('raw', 'rejected_events'), tableRef('ops', 'load_manifest')],
          // ref_stores: a POS file's store must belong to its header's merchant (path_mismatch).
          readsTables: [tableRef('ops', 'load_manifest'), tableRef('raw', 'ref_stores')],
          readsDatasets: [],
          readsBuckets: [BUCKETS.landing],
          writesBuckets: [BUCKETS.landing, BUCKETS.archive, BUCKETS.quarantine],
        },
        // POS files carry no PII fields (contracts/pos.ts): nothing to pseudonymise, no key.
        secrets: [],
      },
      {
        name: FUNCTIONS.metricsApi,
        description: 'Merchant metrics API and dashboard: each merchant reads its own stores only (API key per merchant)',
        source: 'functions/metrics-api',
        entryPoint: FUNCTIONS.metricsApi,
        signature: 'http',
        // Merchants call it from the internet; it checks their keys itself and answers 401/403 before any query.
        ingress: 'public',
        concurrency: 80,
        minInstances: settings.minInstances,
        maxInstances: 50,
        memoryMb: 512,
        timeoutSeconds: 30,
        access: { publishes: [], writesTables: [], readsTables: [tableRef('ops', 'transform_runs')], readsDatasets: [DATASETS.marts, DATASETS.staging], readsBuckets: [], writesBuckets: [] },
        secrets: [SECRETS.merchantApiKeys],
      },
      {
        name: FUNCTIONS.servingPublisher,
        description: 'Scheduled publisher: copies what each transform run changed in the metric marts into the serving store (Memorystore)',
        source: 'functions/serving-publisher',
        entryPoint: FUNCTIONS.servingPublisher,
        signature: 'http',
        ingress: 'private',
        // One publish at a time: two at once would both read past the same marker.
        concurrency: 1,
        minInstances: 0,
        maxInstances: 1,
        memoryMb: 1024,
        timeoutSeconds: 300,
        access: {
          publishes: [],
          writesTables: [],
          // The run records (what to publish) and the lease (not while a run rebuilds the marts).
          readsTables: [tableRef('ops', 'transform_runs'), tableRef('ops', 'transform_lease')],
          // The metric marts, and staging for the promotions' store scope (stg_promotion_stores).
          readsDatasets: [DATASETS.marts, DATASETS.staging],
          readsBuckets: [],
          writesBuckets: [],
        },
        // The serving store's AUTH string comes from the Serving component, not the catalog's secrets.
        secrets: [],
      },
    ],
    secrets: [
      { name: SECRETS.piiKey, description: 'HMAC key that pseudonymises PII in the collector, before it is published (at least 16 characters)', env: 'PIZZAFLOW_PII_KEY', configKey: 'piiKey' },
      { name: SECRETS.collectorApiKeys, description: 'Online-portal clients, the merchants each may publish for and their API keys: hq[*]=key,shop[m0001|m0002]=key2', env: 'PIZZAFLOW_API_KEYS', configKey: 'collectorApiKeys' },
      { name: SECRETS.webhookSecrets, description: "Delivery providers' webhook HMAC secrets: provider=secret,…", env: 'PIZZAFLOW_WEBHOOK_SECRETS', configKey: 'webhookSecrets' },
      { name: SECRETS.merchantApiKeys, description: "Merchants' metrics API keys: merchant=key,…", env: 'PIZZAFLOW_MERCHANT_API_KEYS', configKey: 'merchantApiKeys' },
    ],
  };
}
