// The statements Dataform's BigQuery adapter would send for each action: the compiled graph has
// only queries, never CREATE, INSERT or MERGE text.
import type { CompiledTable, Target } from './types';

export function quoteTarget(t: Target, project: string): string {
  return `\`${t.database ?? project}.${t.schema}.${t.name}\``;
}

function stringLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, ' ')}'`;
}

/** Pre-operations, the statement and post-operations as one script (DECLAREs must come first). */
export function script(statements: readonly (string | undefined)[]): string {
  return statements
    .map((s) => (s ?? '').trim().replace(/;\s*$/, ''))
    .filter((s) => s.length > 0)
    .join(';\n');
}

function tableOptions(table: CompiledTable): string {
  const bq = table.bigquery ?? {};
  const clauses: string[] = [];
  if (bq.partitionBy) clauses.push(`partition by ${bq.partitionBy}`);
  if (bq.clusterBy?.length) clauses.push(`cluster by ${bq.clusterBy.join(', ')}`);
  const options: string[] = [];
  const description = table.actionDescriptor?.description;
  if (description) options.push(`description = ${stringLiteral(description)}`);
  if (bq.partitionExpirationDays) options.push(`partition_expiration_days = ${bq.partitionExpirationDays}`);
  if (bq.requirePartitionFilter) options.push('require_partition_filter = true');
  if (options.length) clauses.push(`options(${options.join(', ')})`);
  return clauses.join('\n');
}

/** A full build: CREATE OR REPLACE TABLE … PARTITION BY … CLUSTER BY … AS (or a view). */
export function createStatement(table: CompiledTable, project: string): string {
  const name = quoteTarget(table.target, project);
  if (table.type === 'view') return `create or replace view ${name} as\n${table.query ?? ''}`;
  const options = tableOptions(table);
  return `create or replace table ${name}${options ? `\n${options}` : ''}\nas\n${table.query ?? ''}`;
}

/** An incremental build into an existing table: MERGE on the unique key, else INSERT. */
export function incrementalStatement(table: CompiledTable, project: string, columns: readonly string[]): string {
  const name = quoteTarget(table.target, project);
  const query = table.incrementalQuery ?? table.query ?? '';
  const cols = columns.map((c) => `\`${c}\``).join(', ');
  const key = table.uniqueKey ?? [];
  if (key.length === 0) return `insert into ${name} (${cols})\nselect ${cols} from (\n${query}\n)`;
  const on = key.map((k) => `T.\`${k}\` = S.\`${k}\``);
  const filter = table.bigquery?.updatePartitionFilter;
  if (filter) on.push(`T.${filter}`);
  const updates = columns.map((c) => `T.\`${c}\` = S.\`${c}\``).join(', ');
  return [
    `merge ${name} T`,
    `using (\n${query}\n) S`,
    `on ${on.join(' and ')}`,
    `when matched then update set ${updates}`,
    `when not matched then insert (${cols}) values (${columns.map((c) => `S.\`${c}\``).join(', ')})`,
  ].join('\n');
}

/** An assertion fails when its query returns rows. */
export function assertionStatement(query: string): string {
  return `select * from (\n${query}\n) as assertion_rows`;
}
