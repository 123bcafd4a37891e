// Runs a parsed script (sql/script-parse.ts): blocks with their variable scope and exception
// handler, IF, the loops with BREAK/LEAVE and CONTINUE/ITERATE (by label too), and RETURN. Each
// plain statement goes to runScriptStep.
import { BqError, invalidQuery, unimplemented } from './errors';
import { type QueryOutcome, type RunState } from './query-types';
import { type StatementRunner, evaluateValue, rowLiteral, runQueryStep, runScriptStep } from './script-steps';
import { type ScriptNode } from './sql/script-parse';
import { quoteString } from './sql/tokens';

/** BigQuery has no such limit; a loop that never ends would hold the emulator forever. */
const MAX_ITERATIONS = 100_000;

class Jump {
  constructor(
    readonly kind: 'break' | 'continue' | 'return',
    readonly label?: string,
  ) {}
}

/** Runs the script; `onOutcome` sees each statement's outcome in order. */
export async function runScript(state: RunState, nodes: ScriptNode[], runStatement: StatementRunner, onOutcome: (o: QueryOutcome) => void): Promise<void> {
  const run = new Runner(state, runStatement, onOutcome);
  try {
    checkDeclarations(nodes, true);
    await run.list(nodes);
  } catch (err) {
    if (err instanceof Jump) {
      if (err.kind === 'return') return;
      throw invalidQuery(`${err.kind === 'break' ? 'BREAK' : 'CONTINUE'}${err.label ? ` ${err.label}` : ''} is only allowed inside a loop${err.label ? ' or block with that label' : ''}`);
    }
    throw err;
  }
}

class Runner {
  /** The error being handled, for a bare RAISE in an exception handler. */
  private handling: BqError[] = [];

  constructor(
    private readonly state: RunState,
    private readonly runStatement: StatementRunner,
    private readonly onOutcome: (o: QueryOutcome) => void,
  ) {}

  async list(nodes: ScriptNode[]): Promise<void> {
    for (const node of nodes) await this.node(node);
  }

  private async node(node: ScriptNode): Promise<void> {
    switch (node.kind) {
      case 'statement': {
        if (/^RAISE\b/i.test(node.sql)) return this.raise(node.sql);
        const outcome = await runScriptStep(this.state, node.sql, this.runStatement);
        if (outcome) this.onOutcome(outcome);
        return;
      }
      case 'block':
        return this.block(node);
      case 'if': {
        for (const branch of node.branches) {
          if (await this.condition(branch.condition)) return this.scoped(() => this.list(branch.body));
        }
        if (node.otherwise) await this.scoped(() => this.list(node.otherwise!));
        return;
      }
      case 'loop':
        return this.loop(node.label, async () => true, node.body);
      case 'while':
        return this.loop(node.label, () => this.condition(node.condition), node.body);
      case 'repeat': {
        let first = true;
        return this.loop(
          node.label,
          async () => {
            if (first) return !(first = false);
            return !(await this.condition(node.until));
          },
          node.body,
        );
      }
      case 'for':
        return this.forIn(node);
      case 'break':
      case 'continue':
        throw new Jump(node.kind, node.label);
      case 'return':
        throw new Jump('return');
    }
  }

  /** A BEGIN … [EXCEPTION WHEN ERROR THEN …] END block: its DECLAREs end with it. */
  private async block(node: Extract<ScriptNode, { kind: 'block' }>): Promise<void> {
    try {
      await this.scoped(async () => {
        try {
          await this.list(node.body);
        } catch (err) {
          // The emulator's refusals are not errors of the script: BigQuery would have run the statement.
          if (!node.handler || !(err instanceof BqError) || err.code === 501) throw err;
          await this.handle(err, node.handler);
        }
      });
    } catch (err) {
      if (err instanceof Jump && err.kind === 'break' && err.label && node.label && sameLabel(err.label, node.label)) return;
      throw err;
    }
  }

  /** The handler, with @@error.message (and @@error.statement_text, not known: NULL) set. */
  private async handle(err: BqError, handler: ScriptNode[]): Promise<void> {
    const vars = this.state.vars;
    const saved = new Map([...vars].filter(([k]) => k.startsWith('@@error.')));
    vars.set('@@error.message', quoteString(err.message));
    vars.set('@@error.statement_text', 'CAST(NULL AS STRING)');
    this.handling.push(err);
    try {
      await this.scoped(() => this.list(handler));
    } finally {
      this.handling.pop();
      for (const k of [...vars.keys()]) if (k.startsWith('@@error.')) vars.delete(k);
      for (const [k, v] of saved) vars.set(k, v);
    }
  }

  /** RAISE [USING MESSAGE = expr]: a bare RAISE re-raises the error being handled. */
  private async raise(sql: string): Promise<void> {
    const m = /^RAISE\s+USING\s+MESSAGE\s*=\s*([^]*)$/i.exec(sql.trim());
    if (m) {
      const { field, value } = await evaluateValue(this.state, `(${m[1]})`, this.runStatement);
      if (field.type !== 'STRING') throw invalidQuery(`RAISE USING MESSAGE needs a STRING, not ${field.type}`);
      throw new BqError(400, 'invalidQuery', value === null ? '' : String(value), 'query');
    }
    if (/^RAISE\s*$/i.test(sql.trim())) {
      const current = this.handling[this.handling.length - 1];
      if (!current) throw invalidQuery('RAISE without a message is only allowed inside an exception handler');
      throw current;
    }
    throw invalidQuery(`Syntax error: ${sql}`);
  }

  /** Runs fn; variables DECLAREd meanwhile go out of scope after it. */
  private async scoped(fn: () => Promise<void>): Promise<void> {
    const before = new Set(this.state.vars.keys());
    try {
      await fn();
    } finally {
      for (const k of [...this.state.vars.keys()]) if (!before.has(k)) this.state.vars.delete(k);
    }
  }

  private async condition(expr: string): Promise<boolean> {
    const { field, value } = await evaluateValue(this.state, `(${expr})`, this.runStatement);
    if (field.type !== 'BOOLEAN' || field.mode === 'REPEATED') throw invalidQuery(`Condition must be of type BOOL: ${expr}`);
    return value === true;
  }

  private async loop(label: string | undefined, again: () => Promise<boolean>, body: ScriptNode[]): Promise<void> {
    for (let n = 0; await again(); n++) {
      if (n >= MAX_ITERATIONS) throw unimplemented(`A loop of more than ${MAX_ITERATIONS} iterations`);
      if ((await this.iteration(label, () => this.list(body))) === 'break') return;
    }
  }

  /** One pass of a loop's body: 'break' when it left the loop. */
  private async iteration(label: string | undefined, fn: () => Promise<void>): Promise<'break' | 'next'> {
    try {
      await this.scoped(fn);
      return 'next';
    } catch (err) {
      if (err instanceof Jump && err.kind !== 'return' && (!err.label || (label && sameLabel(err.label, label)))) return err.kind === 'break' ? 'break' : 'next';
      throw err;
    }
  }

  /** FOR v IN (query) DO … END FOR: v is each row as a STRUCT. */
  private async forIn(node: Extract<ScriptNode, { kind: 'for' }>): Promise<void> {
    const name = node.variable.toLowerCase();
    if (this.state.vars.has(name)) throw invalidQuery(`Variable ${node.variable} is already declared`);
    const query = node.query.trim();
    const out = await runQueryStep(this.state, query, this.runStatement);
    const fields = out.schema ?? [];
    if (out.rows.length > MAX_ITERATIONS) throw unimplemented(`A loop of more than ${MAX_ITERATIONS} iterations`);
    try {
      for (const row of out.rows) {
        this.state.vars.set(name, rowLiteral(fields, row));
        if ((await this.iteration(node.label, () => this.list(node.body))) === 'break') return;
      }
    } finally {
      this.state.vars.delete(name);
    }
  }
}

/**
 * DECLARE only opens a script or a BEGIN block (procedural-language#declare), checked before
 * anything runs, as BigQuery checks the whole script first.
 */
export function checkDeclarations(nodes: ScriptNode[], declares: boolean): void {
  let opening = declares;
  for (const node of nodes) {
    const declare = node.kind === 'statement' && /^DECLARE\b/i.test(node.sql);
    if (declare && !opening) throw invalidQuery('Variable declarations are allowed only at the start of a block or script');
    opening &&= declare;
    if (node.kind === 'block') {
      checkDeclarations(node.body, true);
      if (node.handler) checkDeclarations(node.handler, false);
    } else if (node.kind === 'if') {
      for (const b of node.branches) checkDeclarations(b.body, false);
      if (node.otherwise) checkDeclarations(node.otherwise, false);
    } else if ('body' in node) checkDeclarations(node.body, false);
  }
}

function sameLabel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
