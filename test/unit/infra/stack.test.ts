// The Pulumi program under the mock runtime: every catalog entity has its resource, rendered as the
// catalog declares it, and the security rules hold (pulumi/examples testing-unit-ts-mocks-jest).
// Expectations come from the catalog (contracts/catalog) and the stack files, not from infra/.
import { bucketName, loadCatalog, tableRef, type PlatformCatalog } from '../../../contracts/catalog';
import { MOCK_REDIS_CA, PROJECT_NUMBER, renderStack, stackConfig, type Recorded, type RenderedStack } from './mock-stack';

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
}, 180_000);

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
    expect(names('gcp:cloudfunctionsv2/function:Function', 'name').sort()).toEqual(devCatalog.functions.map((f) => f.name).sort());
    const functionSchedules = devCatalog.schedules.filter((s) => 'function' in s.target).map((s) => s.name);
    expect(names('gcp:cloudscheduler/job:Job', 'name').sort()).toEqual(functionSchedules.sort());
  });

  test('datasets share the configured location', () => {
    for (const d of dev.ofType('gcp:bigquery/dataset:Dataset')) expect(d.inputs.location).toBe(devConfig['pizzaflow:bigqueryLocation']);
  });

  test('each component is a pizzaflow:gcp ComponentResource', () => {
    const components = dev.resources.filter((r) => r.type.startsWith('pizzaflow:gcp:')).map((r) => r.type);
    expect(components.sort()).toEqual(['Apis', 'Identity', 'Ingestion', 'Landing', 'Observability', 'Schedules', 'Services', 'Serving', 'Transform', 'Warehouse'].map((c) => `pizzaflow:gcp:${c}`).sort());
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
  test.each([['dev'], ['prod']] as const)('%s: concurrency, instances, memory and timeout from the catalog; built from its own artifact', async (stack) => {
    const rendered = stack === 'dev' ? dev : prod;
    const catalog = catalogOf(stack === 'dev' ? devConfig : prodConfig);
    const functions = by(rendered.ofType('gcp:cloudfunctionsv2/function:Function'), 'name');
    const objects = by(rendered.ofType('gcp:storage/bucketObject:BucketObject'), 'name');
    for (const f of catalog.functions) {
      const inputs = functions.get(f.name)!;
      const service = inputs.serviceConfig as { maxInstanceRequestConcurrency: number; timeoutSeconds: number; minInstanceCount: number; maxInstanceCount: number; availableMemory: string; serviceAccountEmail: string };
      expect(service.maxInstanceRequestConcurrency).toBe(f.concurrency);
      expect([service.minInstanceCount, service.maxInstanceCount]).toEqual([f.minInstances, f.maxInstances]);
      expect(service.timeoutSeconds).toBe(f.timeoutSeconds);
      expect(service.availableMemory).toBe(`${f.memoryMb}Mi`);
      expect(service.serviceAccountEmail).toMatch(new RegExp(`^pf-${f.name}@`));
      const build = inputs.buildConfig as { entryPoint: string; runtime: string; source: { storageSource: { object: string; generation: number } }; serviceAccount: string };
      expect(build.entryPoint).toBe(f.entryPoint);
      expect(build.runtime).toMatch(/^nodejs\d+$/);
      // Its own artifact (dist/deploy/<name>), and the object's generation, so a new artifact rebuilds.
      const object = objects.get(build.source.storageSource.object)!;
      expect(await (object.source as { path: Promise<string> }).path).toMatch(new RegExp(`dist/deploy/${f.name}$`));
      expect(build.source.storageSource.generation).toEqual(expect.any(Number));
    }
  });

  test('public functions are reachable by anyone and check credentials themselves; private ones take internal traffic and named invokers only', () => {
    const functions = by(dev.ofType('gcp:cloudfunctionsv2/function:Function'), 'name');
    const invokers = dev.ofType('gcp:cloudrunv2/serviceIamMember:ServiceIamMember').map((r) => r.inputs as { name: string; member: string; role: string });
    for (const f of devCatalog.functions) {
      expect((functions.get(f.name)!.serviceConfig as { ingressSettings: string }).ingressSettings).toBe(f.ingress === 'public' ? 'ALLOW_ALL' : 'ALLOW_INTERNAL_ONLY');
      const mine = invokers.filter((i) => i.name === f.name);
      expect(mine.every((i) => i.role === 'roles/run.invoker')).toBe(true);
      expect(mine.some((i) => i.member === 'allUsers')).toBe(f.ingress === 'public');
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
      // Retried only where the catalog says the target is idempotent; otherwise the next firing catches up.
      expect(job.retryConfig).toEqual(
        s.retry
          ? { retryCount: s.retry.count, minBackoffDuration: `${s.retry.minBackoffSeconds}s`, maxBackoffDuration: `${s.retry.maxBackoffSeconds}s`, maxRetryDuration: `${s.retry.maxRetrySeconds}s` }
          : { retryCount: 0 },
      );
    }
  });

  test('the serving store publisher runs five minutes after each incremental Dataform run, retried within its window, with its attempt deadline = its timeout', () => {
    const job = by(dev.ofType('gcp:cloudscheduler/job:Job'), 'name').get('serving-publisher')!;
    expect(job).toMatchObject({ schedule: '10-59/15 * * * *', attemptDeadline: '300s', retryConfig: { retryCount: 3, maxRetryDuration: '600s' } });
    expect((job.httpTarget as { uri: string }).uri).toBe('https://serving-publisher-abcdefghij-uc.a.run.app/run');
    const fn = by(dev.ofType('gcp:cloudfunctionsv2/function:Function'), 'name').get('serving-publisher')!;
    expect(fn.serviceConfig).toMatchObject({ ingressSettings: 'ALLOW_INTERNAL_ONLY', maxInstanceCount: 1, maxInstanceRequestConcurrency: 1 });
  });
});

describe('serving store', () => {
  test.each([['dev'], ['prod']] as const)('%s: Memorystore with AUTH and TLS on the VPC network through private service access; HA in prod', (stack) => {
    const rendered = stack === 'dev' ? dev : prod;
    const [redis] = rendered.ofType('gcp:redis/instance:Instance');
    const [network] = rendered.ofType('gcp:compute/network:Network');
    const [range] = rendered.ofType('gcp:compute/globalAddress:GlobalAddress');
    const [peering] = rendered.ofType('gcp:servicenetworking/connection:Connection');
    expect(redis!.inputs).toMatchObject({ authEnabled: true, transitEncryptionMode: 'SERVER_AUTHENTICATION', connectMode: 'PRIVATE_SERVICE_ACCESS', authorizedNetwork: network!.id, reservedIpRange: range!.inputs.name, tier: stack === 'prod' ? 'STANDARD_HA' : 'BASIC' });
    expect(range!.inputs).toMatchObject({ purpose: 'VPC_PEERING', network: network!.id });
    expect(peering!.inputs).toMatchObject({ network: network!.id, service: 'servicenetworking.googleapis.com', reservedPeeringRanges: [range!.inputs.name] });
  });

  test('ingest, the POS loader, the metrics API and the publisher reach it by Direct VPC egress, over TLS against its CA, with its AUTH string as a secret; no other function does', () => {
    const functions = by(dev.ofType('gcp:cloudfunctionsv2/function:Function'), 'name');
    const [subnet] = dev.ofType('gcp:compute/subnetwork:Subnetwork');
    for (const f of devCatalog.functions) {
      const service = functions.get(f.name)!.serviceConfig as { environmentVariables: Record<string, string>; secretEnvironmentVariables: { key: string; secret: string }[]; directVpcNetworkInterfaces?: { subnetwork: string }[]; directVpcEgress?: string };
      const client = ['ingest', 'pos-loader', 'metrics-api', 'serving-publisher'].includes(f.name);
      expect([f.name, service.directVpcNetworkInterfaces?.map((i) => i.subnetwork)]).toEqual([f.name, client ? [subnet!.id] : undefined]);
      expect(service.directVpcEgress).toBe(client ? 'VPC_EGRESS_PRIVATE_RANGES_ONLY' : undefined);
      expect(service.environmentVariables.PIZZAFLOW_REDIS_URL).toBe(client ? 'rediss://10.20.0.3:6378' : undefined);
      expect(service.environmentVariables.PIZZAFLOW_REDIS_CA).toBe(client ? MOCK_REDIS_CA : undefined);
      expect(service.secretEnvironmentVariables.filter((s) => s.key === 'PIZZAFLOW_REDIS_PASSWORD').map((s) => s.secret)).toEqual(client ? ['pizzaflow-redis-auth'] : []);
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
  test.each([['dev'], ['prod']] as const)('%s: no primitive roles; allUsers only as invoker of the public functions, allAuthenticatedUsers nowhere', (stack) => {
    const rendered = stack === 'dev' ? dev : prod;
    const publicFunctions = devCatalog.functions.filter((f) => f.ingress === 'public').map((f) => f.name);
    const open = rendered.resources.filter((r) => allStrings(r.inputs).includes('allUsers'));
    expect(open.map((r) => [r.type, r.inputs.name, r.inputs.role]).sort()).toEqual(publicFunctions.map((name) => ['gcp:cloudrunv2/serviceIamMember:ServiceIamMember', name, 'roles/run.invoker']).sort());
    const strings = rendered.resources.flatMap((r) => allStrings(r.inputs));
    for (const forbidden of ['roles/owner', 'roles/editor', 'roles/viewer', 'allAuthenticatedUsers']) expect(strings).not.toContain(forbidden);
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
      const rules = inputs.lifecycleRules as { action: { type: string; storageClass?: string }; condition: { age?: number; daysSinceNoncurrentTime?: number } }[];
      expect(rules.map((r) => ({ action: r.action.type, age: r.condition.age ?? r.condition.daysSinceNoncurrentTime, noncurrent: r.condition.daysSinceNoncurrentTime !== undefined, storageClass: r.action.storageClass }))).toEqual(
        b.lifecycle.map((l) => ({
          action: l.action === 'DeleteNoncurrent' ? 'Delete' : l.action,
          age: l.ageDays,
          noncurrent: l.action === 'DeleteNoncurrent',
          storageClass: l.action === 'SetStorageClass' ? l.storageClass : undefined,
        })),
      );
      // A versioned bucket never keeps noncurrent versions forever.
      if (b.versioning) expect(rules.some((r) => r.condition.daysSinceNoncurrentTime !== undefined)).toBe(true);
    }
  });

  test('every subscription has a consumer: a push endpoint of a deployed function', () => {
    const functions = new Set(dev.ofType('gcp:cloudfunctionsv2/function:Function').map((f) => String(f.inputs.name)));
    for (const sub of dev.ofType('gcp:pubsub/subscription:Subscription')) {
      const endpoint = (sub.inputs.pushConfig as { pushEndpoint?: string } | undefined)?.pushEndpoint;
      expect([sub.inputs.name, endpoint]).toEqual([sub.inputs.name, expect.stringMatching(/^https:\/\/[a-z-]+-abcdefghij-uc\.a\.run\.app/)]);
      expect(functions).toContain(endpoint!.slice('https://'.length).split('-abcdefghij')[0]);
    }
  });
});
