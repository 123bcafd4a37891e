// polyglot maps both GoogleSQL TIMESTAMP (an instant) and DATETIME (a civil time) to DuckDB
// TIMESTAMP, and NUMERIC to DECIMAL(18,3). Type names are swapped for placeholders polyglot passes
// through untouched, then the placeholders become the right DuckDB types after translation:
// TIMESTAMP -> TIMESTAMPTZ, DATETIME -> TIMESTAMP, NUMERIC -> DECIMAL(38,9), BIGNUMERIC -> DECIMAL(38,18).
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';

const PLACEHOLDERS: Record<string, { placeholder: string; duckdb: string }> = {
  TIMESTAMP: { placeholder: 'PF_TIMESTAMP', duckdb: 'TIMESTAMPTZ' },
  DATETIME: { placeholder: 'PF_DATETIME', duckdb: 'TIMESTAMP' },
  NUMERIC: { placeholder: 'PF_NUMERIC', duckdb: 'DECIMAL(38, 9)' },
  DECIMAL: { placeholder: 'PF_NUMERIC', duckdb: 'DECIMAL(38, 9)' },
  BIGNUMERIC: { placeholder: 'PF_BIGNUMERIC', duckdb: 'DECIMAL(38, 18)' },
  BIGDECIMAL: { placeholder: 'PF_BIGNUMERIC', duckdb: 'DECIMAL(38, 18)' },
};

type Context = 'cast' | 'coldefs' | 'other';

export function markTypeNames(tokens: Token[]): Token[] {
  const out: Token[] = [];
  const parens: Context[] = [];
  let angle = 0;
  const coldefsOpen = columnDefinitionParen(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct') {
      if (t.text === '(') parens.push(i === coldefsOpen ? 'coldefs' : openerContext(tokens, i));
      else if (t.text === ')') parens.pop();
      else if (t.text === '<' && isTypeConstructor(tokens[prevSignificant(tokens, i - 1)])) angle++;
      else if (angle > 0 && t.text === '>') angle--;
      else if (angle > 0 && t.text === '>>') angle = Math.max(0, angle - 2);
      out.push(t);
      continue;
    }
    const mapping = t.kind === 'ident' ? PLACEHOLDERS[t.text.toUpperCase()] : undefined;
    if (!mapping || tokens[i - 1]?.text === '.') {
      out.push(t);
      continue;
    }
    const nextIdx = nextSignificant(tokens, i + 1);
    const next = tokens[nextIdx];
    if (next?.kind === 'string') {
      // typed literal: TIMESTAMP '...' -> CAST('...' AS PF_TIMESTAMP)
      out.push({ kind: 'ident', text: 'CAST' }, { kind: 'punct', text: '(' }, next);
      out.push({ kind: 'ws', text: ' ' }, { kind: 'ident', text: 'AS' }, { kind: 'ws', text: ' ' });
      out.push({ kind: 'ident', text: mapping.placeholder }, { kind: 'punct', text: ')' });
      i = nextIdx;
      continue;
    }
    const parametrized = next?.text === '(';
    if (!parametrized && isTypePosition(tokens, i, parens[parens.length - 1], angle)) {
      out.push({ kind: 'ident', text: mapping.placeholder });
    } else {
      out.push(t);
    }
  }
  return out;
}

export function placeholdersToDuckDb(tokens: Token[]): Token[] {
  const byPlaceholder = new Map(Object.values(PLACEHOLDERS).map((m) => [m.placeholder, m.duckdb]));
  return tokens.map((t) => {
    const duck = t.kind === 'ident' ? byPlaceholder.get(t.text.toUpperCase()) : undefined;
    return duck ? { kind: 'ident', text: duck } : t;
  });
}

function isTypeConstructor(t: Token | undefined): boolean {
  return isKeyword(t, 'ARRAY') || isKeyword(t, 'STRUCT');
}

function openerContext(tokens: Token[], open: number): Context {
  const fn = tokens[prevSignificant(tokens, open - 1)];
  return isKeyword(fn, 'CAST') || isKeyword(fn, 'SAFE_CAST') ? 'cast' : 'other';
}

function isTypePosition(tokens: Token[], i: number, ctx: Context | undefined, angle: number): boolean {
  const prev = tokens[prevSignificant(tokens, i - 1)];
  if (angle > 0) return true;
  if (ctx === 'cast') return isKeyword(prev, 'AS');
  if (ctx === 'coldefs') return prev !== undefined && (prev.kind === 'ident' || prev.kind === 'quoted');
  return false;
}

/** The '(' opening the column list of CREATE [OR REPLACE] [TEMP] TABLE [IF NOT EXISTS] name (...), or -1. */
export function columnDefinitionParen(tokens: Token[]): number {
  const first = nextSignificant(tokens, 0);
  if (!isKeyword(tokens[first], 'CREATE')) return -1;
  let sawTable = false;
  for (let i = first + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (isKeyword(t, 'TABLE')) sawTable = true;
    if (isKeyword(t, 'AS') || isKeyword(t, 'SELECT') || isKeyword(t, 'VIEW')) return -1;
    if (t.text === '(') return sawTable && matchClose(tokens, i) > 0 ? i : -1;
  }
  return -1;
}
