// BigQuery shapes the provider takes, built from catalog declarations: schema JSON, partitioning,
// and the merchant access layer (mapping table, authorized view SQL, row access policies).
import type { BigQueryField } from '../../contracts/bigquery-schema';
import type { TableDecl } from '../../contracts/catalog';

const DAY_MS = 24 * 3600 * 1000;

/** The schema as the provider's `schema` input wants it: BigQuery's REST JSON, as a string. */
export function tableSchemaJson(fields: BigQueryField[]): string {
  return JSON.stringify(fields);
}

export interface TimePartitioningInput {
  type: 'HOUR' | 'DAY' | 'MONTH';
  field: string;
  expirationMs?: number;
}

/** `timePartitioning` of a table; requirePartitionFilter is a table-level input in provider v9. */
export function timePartitioningOf(table: TableDecl): TimePartitioningInput | undefined {
  const p = table.partitioning;
  if (!p) return undefined;
  return { type: p.type, field: p.field, ...(p.expirationDays !== undefined ? { expirationMs: p.expirationDays * DAY_MS } : {}) };
}

/** Schema of the merchant → principal mapping the authorized views filter on. */
export const MERCHANT_PRINCIPALS_SCHEMA: BigQueryField[] = [
  { name: 'merchant_id', type: 'STRING', mode: 'REQUIRED', description: 'Merchant whose rows the principal may read' },
  { name: 'principal', type: 'STRING', mode: 'REQUIRED', description: 'Email the principal authenticates as (SESSION_USER())' },
  { name: 'granted_at', type: 'TIMESTAMP', mode: 'NULLABLE', description: 'When the mapping was added' },
];

/**
 * An authorized view exposing only the caller's merchants: the mapping table joins on SESSION_USER(),
 * so one view serves millions of merchants without one IAM binding or row policy each.
 */
export function merchantViewSql(project: string, source: { dataset: string; table: string }, mapping: { dataset: string; table: string }): string {
  return [
    'select m.*',
    `from \`${project}.${source.dataset}.${source.table}\` as m`,
    'where m.merchant_id in (',
    '  select merchant_id',
    `  from \`${project}.${mapping.dataset}.${mapping.table}\``,
    '  where principal = session_user()',
    ')',
  ].join('\n');
}

/** Row access policy id for a merchant (letters, digits, underscore only). */
export function merchantPolicyId(merchantId: string): string {
  return `merchant_${merchantId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Filter of a merchant's row access policy: a literal, since policies cannot reference other tables. */
export function merchantFilter(merchantId: string): string {
  return `merchant_id = ${JSON.stringify(merchantId)}`;
}

/** Id of the policy letting internal readers (teams, Dataform) see every row once merchant policies exist. */
export const INTERNAL_READERS_POLICY = 'internal_readers';
