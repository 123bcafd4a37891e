// The Pulumi program under the mock runtime: every catalog entity has its resource, rendered as the
// catalog declares it, and the security rules hold (pulumi/examples testing-unit-ts-mocks-jest).
// Expectations come from the catalog (contracts/catalog) and the stack files, not from infra/.
import { bucketName, loadCatalog, tableRef, type PlatformCatalog } from '../../../contracts/catalog';
import { PROJECT_NUMBER, renderStack, stackConfig, type Recorded, type RenderedStack } from './mock-stack';

const PUBSUB_AGENT = `serviceAccount:service-${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const DAY_MS = 86_400_000;

let dev: RenderedStack;
let prod: RenderedStack;
let devCatalog: PlatformCatalog;
const devConfig = stackConfig('dev');
const prodConfig = stackConfig('prod');

function catalogOf(config: Record<string, string>): PlatformCatalog {
  return loadCatalog({
    rawRetentionDays: Number(config['pizzaflow:rawRetentionDays']),
    rejectedRetentionDays: Number(config['pizzaflow:rejectedRetentionDays']),
    archiveRetentionDays: Number(config['pizzaflow:archiveRetentionDays']),
    minInstances: Number(config['pizzaflow:minInstances']),
  });
}

beforeAll(async () => {
  dev = await renderStack(devConfig, 'dev');
  prod = await renderStack(prodConfig, 'prod');
  devCatalog = catalogOf(devConfig);
});

const by = <T extends Record<string, unknown>>(rs: Recorded[], key: string) => new Map(rs.map((r) => [String(r.inputs[key]), r.inputs as T]));
const allStrings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(allStrings) : value && typeof value === 'object' ? Object.values(value).flatMap(allStrings) : [];

describe('every catalog entity has its resource', () => {
  test('topics, subscriptions, buckets, datasets, tables, functions, schedules', () => {
    const names = (type: string, key: string) => dev.ofType(type).map((r) => String(r.inputs[key]));
    expect(names('gcp:pubsub/topic:Topic', 'name').sort()).toEqual(devCatalog.topics.map((t) => t.name).sort());
    expect(names('gcp:pubsub/subscription:Subscription', 'name').sort()).toEqual(devCatalog.subscriptions.map((s) => s.name).sort());
    expect(names('gcp:storage/bucket:Bucket', 'name')).toEqual(expect.arrayContaining(devCatalog.buckets.map((b) => bucketName('pizzaflow-dev', b.name))));
    expect(names('gcp:bigquery/dataset:Dataset', 'datasetId')).toEqual(expect.arrayContaining(devCatalog.datasets.map((d) => d.id)));
    const tables = dev.ofType('gcp:bigquery/table:Table').map((r) => tableRef(String(r.inputs.datasetId), String(r.inputs.tableId)));
    expect(tables).toEqual(expect.arrayContaining(devCatalog.tables.map((t) => tableRef(t.dataset, t.name))));
    expect(names('gcp:cloudrunv2/service:Service', 'name').sort()).toEqual(devCatalog.functions.map((f) => f.name).sort());
    const functionSchedules = devCatalog.schedules.filter((s) => 'function' in s.target).map((s) => s.name);
    expect(names('gcp:cloudscheduler/job:Job', 'name').sort()).toEqual(functionSchedules.sort());
  });

  test('datasets share the configured location', () => {
    for (const d of dev.ofType('gcp:bigquery/dataset:Dataset')) expect(d.inputs.location).toBe(devConfig['pizzaflow:bigqueryLocation']);
  });

  test('each component is a pizzaflow:gcp ComponentResource', () => {
    const components = dev.resources.filter((r) => r.type.startsWith('pizzaflow:gcp:')).map((r) => r.type);
    expect(components.sort()).toEqual(['Identity', 'Ingestion', 'Landing', 'Observability', 'Schedules', 'Transform', 'Warehouse'].map((c) => `pizzaflow:gcp:${c}`).sort());
  });
});

describe('tables match the catalog', () => {
  test.each([['dev'], ['prod']] as const)('%s: schema, partitioning, clustering, partition filter and expiration', (stack) => {
    const rendered = stack === 'dev' ? dev : prod;
    const catalog = catalogOf(stack === 'dev' ? devConfig : prodConfig);
    const tables = new Map(rendered.ofType('gcp:bigquery/table:Table').map((r) => [tableRef(String(r.inputs.datasetId), String(r.inputs.tableId)), r.inputs]));
    for (const t of catalog.tables) {
      const inputs = tables.get(tableRef(t.dataset, t.name))!;
      expect(JSON.parse(String(inputs.schema))).toEqual(t.schema);
      expect(inputs.clusterings ?? []).toEqual(t.clustering);
      if (!t.partitioning) {
        expect(inputs.timePartitioning).toBeUndefined();
        continue;
      }
      const expected: Record<string, unknown> = { type: t.partitioning.type, field: t.partitioning.field };
      if (t.partitioning.expirationDays !== undefined) expected.expirationMs = t.partitioning.expirationDays * DAY_MS;
      expect(inputs.timePartitioning).toEqual(expected);
      expect(inputs.requirePartitionFilter).toBe(t.partitioning.requirePartitionFilter);
    }
  });

  test('raw retention follows the stack configuration', () => {
    const expiration = (s: RenderedStack) => (s.ofType('gcp:bigquery/table:Table').find((r) => r.inputs.tableId === 'online_order_events')!.inputs.timePartitioning as { expirationMs: number }).expirationMs;
    expect(expiration(dev)).toBe(Number(devConfig['pizzaflow:rawRetentionDays']) * DAY_MS);
    expect(expiration(prod)).toBe(Number(prodConfig['pizzaflow:rawRetentionDays']) * DAY_MS);
  });
});

describe('Pub/Sub', () => {
  test('subscriptions carry the catalog retry, dead-letter, ack, retention and ordering settings', () => {
    const subs = by(dev.ofType('gcp:pubsub/subscription:Subscription'), 'name');
    for (const s of devCatalog.subscriptions) {
      const inputs = subs.get(s.name)!;
      expect(inputs.topic).toBe(`projects/pizzaflow-dev/topics/${s.topic}`);
      expect(inputs.retryPolicy).toEqual({ minimumBackoff: `${s.retryPolicy.minimumBackoffSeconds}s`, maximumBackoff: `${s.retryPolicy.maximumBackoffSeconds}s` });
      expect(inputs.deadLetterPolicy).toEqual(s.deadLetter ? { deadLetterTopic: `projects/pizzaflow-dev/topics/${s.deadLetter.topic}`, maxDeliveryAttempts: s.deadLetter.maxDeliveryAttempts } : undefined);
      expect(inputs.ackDeadlineSeconds).toBe(s.ackDeadlineSeconds);
      expect(inputs.messageRetentionDuration).toBe(`${s.messageRetentionSeconds}s`);
      expect(inputs.enableMessageOrdering).toBe(s.enableMessageOrdering);
      expect(inputs.expirationPolicy).toEqual({ ttl: '' });
    }
  });

  test('every push subscription not draining a dead-letter topic has retry and dead-letter policies', () => {
    const deadLetterTopics = new Set(devCatalog.subscriptions.flatMap((s) => (s.deadLetter ? [s.deadLetter.topic] : [])));
    const subs = by(dev.ofType('gcp:pubsub/subscription:Subscription'), 'name');
    const pushed = devCatalog.subscriptions.filter((s) => s.push && !deadLetterTopics.has(s.topic));
    expect(pushed.length).toBeGreaterThan(0);
    for (const s of pushed) {
      expect(subs.get(s.name)!.retryPolicy).toBeDefined();
      expect(subs.get(s.name)!.deadLetterPolicy).toBeDefined();
    }
  });

  test('push subscriptions authenticate with OIDC to their function, audience = the service URL', () => {
    const subs = by(dev.ofType('gcp:pubsub/subscription:Subscription'), 'name');
    for (const s of devCatalog.subscriptions) {
      const push = subs.get(s.name)!.pushConfig as { pushEndpoint: string; oidcToken: { serviceAccountEmail: string; audience: string } } | undefined;
      if (!s.push) {
        expect(push).toBeUndefined();
        continue;
      }
      const url = `https://${s.push.function}-abcdefghij-uc.a.run.app`;
      expect(push!.pushEndpoint).toBe(s.push.path === '/' ? url : `${url}${s.push.path}`);
      expect(push!.oidcToken).toEqual({ serviceAccountEmail: expect.stringMatching(/@pizzaflow-dev\.iam\.gserviceaccount\.com$/), audience: url });
    }
  });

  test('the Pub/Sub service agent publishes to each dead-letter topic and subscribes to each source subscription', () => {
    const topicGrants = dev.ofType('gcp:pubsub/topicIAMMember:TopicIAMMember').filter((g) => g.inputs.member === PUBSUB_AGENT);
    const subGrants = dev.ofType('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember').filter((g) => g.inputs.member === PUBSUB_AGENT);
    for (const s of devCatalog.subscriptions.filter((s) => s.deadLetter)) {
      expect(topicGrants).toContainEqual(expect.objectContaining({ inputs: expect.objectContaining({ topic: s.deadLetter!.topic, role: 'roles/pubsub.publisher' }) }));
      expect(subGrants).toContainEqual(expect.objectContaining({ inputs: expect.objectContaining({ subscription: s.name, role: 'roles/pubsub.subscriber' }) }));
    }
  });
});

describe('functions', () => {
  test.each([['dev'], ['prod']] as const)('%s: concurrency, instances, memory and timeout from the catalog', (stack) => {
    const rendered = stack === 'dev' ? dev : prod;
    const catalog = catalogOf(stack === 'dev' ? devConfig : prodConfig);
    const services = by(rendered.ofType('gcp:cloudrunv2/service:Service'), 'name');
    for (const f of catalog.functions) {
      const inputs = services.get(f.name)!;
      const template = inputs.template as { maxInstanceRequestConcurrency: number; timeout: string; scaling: unknown; serviceAccount: string; containers: { resources: { limits: { memory: string } } }[] };
      expect(template.maxInstanceRequestConcurrency).toBe(f.concurrency);
      expect(template.scaling).toEqual({ minInstanceCount: f.minInstances, maxInstanceCount: f.maxInstances });
      expect(template.timeout).toBe(`${f.timeoutSeconds}s`);
      expect(template.containers[0]!.resources.limits.memory).toBe(`${f.memoryMb}Mi`);
      expect(template.serviceAccount).toMatch(new RegExp(`^pf-${f.name}@`));
      expect((inputs.buildConfig as { functionTarget: string; sourceLocation: string }).functionTarget).toBe(f.entryPoint);
      expect((inputs.buildConfig as { sourceLocation: string }).sourceLocation).toMatch(/^gs:\/\//);
    }
  });

  test('public functions skip the IAM check instead of binding allUsers; private ones take internal traffic only', () => {
    const services = by(dev.ofType('gcp:cloudrunv2/service:Service'), 'name');
    for (const f of devCatalog.functions) {
      const inputs = services.get(f.name)!;
      expect(inputs.invokerIamDisabled).toBe(f.ingress === 'public');
      expect(inputs.ingress).toBe(f.ingress === 'public' ? 'INGRESS_TRAFFIC_ALL' : 'INGRESS_TRAFFIC_INTERNAL_ONLY');
    }
  });

  test('the scheduler calls each scheduled function with an OIDC token for its URL', () => {
    const jobs = by(dev.ofType('gcp:cloudscheduler/job:Job'), 'name');
    for (const s of devCatalog.schedules) {
      if (!('function' in s.target)) continue;
      const job = jobs.get(s.name)!;
      const url = `https://${s.target.function}-abcdefghij-uc.a.run.app`;
      expect(job.schedule).toBe(s.cron);
      expect(job.timeZone).toBe(s.timeZone);
      expect(job.httpTarget).toEqual(expect.objectContaining({ uri: `${url}${s.target.path}`, oidcToken: { serviceAccountEmail: expect.stringMatching(/^pf-scheduler@/), audience: url } }));
    }
  });
});

describe('Dataform', () => {
  test('incremental on the catalog schedule, full refresh on demand, as its own service account', () => {
    const configs = by(dev.ofType('gcp:dataform/repositoryWorkflowConfig:RepositoryWorkflowConfig'), 'name');
    for (const mode of ['incremental', 'full-refresh'] as const) {
      const schedule = devCatalog.schedules.find((s) => 'dataform' in s.target && s.target.dataform === mode);
      const inputs = configs.get(mode)!;
      expect(inputs.cronSchedule).toBe(schedule?.cron);
      expect(inputs.invocationConfig).toEqual(expect.objectContaining({ serviceAccount: expect.stringMatching(/^pf-dataform@/), fullyRefreshIncrementalTablesEnabled: mode === 'full-refresh' }));
    }
    expect(dev.ofType('gcp:dataform/repository:Repository')[0]!.inputs.serviceAccount).toMatch(/^pf-dataform@/);
  });
});

describe('security', () => {
  test.each([['dev'], ['prod']] as const)('%s: no primitive roles and no allUsers / allAuthenticatedUsers anywhere', (stack) => {
    const strings = (stack === 'dev' ? dev : prod).resources.flatMap((r) => allStrings(r.inputs));
    for (const forbidden of ['roles/owner', 'roles/editor', 'roles/viewer', 'allUsers', 'allAuthenticatedUsers']) expect(strings).not.toContain(forbidden);
    expect(strings.filter((s) => /^(OWNER|WRITER|READER)$/.test(s))).toEqual([]);
  });

  test('every bucket has uniform access and public access prevention', () => {
    for (const stack of [dev, prod]) {
      const buckets = stack.ofType('gcp:storage/bucket:Bucket');
      expect(buckets.length).toBeGreaterThan(devCatalog.buckets.length - 1);
      for (const b of buckets) {
        expect(b.inputs.uniformBucketLevelAccess).toBe(true);
        expect(b.inputs.publicAccessPrevention).toBe('enforced');
      }
    }
  });

  test('buckets carry the catalog versioning, storage class and lifecycle', () => {
    const buckets = by(dev.ofType('gcp:storage/bucket:Bucket'), 'name');
    for (const b of devCatalog.buckets) {
      const inputs = buckets.get(bucketName('pizzaflow-dev', b.name))!;
      expect(inputs.versioning).toEqual({ enabled: b.versioning });
      expect(inputs.storageClass).toBe(b.storageClass);
      const rules = inputs.lifecycleRules as { action: { type: string; storageClass?: string }; condition: { age: number } }[];
      expect(rules.map((r) => ({ action: r.action.type, age: r.condition.age, storageClass: r.action.storageClass }))).toEqual(
        b.lifecycle.map((l) => ({ action: l.action, age: l.ageDays, storageClass: l.action === 'SetStorageClass' ? l.storageClass : undefined })),
      );
    }
  });

  test('the landing notification publishes to its topic, after the GCS agent may publish there', () => {
    const notifications = dev.ofType('gcp:storage/notification:Notification');
    const declared = devCatalog.buckets.flatMap((b) => b.notifications.map((n) => ({ bucket: bucketName('pizzaflow-dev', b.name), ...n })));
    expect(notifications.map((n) => ({ bucket: n.inputs.bucket, topic: n.inputs.topic, eventTypes: n.inputs.eventTypes }))).toEqual(
      declared.map((n) => ({ bucket: n.bucket, topic: `projects/pizzaflow-dev/topics/${n.topic}`, eventTypes: n.eventTypes })),
    );
    const gcsAgent = `serviceAccount:service-${PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
    for (const n of declared) {
      expect(dev.ofType('gcp:pubsub/topicIAMMember:TopicIAMMember')).toContainEqual(expect.objectContaining({ inputs: expect.objectContaining({ topic: n.topic, member: gcsAgent, role: 'roles/pubsub.publisher' }) }));
    }
  });
});
