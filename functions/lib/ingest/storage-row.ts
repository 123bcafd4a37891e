// Turns a JSON row (timestamps as RFC 3339 strings, JSON columns as objects) into what the managed
// writer encodes: Date for TIMESTAMP, a JSON string for JSON, recursively through RECORDs.
import type { BigQueryField } from '../../../contracts/bigquery-schema';
import type { RawRow, RawValue } from '../raw-writer';

export function toStorageRow(fields: readonly BigQueryField[], row: Readonly<Record<string, unknown>>): RawRow {
  const out: RawRow = {};
  for (const f of fields) {
    const v = row[f.name];
    if (v === undefined) continue;
    out[f.name] = f.mode === 'REPEATED' && Array.isArray(v) ? v.map((item) => convert(f, item)) : convert(f, v);
  }
  return out;
}

function convert(f: BigQueryField, v: unknown): RawValue {
  if (v === null || v === undefined) return null;
  switch (f.type) {
    case 'TIMESTAMP':
      return typeof v === 'string' ? new Date(v) : (v as RawValue);
    case 'JSON':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'RECORD':
      return typeof v === 'object' && !Array.isArray(v) ? toStorageRow(f.fields ?? [], v as Record<string, unknown>) : (v as RawValue);
    default:
      return v as RawValue;
  }
}
