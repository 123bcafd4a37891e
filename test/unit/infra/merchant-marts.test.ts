// Merchant row policies and authorized views filter on merchant_id: they are made only for marts the
// Dataform project builds with that column, and the services that read the marts whole keep reading
// every row once the policies exist.
import { MERCHANT_MARTS, METRIC_MARTS } from '../../../infra/builders/marts';
import { compileProject } from '../../../tools/dataform';
import { renderStack, stackConfig } from './mock-stack';

test('every merchant mart is a Dataform mart whose query selects merchant_id; the other metric marts do not have it', () => {
  const tables = compileProject('dataform').tables ?? [];
  const query = (name: string) => tables.find((t) => t.target.schema === 'marts' && t.target.name === name)?.query ?? '';
  for (const mart of MERCHANT_MARTS) expect([mart, /\bmerchant_id\b/.test(query(mart))]).toEqual([mart, true]);
  for (const mart of METRIC_MARTS.filter((m) => !(MERCHANT_MARTS as readonly string[]).includes(m))) expect([mart, query(mart) !== '' && !/\bmerchant_id\b/.test(query(mart))]).toEqual([mart, true]);
});

test('once the marts exist, row policies cover only merchant marts and let the metrics API read every row', async () => {
  const built = await renderStack({ ...stackConfig('prod'), 'pizzaflow:metricMartsBuilt': 'true' }, 'prod');
  const policies = built.ofType('gcp:bigquery/rowAccessPolicy:RowAccessPolicy');
  expect([...new Set(policies.map((p) => String(p.inputs.tableId)))].sort()).toEqual([...MERCHANT_MARTS].sort());
  for (const p of policies.filter((x) => x.inputs.policyId === 'internal_readers')) {
    expect(p.inputs.grantees).toEqual(expect.arrayContaining(['serviceAccount:pf-metrics-api@pizzaflow-prod.iam.gserviceaccount.com', 'serviceAccount:pf-dataform@pizzaflow-prod.iam.gserviceaccount.com']));
  }
}, 180_000);
