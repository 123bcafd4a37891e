// A lossless GoogleSQL tokenizer: joining the tokens gives back the input, so rewrites can edit
// token streams without disturbing strings, comments or quoting.

export type TokenKind = 'ws' | 'comment' | 'string' | 'quoted' | 'ident' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      out.push({ kind: 'ws', text: sql.slice(start, i) });
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (isStringStart(sql, i)) {
      i = readString(sql, i);
      out.push({ kind: 'string', text: sql.slice(start, i) });
    } else if (c === '`') {
      i++;
      while (i < n && sql[i] !== '`') i += sql[i] === '\\' ? 2 : 1;
      i = Math.min(n, i + 1);
      out.push({ kind: 'quoted', text: sql.slice(start, i) });
    } else if (IDENT_START.test(c)) {
      while (i < n && IDENT_PART.test(sql[i])) i++;
      out.push({ kind: 'ident', text: sql.slice(start, i) });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? '') && !prevIsName(out))) {
      while (i < n && /[0-9A-Za-z_.]/.test(sql[i])) {
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '+' || sql[i + 1] === '-')) i++;
        i++;
      }
      out.push({ kind: 'number', text: sql.slice(start, i) });
    } else if (c === '@' && sql[i + 1] !== '@' && IDENT_START.test(sql[i + 1] ?? '')) {
      i++;
      while (i < n && IDENT_PART.test(sql[i])) i++;
      out.push({ kind: 'param', text: sql.slice(start, i) });
    } else if (c === '@' && sql[i + 1] === '@') {
      i += 2;
      while (i < n && /[A-Za-z0-9_.]/.test(sql[i])) i++;
      out.push({ kind: 'ident', text: sql.slice(start, i) });
    } else if (c === '?') {
      i++;
      out.push({ kind: 'param', text: '?' });
    } else {
      const two = sql.slice(i, i + 2);
      i += ['<=', '>=', '<>', '!=', '||', '->', '=>', '<<', '>>', '::'].includes(two) ? 2 : 1;
      out.push({ kind: 'punct', text: sql.slice(start, i) });
    }
  }
  return out;
}

function prevIsName(out: Token[]): boolean {
  const p = out[out.length - 1];
  return p !== undefined && (p.kind === 'ident' || p.kind === 'quoted' || p.text === ')' || p.text === ']');
}

function isStringStart(sql: string, i: number): boolean {
  const c = sql[i];
  if (c === "'" || c === '"') return true;
  const m = /^[rRbB]{1,2}['"]/.exec(sql.slice(i, i + 3));
  if (!m) return false;
  const prefix = m[0].slice(0, -1).toLowerCase();
  if (prefix.length === 2 && !(prefix === 'rb' || prefix === 'br')) return false;
  // A prefix letter glued to a previous identifier is not a prefix.
  return i === 0 || !IDENT_PART.test(sql[i - 1]);
}

function readString(sql: string, i: number): number {
  let raw = false;
  while (sql[i] !== "'" && sql[i] !== '"') {
    if (sql[i] === 'r' || sql[i] === 'R') raw = true;
    i++;
  }
  const q = sql[i];
  const triple = sql.slice(i, i + 3) === q.repeat(3);
  const close = triple ? q.repeat(3) : q;
  i += close.length;
  while (i < sql.length) {
    if (!raw && sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql.startsWith(close, i)) return i + close.length;
    i++;
  }
  return sql.length;
}

export function join(tokens: Token[]): string {
  return tokens.map((t) => t.text).join('');
}

export function isKeyword(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'ident' && t.text.toUpperCase() === word;
}

/** Index of the next token that is not whitespace or a comment, or -1. */
export function nextSignificant(tokens: Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    if (tokens[i].kind !== 'ws' && tokens[i].kind !== 'comment') return i;
  }
  return -1;
}

/** Past an `IF NOT EXISTS` at index i (a DDL statement's), if there is one: the next index and whether it was there. */
export function skipIfNotExists(tokens: Token[], i: number): { next: number; ifNotExists: boolean } {
  if (!isKeyword(tokens[i], 'IF')) return { next: i, ifNotExists: false };
  return { next: nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1) + 1), ifNotExists: true };
}

export function prevSignificant(tokens: Token[], from: number): number {
  for (let i = from; i >= 0; i--) {
    if (tokens[i].kind !== 'ws' && tokens[i].kind !== 'comment') return i;
  }
  return -1;
}

/** Index of the bracket closing the one at `open` ('(' or '['), or -1. */
export function matchClose(tokens: Token[], open: number): number {
  const o = tokens[open].text;
  const c = o === '(' ? ')' : o === '[' ? ']' : '>';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].kind !== 'punct') continue;
    if (tokens[i].text === o) depth++;
    else if (tokens[i].text === c && --depth === 0) return i;
  }
  return -1;
}

/** Splits a script into statements at top-level semicolons (empty statements dropped). */
export function splitStatements(sql: string): string[] {
  const tokens = tokenize(sql);
  const out: string[] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (t.kind === 'punct' && t.text === ';' && depth === 0) {
      out.push(join(cur));
      cur = [];
    } else {
      cur.push(t);
    }
  }
  out.push(join(cur));
  return out.map((s) => s.trim()).filter((s) => tokenize(s).some((t) => t.kind !== 'ws' && t.kind !== 'comment'));
}

/** The GoogleSQL string literal for a JS string. */
export function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}
