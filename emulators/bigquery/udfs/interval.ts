// BigQuery's INTERVAL text (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#interval_type
// and conversion_functions#cast_as_interval): an interval is months, days and microseconds, each
// with its own sign, written canonically 'Y-M D H:M:S[.F]' ('-0-2 -5 0:0:0', '0-0 0 36:34:56.789').
// CAST(STRING AS INTERVAL) reads the canonical form and its shorter forms ('Y-M', 'D H:M:S',
// 'H:M:S', ... told apart by their spaces, colons and dashes) and ISO 8601 durations ('P1Y2M3DT4H5M6.5S',
// with negative parts, weeks and repeated parts allowed); an INTERVAL '<text>' <part> TO <part>
// literal reads the form its range names. Minutes, seconds and months may exceed 59 / 11
// ('0-13 370 48:61:61' is 1-1 370 49:2:1). DuckDB's INTERVAL has the same three parts, so a value
// crosses as DuckDB's interval text ('14 months 3 days 5 microseconds').
import { FunctionError, type JsFunction } from './register';

export interface Interval {
  months: bigint;
  days: bigint;
  micros: bigint;
}

// BigQuery's limits: 10000 years, 3660000 days, 87840000 hours (interval_type).
const MAX_MONTHS = 120_000n;
const MAX_DAYS = 3_660_000n;
const MAX_MICROS = 87_840_000n * 3_600_000_000n;

const invalid = (text: string): FunctionError => new FunctionError(`Invalid INTERVAL value '${text}'`);

function checked(v: Interval): Interval {
  const abs = (n: bigint): bigint => (n < 0n ? -n : n);
  if (abs(v.months) > MAX_MONTHS) throw new FunctionError(`Interval field months '${v.months}' is out of range`);
  if (abs(v.days) > MAX_DAYS) throw new FunctionError(`Interval field days '${v.days}' is out of range`);
  if (abs(v.micros) > MAX_MICROS) throw new FunctionError(`Interval field microseconds '${v.micros}' is out of range`);
  return v;
}

// The parts a range names, in order; each form's pattern reads [sign]Y-M, [sign]D, [sign]H:M:S.
type Part = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';
const ORDER: Part[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** The pattern of `from TO to` (named groups ms/y/mo, d, ts/h/mi/s/f), or undefined for a range BigQuery refuses. */
function rangePattern(from: Part, to: Part): RegExp | undefined {
  const a = ORDER.indexOf(from);
  const b = ORDER.indexOf(to);
  if (a >= b) return undefined;
  const groups: string[] = [];
  if (from === 'YEAR') groups.push('(?<ms>[+-]?)(?<y>\\d+)-(?<mo>\\d+)');
  else if (from === 'MONTH') groups.push('(?<ms>[+-]?)(?<mo>\\d+)');
  if (a <= 2 && b >= 2) groups.push('(?<d>[+-]?\\d+)');
  const time = { h: '(?<h>\\d+)', mi: '(?<mi>\\d+)', s: '(?<s>\\d+)(?:\\.(?<f>\\d{1,6}))?' };
  const names = b < 3 ? [] : (['h', 'mi', 's'] as const).slice(Math.max(a, 3) - 3, b - 2);
  if (names.length > 0) groups.push(`(?<ts>[+-]?)${names.map((n) => time[n]).join(':')}`);
  return new RegExp(`^${groups.join(' ')}$`);
}

/** INTERVAL '<text>' <from> TO <to>: the value, or an error for text not of the range's form. */
export function parseIntervalRange(text: string, from: string, to: string): Interval {
  const re = ORDER.includes(from as Part) && ORDER.includes(to as Part) ? rangePattern(from as Part, to as Part) : undefined;
  if (!re) throw new FunctionError(`Invalid interval datetime fields: ${from} TO ${to}`);
  const g = re.exec(text)?.groups;
  if (!g) throw invalid(text);
  const months = (g.ms === '-' ? -1n : 1n) * (BigInt(g.y ?? 0) * 12n + BigInt(g.mo ?? 0));
  const days = BigInt(g.d ?? 0);
  const fraction = BigInt((g.f ?? '').padEnd(6, '0'));
  const micros = (g.ts === '-' ? -1n : 1n) * ((BigInt(g.h ?? 0) * 3600n + BigInt(g.mi ?? 0) * 60n + BigInt(g.s ?? 0)) * 1_000_000n + fraction);
  return checked({ months, days, micros });
}

/** The range a text without one has, by its count of spaces, colons and dashes after a digit. */
const FORMS: Record<string, [Part, Part]> = {
  '2 2 1': ['YEAR', 'SECOND'],
  '2 1 1': ['YEAR', 'MINUTE'],
  '2 0 1': ['YEAR', 'HOUR'],
  '1 0 1': ['YEAR', 'DAY'],
  '0 0 1': ['YEAR', 'MONTH'],
  '2 0 0': ['MONTH', 'HOUR'],
  '2 1 0': ['MONTH', 'MINUTE'],
  '2 2 0': ['MONTH', 'SECOND'],
  '1 1 0': ['DAY', 'MINUTE'],
  '1 2 0': ['DAY', 'SECOND'],
  '0 2 0': ['HOUR', 'SECOND'],
};

/** CAST(text AS INTERVAL). */
export function parseInterval(text: string): Interval {
  if (text.startsWith('P')) return parseIso8601(text);
  let spaces = 0;
  let colons = 0;
  let dashes = 0;
  for (let k = 0; k < text.length; k++) {
    if (text[k] === ' ') spaces++;
    else if (text[k] === ':') colons++;
    else if (text[k] === '-' && k > 0 && /\d/.test(text[k - 1])) dashes++;
  }
  const form = FORMS[`${spaces} ${colons} ${dashes}`];
  if (!form) throw invalid(text);
  try {
    return parseIntervalRange(text, form[0], form[1]);
  } catch (err) {
    if (err instanceof FunctionError && err.message.startsWith('Invalid interval datetime')) throw invalid(text);
    throw err;
  }
}

/** ISO 8601 durations as BigQuery reads them: parts in any order, repeated, negative; only seconds have a fraction (. or ,). */
function parseIso8601(text: string): Interval {
  if (text.length < 2) throw invalid(text);
  const re = /(-?)(\d+)(?:[.,](\d+))?([A-Z])/gy;
  let time = false;
  let k = 1;
  let months = 0n;
  let days = 0n;
  let micros = 0n;
  while (k < text.length) {
    if (text[k] === 'T') {
      if (time) throw invalid(text);
      time = true;
      k++;
      continue;
    }
    re.lastIndex = k;
    const m = re.exec(text);
    if (!m) throw invalid(text);
    k = re.lastIndex;
    const sign = m[1] === '-' ? -1n : 1n;
    const n = sign * BigInt(m[2]);
    const unit = m[4];
    if (m[3] !== undefined && (unit !== 'S' || !time || m[3].length > 6)) throw invalid(text);
    if (!time && unit === 'Y') months += n * 12n;
    else if (!time && unit === 'M') months += n;
    else if (!time && unit === 'W') days += n * 7n;
    else if (!time && unit === 'D') days += n;
    else if (time && unit === 'H') micros += n * 3_600_000_000n;
    else if (time && unit === 'M') micros += n * 60_000_000n;
    else if (time && unit === 'S') micros += n * 1_000_000n + sign * BigInt((m[3] ?? '').padEnd(6, '0'));
    else throw invalid(text);
  }
  return checked({ months, days, micros });
}

/** BigQuery's canonical text: 'Y-M D H:M:S[.F]', the fraction without trailing zeros. */
export function formatInterval(v: { months: bigint | number; days: bigint | number; micros: bigint | number }): string {
  const months = BigInt(v.months);
  const micros = BigInt(v.micros);
  const m = months < 0n ? -months : months;
  const us = micros < 0n ? -micros : micros;
  const secs = us / 1_000_000n;
  const frac = us % 1_000_000n;
  const fraction = frac ? `.${String(frac).padStart(6, '0').replace(/0+$/, '')}` : '';
  return `${months < 0n ? '-' : ''}${m / 12n}-${m % 12n} ${BigInt(v.days)} ${micros < 0n ? '-' : ''}${secs / 3600n}:${(secs / 60n) % 60n}:${secs % 60n}${fraction}`;
}

/** The value as DuckDB's interval text, which CAST(… AS INTERVAL) reads back exactly. */
export function duckDbIntervalText(v: Interval): string {
  return `${v.months} months ${v.days} days ${v.micros} microseconds`;
}

export const INTERVAL_FUNCTIONS: readonly JsFunction[] = [
  { name: 'pf_interval_from_text', parameters: ['string'], returns: 'string', call: (text: string) => duckDbIntervalText(parseInterval(text)) },
  {
    name: 'pf_interval_from_text_or_null',
    parameters: ['string'],
    returns: 'string',
    call: (text: string) => {
      try {
        return duckDbIntervalText(parseInterval(text));
      } catch {
        return null;
      }
    },
  },
  { name: 'pf_interval_text', parameters: ['int', 'int', 'int'], returns: 'string', call: (months: bigint, days: bigint, micros: bigint) => formatInterval({ months, days, micros }) },
];
