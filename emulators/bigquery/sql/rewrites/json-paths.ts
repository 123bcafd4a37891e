// JSONPath in BigQuery's JSON functions (json_functions#JSONPath_format). Names that are not plain
// identifiers are quoted: JSON_EXTRACT, JSON_EXTRACT_SCALAR, JSON_EXTRACT_ARRAY and
// JSON_EXTRACT_STRING_ARRAY write them in brackets and single quotes ($['a.b'].c, $.class['students']);
// JSON_QUERY, JSON_VALUE, JSON_QUERY_ARRAY and JSON_VALUE_ARRAY in double quotes ($."a.b".c).
// DuckDB reads only the double-quoted form, so bracketed names in a literal path are rewritten to it
// before translation. JSON_EXTRACT_STRING_ARRAY is JSON_VALUE_ARRAY with the bracket syntax, and is
// renamed to it once its path is rewritten.
import { unquoteString } from '../ddl';
import { type Token, quoteString } from '../tokens';
import { mapCalls } from './calls';

const BRACKET_FUNCTIONS = ['JSON_EXTRACT', 'JSON_EXTRACT_SCALAR', 'JSON_EXTRACT_ARRAY', 'JSON_EXTRACT_STRING_ARRAY'];

/** `$['a.b'].c` -> `$."a.b".c`; undefined when the path has no bracketed name or cannot be read. */
export function bracketPathToDuckDb(path: string): string | undefined {
  if (!path.startsWith('$')) return undefined;
  let out = '$';
  let changed = false;
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    const quoted = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest);
    if (quoted) {
      const name = quoted[1].replace(/\\(.)/g, '$1');
      if (/["\\]/.test(name)) return undefined;
      out += `."${name}"`;
      changed = true;
      i += quoted[0].length;
      continue;
    }
    const other = /^(\.[^.[]+|\[\s*\d+\s*\])/.exec(rest);
    if (!other) return undefined;
    out += other[0];
    i += other[0].length;
  }
  return changed ? out : undefined;
}

export function jsonPathsForDuckDb(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of BRACKET_FUNCTIONS) {
    out = mapCalls(out, fn, (args) => {
      const arg = args[1];
      const lit = arg?.length === 1 && arg[0].kind === 'string' && !/^[rRbB]/.test(arg[0].text) ? unquoteString(arg[0].text) : undefined;
      const path = lit === undefined ? undefined : bracketPathToDuckDb(lit);
      const name: Token = { kind: 'ident', text: fn === 'JSON_EXTRACT_STRING_ARRAY' ? 'JSON_VALUE_ARRAY' : fn };
      if (path === undefined && fn !== 'JSON_EXTRACT_STRING_ARRAY') return undefined;
      const rebuilt: Token[] = [name, { kind: 'punct', text: '(' }];
      args.forEach((a, k) => {
        if (k > 0) rebuilt.push({ kind: 'punct', text: ',' }, { kind: 'ws', text: ' ' });
        rebuilt.push(...(k === 1 && path !== undefined ? [{ kind: 'string', text: quoteString(path) } as Token] : a));
      });
      rebuilt.push({ kind: 'punct', text: ')' });
      return rebuilt;
    });
  }
  return out;
}
