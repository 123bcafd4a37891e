// Casts and EXTRACTs whose BigQuery answer depends on the operand's type, on DuckDB's tokens (after
// translation): each becomes a typed macro of udfs/macros.ts, which DuckDB resolves when it binds.
// - CAST / TRY_CAST(x AS INTERVAL) (conversion_functions#cast_as_interval): a STRING is read in
//   BigQuery's forms ('1-2 3 4:5:6', 'P1Y2M3D'), which DuckDB's cast does not know.
// - CAST / TRY_CAST(x AS DECIMAL(38, 18)), i.e. BIGNUMERIC (conversion_functions#cast_bignumeric):
//   a STRING is read exactly, and a value beyond DuckDB's DECIMAL(38, 18) refused (501) instead of
//   failing as a conversion error (or answering NULL under TRY_CAST).
// - EXTRACT(MILLISECOND | MICROSECOND FROM x) (interval_functions#extract): the fraction of the
//   second only, of an INTERVAL as of a TIMESTAMP, DATETIME or TIME (DuckDB counts the seconds too).
import { type Token, isKeyword } from '../tokens';
import { callAt, castParts, template, trim } from './calls';

const CAST_MACROS: Record<string, [string, string]> = {
  INTERVAL: ['pf_cast_interval', 'pf_try_cast_interval'],
  'DECIMAL(38,18)': ['pf_cast_bignumeric_value', 'pf_try_cast_bignumeric_value'],
};

const EXTRACT_MACROS: Record<string, string> = { MILLISECOND: 'pf_extract_millisecond', MICROSECOND: 'pf_extract_microsecond' };

export function typedCastsAsBigQuery(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = ['CAST', 'TRY_CAST', 'EXTRACT'].find((f) => isKeyword(tokens[i], f));
    const call = fn ? callAt(tokens, i, fn) : undefined;
    if (!call) {
      out.push(tokens[i]);
      continue;
    }
    if (fn === 'EXTRACT') {
      const arg = call.args.length === 1 ? call.args[0] : [];
      const from = arg.findIndex((t) => isKeyword(t, 'FROM'));
      const macro = from > 0 ? EXTRACT_MACROS[trim(arg.slice(0, from)).map((t) => t.text.toUpperCase()).join('')] : undefined;
      if (!macro) {
        out.push(tokens[i]);
        continue;
      }
      out.push(...template(`${macro}(ARG0)`, typedCastsAsBigQuery(trim(arg.slice(from + 1)))));
      i = call.close;
      continue;
    }
    const parts = castParts(call);
    const macros = parts ? CAST_MACROS[parts.type] : undefined;
    if (!parts || !macros) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...template(`${macros[fn === 'CAST' ? 0 : 1]}(ARG0)`, typedCastsAsBigQuery(parts.expr)));
    i = call.close;
  }
  return out;
}
