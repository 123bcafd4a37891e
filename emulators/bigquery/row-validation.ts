// Checks a streamed JSON row against the table schema as BigQuery does and normalises each value
// to text DuckDB's JSON reader casts to the column type (timestamps with explicit offsets, bytes
// decoded from base64 into \xHH escapes, ...).
import { type FieldSchema } from './schema';
import { normalizeTimestamp } from './sql/literals';

export interface RowError {
  reason: string;
  location: string;
  debugInfo: string;
  message: string;
}

const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const TIME = /^\d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,6})?$/;
const DATETIME = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,6})?)?)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?)?\s*(Z|UTC|[+-]\d{1,2}(:?\d\d)?)?$/i;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

class ValueError extends Error {}

export function validateRow(fields: FieldSchema[], json: unknown, ignoreUnknown: boolean): { row: Record<string, unknown>; errors: RowError[] } {
  const errors: RowError[] = [];
  const row = normalizeRecord(fields, json, ignoreUnknown, '', errors);
  return { row, errors };
}

function err(location: string, message: string): RowError {
  return { reason: 'invalid', location, debugInfo: '', message };
}

function normalizeRecord(fields: FieldSchema[], json: unknown, ignoreUnknown: boolean, prefix: string, errors: RowError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    errors.push(err(prefix.replace(/\.$/, ''), 'Row is not a JSON object.'));
    return out;
  }
  const obj = json as Record<string, unknown>;
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  for (const key of Object.keys(obj)) {
    if (!byName.has(key.toLowerCase()) && !ignoreUnknown) errors.push(err(`${prefix}${key}`, `no such field: ${prefix}${key}.`));
  }
  for (const f of fields) {
    const key = Object.keys(obj).find((k) => k.toLowerCase() === f.name.toLowerCase());
    const v = key === undefined ? undefined : obj[key];
    const loc = `${prefix}${f.name}`;
    if (v === undefined || v === null) {
      if (f.mode === 'REQUIRED') errors.push(err('', `Missing required field: ${loc}.`));
      out[f.name] = f.mode === 'REPEATED' ? [] : null;
      continue;
    }
    if (f.mode === 'REPEATED') {
      if (!Array.isArray(v)) {
        errors.push(err(loc, `Array specified for non-repeated field: ${loc}.`.replace('Array specified for non-repeated', 'Non-array value specified for repeated')));
        continue;
      }
      out[f.name] = v.map((item, i) => {
        if (item === null) {
          errors.push(err(loc, `Array cannot have a null element; error in writing field ${loc}`));
          return null;
        }
        return normalizeValue({ ...f, mode: 'NULLABLE' }, item, ignoreUnknown, `${loc}[${i}]`, errors);
      });
      continue;
    }
    if (Array.isArray(v)) {
      errors.push(err(loc, `Array specified for non-repeated field: ${loc}.`));
      continue;
    }
    out[f.name] = normalizeValue(f, v, ignoreUnknown, loc, errors);
  }
  return out;
}

function normalizeValue(f: FieldSchema, v: unknown, ignoreUnknown: boolean, loc: string, errors: RowError[]): unknown {
  if (f.type === 'RECORD') return normalizeRecord(f.fields ?? [], v, ignoreUnknown, `${loc}.`, errors);
  try {
    return normalizeScalar(f.type, v);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    errors.push(err(loc, `${e.message} Field: ${loc}; Value: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`));
    return null;
  }
}

export function normalizeScalar(type: string, v: unknown): unknown {
  const s = typeof v === 'string' ? v.trim() : v;
  switch (type) {
    case 'INTEGER':
      if (typeof s === 'number' && Number.isSafeInteger(s)) return String(s);
      if (typeof s === 'string' && /^[+-]?\d+$/.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n) return s;
      throw new ValueError('Cannot convert value to integer (bad value).');
    case 'FLOAT':
      if (typeof s === 'number') return s;
      if (typeof s === 'string' && (NUMERIC.test(s) || ['NaN', 'Infinity', '-Infinity', 'inf', '-inf'].includes(s))) return s;
      throw new ValueError('Cannot convert value to floating point (bad value).');
    case 'NUMERIC':
    case 'BIGNUMERIC':
      if (typeof s === 'number' && Number.isFinite(s)) return String(s);
      if (typeof s === 'string' && NUMERIC.test(s)) return s;
      throw new ValueError(`Invalid ${type} value.`);
    case 'BOOLEAN':
      if (typeof s === 'boolean') return s;
      if (typeof s === 'string' && ['true', 'false', '1', '0'].includes(s.toLowerCase())) return ['true', '1'].includes(s.toLowerCase());
      throw new ValueError('Cannot convert value to boolean (bad value).');
    case 'STRING':
      if (typeof s === 'object') throw new ValueError('This field is not a record.');
      return String(v);
    case 'BYTES':
      if (typeof s !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new ValueError('Could not decode base64 string to bytes.');
      return Buffer.from(s, 'base64').toString('base64');
    case 'DATE':
      if (typeof s === 'string' && DATE.test(s)) return s;
      throw new ValueError('Invalid date string.');
    case 'TIME':
      if (typeof s === 'string' && TIME.test(s)) return s;
      throw new ValueError('Invalid time string.');
    case 'DATETIME':
      if (typeof s === 'string' && DATETIME.test(s)) return s.replace('T', ' ');
      throw new ValueError('Invalid datetime string.');
    case 'TIMESTAMP':
      if (typeof s === 'number' && Number.isFinite(s)) return microsToText(BigInt(Math.round(s * 1e6)));
      if (typeof s === 'string' && NUMERIC.test(s)) return microsToText(BigInt(Math.round(Number(s) * 1e6)));
      if (typeof s === 'string' && TIMESTAMP.test(s)) return normalizeTimestamp(s);
      throw new ValueError('Cannot convert value to timestamp (bad value).');
    case 'JSON':
      if (typeof s === 'string') {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          throw new ValueError('Invalid JSON string.');
        }
      }
      return v;
    case 'INTERVAL':
      if (typeof s === 'string') return s;
      throw new ValueError('Invalid interval value.');
    default:
      throw new ValueError(`Unsupported type ${type}.`);
  }
}

function microsToText(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const iso = new Date(ms).toISOString();
  const frac = String(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac}+00`;
}
