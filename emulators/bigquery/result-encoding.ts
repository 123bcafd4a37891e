// Query results and tabledata encoded as BigQuery's REST API does: every cell {v: string|null},
// RECORD {v:{f:[...]}}, REPEATED {v:[{v}]}, TIMESTAMP as int64 microseconds when useInt64Timestamp.
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimeValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { type FieldSchema } from './schema';
import { canonicalJson } from './json-canonical';
import { formatInterval as formatIntervalText } from './udfs/interval';

export interface Cell {
  v: string | null | Cell[] | { f: Cell[] };
}

export interface Row {
  f: Cell[];
}

export interface EncodeOptions {
  useInt64Timestamp: boolean;
}

export function encodeRow(fields: FieldSchema[], values: readonly DuckDBValue[], opts: EncodeOptions): Row {
  return { f: fields.map((f, i) => ({ v: encodeValue(f, values[i], opts) })) };
}

export function encodeValue(field: FieldSchema, value: DuckDBValue | undefined, opts: EncodeOptions): Cell['v'] {
  if (field.mode === 'REPEATED') {
    if (value === null || value === undefined) return [];
    const items = value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items : [];
    const inner: FieldSchema = { ...field, mode: 'NULLABLE' };
    return items.map((item) => ({ v: encodeValue(inner, item, opts) }));
  }
  if (value === null || value === undefined) return null;
  if (field.type === 'RECORD') {
    const entries = value instanceof DuckDBStructValue ? value.entries : {};
    return { f: (field.fields ?? []).map((c) => ({ v: encodeValue(c, entries[c.name], opts) })) };
  }
  return encodeScalar(field.type, value, opts);
}

export function encodeScalar(type: string, value: DuckDBValue, opts: EncodeOptions): string {
  switch (type) {
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'FLOAT':
      return formatFloat(Number(value));
    case 'NUMERIC':
    case 'BIGNUMERIC':
      // A DOUBLE standing in for NUMERIC (see alignNumericTypes) keeps NUMERIC's nine decimals.
      return trimDecimal(typeof value === 'number' ? value.toFixed(type === 'NUMERIC' ? 9 : 18) : String(value));
    case 'BYTES':
      return value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString('base64') : Buffer.from(String(value)).toString('base64');
    case 'DATE':
      return value instanceof DuckDBDateValue ? formatDate(value.days) : String(value);
    case 'DATETIME':
      return value instanceof DuckDBTimestampValue ? formatDateTime(value.micros, 'T') : String(value);
    case 'TIME':
      return value instanceof DuckDBTimeValue ? formatTime(value.micros) : String(value);
    case 'TIMESTAMP': {
      const micros = value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue ? value.micros : BigInt(String(value));
      return opts.useInt64Timestamp ? micros.toString() : formatSeconds(micros);
    }
    case 'INTERVAL':
      return value instanceof DuckDBIntervalValue ? formatInterval(value) : String(value);
    case 'JSON':
      return canonicalJson(String(value));
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

export function trimDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const t = s.replace(/0+$/, '').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}

const MICROS_PER_DAY = 86_400_000_000n;

export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

export function formatDateTime(micros: bigint, sep: 'T' | ' '): string {
  const days = floorDiv(micros, MICROS_PER_DAY);
  return `${formatDate(Number(days))}${sep}${formatTime(micros - days * MICROS_PER_DAY)}`;
}

export function formatTime(micros: bigint): string {
  const secs = micros / 1_000_000n;
  const frac = micros % 1_000_000n;
  const hh = String(secs / 3600n).padStart(2, '0');
  const mm = String((secs / 60n) % 60n).padStart(2, '0');
  const ss = String(secs % 60n).padStart(2, '0');
  return `${hh}:${mm}:${ss}${frac ? `.${String(frac).padStart(6, '0')}` : ''}`;
}

/** BigQuery's legacy TIMESTAMP encoding: seconds since the epoch as a decimal string. */
export function formatSeconds(micros: bigint): string {
  const secs = floorDiv(micros, 1_000_000n);
  const frac = micros - secs * 1_000_000n;
  return frac ? `${secs}.${String(frac).padStart(6, '0').replace(/0+$/, '')}` : `${secs}`;
}

/** BigQuery's canonical interval text: 'Y-M D H:M:S[.F]' (the same as CAST(interval AS STRING) writes). */
export function formatInterval(v: DuckDBIntervalValue): string {
  return formatIntervalText(v);
}
