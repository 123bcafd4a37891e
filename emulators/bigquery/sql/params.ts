// Binds BigQuery query parameters (named `@x` or positional `?`) by replacing each marker with a
// typed GoogleSQL literal, so the statement translates and runs like one written with constants.
import { type BqParamType, type BqParamValue, literal } from './literals';
import { type Token } from './tokens';

export interface QueryParameter {
  name?: string;
  parameterType: BqParamType;
  parameterValue?: BqParamValue;
}

export class ParameterError extends Error {}

export function bindParameters(tokens: Token[], params: QueryParameter[], mode: 'NAMED' | 'POSITIONAL' | undefined): Token[] {
  const named = new Map(params.filter((p) => p.name).map((p) => [p.name!.toLowerCase(), p]));
  let position = 0;
  return tokens.map((t) => {
    if (t.kind !== 'param') return t;
    if (t.text === '?') {
      if (mode === 'NAMED') throw new ParameterError('Positional parameters are not allowed in a query with named parameters');
      const p = params[position++];
      if (!p) throw new ParameterError(`Positional parameter ${position} is missing a value`);
      return { kind: 'ident', text: literal(p.parameterType, p.parameterValue) };
    }
    const name = t.text.slice(1);
    const p = named.get(name.toLowerCase());
    if (!p) throw new ParameterError(`Query parameter '${name}' not found`);
    return { kind: 'ident', text: literal(p.parameterType, p.parameterValue) };
  });
}
