// Two forms of the select list (query-syntax#select_expression_star, #select_as_value) that
// polyglot cannot parse.
// `expression.*` on a STRUCT expression (a path of two or more names, or one ending in a call or a
// subscript: `l.location.*`, `l.locs[OFFSET(0)].*`) gives one column per field. It is marked
// PF_STRUCT_STAR(expression) before translation and expanded to DuckDB's UNNEST of a STRUCT, which
// does the same; struct_concat(x) is x for a STRUCT and fails for any other type (BigQuery refuses
// dot-star on a non-STRUCT too). A single name (`t.*`, `s.*`) is left to DuckDB, which reads it as
// a table or a STRUCT column as BigQuery does. EXCEPT / REPLACE after such a star are refused.
// `ARRAY(SELECT AS VALUE x …)` is `ARRAY(SELECT x …)`: the array's elements are the values either way.
import { unimplemented } from '../../errors';
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';
import { expandMarks, openBefore } from './calls';

const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'ident' || t.kind === 'quoted');
const LIST_START = ['SELECT', 'DISTINCT', 'ALL'];

/** The index where the operand ending at `end` (inclusive) starts, and how many path parts it has. */
function operandStart(tokens: Token[], end: number): { start: number; parts: number; complex: boolean } {
  let k = end;
  let parts = 0;
  let complex = false;
  for (;;) {
    const t = tokens[k];
    if (t?.text === ')' || t?.text === ']') {
      const open = openBefore(tokens, k);
      if (open < 0) return { start: -1, parts, complex };
      complex = true;
      k = open;
      if (t.text === ')' && isName(tokens[k - 1])) k--; // a call's name
    } else if (isName(t) && !(t!.kind === 'ident' && LIST_START.includes(t!.text.toUpperCase()))) {
      parts++;
    } else return { start: -1, parts, complex };
    const prev = tokens[k - 1];
    if (prev?.text === '.') k -= 2;
    else if (t!.text === ']' && (isName(prev) || prev?.text === ')' || prev?.text === ']')) k -= 1; // a subscripted operand
    else return { start: k, parts, complex };
  }
}

export function markStructStars(tokens: Token[]): Token[] {
  const out = [...tokens];
  for (let i = out.length - 1; i > 0; i--) {
    if (out[i]!.text !== '*' || out[i - 1]!.text !== '.') continue;
    const { start, parts, complex } = operandStart(out, i - 2);
    if (start < 0 || (parts < 2 && !complex)) continue;
    const before = out[prevSignificant(out, start - 1)];
    if (!before || !(before.text === ',' || (before.kind === 'ident' && LIST_START.includes(before.text.toUpperCase())))) continue;
    const after = out[nextSignificant(out, i + 1)];
    if (isKeyword(after, 'EXCEPT') || isKeyword(after, 'REPLACE')) throw unimplemented('EXCEPT or REPLACE after expression.* on a STRUCT');
    out.splice(start, i + 1 - start, { kind: 'ident', text: 'PF_STRUCT_STAR' }, { kind: 'punct', text: '(' }, ...out.slice(start, i - 1), { kind: 'punct', text: ')' });
    i = start;
  }
  return out;
}

export function arraySelectAsValue(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => {
    // Drops `AS VALUE` of `ARRAY ( SELECT AS VALUE`.
    const drop = (k: number): boolean => {
      const select = prevSignificant(tokens, k - 1);
      const open = prevSignificant(tokens, select - 1);
      return isKeyword(tokens[select], 'SELECT') && tokens[open]?.text === '(' && isKeyword(tokens[prevSignificant(tokens, open - 1)], 'ARRAY') && matchClose(tokens, open) > 0;
    };
    if (isKeyword(t, 'AS') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'VALUE')) return !drop(i);
    if (isKeyword(t, 'VALUE') && isKeyword(tokens[prevSignificant(tokens, i - 1)], 'AS')) return !drop(prevSignificant(tokens, i - 1));
    return true;
  });
}

export function expandStructStars(tokens: Token[]): Token[] {
  return expandMarks(tokens, { PF_STRUCT_STAR: 'UNNEST(struct_concat(ARG0))' });
}

/**
 * `SELECT AS STRUCT` / `SELECT AS VALUE` make a value table. Its rows are answered as BigQuery does
 * where the value is read as a value: in ARRAY(…), a scalar subquery, IN or EXISTS. A value table
 * as the statement's result, a FROM item or a WITH query would be read by DuckDB as a table of one
 * column named after the expression: refused.
 */
export function refuseValueTables(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    if (!isKeyword(t, 'SELECT')) return;
    const as = nextSignificant(tokens, i + 1);
    if (!isKeyword(tokens[as], 'AS')) return;
    const kind = tokens[nextSignificant(tokens, as + 1)];
    if (!isKeyword(kind, 'STRUCT') && !isKeyword(kind, 'VALUE')) return;
    const open = enclosingOpen(tokens, i);
    const before = open < 0 ? undefined : tokens[prevSignificant(tokens, open - 1)];
    const fromItem = before !== undefined && (isKeyword(before, 'FROM') || isKeyword(before, 'JOIN') || isKeyword(before, 'AS') || (before.text === ',' && inFromList(tokens, prevSignificant(tokens, open - 1))));
    if (open < 0 || fromItem) throw unimplemented(`SELECT AS ${kind!.text.toUpperCase()} as a table (the statement's result, a FROM item or a WITH query)`);
  });
  return tokens;
}

/** The '(' enclosing index i, or -1 at the top level. */
function enclosingOpen(tokens: Token[], i: number): number {
  let depth = 0;
  for (let k = i - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === ')' || t.text === ']') depth++;
    else if (t.text === '(' || t.text === '[') {
      if (depth === 0) return t.text === '(' ? k : -2;
      depth--;
    }
  }
  return -1;
}

/** Whether the comma at index c separates FROM items (the nearest SELECT or FROM before it at its depth is FROM). */
function inFromList(tokens: Token[], c: number): boolean {
  let depth = 0;
  for (let k = c - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth++;
    else if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0 && isKeyword(t, 'FROM')) return true;
    else if (depth === 0 && isKeyword(t, 'SELECT')) return false;
  }
  return false;
}
