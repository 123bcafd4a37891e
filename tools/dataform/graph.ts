// The compiled graph as runnable actions in dependency order, with --actions/--tags selection.
import { targetKey, type CompiledAssertion, type CompiledGraph, type CompiledOperation, type CompiledTable, type Target } from './types';

export type Action =
  | { kind: 'table'; key: string; target: Target; deps: string[]; tags: string[]; table: CompiledTable }
  | { kind: 'operation'; key: string; target: Target; deps: string[]; tags: string[]; operation: CompiledOperation }
  | { kind: 'assertion'; key: string; target: Target; deps: string[]; tags: string[]; assertion: CompiledAssertion };

export class DataformGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataformGraphError';
  }
}

export interface Selection {
  /** `name` or `schema.name`; the selected actions' dependencies are included. */
  actions?: readonly string[];
  tags?: readonly string[];
  /** Assertions run unless false. */
  includeAssertions?: boolean;
}

/** Every enabled action, dependencies restricted to other actions (declarations are inputs). */
export function buildActions(graph: CompiledGraph): Action[] {
  const actions: Action[] = [];
  const deps = (targets: readonly Target[] | undefined): string[] => (targets ?? []).map(targetKey);
  for (const t of graph.tables ?? []) {
    if (t.disabled) continue;
    actions.push({ kind: 'table', key: targetKey(t.target), target: t.target, deps: deps(t.dependencyTargets), tags: t.tags ?? [], table: t });
  }
  for (const o of graph.operations ?? []) {
    if (o.disabled) continue;
    actions.push({ kind: 'operation', key: targetKey(o.target), target: o.target, deps: deps(o.dependencyTargets), tags: o.tags ?? [], operation: o });
  }
  for (const a of graph.assertions ?? []) {
    if (a.disabled) continue;
    actions.push({ kind: 'assertion', key: targetKey(a.target), target: a.target, deps: deps(a.dependencyTargets), tags: a.tags ?? [], assertion: a });
  }
  const known = new Set(actions.map((a) => a.key));
  for (const a of actions) a.deps = a.deps.filter((d) => known.has(d));
  return actions;
}

function matches(action: Action, name: string): boolean {
  return name.includes('.') ? action.key === name : action.target.name === name;
}

/** The selected actions plus their transitive dependencies, in a dependency-respecting order. */
export function selectActions(all: readonly Action[], selection: Selection = {}): Action[] {
  const byKey = new Map(all.map((a) => [a.key, a]));
  let roots = [...all];
  if (selection.actions?.length || selection.tags?.length) {
    for (const name of selection.actions ?? []) {
      if (!all.some((a) => matches(a, name))) throw new DataformGraphError(`no action named ${name}`);
    }
    roots = all.filter((a) => (selection.actions ?? []).some((n) => matches(a, n)) || a.tags.some((t) => (selection.tags ?? []).includes(t)));
  }
  const chosen = new Set<string>();
  const visit = (key: string): void => {
    if (chosen.has(key)) return;
    chosen.add(key);
    for (const d of byKey.get(key)!.deps) visit(d);
  };
  for (const r of roots) visit(r.key);
  // Assertions attached to a selected model come along (as `dataform run --actions` does with its tests).
  if (selection.actions?.length || selection.tags?.length) {
    for (const a of all) if (a.kind === 'assertion' && a.deps.length > 0 && a.deps.every((d) => chosen.has(d))) chosen.add(a.key);
  }
  const picked = all.filter((a) => chosen.has(a.key) && (selection.includeAssertions !== false || a.kind !== 'assertion'));
  return topologicalOrder(picked);
}

/** Kahn's algorithm; a cycle is an error that names the actions in it. */
export function topologicalOrder(actions: readonly Action[]): Action[] {
  const keys = new Set(actions.map((a) => a.key));
  const pending = new Map(actions.map((a) => [a.key, a.deps.filter((d) => keys.has(d)).length]));
  const dependents = new Map<string, string[]>();
  for (const a of actions) for (const d of a.deps) if (keys.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), a.key]);
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const ready = actions.filter((a) => pending.get(a.key) === 0).map((a) => a.key);
  const out: Action[] = [];
  while (ready.length > 0) {
    const key = ready.shift()!;
    out.push(byKey.get(key)!);
    for (const next of dependents.get(key) ?? []) {
      const n = pending.get(next)! - 1;
      pending.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  if (out.length !== actions.length) {
    const stuck = actions.filter((a) => !out.includes(a)).map((a) => a.key);
    throw new DataformGraphError(`dependency cycle among ${stuck.join(', ')}`);
  }
  return out;
}
