// Subscription filters (https://cloud.google.com/pubsub/docs/subscription-message-filter): a pure
// parser from filter text to a predicate over message attributes. Invalid text throws FilterError.

export type FilterNode =
  | { kind: 'has'; key: string }
  | { kind: 'eq'; key: string; value: string }
  | { kind: 'ne'; key: string; value: string }
  | { kind: 'prefix'; key: string; prefix: string }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'and'; operands: FilterNode[] }
  | { kind: 'or'; operands: FilterNode[] };

export type Attributes = Readonly<Record<string, string>>;
export type FilterPredicate = (attributes: Attributes) => boolean;

/** Pub/Sub rejects filters longer than 256 bytes. */
export const MAX_FILTER_BYTES = 256;

export class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

type Token =
  | { type: 'ident'; text: string; pos: number }
  | { type: 'string'; text: string; pos: number }
  | { type: 'punct'; text: '(' | ')' | '.' | ':' | '=' | '!=' | ',' | '-'; pos: number }
  | { type: 'end'; text: ''; pos: number };

const IDENT = /[A-Za-z0-9_-]/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const [text, next] = readString(src, i);
      tokens.push({ type: 'string', text, pos: i });
      i = next;
    } else if (c === '!' && src[i + 1] === '=') {
      tokens.push({ type: 'punct', text: '!=', pos: i });
      i += 2;
    } else if ('().:=,'.includes(c)) {
      tokens.push({ type: 'punct', text: c as '(' | ')' | '.' | ':' | '=' | ',', pos: i });
      i++;
    } else if (c === '-' && (tokens.length === 0 || !isKeyContext(tokens))) {
      tokens.push({ type: 'punct', text: '-', pos: i });
      i++;
    } else if (IDENT.test(c)) {
      const start = i;
      while (i < src.length && IDENT.test(src[i]!)) i++;
      tokens.push({ type: 'ident', text: src.slice(start, i), pos: start });
    } else {
      throw new FilterError(`unexpected character '${c}' at position ${i}`, i);
    }
  }
  tokens.push({ type: 'end', text: '', pos: src.length });
  return tokens;
}

/** A '-' right after `attributes.` is part of a key such as `ce-type`, not a negation. */
function isKeyContext(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1]!;
  return last.type === 'punct' && last.text === '.';
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', '"': '"', "'": "'", '?': '?', '`': '`',
};

function readString(src: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return [out, i + 1];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' || e === 'X') {
      out += hexEscape(src, i, 2);
      i += 4;
    } else if (e === 'u') {
      out += hexEscape(src, i, 4);
      i += 6;
    } else if (e === 'U') {
      out += hexEscape(src, i, 8);
      i += 10;
    } else if (/[0-7]/.test(e)) {
      const digits = src.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) throw new FilterError(`invalid octal escape at position ${i}`, i);
      out += String.fromCodePoint(parseInt(digits, 8));
      i += 4;
    } else {
      throw new FilterError(`invalid escape sequence '\\${e}' at position ${i}`, i);
    }
  }
  throw new FilterError(`unterminated string literal starting at position ${start}`, start);
}

function hexEscape(src: string, at: number, n: number): string {
  const digits = src.slice(at + 2, at + 2 + n);
  if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(digits)) {
    throw new FilterError(`invalid hexadecimal escape at position ${at}`, at);
  }
  const cp = parseInt(digits, 16);
  if (cp > 0x10ffff) throw new FilterError(`invalid code point in escape at position ${at}`, at);
  return String.fromCodePoint(cp);
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.expression();
    const t = this.peek();
    if (t.type !== 'end') throw this.error(`unexpected '${t.text}'`, t);
    return node;
  }

  // expression := term ((AND term)* | (OR term)*) — Pub/Sub requires parentheses to mix AND and OR.
  private expression(): FilterNode {
    const first = this.term();
    const op = this.peekOperator();
    if (!op) return first;
    const operands = [first];
    while (this.peekOperator()) {
      const t = this.next();
      if (t.text !== op) throw this.error(`AND and OR cannot be mixed without parentheses`, t);
      operands.push(this.term());
    }
    return op === 'AND' ? { kind: 'and', operands } : { kind: 'or', operands };
  }

  private peekOperator(): 'AND' | 'OR' | undefined {
    const t = this.peek();
    return t.type === 'ident' && (t.text === 'AND' || t.text === 'OR') ? t.text : undefined;
  }

  // term := NOT term | '-' term | '(' expression ')' | comparison | hasPrefix(...)
  private term(): FilterNode {
    const t = this.peek();
    if (t.type === 'ident' && t.text === 'NOT') {
      this.next();
      return { kind: 'not', operand: this.term() };
    }
    if (t.type === 'punct' && t.text === '-') {
      this.next();
      return { kind: 'not', operand: this.term() };
    }
    if (t.type === 'punct' && t.text === '(') {
      this.next();
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (t.type === 'ident' && t.text === 'hasPrefix') {
      this.next();
      this.expect('(');
      const key = this.attributeKey();
      this.expect(',');
      const prefix = this.stringLiteral();
      this.expect(')');
      return { kind: 'prefix', key, prefix };
    }
    if (t.type === 'ident' && t.text === 'attributes') return this.comparison();
    throw this.error(t.type === 'end' ? 'unexpected end of filter' : `unexpected '${t.text}'`, t);
  }

  private comparison(): FilterNode {
    this.next(); // attributes
    const t = this.next();
    if (t.type === 'punct' && t.text === ':') return { kind: 'has', key: this.key() };
    if (!(t.type === 'punct' && t.text === '.')) throw this.error(`expected '.' or ':' after 'attributes'`, t);
    const key = this.key();
    const op = this.next();
    if (op.type === 'punct' && (op.text === '=' || op.text === '!=')) {
      const value = this.stringLiteral();
      return op.text === '=' ? { kind: 'eq', key, value } : { kind: 'ne', key, value };
    }
    throw this.error(`expected '=' or '!=' after attributes.${key}`, op);
  }

  private attributeKey(): string {
    const t = this.next();
    if (!(t.type === 'ident' && t.text === 'attributes')) throw this.error(`expected attributes.KEY`, t);
    this.expect('.');
    return this.key();
  }

  private key(): string {
    const t = this.next();
    if (t.type === 'ident' || t.type === 'string') {
      if (t.text === '') throw this.error('attribute key must not be empty', t);
      return t.text;
    }
    throw this.error(`expected an attribute key`, t);
  }

  private stringLiteral(): string {
    const t = this.next();
    if (t.type !== 'string') throw this.error(`expected a double-quoted string literal`, t);
    return t.text;
  }

  private expect(text: string): void {
    const t = this.next();
    if (!(t.type === 'punct' && t.text === text)) throw this.error(`expected '${text}'`, t);
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'end') this.i++;
    return t;
  }

  private error(message: string, t: Token): FilterError {
    const found = t.type === 'end' ? 'end of filter' : `'${t.text}'`;
    return new FilterError(`${message} at position ${t.pos} (found ${found})`, t.pos);
  }
}

/** Parses filter text into a tree; throws FilterError with a position on invalid input. */
export function parseFilter(text: string): FilterNode {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILTER_BYTES) {
    throw new FilterError(`filter is longer than ${MAX_FILTER_BYTES} bytes`, MAX_FILTER_BYTES);
  }
  if (text.trim() === '') throw new FilterError('filter is empty', 0);
  return new Parser(tokenize(text)).parse();
}

export function evaluate(node: FilterNode, attributes: Attributes): boolean {
  switch (node.kind) {
    case 'has':
      return Object.prototype.hasOwnProperty.call(attributes, node.key);
    case 'eq':
      return attributes[node.key] === node.value && Object.prototype.hasOwnProperty.call(attributes, node.key);
    case 'ne':
      // `!=` is the negation of `=`: a message without the key matches.
      return !(Object.prototype.hasOwnProperty.call(attributes, node.key) && attributes[node.key] === node.value);
    case 'prefix': {
      const v = Object.prototype.hasOwnProperty.call(attributes, node.key) ? attributes[node.key] : undefined;
      return v !== undefined && v.startsWith(node.prefix);
    }
    case 'not':
      return !evaluate(node.operand, attributes);
    case 'and':
      return node.operands.every((o) => evaluate(o, attributes));
    case 'or':
      return node.operands.some((o) => evaluate(o, attributes));
  }
}

/** An empty filter matches everything. */
export function compileFilter(text: string): FilterPredicate {
  if (text === '') return () => true;
  const tree = parseFilter(text);
  return (attributes) => evaluate(tree, attributes);
}
