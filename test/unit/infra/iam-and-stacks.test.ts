// Least privilege, stack differences, team and merchant access, alerting and outputs, under the mock
// runtime. Expected roles are written from the catalog's access lists, the spec of what each needs.
import { loadCatalog, type FunctionAccess, type PlatformCatalog } from '../../../contracts/catalog';
import { compileProject } from '../../../tools/dataform';
import { PROJECT_NUMBER, renderStack, stackConfig, type RenderedStack } from './mock-stack';

/** The role each kind of catalog access grants, on the resource it names. */
const ACCESS_ROLES: Record<keyof FunctionAccess, { role: string; kind: string }> = {
  publishes: { role: 'roles/pubsub.publisher', kind: 'topic' },
  writesTables: { role: 'roles/bigquery.dataEditor', kind: 'table' },
  readsTables: { role: 'roles/bigquery.dataViewer', kind: 'table' },
  readsDatasets: { role: 'roles/bigquery.dataViewer', kind: 'dataset' },
  readsBuckets: { role: 'roles/storage.objectViewer', kind: 'bucket' },
  writesBuckets: { role: 'roles/storage.objectUser', kind: 'bucket' },
};

/** Grants not expressed by `access` lists, listed explicitly (project-level ones only where GCP has no narrower scope). */
function platformRoles(catalog: PlatformCatalog): Record<string, string[]> {
  const pushTargets = [...new Set(catalog.subscriptions.flatMap((s) => (s.push ? [s.push.function] : [])))];
  const scheduled = [...new Set(catalog.schedules.flatMap((s) => ('function' in s.target ? [s.target.function] : [])))];
  return {
    // Each function reads exactly its own secrets.
    collector: [
      'roles/secretmanager.secretAccessor on secret:pizzaflow-collector-api-keys',
      'roles/secretmanager.secretAccessor on secret:pizzaflow-webhook-secrets',
      'roles/secretmanager.secretAccessor on secret:pizzaflow-pii-key',
    ],
    // ingest, the POS loader, the metrics API and the publisher also read the serving store's AUTH string (infra/components/serving.ts).
    ingest: ['roles/secretmanager.secretAccessor on secret:pizzaflow-pii-key', 'roles/secretmanager.secretAccessor on secret:pizzaflow-redis-auth'],
    'pos-loader': ['roles/bigquery.jobUser on project', 'roles/secretmanager.secretAccessor on secret:pizzaflow-redis-auth'],
    'metrics-api': ['roles/bigquery.jobUser on project', 'roles/secretmanager.secretAccessor on secret:pizzaflow-merchant-api-keys', 'roles/secretmanager.secretAccessor on secret:pizzaflow-redis-auth'],
    // The publisher: queries (jobUser) and the store's AUTH string; its table and dataset reads come from its access list.
    'serving-publisher': ['roles/bigquery.jobUser on project', 'roles/secretmanager.secretAccessor on secret:pizzaflow-redis-auth'],
    'pubsub-push': pushTargets.map((f) => `roles/run.invoker on service:${f}`),
    scheduler: scheduled.map((f) => `roles/run.invoker on service:${f}`),
    dataform: [
      'roles/bigquery.jobUser on project',
      ...catalog.datasets.map((d) => `${d.ownedBy === 'dataform' ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer'} on dataset:${d.id}`),
      // The run record and the lease: Dataform's actions write these two ops tables and no other.
      ...catalog.tables.filter((t) => t.writtenBy === 'dataform').map((t) => `roles/bigquery.dataEditor on table:${t.dataset}.${t.name}`),
      // Developer workspaces write the suffixed twins of the datasets it edits, and create their own run
      // lease and run record in ops_workspace (neither stack sets the suffix).
      ...[...catalog.datasets.filter((d) => d.ownedBy === 'dataform').map((d) => d.id), 'ops'].map((id) => `roles/bigquery.dataEditor on dataset:${id}_workspace`),
    ],
    builder: ['roles/logging.logWriter on project', 'roles/storage.objectViewer on bucket:functions-source', 'roles/artifactregistry.writer on registry'],
  };
}

function expectedRoles(catalog: PlatformCatalog): Record<string, string[]> {
  const out = platformRoles(catalog);
  for (const f of catalog.functions) {
    for (const [access, { role, kind }] of Object.entries(ACCESS_ROLES) as [keyof FunctionAccess, { role: string; kind: string }][]) {
      for (const target of f.access[access]) {
        // A table or bucket that is also written needs no separate read role.
        if (access === 'readsTables' && f.access.writesTables.includes(target)) continue;
        if (access === 'readsBuckets' && f.access.writesBuckets.includes(target)) continue;
        out[f.name]!.push(`${role} on ${kind}:${target}`);
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Every grant to a pizzaflow service account in the rendered stack, as `role on kind:target`. */
function actualRoles(stack: RenderedStack, project: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const principalOf = (member: unknown) => /^(?:serviceAccount:)?pf-([a-z0-9-]+)@/.exec(String(member))?.[1];
  const add = (member: unknown, grant: string) => {
    const p = principalOf(member);
    if (p) (out[p] ??= []).push(grant);
  };
  for (const r of stack.resources) {
    const i = r.inputs;
    switch (r.type) {
      case 'gcp:projects/iAMMember:IAMMember': add(i.member, `${i.role} on project`); break;
      case 'gcp:pubsub/topicIAMMember:TopicIAMMember': add(i.member, `${i.role} on topic:${i.topic}`); break;
      case 'gcp:bigquery/iamMember:IamMember': add(i.member, `${i.role} on table:${i.datasetId}.${i.tableId}`); break;
      case 'gcp:bigquery/datasetAccess:DatasetAccess': if (i.role) add(i.userByEmail, `${i.role} on dataset:${i.datasetId}`); break;
      case 'gcp:storage/bucketIAMMember:BucketIAMMember': add(i.member, `${i.role} on bucket:${String(i.bucket).slice(project.length + 1)}`); break;
      case 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': add(i.member, `${i.role} on service:${i.name}`); break;
      case 'gcp:secretmanager/secretIamMember:SecretIamMember': add(i.member, `${i.role} on secret:${i.secretId}`); break;
      case 'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember': add(i.member, `${i.role} on registry`); break;
      case 'gcp:serviceaccount/iAMMember:IAMMember': add(i.member, `${i.role} on service account`); break;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.sort()]));
}

/** The tables and views the Dataform project (dataform/definitions) builds, as `dataset.table`. */
let outputs: Set<string> | undefined;
const dataformOutputs = () => (outputs ??= new Set((compileProject('dataform').tables ?? []).map((t) => `${t.target.schema}.${t.target.name}`)));

const devConfig = stackConfig('dev');
const prodConfig = stackConfig('prod');
let dev: RenderedStack;
let prod: RenderedStack;
let martsBuilt: RenderedStack;
const catalogOf = (config: Record<string, string>) => loadCatalog({ minInstances: Number(config['pizzaflow:minInstances']) });

beforeAll(async () => {
  dev = await renderStack(devConfig, 'dev');
  prod = await renderStack(prodConfig, 'prod');
  martsBuilt = await renderStack({ ...prodConfig, 'pizzaflow:metricMartsBuilt': 'true' }, 'prod');
}, 180_000);

test.each([['dev'], ['prod']] as const)('%s: each service account has exactly its listed roles', (name) => {
  const stack = name === 'dev' ? dev : prod;
  const config = name === 'dev' ? devConfig : prodConfig;
  expect(actualRoles(stack, config['gcp:project']!)).toEqual(expectedRoles(catalogOf(config)));
});

test('project-level grants are only roles GCP offers no narrower scope for', () => {
  const roles = new Set(prod.ofType('gcp:projects/iAMMember:IAMMember').map((r) => String(r.inputs.role)));
  expect([...roles].sort()).toEqual(['roles/bigquery.jobUser', 'roles/logging.logWriter']);
});

describe('prod differs from dev as configured', () => {
  const protectedTypes = ['gcp:bigquery/table:Table'];
  test('deletion protection', () => {
    for (const type of protectedTypes) {
      for (const r of dev.ofType(type)) expect(r.inputs.deletionProtection).toBe(false);
      for (const r of prod.ofType(type).filter((t) => !t.inputs.view)) expect(r.inputs.deletionProtection).toBe(true);
    }
    for (const b of dev.ofType('gcp:storage/bucket:Bucket')) expect(b.inputs.forceDestroy).toBe(true);
    for (const b of prod.ofType('gcp:storage/bucket:Bucket')) expect(b.inputs.forceDestroy).toBe(false);
  });

  test('minimum instances', () => {
    const min = (stack: RenderedStack, fn: string) => (stack.ofType('gcp:cloudfunctionsv2/function:Function').find((s) => s.inputs.name === fn)!.inputs.serviceConfig as { minInstanceCount: number }).minInstanceCount;
    for (const [stack, config] of [[dev, devConfig], [prod, prodConfig]] as const) {
      for (const f of catalogOf(config).functions) expect(min(stack, f.name)).toBe(f.minInstances);
    }
    expect(min(prod, 'ingest')).toBe(Number(prodConfig['pizzaflow:minInstances']));
    expect(min(dev, 'ingest')).toBe(Number(devConfig['pizzaflow:minInstances']));
  });

  test('CMEK where configured, and the service agents may use the key', () => {
    const key = prodConfig['pizzaflow:kmsKeyName'];
    expect(devConfig['pizzaflow:kmsKeyName']).toBeUndefined();
    for (const b of prod.ofType('gcp:storage/bucket:Bucket')) expect(b.inputs.encryption ?? { defaultKmsKeyName: key }).toEqual({ defaultKmsKeyName: key });
    for (const d of prod.ofType('gcp:bigquery/dataset:Dataset')) expect(d.inputs.defaultEncryptionConfiguration).toEqual({ kmsKeyName: key });
    for (const t of prod.ofType('gcp:pubsub/topic:Topic')) expect(t.inputs.kmsKeyName).toBe(key);
    for (const t of dev.ofType('gcp:pubsub/topic:Topic')) expect(t.inputs.kmsKeyName).toBeUndefined();
    const agents = prod.ofType('gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember').map((r) => String(r.inputs.member)).sort();
    expect(agents).toEqual(
      [`bq-${PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com`, `service-${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`, `service-${PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`]
        .map((e) => `serviceAccount:${e}`)
        .sort(),
    );
    expect(dev.ofType('gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember')).toEqual([]);
  });
});

describe('team access', () => {
  const groups = JSON.parse(prodConfig['pizzaflow:teamGroups']!) as Record<'analytics' | 'logistics' | 'sales', string>;
  const grantsOf = (stack: RenderedStack, group: string) =>
    stack.resources
      .filter((r) => r.inputs.member === `group:${group}` || r.inputs.groupByEmail === group)
      .map((r) => `${r.inputs.role} on ${r.inputs.tableId ? `${r.inputs.datasetId}.${r.inputs.tableId}` : (r.inputs.datasetId ?? 'project')}`)
      .sort();

  test('analytics reads staging and marts only', () => {
    const datasets = loadCatalog().datasets.filter((d) => d.ownedBy === 'dataform').map((d) => `roles/bigquery.dataViewer on ${d.id}`);
    expect(grantsOf(prod, groups.analytics)).toEqual(['roles/bigquery.jobUser on project', ...datasets].sort());
  });

  test('sales edits only raw.ref_products', () => {
    expect(grantsOf(prod, groups.sales)).toEqual(['roles/bigquery.dataEditor on raw.ref_products', 'roles/bigquery.jobUser on project']);
  });

  test('logistics reads orders, deliveries and inventory marts once they exist, each a table the Dataform project builds', () => {
    expect(grantsOf(prod, groups.logistics)).toEqual(['roles/bigquery.jobUser on project']);
    const tables = grantsOf(martsBuilt, groups.logistics).filter((g) => g !== 'roles/bigquery.jobUser on project');
    for (const g of tables) expect(g).toMatch(/^roles\/bigquery\.dataViewer on marts\.(fct|mart)_\w*(order|deliver|inventory)\w*$/);
    const granted = tables.map((g) => g.slice(g.indexOf(' on ') + ' on '.length));
    for (const subject of ['order', 'deliver', 'inventory']) expect({ subject, granted: granted.some((t) => t.includes(subject)) }).toEqual({ subject, granted: true });
    // Granting on a table Dataform never builds fails when deployed (BigQuery answers not found): none may name one.
    expect(granted.filter((t) => !dataformOutputs().has(t))).toEqual([]);
  });
});

describe('merchant access', () => {
  const merchants = JSON.parse(prodConfig['pizzaflow:merchantPrincipals']!) as Record<string, string[]>;

  test('merchant principals read only the authorized views dataset', () => {
    for (const principals of Object.values(merchants)) {
      for (const p of principals) {
        const grants = prod.resources.filter((r) => r.inputs.member === p || r.inputs.groupByEmail === p.replace(/^group:/, '') || r.inputs.userByEmail === p.replace(/^user:/, ''));
        expect(grants.map((g) => `${g.inputs.role} on ${g.inputs.datasetId}`)).toEqual(['roles/bigquery.dataViewer on merchant_access']);
      }
    }
  });

  test('the views dataset is authorized on marts and on the mapping table dataset', () => {
    const authorized = prod.ofType('gcp:bigquery/datasetAccess:DatasetAccess').filter((r) => r.inputs.authorizedDataset);
    expect(authorized.map((r) => r.inputs.datasetId).sort()).toEqual(['marts', 'ops']);
  });

  test('once the marts exist: views filtered on SESSION_USER() and one row policy per merchant per metric mart', () => {
    const views = martsBuilt.ofType('gcp:bigquery/table:Table').filter((t) => t.inputs.view);
    expect(views.length).toBeGreaterThan(0);
    for (const v of views) {
      expect(v.inputs.datasetId).toBe('merchant_access');
      expect((v.inputs.view as { query: string }).query).toMatch(/session_user\(\)/);
    }
    const policies = martsBuilt.ofType('gcp:bigquery/rowAccessPolicy:RowAccessPolicy');
    for (const view of views) {
      const onTable = policies.filter((p) => p.inputs.tableId === view.inputs.tableId);
      for (const [merchant, principals] of Object.entries(merchants)) {
        expect(onTable).toContainEqual(expect.objectContaining({ inputs: expect.objectContaining({ filterPredicate: `merchant_id = "${merchant}"`, grantees: principals }) }));
      }
    }
    expect(prod.ofType('gcp:bigquery/rowAccessPolicy:RowAccessPolicy')).toEqual([]);
  });
});

test('alert policies notify the configured email', () => {
  const channel = prod.ofType('gcp:monitoring/notificationChannel:NotificationChannel');
  expect(channel.map((c) => c.inputs.labels)).toEqual([{ email_address: prodConfig['pizzaflow:alertEmail'] }]);
  const policies = prod.ofType('gcp:monitoring/alertPolicy:AlertPolicy');
  expect(policies.map((p) => p.inputs.displayName).sort()).toEqual(
    ['pizzaflow: dead-letter backlog', 'pizzaflow: function 5xx rate', 'pizzaflow: marts stale', 'pizzaflow: oldest unacked message'].sort(),
  );
  const freshness = policies.find((p) => p.inputs.displayName === 'pizzaflow: marts stale')!;
  expect((freshness.inputs.conditions as { conditionAbsent: { duration: string } }[])[0]!.conditionAbsent.duration).toBe(`${45 * 60}s`);
  for (const p of policies) expect(p.inputs.notificationChannels).toHaveLength(1);
});

test('stack outputs: collector URL, dataset ids and a Looker Studio link to the metric marts', () => {
  expect(prod.outputs.collectorUrl).toBe('https://collector-abcdefghij-uc.a.run.app');
  expect(Object.keys(prod.outputs.datasetIds as object)).toEqual(expect.arrayContaining(loadCatalog().datasets.map((d) => d.id)));
  const url = new URL(String(prod.outputs.lookerStudioReportUrl));
  expect(`${url.origin}${url.pathname}`).toBe('https://lookerstudio.google.com/reporting/create');
  const tables = [...url.searchParams.entries()].filter(([k]) => k.endsWith('.tableId')).map(([, v]) => v);
  expect(tables.sort()).toEqual(['mart_delivery_performance', 'mart_inventory_health', 'mart_merchant_timeseries', 'mart_product_mix_daily', 'mart_promotion_lift', 'mart_store_sales_hourly']);
  for (const [k, v] of url.searchParams.entries()) {
    if (k.endsWith('.connector')) expect(v).toBe('bigQuery');
    if (k.endsWith('.projectId')) expect(v).toBe(prodConfig['gcp:project']);
    if (k.endsWith('.datasetId')) expect(v).toBe('marts');
  }
});
