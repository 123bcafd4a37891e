// A GoogleSQL literal with a decimal point (2.5, .5, 1.) is a FLOAT64
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#floating_point_literals);
// DuckDB reads it as an exact DECIMAL, so 2.5, ROUND(2.5) and 0.1 + 0.2 came back NUMERIC with
// NUMERIC's arithmetic. Each becomes a DOUBLE, except as the operand of a cast to NUMERIC or
// BIGNUMERIC, which BigQuery coerces from the literal's text and DuckDB does exactly as a DECIMAL.
import { type Token, isKeyword, nextSignificant, prevSignificant } from '../tokens';

const EXACT_TYPES = ['NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL'];

export function isFloatLiteral(t: Token): boolean {
  return t.kind === 'number' && !/^0[xX]/.test(t.text) && /[.]/.test(t.text) && !/[eE]/.test(t.text);
}

/** `CAST(<literal> AS NUMERIC)`: the literal at i is the whole operand of a cast to an exact type. */
function castToExact(tokens: Token[], i: number): boolean {
  let before = prevSignificant(tokens, i - 1);
  if (tokens[before]?.text === '-' || tokens[before]?.text === '+') before = prevSignificant(tokens, before - 1);
  const open = tokens[before];
  const fn = tokens[prevSignificant(tokens, before - 1)];
  if (open?.text !== '(' || !(isKeyword(fn, 'CAST') || isKeyword(fn, 'SAFE_CAST'))) return false;
  const as = nextSignificant(tokens, i + 1);
  const type = nextSignificant(tokens, as + 1);
  return isKeyword(tokens[as], 'AS') && EXACT_TYPES.some((e) => isKeyword(tokens[type], e));
}

export function floatLiteralsAsDouble(tokens: Token[]): Token[] {
  return tokens.flatMap((t, i): Token[] => {
    if (!isFloatLiteral(t) || castToExact(tokens, i)) return [t];
    return [
      { kind: 'ident', text: 'CAST' },
      { kind: 'punct', text: '(' },
      t,
      { kind: 'ws', text: ' ' },
      { kind: 'ident', text: 'AS' },
      { kind: 'ws', text: ' ' },
      { kind: 'ident', text: 'FLOAT64' },
      { kind: 'punct', text: ')' },
    ];
  });
}
