// BigQuery table schemas <-> DuckDB column types. TIMESTAMP is an instant (TIMESTAMPTZ, session
// time zone UTC), DATETIME a civil time (TIMESTAMP), NUMERIC DECIMAL(38,9), BIGNUMERIC DECIMAL(38,18).
import { type DuckDBType, DuckDBTypeId, type DuckDBDecimalType, DuckDBListType, DuckDBStructType, DuckDBArrayType } from '@duckdb/node-api';
import { invalid, unimplemented } from './errors';

export interface FieldSchema {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: FieldSchema[];
  description?: string;
}

export interface TableSchema {
  fields: FieldSchema[];
}

const CANONICAL: Record<string, string> = {
  INT64: 'INTEGER',
  INTEGER: 'INTEGER',
  FLOAT64: 'FLOAT',
  FLOAT: 'FLOAT',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  BYTES: 'BYTES',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  JSON: 'JSON',
  RECORD: 'RECORD',
  STRUCT: 'RECORD',
  INTERVAL: 'INTERVAL',
  GEOGRAPHY: 'GEOGRAPHY',
};

/** The legacy type name BigQuery reports in schemas (INTEGER, FLOAT, BOOLEAN, RECORD, ...). */
export function canonicalType(type: string): string {
  const c = CANONICAL[type.toUpperCase()];
  if (!c) throw invalid(`Invalid field type ${type}`);
  return c;
}

const DUCK_SCALAR: Record<string, string> = {
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  DATE: 'DATE',
  DATETIME: 'TIMESTAMP',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMPTZ',
  NUMERIC: 'DECIMAL(38, 9)',
  BIGNUMERIC: 'DECIMAL(38, 18)',
  JSON: 'JSON',
  INTERVAL: 'INTERVAL',
};

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;

export function normalizeFields(fields: FieldSchema[] | undefined, path = ''): FieldSchema[] {
  const seen = new Set<string>();
  return (fields ?? []).map((f) => {
    if (!f || typeof f.name !== 'string' || !NAME.test(f.name)) throw invalid(`Invalid field name "${f?.name}"`, `${path}${f?.name ?? ''}`);
    const key = f.name.toLowerCase();
    if (seen.has(key)) throw invalid(`Duplicate field name ${f.name}`, `${path}${f.name}`);
    seen.add(key);
    const type = canonicalType(String(f.type ?? 'STRING'));
    if (type === 'GEOGRAPHY') throw unimplemented('GEOGRAPHY columns');
    const mode = (f.mode ? String(f.mode).toUpperCase() : 'NULLABLE') as FieldSchema['mode'];
    if (!['NULLABLE', 'REQUIRED', 'REPEATED'].includes(mode as string)) throw invalid(`Invalid field mode ${f.mode}`);
    const out: FieldSchema = { name: f.name, type, mode };
    if (f.description !== undefined) out.description = f.description;
    if (type === 'RECORD') {
      if (!f.fields?.length) throw invalid(`Field ${f.name} is type RECORD but has no schema`, `${path}${f.name}`);
      out.fields = normalizeFields(f.fields, `${path}${f.name}.`);
    }
    return out;
  });
}

export function duckType(f: FieldSchema): string {
  const base = f.type === 'RECORD' ? `STRUCT(${(f.fields ?? []).map((c) => `${quoteIdent(c.name)} ${duckType(c)}`).join(', ')})` : DUCK_SCALAR[f.type];
  if (!base) throw unimplemented(`Field type ${f.type}`);
  return f.mode === 'REPEATED' ? `${base}[]` : base;
}

export function columnDefinitions(fields: FieldSchema[]): string {
  return fields.map((f) => `${quoteIdent(f.name)} ${duckType(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`).join(', ');
}

/** BigQuery field for a DuckDB column type (query results, tables created by SQL). */
export function fieldFromDuck(name: string, t: DuckDBType, notNull = false): FieldSchema {
  const mode: FieldSchema['mode'] = notNull ? 'REQUIRED' : 'NULLABLE';
  if (t instanceof DuckDBListType || t instanceof DuckDBArrayType) {
    const inner = fieldFromDuck(name, t.valueType);
    return { ...inner, mode: 'REPEATED' };
  }
  if (t instanceof DuckDBStructType) {
    const fields = t.entryNames.map((n, i) => fieldFromDuck(n, t.entryTypes[i]));
    return { name, type: 'RECORD', mode, fields };
  }
  return { name, type: scalarFromDuck(t), mode };
}

export function scalarFromDuck(t: DuckDBType): string {
  switch (t.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.DECIMAL: {
      const d = t as DuckDBDecimalType;
      return d.scale <= 9 && d.width - d.scale <= 29 ? 'NUMERIC' : 'BIGNUMERIC';
    }
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'DATETIME';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
      return 'TIME';
    case DuckDBTypeId.BLOB:
      return 'BYTES';
    case DuckDBTypeId.INTERVAL:
      return 'INTERVAL';
    case DuckDBTypeId.SQLNULL:
      return 'INTEGER';
    default:
      return t.alias === 'JSON' ? 'JSON' : 'STRING';
  }
}
