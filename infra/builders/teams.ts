// Team access from the configured groups: analytics reads staging and marts, logistics reads the
// orders, deliveries and inventory marts, sales edits only the product reference table.
import { DATASETS, type PlatformCatalog } from '../../contracts/catalog';
import { LOGISTICS_MARTS } from './marts';

export interface TeamGrant {
  team: 'analytics' | 'logistics' | 'sales';
  member: string;
  role: string;
  scope: { kind: 'project' } | { kind: 'dataset'; dataset: string } | { kind: 'table'; dataset: string; table: string };
  /** The table is a Dataform mart: the grant can only be made once Dataform has built it. */
  needsMarts: boolean;
}

export const SALES_EDITABLE_TABLE = { dataset: DATASETS.raw, table: 'ref_products' } as const;

export function teamGrants(catalog: PlatformCatalog, groups: { analytics: string; logistics: string; sales: string }): TeamGrant[] {
  const member = (email: string) => `group:${email}`;
  const grants: TeamGrant[] = [];
  for (const team of ['analytics', 'logistics', 'sales'] as const) {
    // Reading a dataset is not enough to query it: jobs are created in the project.
    grants.push({ team, member: member(groups[team]), role: 'roles/bigquery.jobUser', scope: { kind: 'project' }, needsMarts: false });
  }
  for (const d of catalog.datasets.filter((d) => d.ownedBy === 'dataform')) {
    grants.push({ team: 'analytics', member: member(groups.analytics), role: 'roles/bigquery.dataViewer', scope: { kind: 'dataset', dataset: d.id }, needsMarts: false });
  }
  for (const table of LOGISTICS_MARTS) {
    grants.push({ team: 'logistics', member: member(groups.logistics), role: 'roles/bigquery.dataViewer', scope: { kind: 'table', dataset: DATASETS.marts, table }, needsMarts: true });
  }
  if (!catalog.tables.some((t) => t.dataset === SALES_EDITABLE_TABLE.dataset && t.name === SALES_EDITABLE_TABLE.table)) {
    throw new Error(`the catalog no longer declares ${SALES_EDITABLE_TABLE.dataset}.${SALES_EDITABLE_TABLE.table}, the table sales edits`);
  }
  grants.push({ team: 'sales', member: member(groups.sales), role: 'roles/bigquery.dataEditor', scope: { kind: 'table', ...SALES_EDITABLE_TABLE }, needsMarts: false });
  return grants;
}
