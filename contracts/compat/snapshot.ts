// The released form of every contract and catalog table: what `contracts/released/` holds, one
// file per subject. A contract's snapshot is the JSON Schema zod produces for its shape (the same
// one the hot-path validator compiles); a table's is its derived columns plus its partitioning and
// clustering. Rendering sorts object keys (arrays keep their order), so a diff shows only changes.
import { z } from 'zod';
import { jsonSchemaOf, type BigQueryField } from '../bigquery-schema';
import type { PlatformCatalog, TableDecl } from '../catalog/types';
import { RECORD_KINDS } from '../registry';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ContractSnapshot {
  kind: 'contract';
  /** The record kind's name in the registry (`online-order`, `pos-line`, …). */
  name: string;
  description: string;
  jsonSchema: JsonObject;
}

export interface PartitioningSnapshot {
  type: string;
  field: string;
  expirationDays?: number;
  requirePartitionFilter: boolean;
}

export interface TableSnapshot {
  kind: 'table';
  /** `<dataset>.<table>` */
  name: string;
  description: string;
  fields: BigQueryField[];
  /** Absent: not partitioned. */
  partitioning?: PartitioningSnapshot;
  clustering: string[];
}

export type Snapshot = ContractSnapshot | TableSnapshot;

/** The released file's stem, also the subject findings name: `contract.<name>` or `table.<dataset>.<table>`. */
export function subjectOf(snapshot: Snapshot): string {
  return `${snapshot.kind}.${snapshot.name}`;
}

export function contractSnapshot(name: string, description: string, shape: z.ZodType): ContractSnapshot {
  return { kind: 'contract', name, description, jsonSchema: toJson(jsonSchemaOf(shape)) as JsonObject };
}

export function tableSnapshot(table: TableDecl): TableSnapshot {
  const p = table.partitioning;
  return {
    kind: 'table',
    name: `${table.dataset}.${table.name}`,
    description: table.description,
    fields: table.schema,
    // The rationale is prose for reviewers, not layout.
    ...(p ? { partitioning: { type: p.type, field: p.field, ...(p.expirationDays !== undefined ? { expirationDays: p.expirationDays } : {}), requirePartitionFilter: p.requirePartitionFilter } } : {}),
    clustering: [...table.clustering],
  };
}

/** Every registered record kind and every table the catalog declares (with its default settings), sorted by subject. */
export function currentSnapshots(catalog: PlatformCatalog): Snapshot[] {
  const contracts = Object.entries(RECORD_KINDS).map(([name, kind]) => contractSnapshot(name, kind.description, kind.shape));
  const tables = catalog.tables.map(tableSnapshot);
  return [...contracts, ...tables].sort((a, b) => subjectOf(a).localeCompare(subjectOf(b)));
}

/** Pretty-printed JSON with object keys sorted at every depth and a final newline. */
export function renderSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(sortKeys(toJson(snapshot)), null, 2) + '\n';
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}

function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

const jsonValue: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]));
const jsonObject = z.record(z.string(), jsonValue);

const bigQueryField: z.ZodType<BigQueryField> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.enum(['STRING', 'INT64', 'NUMERIC', 'FLOAT64', 'BOOL', 'TIMESTAMP', 'DATE', 'JSON', 'RECORD']),
    mode: z.enum(['REQUIRED', 'NULLABLE', 'REPEATED']),
    description: z.string().optional(),
    fields: z.array(bigQueryField).optional(),
  }),
);

const snapshotFile = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('contract'), name: z.string().min(1), description: z.string(), jsonSchema: jsonObject }),
  z.object({
    kind: z.literal('table'),
    name: z.string().min(1),
    description: z.string(),
    fields: z.array(bigQueryField),
    partitioning: z.object({ type: z.string(), field: z.string(), expirationDays: z.number().optional(), requirePartitionFilter: z.boolean() }).optional(),
    clustering: z.array(z.string()),
  }),
]);

export class SnapshotFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'SnapshotFileError';
  }
}

/** Parses one released file; `file` names it in errors. */
export function parseSnapshot(text: string, file: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SnapshotFileError(file, `not JSON (${(err as Error).message})`);
  }
  const parsed = snapshotFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SnapshotFileError(file, `not a released contract or table: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data as Snapshot;
}
