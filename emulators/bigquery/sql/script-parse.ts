// Parses a GoogleSQL script into its procedural structure (procedural-language reference): BEGIN …
// [EXCEPTION WHEN ERROR THEN …] END blocks, IF/ELSEIF/ELSE, LOOP, WHILE, REPEAT, FOR … IN, BREAK,
// LEAVE, CONTINUE, ITERATE and RETURN, with optional labels. Every other statement is kept as its
// text (DECLARE, SET and BEGIN/COMMIT/ROLLBACK TRANSACTION are read later by script.ts).
import { ScriptError } from './script';
import { type Token, isKeyword, join, tokenize } from './tokens';

export type ScriptNode =
  | { kind: 'statement'; sql: string }
  | { kind: 'block'; label?: string; body: ScriptNode[]; handler?: ScriptNode[] }
  | { kind: 'if'; branches: { condition: string; body: ScriptNode[] }[]; otherwise?: ScriptNode[] }
  | { kind: 'loop'; label?: string; body: ScriptNode[] }
  | { kind: 'while'; label?: string; condition: string; body: ScriptNode[] }
  | { kind: 'repeat'; label?: string; body: ScriptNode[]; until: string }
  | { kind: 'for'; label?: string; variable: string; query: string; body: ScriptNode[] }
  | { kind: 'break' | 'continue'; label?: string }
  | { kind: 'return' };

const LOOPS = ['LOOP', 'WHILE', 'REPEAT', 'FOR'];

/** Parses a whole script (parameters already bound). Throws ScriptError for what it cannot read. */
export function parseScript(sql: string): ScriptNode[] {
  // A comment separates tokens as whitespace does (`a/*x*/b` is two names).
  const p = new Parser(tokenize(sql).map((t): Token => (t.kind === 'comment' ? { kind: 'ws', text: t.text.startsWith('/*') ? ' ' : '\n' } : t)));
  return p.list(() => false);
}

/** Whether the script is one plain statement (not a script, for the job's statementType). */
export function isSingleStatement(nodes: ScriptNode[]): boolean {
  return nodes.length === 1 && nodes[0].kind === 'statement';
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  /** Statements until `stop` sees the next statement's first words (or the end of the script). */
  list(stop: (words: string[]) => boolean, context?: string): ScriptNode[] {
    const out: ScriptNode[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) {
        if (context) throw new ScriptError(`Syntax error: Unexpected end of script: missing END of ${context}`);
        return out;
      }
      if (stop(this.words(2))) return out;
      out.push(this.statement());
    }
  }

  private statement(): ScriptNode {
    const start = this.i;
    let label: string | undefined;
    const [first] = this.words(1);
    const afterFirst = this.sig(this.next(this.i));
    if (this.cur()?.kind === 'ident' && afterFirst?.text === ':') {
      const labelled = this.sig(this.next(this.next(this.i)));
      if (labelled && ['BEGIN', ...LOOPS].includes(labelled.text.toUpperCase())) {
        label = this.cur()!.text;
        this.i = this.next(this.next(this.i));
      }
    }
    const word = label ? this.words(1)[0] : first;
    switch (word) {
      case 'BEGIN': {
        const following = this.sig(this.next(this.i));
        if (!label && (!following || following.text === ';' || isKeyword(following, 'TRANSACTION'))) return this.plain(start);
        this.advance();
        const body = this.list((w) => w[0] === 'END' || w[0] === 'EXCEPTION', 'BEGIN block');
        let handler: ScriptNode[] | undefined;
        if (this.words(1)[0] === 'EXCEPTION') {
          this.expect('EXCEPTION');
          this.expect('WHEN');
          this.expect('ERROR');
          this.expect('THEN');
          handler = this.list((w) => w[0] === 'END', 'BEGIN block');
        }
        this.expect('END');
        this.endLabel(label);
        return { kind: 'block', label, body, ...(handler ? { handler } : {}) };
      }
      case 'IF': {
        if (label) break;
        this.advance();
        const branches: { condition: string; body: ScriptNode[] }[] = [];
        let otherwise: ScriptNode[] | undefined;
        let condition = this.until('THEN');
        for (;;) {
          const body = this.list((w) => ['ELSEIF', 'ELSE', 'END'].includes(w[0]), 'IF');
          branches.push({ condition, body });
          const [w] = this.words(1);
          if (w === 'ELSEIF') {
            this.advance();
            condition = this.until('THEN');
            continue;
          }
          if (w === 'ELSE') {
            this.advance();
            otherwise = this.list((ws) => ws[0] === 'END', 'IF');
          }
          break;
        }
        this.expect('END');
        this.expect('IF');
        this.endStatement();
        return { kind: 'if', branches, ...(otherwise ? { otherwise } : {}) };
      }
      case 'LOOP': {
        this.advance();
        const body = this.list((w) => w[0] === 'END', 'LOOP');
        this.expect('END');
        this.expect('LOOP');
        this.endLabel(label);
        return { kind: 'loop', label, body };
      }
      case 'WHILE': {
        this.advance();
        const condition = this.until('DO');
        const body = this.list((w) => w[0] === 'END' && w[1] === 'WHILE', 'WHILE');
        this.expect('END');
        this.expect('WHILE');
        this.endLabel(label);
        return { kind: 'while', label, condition, body };
      }
      case 'REPEAT': {
        this.advance();
        const body = this.list((w) => w[0] === 'UNTIL', 'REPEAT');
        this.expect('UNTIL');
        const until = this.until('END');
        this.expect('REPEAT');
        this.endLabel(label);
        return { kind: 'repeat', label, body, until };
      }
      case 'FOR': {
        this.advance();
        const v = this.cur();
        if (!v || v.kind !== 'ident') throw new ScriptError('Syntax error: FOR needs a loop variable');
        this.advance();
        this.expect('IN');
        const query = this.until('DO');
        const body = this.list((w) => w[0] === 'END' && w[1] === 'FOR', 'FOR');
        this.expect('END');
        this.expect('FOR');
        this.endLabel(label);
        return { kind: 'for', label, variable: v.text, query, body };
      }
      case 'BREAK':
      case 'LEAVE':
      case 'CONTINUE':
      case 'ITERATE': {
        if (label) break;
        this.advance();
        const target = this.cur()?.kind === 'ident' ? this.cur()!.text : undefined;
        if (target) this.advance();
        this.endStatement();
        return { kind: word === 'BREAK' || word === 'LEAVE' ? 'break' : 'continue', ...(target ? { label: target } : {}) };
      }
      case 'RETURN':
        if (label) break;
        this.advance();
        this.endStatement();
        return { kind: 'return' };
      case 'CASE':
        if (!label) throw new ScriptError('CASE statement', true);
        break;
      case 'CREATE':
        if (this.words(5).includes('PROCEDURE')) throw new ScriptError('CREATE PROCEDURE', true);
        break;
      default:
        break;
    }
    if (label) throw new ScriptError(`Syntax error: Unexpected label ${label}`);
    return this.plain(start);
  }

  /** A statement kept as text: everything up to the next top-level semicolon. */
  private plain(start: number): ScriptNode {
    this.i = start;
    let depth = 0;
    const from = this.i;
    while (!this.atEnd()) {
      const t = this.tokens[this.i];
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
      if (t.kind === 'punct' && t.text === ';' && depth <= 0) break;
      this.i++;
    }
    return { kind: 'statement', sql: join(this.tokens.slice(from, this.i)).trim() };
  }

  /** The expression text up to the keyword `word` (at depth 0, outside CASE … END), which is consumed. */
  private until(word: string): string {
    const from = this.i;
    let depth = 0;
    let cases = 0;
    while (!this.atEnd()) {
      const t = this.tokens[this.i];
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
      else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
      else if (depth === 0 && isKeyword(t, 'CASE')) cases++;
      else if (depth === 0 && cases > 0 && isKeyword(t, 'END')) cases--;
      else if (depth === 0 && cases === 0 && isKeyword(t, word)) {
        const text = join(this.tokens.slice(from, this.i)).trim();
        this.i++;
        if (!text) throw new ScriptError(`Syntax error: Expected an expression before ${word}`);
        return text;
      }
      else if (t.kind === 'punct' && t.text === ';' && depth === 0) break;
      this.i++;
    }
    throw new ScriptError(`Syntax error: Expected keyword ${word}`);
  }

  private endLabel(label: string | undefined): void {
    const t = this.cur();
    if (t?.kind === 'ident') {
      if (!label || t.text.toLowerCase() !== label.toLowerCase()) throw new ScriptError(`Syntax error: Unexpected label ${t.text} after END`);
      this.advance();
    }
    this.endStatement();
  }

  private endStatement(): void {
    const t = this.cur();
    if (t && t.text !== ';') throw new ScriptError(`Syntax error: Expected ";" but got ${t.text}`);
  }

  private expect(word: string): void {
    if (!isKeyword(this.cur(), word)) throw new ScriptError(`Syntax error: Expected keyword ${word} but got ${this.cur()?.text ?? 'end of script'}`);
    this.advance();
  }

  /** The uppercased first `n` words of what follows (identifiers only; anything else ends the list). */
  private words(n: number): string[] {
    const out: string[] = [];
    let j = this.skipWs(this.i);
    while (out.length < n && j < this.tokens.length && this.tokens[j].kind === 'ident') {
      out.push(this.tokens[j].text.toUpperCase());
      j = this.skipWs(j + 1);
    }
    return out;
  }

  private skipSeparators(): void {
    while (this.i < this.tokens.length && (this.tokens[this.i].kind === 'ws' || this.tokens[this.i].text === ';')) this.i++;
  }

  private skipWs(j: number): number {
    while (j < this.tokens.length && this.tokens[j].kind === 'ws') j++;
    return j;
  }

  private atEnd(): boolean {
    this.i = this.skipWs(this.i);
    return this.i >= this.tokens.length;
  }

  /** The current significant token (whitespace skipped). */
  private cur(): Token | undefined {
    this.i = this.skipWs(this.i);
    return this.tokens[this.i];
  }

  private advance(): void {
    this.i = this.skipWs(this.skipWs(this.i) + 1);
  }

  /** Index of the significant token after the one at j. */
  private next(j: number): number {
    return this.skipWs(this.skipWs(j) + 1);
  }

  private sig(j: number): Token | undefined {
    return this.tokens[this.skipWs(j)];
  }
}
