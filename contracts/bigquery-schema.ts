// BigQuery table schemas derived from the zod contracts, so a table's columns are written once.
// The walk goes through zod's JSON Schema export (a public API): integer -> INT64, date-time ->
// TIMESTAMP, date -> DATE, object -> RECORD, array -> REPEATED, string-keyed map -> JSON.
// Unions (the event types of one stream) merge into one table: a column is REQUIRED only when
// every variant requires it.
import { z } from 'zod';

export type BigQueryType = 'STRING' | 'INT64' | 'NUMERIC' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'DATE' | 'JSON' | 'RECORD';
export type BigQueryMode = 'REQUIRED' | 'NULLABLE' | 'REPEATED';

export interface BigQueryField {
  name: string;
  type: BigQueryType;
  mode: BigQueryMode;
  description?: string;
  fields?: BigQueryField[];
}

export class SchemaDerivationError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SchemaDerivationError';
  }
}

/** A JSON Schema node as zod emits it (only the keys this walk reads). */
interface JsonSchemaNode {
  type?: string | string[];
  format?: string;
  const?: unknown;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  bigqueryType?: BigQueryType;
  pii?: boolean;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw', target: 'draft-2020-12' }) as JsonSchemaNode;
}

/** Columns of a table holding records of `schema`; `extra` schemas (ingest metadata) append columns. */
export function deriveBigQuerySchema(schema: z.ZodType, ...extra: z.ZodType[]): BigQueryField[] {
  const fields = recordFields(jsonSchemaOf(schema), '$');
  for (const more of extra) {
    for (const field of recordFields(jsonSchemaOf(more), '$')) {
      if (fields.some((f) => f.name === field.name)) throw new SchemaDerivationError(field.name, 'column defined twice');
      fields.push(field);
    }
  }
  return fields;
}

function recordFields(node: JsonSchemaNode, path: string): BigQueryField[] {
  const variants = objectVariants(node, path);
  const byName = new Map<string, { field: BigQueryField; requiredIn: number }>();
  for (const variant of variants) {
    const required = new Set(variant.required ?? []);
    for (const [name, child] of Object.entries(variant.properties ?? {})) {
      const field = fieldOf(name, child, required.has(name), `${path}.${name}`);
      const seen = byName.get(name);
      if (!seen) {
        byName.set(name, { field, requiredIn: field.mode === 'REQUIRED' ? 1 : 0 });
        continue;
      }
      byName.set(name, { field: mergeField(seen.field, field, `${path}.${name}`), requiredIn: seen.requiredIn + (field.mode === 'REQUIRED' ? 1 : 0) });
    }
  }
  return [...byName.values()].map(({ field, requiredIn }) =>
    field.mode === 'REQUIRED' && requiredIn < variants.length ? { ...field, mode: 'NULLABLE' as const } : field,
  );
}

function objectVariants(node: JsonSchemaNode, path: string): JsonSchemaNode[] {
  const union = node.oneOf ?? node.anyOf;
  if (union) return union.flatMap((v) => objectVariants(v, path));
  if (node.allOf) {
    const parts = node.allOf.flatMap((v) => objectVariants(v, path));
    return [{ type: 'object', properties: Object.assign({}, ...parts.map((p) => p.properties)), required: parts.flatMap((p) => p.required ?? []) }];
  }
  if (node.type !== 'object' || !node.properties) throw new SchemaDerivationError(path, 'expected an object schema');
  return [node];
}

function fieldOf(name: string, node: JsonSchemaNode, required: boolean, path: string): BigQueryField {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,299}$/.test(name)) throw new SchemaDerivationError(path, 'not a legal BigQuery column name');
  const { inner, nullable } = unwrapNullable(node);
  const description = node.description ?? inner.description;
  const base = { name, ...(description ? { description } : {}) };
  if (inner.type === 'array') {
    if (!inner.items) throw new SchemaDerivationError(path, 'array without items');
    const element = unwrapNullable(inner.items);
    if (element.nullable) throw new SchemaDerivationError(path, 'BigQuery arrays cannot hold NULL elements');
    const item = columnType(element.inner, `${path}[]`);
    return { ...base, mode: 'REPEATED', ...item };
  }
  return { ...base, mode: required && !nullable ? 'REQUIRED' : 'NULLABLE', ...columnType(inner, path) };
}

function columnType(node: JsonSchemaNode, path: string): { type: BigQueryType; fields?: BigQueryField[] } {
  if (node.bigqueryType) return { type: node.bigqueryType };
  if (node.type === 'array') throw new SchemaDerivationError(path, 'BigQuery has no arrays of arrays; wrap the inner array in a record');
  if (node.type === 'object' || node.oneOf || node.anyOf) {
    const isMap = !node.properties && node.additionalProperties !== undefined && node.additionalProperties !== false;
    if (isMap) return { type: 'JSON' };
    return { type: 'RECORD', fields: recordFields(node, path) };
  }
  const t = node.type ?? typeOfConst(node);
  switch (t) {
    case 'string':
      if (node.format === 'date-time') return { type: 'TIMESTAMP' };
      if (node.format === 'date') return { type: 'DATE' };
      return { type: 'STRING' };
    case 'integer':
      return { type: 'INT64' };
    case 'number':
      return { type: integerValues(node) ? 'INT64' : 'FLOAT64' };
    case 'boolean':
      return { type: 'BOOL' };
    default:
      if (Object.keys(node).length === 0) return { type: 'JSON' };
      throw new SchemaDerivationError(path, `no BigQuery type for JSON Schema ${JSON.stringify(node).slice(0, 120)}`);
  }
}

/** A number restricted to integer values (a const or an enum of them, as `z.literal([1, 2])` emits) is INT64. */
function integerValues(node: JsonSchemaNode): boolean {
  const values = node.const !== undefined ? [node.const] : (node.enum ?? []);
  return values.length > 0 && values.every((v) => Number.isInteger(v));
}

function typeOfConst(node: JsonSchemaNode): string | undefined {
  const sample = node.const ?? node.enum?.[0];
  return sample === undefined ? undefined : typeof sample;
}

function unwrapNullable(node: JsonSchemaNode): { inner: JsonSchemaNode; nullable: boolean } {
  const union = node.anyOf ?? node.oneOf;
  if (!union) return { inner: node, nullable: false };
  const nonNull = union.filter((v) => v.type !== 'null');
  if (nonNull.length === union.length) return { inner: node, nullable: false };
  const inner = nonNull.length === 1 ? nonNull[0]! : { ...node, anyOf: nonNull, oneOf: undefined };
  return { inner: node.description && !inner.description ? { ...inner, description: node.description } : inner, nullable: true };
}

function mergeField(a: BigQueryField, b: BigQueryField, path: string): BigQueryField {
  if (a.type !== b.type || (a.mode === 'REPEATED') !== (b.mode === 'REPEATED')) {
    throw new SchemaDerivationError(path, `variants disagree: ${a.mode} ${a.type} vs ${b.mode} ${b.type}`);
  }
  const mode: BigQueryMode = a.mode === 'REPEATED' ? 'REPEATED' : a.mode === 'REQUIRED' && b.mode === 'REQUIRED' ? 'REQUIRED' : 'NULLABLE';
  const fields = a.fields && b.fields ? mergeRecords(a.fields, b.fields, path) : a.fields;
  return { ...a, mode, ...(fields ? { fields } : {}) };
}

function mergeRecords(a: BigQueryField[], b: BigQueryField[], path: string): BigQueryField[] {
  const out = a.map((f) => {
    const other = b.find((g) => g.name === f.name);
    return other ? mergeField(f, other, `${path}.${f.name}`) : { ...f, mode: f.mode === 'REQUIRED' ? ('NULLABLE' as const) : f.mode };
  });
  for (const g of b) if (!a.some((f) => f.name === g.name)) out.push({ ...g, mode: g.mode === 'REQUIRED' ? 'NULLABLE' : g.mode });
  return out;
}

/** Paths of fields marked PII in the contract, as dotted paths with `[]` for arrays. */
export function piiPaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const walk = (node: JsonSchemaNode, path: string): void => {
    if (node.pii) out.push(path);
    for (const v of [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])]) walk(v, path);
    for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${name}` : name);
    if (node.items) walk(node.items, `${path}[]`);
  };
  walk(jsonSchemaOf(schema), '');
  return [...new Set(out)].sort();
}

/** Finds a top-level or nested column by dotted path. */
export function findField(fields: readonly BigQueryField[], dottedPath: string): BigQueryField | undefined {
  const [head, ...rest] = dottedPath.split('.');
  const field = fields.find((f) => f.name === head);
  if (!field || rest.length === 0) return field;
  return field.fields ? findField(field.fields, rest.join('.')) : undefined;
}
