// The REST resources the emulator stores (the subset of BigQuery's fields it understands).
import { type FieldSchema } from './schema';

export interface DatasetReference {
  projectId: string;
  datasetId: string;
}

export interface TableReference extends DatasetReference {
  tableId: string;
}

export interface DatasetResource {
  kind: 'bigquery#dataset';
  id: string;
  etag: string;
  selfLink?: string;
  datasetReference: DatasetReference;
  creationTime: string;
  lastModifiedTime: string;
  location: string;
  description?: string;
  friendlyName?: string;
  labels?: Record<string, string>;
  defaultTableExpirationMs?: string;
  defaultPartitionExpirationMs?: string;
  access?: unknown[];
  type?: string;
}

export interface TimePartitioning {
  type: 'DAY' | 'HOUR' | 'MONTH' | 'YEAR';
  field?: string;
  expirationMs?: string;
  requirePartitionFilter?: boolean;
}

export interface TableResource {
  kind: 'bigquery#table';
  id: string;
  etag: string;
  tableReference: TableReference;
  type: 'TABLE' | 'VIEW';
  schema?: { fields: FieldSchema[] };
  timePartitioning?: TimePartitioning;
  requirePartitionFilter?: boolean;
  clustering?: { fields: string[] };
  expirationTime?: string;
  description?: string;
  friendlyName?: string;
  labels?: Record<string, string>;
  view?: { query: string; useLegacySql: boolean };
  creationTime: string;
  lastModifiedTime: string;
  location: string;
  numRows?: string;
  numBytes?: string;
}

export const LOCATION = 'US';

export function etag(): string {
  return Buffer.from(String(Date.now() + Math.random())).toString('base64').slice(0, 22);
}

export function tableId(ref: TableReference): string {
  return `${ref.projectId}:${ref.datasetId}.${ref.tableId}`;
}

/** The partition column of a partitioned table: its field, or _PARTITIONTIME for ingestion time. */
export function partitionColumn(t: TableResource): string | undefined {
  if (!t.timePartitioning) return undefined;
  return t.timePartitioning.field ?? '_PARTITIONTIME';
}

export function requiresPartitionFilter(t: TableResource): boolean {
  return Boolean(t.requirePartitionFilter ?? t.timePartitioning?.requirePartitionFilter);
}
