// PARSE_NUMERIC / PARSE_BIGNUMERIC (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#parse_numeric)
// and CAST(STRING AS NUMERIC / BIGNUMERIC) (conversion_functions#cast_numeric): the text is read
// exactly (digits, a decimal point, an exponent), rounded half away from zero to 9 (NUMERIC) or 38
// (BIGNUMERIC) fractional digits and checked against the type's range. PARSE_ also allows
// whitespace around the sign and the number, a sign after the number and commas in the integer
// part. The answer is the exact decimal text, cast to the emulator's DECIMAL in SQL. NUMERIC is
// DuckDB's DECIMAL(38, 9), exactly; BIGNUMERIC is DECIMAL(38, 18), so a BIGNUMERIC value with
// more than 20 integer or 18 fractional digits is refused (501), never rounded.
import { FunctionError, type JsFunction } from './register';

export type NumericKind = 'NUMERIC' | 'BIGNUMERIC';

const SCALE: Record<NumericKind, number> = { NUMERIC: 9, BIGNUMERIC: 38 };
// The largest magnitude of each type, scaled by 10^scale (data-types#decimal_types).
const MAX: Record<NumericKind, bigint> = {
  NUMERIC: 10n ** 38n - 1n,
  BIGNUMERIC: 57896044618658097711785492504343953926634992332820282019728792003956564819967n,
};
const MIN_BIGNUMERIC = -57896044618658097711785492504343953926634992332820282019728792003956564819968n;

export const BIGNUMERIC_BEYOND_DUCKDB = 'A BIGNUMERIC value with more than 20 integer or 18 fractional digits (beyond DuckDB DECIMAL(38, 18))';

const PARSE_FORM = /^\s*(?<s1>[+-]?)\s*(?<int>[0-9,]*)(?:\.(?<frac>[0-9]*))?(?:[eE](?<exp>[+-]?[0-9]+))?\s*(?<s2>[+-]?)\s*$/;
const CAST_FORM = /^\s*(?<s1>[+-]?)(?<int>[0-9]*)(?:\.(?<frac>[0-9]*))?(?:[eE](?<exp>[+-]?[0-9]+))?\s*$/;

/** The value scaled by 10^scale (an integer), rounded half away from zero; undefined for text not of the form. */
function scaled(text: string, form: RegExp, scale: number): bigint | undefined {
  const g = form.exec(text)?.groups;
  if (!g) return undefined;
  const int = g.int.replace(/,/g, '');
  const frac = g.frac ?? '';
  if (g.s1 && g.s2) return undefined;
  if (int === '' && frac === '') return undefined;
  if (g.int !== '' && int === '') return undefined; // an integer part of commas only
  const exp = BigInt(g.exp ?? 0);
  // digits × 10^(exp − len(frac)), scaled by 10^scale
  const shift = exp - BigInt(frac.length) + BigInt(scale);
  if (shift > 400n) return /[1-9]/.test(int + frac) ? 10n ** 400n : 0n; // beyond every range
  const digits = BigInt(`${int}${frac}` || '0');
  let v: bigint;
  if (shift >= 0n) v = digits * 10n ** shift;
  else if (shift < -400n) v = 0n;
  else {
    const d = 10n ** -shift;
    v = digits / d;
    if ((digits % d) * 2n >= d) v += 1n;
  }
  return g.s1 === '-' || g.s2 === '-' ? -v : v;
}

function render(v: bigint, scale: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * The exact decimal text of `text` as `kind`, or an error (BigQuery's for bad text or a value out of
 * range; the emulator's refusal for a BIGNUMERIC beyond DECIMAL(38, 18)). `cast` reads CAST's
 * stricter form; `orNull` answers NULL instead of BigQuery's errors (SAFE_CAST, SAFE.).
 */
export function parseNumericText(text: string, kind: NumericKind, mode: { cast?: boolean; orNull?: boolean } = {}): string | null {
  const scale = SCALE[kind];
  const v = scaled(text, mode.cast ? CAST_FORM : PARSE_FORM, scale);
  const outOfRange = v === undefined || v > MAX[kind] || (kind === 'NUMERIC' ? v < -MAX.NUMERIC : v < MIN_BIGNUMERIC);
  if (outOfRange) {
    if (mode.orNull) return null;
    throw new FunctionError(`Invalid ${kind} value: ${text}`);
  }
  if (kind === 'BIGNUMERIC') {
    const unit = 10n ** 20n; // 38 - 18 fractional digits DuckDB drops
    const abs = v < 0n ? -v : v;
    if (abs % unit !== 0n || abs >= 10n ** 58n) throw new FunctionError(`${BIGNUMERIC_BEYOND_DUCKDB} is not supported by the BigQuery emulator`);
  }
  return render(v, scale);
}

/**
 * AVG of NUMERIC values (aggregate_functions#avg: NUMERIC in, NUMERIC out): their SUM's text divided
 * by their count, rounded half away from zero to 9 decimal places, exactly (DuckDB's AVG of a
 * DECIMAL is a DOUBLE). NULL for no values.
 */
export function decimalAverage(sum: string, count: bigint): string | null {
  if (count === 0n) return null;
  const total = scaled(sum, CAST_FORM, 9);
  if (total === undefined) throw new FunctionError(`AVG: cannot read the sum ${sum}`);
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  let quotient = magnitude / count;
  if ((magnitude % count) * 2n >= count) quotient += 1n;
  return render(negative ? -quotient : quotient, 9);
}

export const NUMERIC_FUNCTIONS: readonly JsFunction[] = [
  { name: 'pf_decimal_average', parameters: ['string', 'int'], returns: 'string', call: (sum: string, count: bigint) => decimalAverage(sum, count) },
  { name: 'pf_parse_numeric', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'NUMERIC') },
  { name: 'pf_parse_numeric_or_null', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'NUMERIC', { orNull: true }) },
  { name: 'pf_parse_bignumeric', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'BIGNUMERIC') },
  { name: 'pf_parse_bignumeric_or_null', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'BIGNUMERIC', { orNull: true }) },
  { name: 'pf_cast_bignumeric', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'BIGNUMERIC', { cast: true }) },
  { name: 'pf_cast_bignumeric_or_null', parameters: ['string'], returns: 'string', call: (t: string) => parseNumericText(t, 'BIGNUMERIC', { cast: true, orNull: true }) },
];
