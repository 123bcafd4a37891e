// Small token helpers shared by rewrites that take a function call apart.
import { type Token, isKeyword, matchClose, nextSignificant, tokenize } from '../tokens';

export interface Call {
  /** Index of the function name, its '(' and its ')'. */
  name: number;
  open: number;
  close: number;
  /** Argument token lists, split on top-level commas, surrounding whitespace trimmed. */
  args: Token[][];
}

/** The call of `fn` starting at index i (not a qualified name like x.fn), or undefined. */
export function callAt(tokens: Token[], i: number, fn: string): Call | undefined {
  if (!isKeyword(tokens[i], fn) || tokens[i - 1]?.text === '.') return undefined;
  const open = nextSignificant(tokens, i + 1);
  if (open < 0 || tokens[open].text !== '(') return undefined;
  const close = matchClose(tokens, open);
  if (close < 0) return undefined;
  const args: Token[][] = [[]];
  let depth = 0;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    // '{' … '}': DuckDB's STRUCT literals, in calls marked before translation and expanded after it.
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ',') args.push([]);
    else args[args.length - 1].push(t);
  }
  return { name: i, open, close, args: args.map(trim) };
}

export function trim(ts: Token[]): Token[] {
  let a = 0;
  let b = ts.length;
  while (a < b && (ts[a].kind === 'ws' || ts[a].kind === 'comment')) a++;
  while (b > a && (ts[b - 1].kind === 'ws' || ts[b - 1].kind === 'comment')) b--;
  return ts.slice(a, b);
}

/** Tokens for a SQL fragment, with the identifiers ARG0, ARG1, ... replaced by the given token lists. */
export function template(sql: string, ...parts: Token[][]): Token[] {
  const out: Token[] = [];
  for (const t of tokenize(sql)) {
    const m = t.kind === 'ident' ? /^ARG(\d+)$/.exec(t.text) : null;
    if (m) out.push(...parts[Number(m[1])]);
    else out.push(t);
  }
  return out;
}

/** Replaces every call of `fn` (not x.fn) by what `rewrite` makes of it; undefined keeps the call. */
export function mapCalls(tokens: Token[], fn: string, rewrite: (args: Token[][], all: Token[]) => Token[] | undefined): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, fn);
    // Calls nested in the arguments first.
    const replaced = call ? rewrite(call.args.map((a) => mapCalls(a, fn, rewrite)), mapCalls(tokens.slice(call.open + 1, call.close), fn, rewrite)) : undefined;
    if (!call || !replaced) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...replaced);
    i = call.close;
  }
  return out;
}

/** Tokens of an argument list joined by ', '. */
export function list(args: Token[][]): Token[] {
  return args.flatMap((a, i) => (i === 0 ? a : [{ kind: 'punct', text: ',' } as Token, { kind: 'ws', text: ' ' } as Token, ...a]));
}

/**
 * Expands the marks a rewrite left for polyglot to pass through (PF_… calls) into DuckDB SQL: each
 * name's template, with ARG0, ARG1, … its arguments (which may hold marks of their own).
 */
export function expandMarks(tokens: Token[], templates: Readonly<Record<string, string>>): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const sql = tokens[i].kind === 'ident' ? templates[tokens[i].text.toUpperCase()] : undefined;
    const call = sql === undefined ? undefined : callAt(tokens, i, tokens[i].text);
    if (sql === undefined || !call) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...template(sql, ...call.args.map((a) => expandMarks(a, templates))));
    i = call.close;
  }
  return out;
}

/** The index of the '(' or '[' that the ')' or ']' at `close` closes, scanning back, or -1. */
export function openBefore(tokens: Token[], close: number): number {
  const c = tokens[close]!.text;
  const o = c === ')' ? '(' : '[';
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (tokens[k]!.kind !== 'punct') continue;
    if (tokens[k]!.text === c) depth++;
    else if (tokens[k]!.text === o && --depth === 0) return k;
  }
  return -1;
}

/** The operand and the type (upper case, no spaces) of a CAST(x AS type) call, or undefined. */
export function castParts(call: { args: Token[][] }): { expr: Token[]; type: string } | undefined {
  if (call.args.length !== 1) return undefined;
  const arg = call.args[0];
  let depth = 0;
  for (let k = arg.length - 1; k >= 0; k--) {
    const t = arg[k];
    if (t.text === ')' || t.text === ']') depth++;
    else if (t.text === '(' || t.text === '[') depth--;
    else if (depth === 0 && isKeyword(t, 'AS')) {
      const type = arg
        .slice(k + 1)
        .filter((x) => x.kind !== 'ws' && x.kind !== 'comment')
        .map((x) => x.text.toUpperCase())
        .join('')
        .replace(/\s+/g, ''); // placeholdersToDuckDb leaves 'DECIMAL(38, 18)' as one token
      return { expr: trim(arg.slice(0, k)), type };
    }
  }
  return undefined;
}

/**
 * STRING literal tokens (not raw, not BYTES) whose text `present` matches, with the escapes
 * `decode` reads replaced: it gets the text after a backslash and answers what to write and how
 * many characters after the backslash it read, or undefined to keep that escape as it is.
 */
export function stringEscapesDecoded(tokens: Token[], present: RegExp, decode: (after: string) => { text: string; read: number } | undefined): Token[] {
  return tokens.map((t) => {
    if (t.kind !== 'string' || /^[rRbB]/.test(t.text) || !present.test(t.text)) return t;
    let out = '';
    for (let i = 0; i < t.text.length; i++) {
      const c = t.text[i];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const decoded = decode(t.text.slice(i + 1));
      if (!decoded) {
        out += c + (t.text[i + 1] ?? '');
        i += 1;
        continue;
      }
      out += decoded.text;
      i += decoded.read;
    }
    return { kind: 'string', text: out };
  });
}
