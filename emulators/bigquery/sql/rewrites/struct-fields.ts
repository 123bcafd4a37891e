// Names of anonymous STRUCT fields. BigQuery names a field without a name by its position:
// STRUCT(1, 2) and SELECT AS STRUCT 1, 2 have fields _field_1 and _field_2 (a field named after a
// column or path keeps that name). polyglot names them '_0', '_1', … in the DuckDB struct literal;
// after translation those keys become '_field_1', '_field_2', …. Before translation, an alias
// spelled _<digits> (which polyglot's names would be mistaken for) is refused.
import { unimplemented } from '../../errors';
import { type Token, isKeyword, nextSignificant, prevSignificant } from '../tokens';

export function refuseDigitAliases(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    const name = t.kind === 'quoted' ? t.text.slice(1, -1) : t.kind === 'ident' ? t.text : undefined;
    if (name !== undefined && /^_\d+$/.test(name) && isKeyword(tokens[prevSignificant(tokens, i - 1)], 'AS')) {
      throw unimplemented(`A column or field alias of the form _<digits> (${name})`);
    }
  });
  return tokens;
}

export function anonymousFieldNames(tokens: Token[]): Token[] {
  return tokens.map((t, i) => {
    const m = t.kind === 'string' ? /^'_(\d+)'$/.exec(t.text) : null;
    if (!m || tokens[nextSignificant(tokens, i + 1)]?.text !== ':') return t;
    const before = tokens[prevSignificant(tokens, i - 1)];
    if (before?.text !== '{' && before?.text !== ',') return t;
    return { kind: 'string', text: `'_field_${Number(m[1]) + 1}'` };
  });
}
