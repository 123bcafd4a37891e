// The pure builders: names, BigQuery shapes, lifecycle rules, the grant plan, Dataform schedules,
// alert filters and the Looker Studio link.
import { loadCatalog } from '../../../contracts/catalog';
import { cloudRunRequestFilter, subscriptionMetricFilter } from '../../../infra/builders/alerts';
import { releaseCompilation, workflowPlans } from '../../../infra/builders/dataform';
import { describeGrant, grantPlan, PRIMITIVE_ROLES, PROJECT_LEVEL_ROLES, principals } from '../../../infra/builders/iam';
import { lifecycleRules } from '../../../infra/builders/lifecycle';
import { lookerAlias, lookerStudioReportUrl } from '../../../infra/builders/looker';
import { serviceAccountId } from '../../../infra/builders/names';
import { teamGrants } from '../../../infra/builders/teams';
import { merchantFilter, merchantPolicyId, merchantViewSql, tableSchemaJson, timePartitioningOf } from '../../../infra/builders/warehouse';

const catalog = loadCatalog();

describe('names', () => {
  test('service account ids are 6-30 characters of lowercase, digits and hyphens', () => {
    for (const p of [...principals(catalog), 'x', 'a-very-long-principal-name-that-goes-on']) expect(serviceAccountId(p)).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
  });
});

describe('warehouse shapes', () => {
  test('schema JSON round-trips to the catalog schema', () => {
    for (const t of catalog.tables) expect(JSON.parse(tableSchemaJson(t.schema))).toEqual(t.schema);
  });
  test('partition expiration in milliseconds, absent when the catalog keeps partitions forever', () => {
    const raw = catalog.tables.find((t) => t.name === 'online_order_events')!;
    expect(timePartitioningOf(raw)).toEqual({ type: 'DAY', field: 'ingested_at', expirationMs: raw.partitioning!.expirationDays! * 86_400_000 });
    expect(timePartitioningOf(catalog.tables.find((t) => t.name === 'load_manifest')!)).toEqual({ type: 'DAY', field: 'recorded_at' });
    expect(timePartitioningOf(catalog.tables.find((t) => t.name === 'ref_products')!)).toBeUndefined();
  });
  test('merchant policies: legal ids, quoted literals; views filter on SESSION_USER()', () => {
    expect(merchantPolicyId('m-01.x')).toBe('merchant_m_01_x');
    expect(merchantFilter('m"1')).toBe('merchant_id = "m\\"1"');
    const sql = merchantViewSql('p', { dataset: 'marts', table: 'mart_x' }, { dataset: 'ops', table: 'merchant_principals' });
    expect(sql).toContain('from `p.marts.mart_x` as m');
    expect(sql).toContain('from `p.ops.merchant_principals`');
    expect(sql).toContain('where principal = session_user()');
  });
});

test('lifecycle rules in the provider shape; deletes reach noncurrent versions', () => {
  expect(lifecycleRules([{ action: 'SetStorageClass', storageClass: 'COLDLINE', ageDays: 30 }, { action: 'Delete', ageDays: 90 }, { action: 'AbortIncompleteMultipartUpload', ageDays: 1 }])).toEqual([
    { action: { type: 'SetStorageClass', storageClass: 'COLDLINE' }, condition: { age: 30 } },
    { action: { type: 'Delete' }, condition: { age: 90, withState: 'ANY' } },
    { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 1 } },
  ]);
});

describe('grant plan', () => {
  const plan = grantPlan(catalog);
  test('no primitive roles; project-level roles only from the allowed list', () => {
    for (const g of plan) expect(PRIMITIVE_ROLES).not.toContain(g.role);
    for (const g of plan.filter((g) => g.scope.kind === 'project')) expect(Object.keys(PROJECT_LEVEL_ROLES)).toContain(g.role);
  });
  test('every principal with a grant has a service account', () => {
    const all = new Set(principals(catalog));
    for (const g of plan) expect(all.has(g.principal)).toBe(true);
  });
  test('the Storage Write path runs no jobs; the loader does', () => {
    const lines = plan.map(describeGrant);
    expect(lines).not.toContain('ingest: roles/bigquery.jobUser on project');
    expect(lines).toContain('pos-loader: roles/bigquery.jobUser on project');
    expect(lines).toContain('collector: roles/pubsub.publisher on topic online-orders');
  });
  test('team grants: analytics on dataform datasets, sales on one table, everyone may run jobs', () => {
    const grants = teamGrants(catalog, { analytics: 'a@x.io', logistics: 'l@x.io', sales: 's@x.io' });
    expect(grants.filter((g) => g.team === 'sales').map((g) => g.scope)).toEqual([{ kind: 'project' }, { kind: 'table', dataset: 'raw', table: 'ref_products' }]);
    expect(grants.filter((g) => g.team === 'analytics' && g.scope.kind === 'dataset').map((g) => [g.role, g.scope.kind === 'dataset' ? g.scope.dataset : ''])).toEqual([
      ['roles/bigquery.dataViewer', 'staging'],
      ['roles/bigquery.dataViewer', 'marts'],
      ['roles/bigquery.dataViewer', 'dataform_assertions'],
    ]);
    expect(grants.filter((g) => g.needsMarts).every((g) => g.team === 'logistics')).toBe(true);
  });
});

test('Dataform: incremental on the catalog cron, full refresh on demand, compilation before each run', () => {
  const incremental = catalog.schedules.find((s) => s.name === 'dataform-incremental')!;
  expect(workflowPlans(catalog)).toEqual([
    { mode: 'incremental', cron: incremental.cron, timeZone: incremental.timeZone, fullRefresh: false },
    { mode: 'full-refresh', fullRefresh: true },
  ]);
  // Hourly (Dataform's minimum compilation interval), three minutes before the hour's first incremental run.
  expect(releaseCompilation(catalog)).toEqual({ cron: '2 * * * *', timeZone: incremental.timeZone });
});

test('alert filters name the metric and the watched resources', () => {
  expect(subscriptionMetricFilter('oldest_unacked_message_age', ['a', 'b'])).toBe(
    'resource.type = "pubsub_subscription" AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.label.subscription_id = one_of("a", "b")',
  );
  expect(cloudRunRequestFilter(['ingest'], '5xx')).toContain('metric.label.response_code_class = "5xx"');
});

test('Looker Studio Linking API URL: one BigQuery table data source per mart', () => {
  const url = new URL(lookerStudioReportUrl({ project: 'p', dataset: 'marts', tables: ['mart_a', 'mart_b'], reportName: 'r', templateReportId: 'abc-123' }));
  expect(url.searchParams.get('c.reportId')).toBe('abc-123');
  expect(url.searchParams.get(`ds.${lookerAlias('mart_a')}.connector`)).toBe('bigQuery');
  expect(url.searchParams.get(`ds.${lookerAlias('mart_b')}.type`)).toBe('TABLE');
  expect(url.searchParams.get(`ds.${lookerAlias('mart_b')}.tableId`)).toBe('mart_b');
  expect(new URL(lookerStudioReportUrl({ project: 'p', dataset: 'marts', tables: [], reportName: 'r' })).searchParams.has('c.reportId')).toBe(false);
});
