// Compares a table's released columns and layout with its current ones: a removed column (rule 1),
// any column type change or a change to or from REPEATED (rule 2: the Pulumi provider replaces a
// table whose column changes type, and BigQuery converts no data in place for us), a REQUIRED
// column added or a NULLABLE one made REQUIRED (rule 4), and partitioning or clustering changes
// (rule 5). New NULLABLE or REPEATED columns, REQUIRED → NULLABLE and descriptions pass.
import type { BigQueryField } from '../bigquery-schema';
import { finding, type Finding } from './findings';
import type { PartitioningSnapshot, TableSnapshot } from './snapshot';

export function compareTables(subject: string, released: TableSnapshot, current: TableSnapshot): Finding[] {
  const out: Finding[] = [];
  compareColumns(subject, released.fields, current.fields, '$', out);
  out.push(...comparePartitioning(subject, released.partitioning, current.partitioning));
  out.push(...compareClustering(subject, released.clustering, current.clustering));
  return out;
}

/** Rules 1, 2 and 4 over one level of columns, recursing into RECORDs both versions have. */
export function compareColumns(subject: string, before: readonly BigQueryField[], after: readonly BigQueryField[], path: string, out: Finding[]): void {
  const added = after.filter((a) => !before.some((b) => b.name === a.name));
  for (const old of before) {
    const columnPath = `${path}.${old.name}`;
    const now = after.find((a) => a.name === old.name);
    if (!now) {
      const twins = added.filter((a) => a.type === old.type && (a.mode === 'REPEATED') === (old.mode === 'REPEATED'));
      const renamed = twins.length > 0 ? `; renamed? ${twins.map((t) => `"${t.name}"`).join(', ')} appeared with the same type (${old.type})` : '';
      out.push(finding(subject, columnPath, 'removed-field', `column "${old.name}" (${old.mode} ${old.type}) was removed${renamed}`, `keep column "${old.name}" (NULLABLE, described as deprecated) beside ${twins.length > 0 ? `"${twins[0]!.name}"` : 'its replacement'}; drop it only with a new table`));
      continue;
    }
    if (now.type !== old.type) {
      out.push(finding(subject, columnPath, 'narrowed-type', `column "${old.name}" changed type ${old.type} → ${now.type}`, `keep "${old.name}" as ${old.type} and add a new NULLABLE ${now.type} column beside it (for example "${old.name}_${now.type.toLowerCase()}")`));
      continue;
    }
    if ((old.mode === 'REPEATED') !== (now.mode === 'REPEATED')) {
      out.push(finding(subject, columnPath, 'narrowed-type', `column "${old.name}" changed mode ${old.mode} → ${now.mode}`, `keep "${old.name}" ${old.mode} and add a new column for the ${now.mode} form`));
      continue;
    }
    if (old.mode === 'NULLABLE' && now.mode === 'REQUIRED') {
      out.push(finding(subject, columnPath, 'required-column', `column "${old.name}" changed NULLABLE → REQUIRED`, `keep "${old.name}" NULLABLE: leave the contract field optional or nullable in at least one event type`));
    }
    if (old.type === 'RECORD') compareColumns(subject, old.fields ?? [], now.fields ?? [], columnPath, out);
  }
  for (const column of added) {
    if (column.mode === 'REQUIRED') {
      out.push(finding(subject, `${path}.${column.name}`, 'required-column', `new column "${column.name}" is REQUIRED in an existing table`, `add "${column.name}" as NULLABLE: make the contract field optional (\`.optional()\`) or nullable`));
    }
  }
}

/** Rule 5, partitioning: added, removed, another type or column, a required filter turned on, a shorter expiration. */
export function comparePartitioning(subject: string, before: PartitioningSnapshot | undefined, after: PartitioningSnapshot | undefined): Finding[] {
  const text = (p: PartitioningSnapshot | undefined): string => (p ? `${p.type} on ${p.field}` : 'none');
  const changed = (message: string): Finding[] => [finding(subject, '$', 'partitioning-changed', message)];
  if (!before && !after) return [];
  if (!before || !after || before.type !== after.type || before.field !== after.field) return changed(`partitioning ${text(before)} → ${text(after)}`);
  if (!before.requirePartitionFilter && after.requirePartitionFilter) {
    return changed('partition filter became required (queries without one would fail)').map((f) => ({ ...f, fix: 'leave requirePartitionFilter off on this table; require it on a new table' }));
  }
  if (after.expirationDays !== undefined && (before.expirationDays === undefined || after.expirationDays < before.expirationDays)) {
    return changed(`partition expiration ${before.expirationDays === undefined ? 'added' : `shortened ${before.expirationDays} →`} ${after.expirationDays} days (older partitions would be deleted)`).map((f) => ({
      ...f,
      fix: `keep the expiration at ${before.expirationDays ?? 'none'} days; shorten it per stack (catalog settings) only once the data may go`,
    }));
  }
  return [];
}

/** Rule 5, clustering: any change of the columns or their order. */
export function compareClustering(subject: string, before: readonly string[], after: readonly string[]): Finding[] {
  if (before.length === after.length && before.every((c, i) => c === after[i])) return [];
  const text = (c: readonly string[]): string => (c.length ? c.join(', ') : '(none)');
  return [finding(subject, '$', 'clustering-changed', `clustering ${text(before)} → ${text(after)}`)];
}
