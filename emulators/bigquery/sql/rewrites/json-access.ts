// Field access and subscripts on a JSON value that is not a JSON literal
// (operators#json_subscript_operator, operators#field_access_operator): in
// `json_col.class.students[0]['name']` the string subscript is valid on JSON only, so everything it
// is applied to is a JSON value, and the whole chain is one JSON path extraction from its root:
// JSON_EXTRACT(json_col, '$."class"."students"[0]."name"'), NULL where a member or element is
// missing (BigQuery's answer), JSON 'null' where it is a JSON null. When the root is a STRUCT (or a
// table's row) holding the JSON value, the STRUCT steps of the path are taken on its JSON form,
// which holds the JSON field as it is.
import { type Token, isKeyword, nextSignificant, prevSignificant, quoteString } from '../tokens';
import { openBefore } from './calls';
import { unquoteString } from '../ddl';

export interface JsonAccess {
  /** Index of the chain's first token (its root) and last token. */
  start: number;
  end: number;
  root: Token[];
  /** The DuckDB JSON path, as a string literal. */
  path: string;
}

const stringKey = (t: Token | undefined): string | undefined => (t?.kind === 'string' && !/^[rRbB]/.test(t.text) ? unquoteString(t.text) : undefined);
const nameOf = (t: Token): string => (t.kind === 'quoted' ? t.text.slice(1, -1) : t.text);

function member(name: string): string | undefined {
  return /["\\]/.test(name) ? undefined : `."${name}"`;
}

/** One step `[n]` or `['key']` between '[' at `open` and its ']', or undefined. */
function subscript(tokens: Token[], open: number): { step: string; close: number } | undefined {
  const inner = nextSignificant(tokens, open + 1);
  const close = nextSignificant(tokens, inner + 1);
  if (tokens[close]?.text !== ']') return undefined;
  const key = stringKey(tokens[inner]);
  if (key !== undefined) {
    const step = member(key);
    return step ? { step, close } : undefined;
  }
  return tokens[inner].kind === 'number' && /^\d+$/.test(tokens[inner].text) ? { step: `[${tokens[inner].text}]`, close } : undefined;
}

/** The chain around the string subscript whose '[' is at `at`, or undefined when it cannot be read. */
export function jsonAccessChain(tokens: Token[], at: number): JsonAccess | undefined {
  const steps: string[] = [];
  // Backwards from the subscript to the root: .name, [n] and ['key'] steps.
  let k = prevSignificant(tokens, at - 1);
  let start: number;
  for (;;) {
    const t = tokens[k];
    if (!t) return undefined;
    if (t.text === ']' && t.kind === 'punct') {
      const open = openBefore(tokens, k);
      const s = open >= 0 ? subscript(tokens, open) : undefined;
      if (!s || s.close !== k) return undefined;
      steps.unshift(s.step);
      k = prevSignificant(tokens, open - 1);
    } else if ((t.kind === 'ident' || t.kind === 'quoted') && tokens[k - 1]?.text === '.' && (tokens[k - 2]?.kind === 'ident' || tokens[k - 2]?.kind === 'quoted' || tokens[k - 2]?.text === ']' || tokens[k - 2]?.text === ')')) {
      const step = member(nameOf(t));
      if (!step) return undefined;
      steps.unshift(step);
      k -= 2;
    } else if (t.kind === 'ident' || t.kind === 'quoted') {
      start = k;
      break;
    } else if (t.text === ')' && t.kind === 'punct') {
      // A call or a parenthesized expression: f(x)['key'], (expr)['key'].
      const open = openBefore(tokens, k);
      if (open < 0) return undefined;
      const fn = prevSignificant(tokens, open - 1);
      start = fn >= 0 && tokens[fn].kind === 'ident' && fn === open - 1 ? fn : open;
      if (start === fn && tokens[fn - 1]?.text === '.') return undefined;
      break;
    } else return undefined;
  }
  if (isKeyword(tokens[start], 'JSON')) return undefined;
  const rootEnd = k;
  // Forwards from the subscript: every further step is JSON access too.
  let end = at - 1;
  for (;;) {
    const j = nextSignificant(tokens, end + 1);
    if (tokens[j]?.text === '[' && tokens[j].kind === 'punct') {
      const s = subscript(tokens, j);
      if (!s) return undefined;
      steps.push(s.step);
      end = s.close;
    } else if (tokens[j]?.text === '.' && j === end + 1 && (tokens[j + 1]?.kind === 'ident' || tokens[j + 1]?.kind === 'quoted')) {
      const step = member(nameOf(tokens[j + 1]));
      if (!step) return undefined;
      steps.push(step);
      end = j + 1;
    } else break;
  }
  return { start, end, root: tokens.slice(start, rootEnd + 1), path: quoteString(`$${steps.join('')}`) };
}
