// UNNEST in FROM, where polyglot loses BigQuery's meaning: `UNNEST(a) AS x WITH OFFSET AS o`
// becomes 1-based WITH ORDINALITY without the offset's name, and an unaliased `UNNEST(a)` of
// STRUCTs does not expose the fields as columns. Both are marked before translation (as calls
// polyglot passes through untouched) and expanded into DuckDB after it:
//   PF_UNNEST_OFFSET(a, x, o) -> (SELECT UNNEST(a) AS x, GENERATE_SUBSCRIPTS(a, 1) - 1 AS o)
//   PF_UNNEST_FIELDS(a)       -> (SELECT UNNEST(a, recursive := true) AS f0_)
// (the alias names an element that is not a STRUCT f0_, as BigQuery does; DuckDB ignores it for
// STRUCT elements, whose fields become the columns).
import { type Token, isKeyword, nextSignificant, prevSignificant } from '../tokens';
import { callAt, template } from './calls';
import { unimplemented } from '../../errors';

const FROM_POSITION = ['FROM', 'JOIN', ','];

function inFromPosition(tokens: Token[], i: number): boolean {
  const p = prevSignificant(tokens, i - 1);
  return p >= 0 && FROM_POSITION.some((w) => (w === ',' ? tokens[p].text === ',' : isKeyword(tokens[p], w)));
}

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'ident' || t.kind === 'quoted');
}

/** Reads `[AS] name` from index i; returns the name token index and the index after it. */
function alias(tokens: Token[], i: number): { at: number; next: number } | undefined {
  let k = nextSignificant(tokens, i);
  if (k >= 0 && isKeyword(tokens[k], 'AS')) k = nextSignificant(tokens, k + 1);
  if (k < 0 || !isName(tokens[k]) || ['WITH', 'ON', 'LEFT', 'JOIN', 'CROSS', 'INNER', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'UNION'].some((w) => isKeyword(tokens[k], w))) return undefined;
  return { at: k, next: k + 1 };
}

export function markUnnest(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = inFromPosition(tokens, i) ? callAt(tokens, i, 'UNNEST') : undefined;
    if (!call || call.args.length !== 1) {
      out.push(tokens[i]);
      continue;
    }
    const a = alias(tokens, call.close + 1);
    const w = nextSignificant(tokens, a ? a.next : call.close + 1);
    const o = w >= 0 && isKeyword(tokens[w], 'WITH') ? nextSignificant(tokens, w + 1) : -1;
    if (a && o >= 0 && isKeyword(tokens[o], 'OFFSET')) {
      const off = alias(tokens, o + 1);
      const offName: Token = off ? tokens[off.at] : { kind: 'ident', text: 'offset' };
      out.push(...template('PF_UNNEST_OFFSET(ARG0, ARG1, ARG2)', call.args[0], [tokens[a.at]], [offName]));
      i = (off ? off.next : o + 1) - 1;
    } else if (!a) {
      // Without an alias the offset would need the element's name (f0_) or its fields: refused.
      if (o >= 0 && isKeyword(tokens[o], 'OFFSET')) throw unimplemented('UNNEST without an alias WITH OFFSET');
      out.push(...template('PF_UNNEST_FIELDS(ARG0)', call.args[0]));
      i = call.close;
    } else {
      out.push(tokens[i]);
    }
  }
  return out;
}

export function expandUnnest(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let n = 0;
  for (let i = 0; i < tokens.length; i++) {
    const offset = callAt(tokens, i, 'PF_UNNEST_OFFSET');
    if (offset && offset.args.length === 3) {
      const [arr, x, o] = offset.args;
      out.push(...template(`(SELECT UNNEST(ARG0) AS ARG1, GENERATE_SUBSCRIPTS(ARG0, 1) - 1 AS ARG2) AS pf_unnest_${n++}`, arr, x, o));
      i = offset.close;
      continue;
    }
    const fields = callAt(tokens, i, 'PF_UNNEST_FIELDS');
    if (fields && fields.args.length === 1) {
      out.push(...template(`(SELECT UNNEST(ARG0, recursive := true) AS f0_) AS pf_unnest_${n++}`, fields.args[0]));
      i = fields.close;
      continue;
    }
    out.push(tokens[i]);
  }
  return out;
}

/**
 * `offset` used as a name (`WITH OFFSET AS offset ... ORDER BY offset`) is quoted: GoogleSQL lets it
 * name a column, DuckDB reserves it. The keyword stays as it is in `WITH OFFSET`, `LIMIT n OFFSET m`
 * and `a[OFFSET(i)]`.
 */
export function offsetAsName(tokens: Token[]): Token[] {
  return tokens.map((t, i) => {
    if (!isKeyword(t, 'OFFSET')) return t;
    const prev = tokens[prevSignificant(tokens, i - 1)];
    const next = tokens[nextSignificant(tokens, i + 1)];
    if (isKeyword(prev, 'WITH') || prev?.text === '.') return t;
    if (next && (next.text === '(' || next.kind === 'number' || next.kind === 'param')) return t;
    return { kind: 'quoted', text: '`offset`' };
  });
}
