// Documented results are display strings; the client returns typed wrappers. Both sides are brought
// to one canonical form, by the column's BigQuery type, before they are compared.
import { plain } from '../helpers';

export interface Field {
  name: string;
  type: string;
  mode?: string;
  fields?: Field[];
}

/** A TIMESTAMP as 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z' in UTC, from '2008-12-25 15:30:00+00', '… UTC', ISO. */
export function canonicalTimestamp(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return text;
  const [, date, h, mi, s, frac = '', zone = 'Z'] = m;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'UTC') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  const ms = Date.parse(`${date}T${h.padStart(2, '0')}:${mi}:${s}Z`) - offsetMinutes * 60_000;
  const whole = new Date(ms).toISOString().slice(0, 19);
  return `${whole}${fraction(frac)}Z`;
}

/** A fractional-seconds part without trailing zeros ('' for none). */
function fraction(frac: string): string {
  const digits = frac.replace(/^\./, '').replace(/0+$/, '');
  return digits ? `.${digits}` : '';
}

/** DATETIME / TIME: 'T' between date and time, fractional seconds without trailing zeros. */
function civil(text: string): string {
  const m = /^(.*?)(\.\d+)?$/.exec(text.trim().replace(' ', 'T'))!;
  return `${m[1]}${fraction(m[2] ?? '')}`;
}

const SPECIAL: Record<string, string> = { nan: 'NaN', inf: 'Infinity', '+inf': 'Infinity', infinity: 'Infinity', '-inf': '-Infinity', '-infinity': '-Infinity' };

/** A number as BigQuery prints it in the docs: at most 15 significant digits. */
function number(v: unknown): unknown {
  if (typeof v === 'string' && SPECIAL[v.toLowerCase()]) return SPECIAL[v.toLowerCase()];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) return typeof v === 'number' ? 'NaN' : v;
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return Number(n.toPrecision(15));
}

function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return sortKeys(JSON.parse(v));
  } catch {
    return v;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** One value (documented or returned, after plain()) in canonical form for its field. */
export function canonical(v: unknown, f: Field | undefined): unknown {
  // BigQuery writes a NULL ARRAY into a query result as an empty one (data-types#array_nulls).
  if ((v === null || v === undefined) && f?.mode === 'REPEATED') return [];
  if (v === null || v === undefined) return null;
  if (f?.mode === 'REPEATED' && Array.isArray(v)) return v.map((x) => canonical(x, { ...f, mode: 'NULLABLE' }));
  if (f?.type === 'RECORD' || f?.type === 'STRUCT') {
    if (typeof v !== 'object' || Array.isArray(v)) return v;
    const sub = new Map((f.fields ?? []).map((c) => [c.name, c]));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, canonical(x, sub.get(k))]));
  }
  if (Array.isArray(v)) return v.map((x) => canonical(x, f));
  switch (f?.type) {
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return number(v);
    case 'TIMESTAMP':
      return typeof v === 'string' ? canonicalTimestamp(v) : v;
    case 'DATETIME':
    case 'TIME':
      return typeof v === 'string' ? civil(v) : v;
    case 'JSON':
      return json(v);
    case 'BOOLEAN':
    case 'BOOL':
      return typeof v === 'string' ? v.toLowerCase() === 'true' : v;
    default:
      return v;
  }
}

/** A returned row, canonical. */
export function actualRow(row: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, canonical(plain(row[f.name]), f)]));
}

/** A documented row, canonical by the returned fields' types (a column the answer lacks stays as written). */
export function documentedRow(row: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, canonical(v, byName.get(k))]));
}
