// Typed BigQuery values (query parameters, script variables) rendered as GoogleSQL literals, which
// are then translated with the rest of the statement.
import { quoteString } from './tokens';

export interface BqParamType {
  type: string;
  arrayType?: BqParamType;
  structTypes?: { name?: string; type: BqParamType; description?: string }[];
}

export interface BqParamValue {
  value?: string | null;
  arrayValues?: BqParamValue[];
  structValues?: Record<string, BqParamValue>;
}

export class LiteralError extends Error {}

const SCALAR = new Set(['INT64', 'INTEGER', 'FLOAT64', 'FLOAT', 'BOOL', 'BOOLEAN', 'STRING', 'BYTES', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP', 'NUMERIC', 'BIGNUMERIC', 'JSON', 'GEOGRAPHY', 'INTERVAL']);

export function typeName(t: BqParamType): string {
  const type = t.type.toUpperCase();
  if (type === 'ARRAY') {
    if (!t.arrayType) throw new LiteralError('ARRAY parameter type needs arrayType');
    return `ARRAY<${typeName(t.arrayType)}>`;
  }
  if (type === 'STRUCT' || type === 'RECORD') {
    const fields = (t.structTypes ?? []).map((f) => `${f.name ? `\`${f.name}\` ` : ''}${typeName(f.type)}`);
    return `STRUCT<${fields.join(', ')}>`;
  }
  if (!SCALAR.has(type)) throw new LiteralError(`Unsupported parameter type ${t.type}`);
  return { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' }[type] ?? type;
}

export function literal(t: BqParamType, v: BqParamValue | undefined | null): string {
  const type = typeName(t);
  if (type.startsWith('ARRAY<')) {
    const items = v?.arrayValues;
    if (!items) return `CAST(NULL AS ${type})`;
    return `${type}[${items.map((item) => literal(t.arrayType as BqParamType, item)).join(', ')}]`;
  }
  if (type.startsWith('STRUCT<')) {
    const fields = t.structTypes ?? [];
    if (!v || !v.structValues) return `CAST(NULL AS ${type})`;
    const values = v.structValues;
    return `${type}(${fields.map((f) => literal(f.type, f.name ? values[f.name] : undefined)).join(', ')})`;
  }
  const raw = v?.value;
  if (raw === undefined || raw === null) return `CAST(NULL AS ${type})`;
  return scalarLiteral(type, String(raw));
}

function scalarLiteral(type: string, raw: string): string {
  switch (type) {
    case 'INT64':
      if (!/^[+-]?\d+$/.test(raw.trim())) throw new LiteralError(`Invalid INT64 value: ${raw}`);
      return `CAST(${quoteString(raw.trim())} AS INT64)`;
    case 'FLOAT64':
      if (Number.isNaN(Number(raw)) && raw !== 'NaN') throw new LiteralError(`Invalid FLOAT64 value: ${raw}`);
      return `CAST(${quoteString(raw)} AS FLOAT64)`;
    case 'BOOL': {
      const b = raw.toLowerCase();
      if (b !== 'true' && b !== 'false') throw new LiteralError(`Invalid BOOL value: ${raw}`);
      return b.toUpperCase();
    }
    case 'STRING':
      return quoteString(raw);
    case 'BYTES':
      return `FROM_BASE64(${quoteString(raw)})`;
    case 'TIMESTAMP':
      return `TIMESTAMP ${quoteString(normalizeTimestamp(raw))}`;
    default:
      return `${type} ${quoteString(raw)}`;
  }
}

/** BigQuery accepts 'YYYY-MM-DD HH:MM:SS[.f][+zz:zz| UTC]' and ISO 'T…Z'; DuckDB wants an explicit offset. */
export function normalizeTimestamp(raw: string): string {
  let s = raw.trim().replace('T', ' ');
  if (/ UTC$/i.test(s)) s = s.replace(/ UTC$/i, '+00');
  if (/Z$/i.test(s)) s = s.replace(/Z$/i, '+00');
  if (!/[+-]\d\d(:?\d\d)?$/.test(s.slice(10))) s += '+00';
  return s;
}
