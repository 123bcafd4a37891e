import { buildActions, selectActions, topologicalOrder, DataformGraphError, type CompiledGraph } from '../../../tools/dataform';

const t = (name: string, deps: string[] = [], tags: string[] = []) => ({ type: 'table', target: { schema: 's', name }, query: 'select 1', dependencyTargets: deps.map((d) => ({ schema: 's', name: d })), tags });
const graph: CompiledGraph = {
  tables: [t('c', ['b']), t('a'), t('b', ['a', 'src']), t('d', ['a'], ['daily'])],
  assertions: [{ target: { schema: 'checks', name: 'c_unique' }, query: 'select 1', dependencyTargets: [{ schema: 's', name: 'c' }] }],
  operations: [],
  declarations: [{ target: { schema: 's', name: 'src' } }],
};

test('declarations are inputs, not actions', () => {
  const b = buildActions(graph).find((a) => a.key === 's.b')!;
  expect(b.deps).toEqual(['s.a']);
});

test('orders actions so each runs after its dependencies', () => {
  const order = selectActions(buildActions(graph)).map((a) => a.key);
  expect(order.indexOf('s.a')).toBeLessThan(order.indexOf('s.b'));
  expect(order.indexOf('s.b')).toBeLessThan(order.indexOf('s.c'));
  expect(order.indexOf('s.c')).toBeLessThan(order.indexOf('checks.c_unique'));
});

test('--actions brings the dependencies and the attached assertions', () => {
  expect(selectActions(buildActions(graph), { actions: ['c'] }).map((a) => a.key)).toEqual(['s.a', 's.b', 's.c', 'checks.c_unique']);
  expect(selectActions(buildActions(graph), { actions: ['s.b'] }).map((a) => a.key)).toEqual(['s.a', 's.b']);
});

test('--tags selects tagged actions and their dependencies; assertions can be left out', () => {
  expect(selectActions(buildActions(graph), { tags: ['daily'] }).map((a) => a.key)).toEqual(['s.a', 's.d']);
  expect(selectActions(buildActions(graph), { includeAssertions: false }).some((a) => a.kind === 'assertion')).toBe(false);
});

test('an unknown action name and a cycle are errors', () => {
  expect(() => selectActions(buildActions(graph), { actions: ['nope'] })).toThrow(DataformGraphError);
  const cyclic = buildActions({ tables: [t('x', ['y']), t('y', ['x'])] });
  expect(() => topologicalOrder(cyclic)).toThrow(/cycle among s\.x, s\.y/);
});
