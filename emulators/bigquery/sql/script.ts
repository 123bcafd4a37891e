// The statements of a GoogleSQL script: DECLARE and SET keep variables whose values are
// substituted, as typed literals, into the statements that follow; BEGIN/COMMIT/ROLLBACK
// TRANSACTION. Blocks, IF and the loops are read by script-parse.ts and run by ../script-flow.ts.
import { type StatementTemplate, type TemplatedLiteral, holdsSentinelText, templateLiteral } from './templates';
import { type Token, isKeyword, join, nextSignificant, prevSignificant, tokenize } from './tokens';

export type ScriptStep =
  | { kind: 'declare'; names: string[]; type?: string; defaultExpr?: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback' }
  | { kind: 'set'; name: string; expr: string }
  | { kind: 'statement'; sql: string };

export class ScriptError extends Error {
  constructor(message: string, readonly unsupported = false) {
    super(message);
  }
}

const CONTROL = ['IF', 'BEGIN', 'LOOP', 'WHILE', 'REPEAT', 'FOR', 'CALL', 'EXECUTE', 'RAISE', 'RETURN', 'BREAK', 'LEAVE', 'CONTINUE', 'ITERATE', 'COMMIT', 'ROLLBACK', 'EXPORT', 'ASSERT'];

export function classifyStep(sql: string): ScriptStep {
  const tokens = tokenize(sql);
  const first = nextSignificant(tokens, 0);
  const head = tokens[first];
  if (isKeyword(head, 'DECLARE')) return parseDeclare(tokens, first + 1);
  if (isKeyword(head, 'SET')) return parseSet(tokens, first + 1);
  const transaction = transactionControl(tokens, first);
  if (transaction) return transaction;
  const word = head?.kind === 'ident' ? head.text.toUpperCase() : '';
  if (CONTROL.includes(word)) throw new ScriptError(`Scripting statement ${word}`, true);
  return { kind: 'statement', sql };
}

/**
 * `BEGIN [TRANSACTION]`, `COMMIT [TRANSACTION]`, `ROLLBACK [TRANSACTION]`: only when nothing else
 * follows, so a `BEGIN … END` block stays what it is (unsupported control flow).
 */
function transactionControl(tokens: Token[], first: number): ScriptStep | undefined {
  const words: string[] = [];
  for (let i = first; i >= 0 && i < tokens.length; i = nextSignificant(tokens, i + 1)) {
    if (tokens[i].kind !== 'ident') return undefined;
    words.push(tokens[i].text.toUpperCase());
  }
  const [verb, noun, ...rest] = words;
  if (rest.length > 0 || (noun !== undefined && noun !== 'TRANSACTION')) return undefined;
  if (verb === 'BEGIN') return { kind: 'transaction', action: 'begin' };
  if (verb === 'COMMIT') return { kind: 'transaction', action: 'commit' };
  if (verb === 'ROLLBACK') return { kind: 'transaction', action: 'rollback' };
  return undefined;
}

function parseDeclare(tokens: Token[], from: number): ScriptStep {
  const names: string[] = [];
  let i = nextSignificant(tokens, from);
  while (i >= 0 && tokens[i].kind === 'ident') {
    names.push(tokens[i].text);
    const next = nextSignificant(tokens, i + 1);
    if (next >= 0 && tokens[next].text === ',') i = nextSignificant(tokens, next + 1);
    else {
      i = next;
      break;
    }
  }
  if (names.length === 0) throw new ScriptError('DECLARE needs a variable name');
  const rest = i >= 0 ? tokens.slice(i) : [];
  const defIdx = rest.findIndex((t) => isKeyword(t, 'DEFAULT'));
  const type = join(defIdx >= 0 ? rest.slice(0, defIdx) : rest).trim() || undefined;
  const defaultExpr = defIdx >= 0 ? join(rest.slice(defIdx + 1)).trim() : undefined;
  if (!type && !defaultExpr) throw new ScriptError('DECLARE needs a type or a DEFAULT');
  return { kind: 'declare', names, type, defaultExpr };
}

function parseSet(tokens: Token[], from: number): ScriptStep {
  const nameIdx = nextSignificant(tokens, from);
  const name = tokens[nameIdx];
  if (!name || name.kind !== 'ident') throw new ScriptError('SET of several variables at once', true);
  const eq = nextSignificant(tokens, nameIdx + 1);
  if (tokens[eq]?.text !== '=') throw new ScriptError('SET needs = expression');
  return { kind: 'set', name: name.text, expr: join(tokens.slice(eq + 1)).trim() };
}

/** Replaces variable references with their literal values (parenthesised). */
export function substituteVariables(tokens: Token[], vars: Map<string, string>): Token[] {
  if (vars.size === 0) return tokens;
  const items = selectItems(tokens);
  return tokens.map((t, i) => {
    const name = variableAt(tokens, i, vars);
    return name === undefined ? t : { kind: 'ident', text: `(${vars.get(name)})${items.has(i) ? ` AS ${t.text}` : ''}` };
  });
}

const CLAUSE_ENDS = ['FROM', 'WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'UNION', 'INTERSECT', 'EXCEPT'];

/**
 * Indexes of single names that are a whole item of a SELECT list (`SELECT v, …`): a variable there
 * keeps its name as the column's name, as BigQuery names it, when its literal replaces it.
 */
export function selectItems(tokens: Token[]): Set<number> {
  const out = new Set<number>();
  const inList: boolean[] = [false];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) inList.push(false);
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
      if (inList.length > 1) inList.pop();
    }
    else if (isKeyword(t, 'SELECT')) inList[inList.length - 1] = true;
    else if (CLAUSE_ENDS.some((w) => isKeyword(t, w))) inList[inList.length - 1] = false;
    else if (t.kind === 'ident' && inList[inList.length - 1]) {
      const prev = tokens[prevSignificant(tokens, i - 1)];
      const next = tokens[nextSignificant(tokens, i + 1)];
      const starts = prev && (prev.text === ',' || isKeyword(prev, 'SELECT') || isKeyword(prev, 'DISTINCT') || isKeyword(prev, 'ALL'));
      const ends = !next || next.text === ',' || next.text === ')' || next.text === ';' || CLAUSE_ENDS.some((w) => isKeyword(next, w));
      if (starts && ends) out.add(i);
    }
  }
  return out;
}

/**
 * The statement with its variables substituted (exactly substituteVariables' text), and its
 * translation template: the same statement with each value that can be templated replaced by a
 * sentinel (one per variable). No template when no value can be.
 */
export function substituteWithTemplate(tokens: Token[], vars: Map<string, string>): { sql: string; template?: StatementTemplate } {
  const sql = join(substituteVariables(tokens, vars));
  if (vars.size === 0 || holdsSentinelText(sql)) return { sql };
  const templated = new Map<string, TemplatedLiteral | undefined>();
  const values: string[] = [];
  const sentinels: string[] = [];
  const items = selectItems(tokens);
  const parts = tokens.map((t, i) => {
    const name = variableAt(tokens, i, vars);
    if (name === undefined) return t.text;
    if (!templated.has(name)) {
      const literal = templateLiteral(vars.get(name) as string, values.length);
      templated.set(name, literal);
      if (literal) {
        values.push(literal.value);
        sentinels.push(literal.sentinel);
      }
    }
    return `(${templated.get(name)?.literal ?? vars.get(name)})${items.has(i) ? ` AS ${t.text}` : ''}`;
  });
  return values.length === 0 ? { sql } : { sql, template: { sql: parts.join(''), values, sentinels } };
}

const TYPE_NAMES = new Set(['INT64', 'INT', 'INTEGER', 'SMALLINT', 'BIGINT', 'TINYINT', 'BYTEINT', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL', 'BOOL', 'BOOLEAN', 'STRING', 'BYTES', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP', 'ARRAY', 'STRUCT', 'JSON', 'GEOGRAPHY', 'INTERVAL', 'RANGE']);

/** The lower-cased name of the variable token i refers to, or undefined (a column, a function, an alias). */
function variableAt(tokens: Token[], i: number, vars: Map<string, string>): string | undefined {
  const t = tokens[i];
  if (t.kind !== 'ident') return undefined;
  const name = t.text.toLowerCase();
  if (!vars.has(name)) return undefined;
  if (tokens[i - 1]?.text === '.') return undefined;
  // `v.field` of a STRUCT variable (a FOR … IN loop's row); otherwise a table's column.
  if (tokens[i + 1]?.text === '.' && !vars.get(name)!.startsWith('STRUCT(')) return undefined;
  if (isKeyword(tokens[prevSignificant(tokens, i - 1)], 'AS')) return undefined;
  const next = tokens[nextSignificant(tokens, i + 1)];
  if (next?.text === '(') return undefined;
  // The name in a column, parameter or STRUCT field definition (`(x INT64`, `, x STRING`, `<x DATE`).
  const prev = tokens[prevSignificant(tokens, i - 1)];
  if (next?.kind === 'ident' && TYPE_NAMES.has(next.text.toUpperCase()) && ['(', ',', '<'].includes(prev?.text ?? '')) return undefined;
  return name;
}
