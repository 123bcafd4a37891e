// SQL user-defined functions (data-definition-language#create_function_statement): reads
// CREATE [OR REPLACE] [TEMP|TEMPORARY] FUNCTION [IF NOT EXISTS] name(params) [RETURNS type] AS (expr)
// and DROP FUNCTION [IF EXISTS] name, and finds the calls of user functions in a statement.
import { type Token, isKeyword, join, matchClose, nextSignificant, prevSignificant, skipIfNotExists, tokenize } from './tokens';

export interface FunctionName {
  project?: string;
  dataset?: string;
  name: string;
}

export type FunctionDdl =
  | {
      action: 'create';
      temporary: boolean;
      orReplace: boolean;
      ifNotExists: boolean;
      name: FunctionName;
      /** The parameter list as written (GoogleSQL `name type, …`), without its parentheses. */
      params: string;
      paramNames: string[];
      /** The RETURNS type as written, if any. */
      returns?: string;
      /** The body expression as written, with its parentheses. */
      body: string;
    }
  | { action: 'drop'; ifExists: boolean; name: FunctionName };

export class FunctionDdlError extends Error {
  constructor(message: string, readonly unsupported = false) {
    super(message);
  }
}

/** The function DDL the statement is, or undefined when it is not CREATE/DROP FUNCTION. */
export function readFunctionDdl(sql: string): FunctionDdl | undefined {
  const tokens = tokenize(sql);
  let i = nextSignificant(tokens, 0);
  if (isKeyword(tokens[i], 'DROP')) {
    i = nextSignificant(tokens, i + 1);
    if (isKeyword(tokens[i], 'TABLE') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'FUNCTION')) throw new FunctionDdlError('DROP TABLE FUNCTION', true);
    if (!isKeyword(tokens[i], 'FUNCTION')) return undefined;
    i = nextSignificant(tokens, i + 1);
    let ifExists = false;
    if (isKeyword(tokens[i], 'IF') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'EXISTS')) {
      ifExists = true;
      i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
    }
    const { name, end } = readFunctionName(tokens, i);
    if (nextSignificant(tokens, end) >= 0) throw new FunctionDdlError(`Syntax error: Unexpected ${tokens[nextSignificant(tokens, end)].text} after DROP FUNCTION ${name.name}`);
    return { action: 'drop', ifExists, name };
  }
  if (!isKeyword(tokens[i], 'CREATE')) return undefined;
  i = nextSignificant(tokens, i + 1);
  let orReplace = false;
  if (isKeyword(tokens[i], 'OR') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'REPLACE')) {
    orReplace = true;
    i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
  }
  let temporary = false;
  if (isKeyword(tokens[i], 'TEMP') || isKeyword(tokens[i], 'TEMPORARY')) {
    temporary = true;
    i = nextSignificant(tokens, i + 1);
  }
  if (isKeyword(tokens[i], 'TABLE') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'FUNCTION')) throw new FunctionDdlError('CREATE TABLE FUNCTION', true);
  if (isKeyword(tokens[i], 'AGGREGATE') && isKeyword(tokens[nextSignificant(tokens, i + 1)], 'FUNCTION')) throw new FunctionDdlError('CREATE AGGREGATE FUNCTION', true);
  if (!isKeyword(tokens[i], 'FUNCTION')) return undefined;
  i = nextSignificant(tokens, i + 1);
  const skipped = skipIfNotExists(tokens, i);
  const ifNotExists = skipped.ifNotExists;
  i = skipped.next;
  const { name, end } = readFunctionName(tokens, i);
  if (temporary && (name.dataset || name.project)) throw new FunctionDdlError(`Temporary function ${join(tokens.slice(i, end)).trim()} cannot be qualified`);
  const open = nextSignificant(tokens, end);
  if (tokens[open]?.text !== '(') throw new FunctionDdlError(`Syntax error: Expected "(" after function name ${name.name}`);
  const close = matchClose(tokens, open);
  if (close < 0) throw new FunctionDdlError('Syntax error: Unclosed parameter list');
  const paramTokens = tokens.slice(open + 1, close);
  const paramNames = splitTopLevel(paramTokens).map((p) => {
    const sig = p.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
    if (sig.length < 2) throw new FunctionDdlError(`Syntax error: Function parameter ${join(p).trim()} needs a name and a type`);
    if (isKeyword(sig[1], 'ANY') && isKeyword(sig[2], 'TYPE')) throw new FunctionDdlError('Templated SQL function parameters (ANY TYPE)', true);
    return sig[0].kind === 'quoted' ? sig[0].text.slice(1, -1) : sig[0].text;
  });
  let returns: string | undefined;
  let j = nextSignificant(tokens, close + 1);
  if (isKeyword(tokens[j], 'RETURNS')) {
    const from = j + 1;
    j = nextSignificant(tokens, from);
    let depth = 0;
    while (j >= 0 && j < tokens.length) {
      const t = tokens[j];
      if (t.text === '<' || t.text === '(') depth++;
      else if (t.text === '>' || t.text === ')') depth--;
      else if (t.text === '>>') depth -= 2;
      else if (depth === 0 && t.kind === 'ident' && ['AS', 'LANGUAGE', 'OPTIONS', 'DETERMINISTIC', 'NOT', 'REMOTE'].includes(t.text.toUpperCase())) break;
      j++;
    }
    returns = join(tokens.slice(from, j)).trim();
    if (!returns) throw new FunctionDdlError('Syntax error: RETURNS needs a type');
    j = nextSignificant(tokens, j);
  }
  const word = tokens[j]?.text.toUpperCase();
  if (word === 'LANGUAGE') {
    const lang = tokens[nextSignificant(tokens, j + 1)]?.text ?? '';
    throw new FunctionDdlError(lang.toLowerCase() === 'js' ? 'JavaScript user-defined functions' : `User-defined functions in LANGUAGE ${lang}`, true);
  }
  if (word === 'REMOTE') throw new FunctionDdlError('Remote functions', true);
  if (word === 'DETERMINISTIC' || word === 'NOT') throw new FunctionDdlError('JavaScript user-defined functions', true);
  if (word !== 'AS') throw new FunctionDdlError(`Syntax error: Expected keyword AS but got ${tokens[j]?.text ?? 'end of statement'}`);
  const bodyOpen = nextSignificant(tokens, j + 1);
  if (tokens[bodyOpen]?.text !== '(') throw new FunctionDdlError('Syntax error: The body of a SQL function must be a parenthesized expression');
  const bodyClose = matchClose(tokens, bodyOpen);
  if (bodyClose < 0) throw new FunctionDdlError('Syntax error: Unclosed function body');
  const after = nextSignificant(tokens, bodyClose + 1);
  if (after >= 0) {
    if (isKeyword(tokens[after], 'OPTIONS')) throw new FunctionDdlError('OPTIONS of a function', true);
    throw new FunctionDdlError(`Syntax error: Unexpected ${tokens[after].text} after the function body`);
  }
  return { action: 'create', temporary, orReplace, ifNotExists, name, params: join(paramTokens).trim(), paramNames, returns, body: join(tokens.slice(bodyOpen, bodyClose + 1)) };
}

function readFunctionName(tokens: Token[], start: number): { name: FunctionName; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const t = tokens[i];
    if (!t) break;
    if (t.kind === 'ident') parts.push(t.text);
    else if (t.kind === 'quoted') parts.push(...t.text.slice(1, -1).split('.'));
    else if (!(t.kind === 'punct' && t.text === '.')) break;
    i++;
  }
  if (parts.length === 0 || parts.length > 3) throw new FunctionDdlError('Syntax error: Expected a function name');
  const name = parts[parts.length - 1];
  return { name: { name, dataset: parts.length >= 2 ? parts[parts.length - 2] : undefined, project: parts.length === 3 ? parts[0] : undefined }, end: i };
}

/** Splits tokens at top-level commas (outside (), [] and <>). */
export function splitTopLevel(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && ['(', '[', '<'].includes(t.text)) depth++;
    else if (t.kind === 'punct' && [')', ']', '>'].includes(t.text)) depth--;
    else if (t.kind === 'punct' && t.text === '>>') depth -= 2;
    if (t.kind === 'punct' && t.text === ',' && depth === 0) out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((p) => p.some((t) => t.kind !== 'ws' && t.kind !== 'comment'));
}

export interface FunctionCall {
  /** Token range [start, end) of the called name. */
  start: number;
  end: number;
  /** The name's parts, unquoted (`a.b.c` and `` `a.b`.c `` alike give a, b, c). */
  parts: string[];
}

/** The calls by name in a statement: a (possibly qualified) name followed by `(`. */
export function functionCalls(tokens: Token[]): FunctionCall[] {
  const out: FunctionCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'ident' && t.kind !== 'quoted') continue;
    if (tokens[i - 1]?.text === '.') continue;
    const before = tokens[prevSignificant(tokens, i - 1)];
    // The name of a table or function being defined, or of an INSERT's target: not a call.
    if (before && ['INTO', 'TABLE', 'VIEW', 'FUNCTION', 'EXISTS', 'MACRO'].some((w) => isKeyword(before, w))) continue;
    const parts: string[] = [];
    let j = i;
    while (j < tokens.length) {
      const p = tokens[j];
      if (p.kind === 'ident') parts.push(p.text);
      else if (p.kind === 'quoted') parts.push(...p.text.slice(1, -1).split('.'));
      else break;
      if (tokens[j + 1]?.text === '.' && (tokens[j + 2]?.kind === 'ident' || tokens[j + 2]?.kind === 'quoted')) j += 2;
      else {
        j++;
        break;
      }
    }
    const next = nextSignificant(tokens, j);
    if (next >= 0 && tokens[next].text === '(' && parts.length <= 3) out.push({ start: i, end: j, parts });
    i = j - 1;
  }
  return out;
}
