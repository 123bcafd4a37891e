import { bucketName, loadCatalog, platformCatalog, validateCatalog, CatalogError, type PlatformCatalog } from '../../../contracts/catalog';
import { cronProblem, minutesOf } from '../../../contracts/catalog/cron';
import { OUTAGE_BUDGET_SECONDS, retryWindowSeconds } from '../../../contracts/catalog/retry';

const problemsOf = (mutate: (c: PlatformCatalog) => void) => {
  const catalog = platformCatalog();
  mutate(catalog);
  return validateCatalog(catalog);
};

describe('platform catalog', () => {
  it('is valid as shipped', () => {
    expect(validateCatalog(platformCatalog())).toEqual([]);
  });

  it('declares the tables, topics, buckets and schedules the flows need', () => {
    const c = loadCatalog();
    expect(c.tables.map((t) => `${t.dataset}.${t.name}`)).toEqual(
      expect.arrayContaining(['raw.online_order_events', 'raw.delivery_events', 'raw.pos_transactions', 'raw.inventory_movements', 'raw.rejected_events', 'ops.load_manifest', 'raw.ref_products']),
    );
    expect(c.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['online-orders', 'delivery-events', 'dead-letter']));
    expect(c.buckets.map((b) => b.name)).toEqual(['pos-landing', 'pos-archive', 'pos-quarantine']);
    expect(c.datasets.map((d) => d.id)).toEqual(['raw', 'staging', 'marts', 'ops', 'dataform_assertions']);
    expect(c.schedules.map((s) => s.cron)).toEqual(['*/15 * * * *', '5-59/15 * * * *', '10-59/15 * * * *']);
  });

  it('publishes the serving store five minutes after each transform, from a private function that reads the marts and the run records', () => {
    const c = loadCatalog();
    const schedule = c.schedules.find((s) => s.name === 'serving-publisher')!;
    expect(schedule).toMatchObject({ cron: '10-59/15 * * * *', after: 'dataform-incremental', target: { function: 'serving-publisher', path: '/run' } });
    // Idempotent, so retried; the retries end before the next firing.
    expect(schedule.retry!.maxRetrySeconds).toBeLessThan(15 * 60);
    const fn = c.functions.find((f) => f.name === 'serving-publisher')!;
    expect(fn).toMatchObject({ source: 'functions/serving-publisher', entryPoint: 'serving-publisher', ingress: 'private', concurrency: 1, maxInstances: 1, secrets: [] });
    expect(fn.access.readsTables.sort()).toEqual(['ops.transform_lease', 'ops.transform_runs']);
    expect(fn.access.readsDatasets.sort()).toEqual(['marts', 'staging']);
    expect([...fn.access.writesTables, ...fn.access.publishes, ...fn.access.writesBuckets, ...fn.access.readsBuckets]).toEqual([]);
  });

  it('partitions large raw tables on arrival with a required partition filter and retention', () => {
    const raw = loadCatalog({ rawRetentionDays: 90 }).tables.find((t) => t.name === 'online_order_events')!;
    expect(raw.partitioning).toMatchObject({ type: 'DAY', field: 'ingested_at', requirePartitionFilter: true, expirationDays: 90 });
    expect(raw.clustering).toEqual(['ingested_at', 'merchant_id', 'store_id']);
  });

  it('dead-letters every ingest subscription', () => {
    const subs = loadCatalog().subscriptions.filter((s) => s.push?.function === 'ingest' && s.topic !== 'dead-letter');
    expect(subs).toHaveLength(2);
    for (const s of subs) expect(s.deadLetter).toEqual({ topic: 'dead-letter', maxDeliveryAttempts: 60 });
  });

  it('derives physical bucket names from the project', () => {
    expect(bucketName('pizza-prod', 'pos-landing')).toBe('pizza-prod-pos-landing');
  });
});

describe('catalog validation finds', () => {
  it.each<[string, (c: PlatformCatalog) => void, RegExp]>([
    ['an undeclared subscription topic', (c) => (c.subscriptions[0]!.topic = 'nope'), /topic "nope" is not declared/],
    ['an undeclared dead-letter topic', (c) => (c.subscriptions[0]!.deadLetter!.topic = 'gone'), /dead-letter topic "gone"/],
    ['too few delivery attempts', (c) => (c.subscriptions[0]!.deadLetter!.maxDeliveryAttempts = 3), /must be 5-100/],
    ['a retry budget shorter than a 6-hour outage', (c) => (c.subscriptions[0]!.deadLetter!.maxDeliveryAttempts = 20), /retries for only 2\.3 h before dead-lettering/],
    ['an undeclared push function', (c) => (c.subscriptions[0]!.push!.function = 'ghost'), /function "ghost"/],
    ['an ack deadline out of range', (c) => (c.subscriptions[0]!.ackDeadlineSeconds = 601), /ack deadline/],
    ['backoff out of order', (c) => (c.subscriptions[0]!.retryPolicy = { minimumBackoffSeconds: 60, maximumBackoffSeconds: 10 }), /retry backoff/],
    ['a topic named goog*', (c) => (c.topics[0]!.name = 'google-orders'), /must not start with "goog"/],
    ['an illegal topic name', (c) => (c.topics[0]!.name = '1x'), /not a legal Pub\/Sub name/],
    ['a bucket name too long for a 30-char project', (c) => (c.buckets[0]!.name = 'a'.repeat(40)), /not a legal bucket name/],
    ['a bucket with upper case', (c) => (c.buckets[0]!.name = 'Landing'), /not a legal bucket name/],
    ['an undeclared notification topic', (c) => c.buckets[0]!.notifications.push({ topic: 'missing', eventTypes: ['OBJECT_FINALIZE'], payloadFormat: 'JSON_API_V1' }), /notification topic "missing"/],
    ['a function reading an undeclared secret', (c) => c.functions[0]!.secrets.push('missing'), /undeclared secret "missing"/],
    ['two secrets read from one variable', (c) => (c.secrets[1]!.env = c.secrets[0]!.env), /secret variable/],
    ['a table in an undeclared dataset', (c) => (c.tables[0]!.dataset = 'lake'), /dataset "lake" is not declared/],
    ['a partition column that is missing', (c) => (c.tables[0]!.partitioning!.field = 'arrived_at'), /partition column "arrived_at"/],
    ['a partition column of the wrong type', (c) => (c.tables[0]!.partitioning!.field = 'event_id'), /is STRING; expected TIMESTAMP or DATE/],
    ['a repeated clustering column', (c) => (c.tables[0]!.clustering = ['lines']), /cannot be clustered/],
    ['five clustering columns', (c) => (c.tables[0]!.clustering = ['merchant_id', 'store_id', 'event_type', 'channel', 'order_id']), /BigQuery allows 4/],
    ['a duplicate table', (c) => c.tables.push({ ...c.tables[0]! }), /declared more than once/],
    ['an illegal function name', (c) => (c.functions[0]!.name = 'Collector_Fn'), /Cloud Run service name/],
    ['a function writing an undeclared table', (c) => c.functions[1]!.access.writesTables.push('raw.nowhere'), /undeclared table "raw.nowhere"/],
    ['a bad cron', (c) => (c.schedules[0]!.cron = '*/15 * * *'), /expected 5 fields/],
    ['a schedule target that is missing', (c) => (c.schedules[0]!.target = { function: 'nobody', path: '/' }), /target function "nobody"/],
    ['a transform that no longer follows the loader', (c) => (c.schedules[1]!.cron = '*/15 * * * *'), /do not each follow a run of "pos-loader"/],
    ['a publisher that no longer follows the transform', (c) => (c.schedules[2]!.cron = '5-59/15 * * * *'), /do not each follow a run of "dataform-incremental"/],
    ['more retries than Cloud Scheduler allows', (c) => (c.schedules[2]!.retry!.count = 6), /retry count 6 must be an integer 0-5/],
    ['retry backoff out of order', (c) => (c.schedules[2]!.retry = { count: 1, minBackoffSeconds: 60, maxBackoffSeconds: 10, maxRetrySeconds: 300 }), /retry backoff 60s-10s/],
    ['retries running into the next firing', (c) => (c.schedules[2]!.retry!.maxRetrySeconds = 900), /retries may run 900s, into the next firing 900s later/],
    ['a retried Dataform schedule', (c) => (c.schedules[1]!.retry = { count: 1, minBackoffSeconds: 10, maxBackoffSeconds: 10, maxRetrySeconds: 60 }), /only a function target can be retried/],
  ])('%s', (_name, mutate, message) => {
    const problems = problemsOf(mutate);
    expect(problems.map((p) => `${p.where}: ${p.message}`).join('\n')).toMatch(message);
  });

  it('throws every problem at once from loadCatalog-style assertion', () => {
    const catalog = platformCatalog();
    catalog.topics[0]!.name = 'goog';
    catalog.tables[0]!.clustering = ['nope'];
    const problems = validateCatalog(catalog);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(new CatalogError(problems).message).toContain('clustering column "nope"');
  });
});

describe('cron', () => {
  it.each(['*/15 * * * *', '5-59/15 * * * *', '0 6 * * 1-5', '0,30 9-17 1 1,6,12 0', '0 9 * * MON,WED', '0 0 1 JUL *'])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });
  it.each([
    ['60 * * * *', /minute: 60/],
    ['* 24 * * *', /hour: 24/],
    ['*/0 * * * *', /stepping: 0/],
    ['5-1 * * * *', /larger than/],
    ['a * * * *', /not unix-cron/],
    ['0 0 L * *', /not unix-cron/],
    ['@hourly', /expected 5 fields/],
  ])('rejects %s', (expr, problem) => {
    expect(cronProblem(expr)).toMatch(problem);
  });
  it('expands minute fields', () => {
    expect(minutesOf('*/15')).toEqual([0, 15, 30, 45]);
    expect(minutesOf('5-59/15')).toEqual([5, 20, 35, 50]);
    expect(minutesOf('7,3')).toEqual([3, 7]);
  });
});

describe('retry budget', () => {
  it('doubles the delay from the minimum to the maximum backoff between deliveries', () => {
    expect(retryWindowSeconds({ minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 }, 1)).toBe(0);
    expect(retryWindowSeconds({ minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 }, 4)).toBe(10 + 20 + 40);
    expect(retryWindowSeconds({ minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 }, 9)).toBe(10 + 20 + 40 + 80 + 160 + 320 + 600 + 600);
  });
  it('every raw-ingest subscription rides out a 6-hour outage before dead-lettering', () => {
    for (const s of loadCatalog().subscriptions.filter((x) => x.deadLetter)) {
      expect([s.name, retryWindowSeconds(s.retryPolicy, s.deadLetter!.maxDeliveryAttempts) >= OUTAGE_BUDGET_SECONDS]).toEqual([s.name, true]);
    }
  });
});
