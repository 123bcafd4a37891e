// The local Dataform executor: compile the project in-process, run the graph on any BigQuery endpoint.
export { compileProject, DataformCompileError, type CompileOptions } from './compile';
export { buildActions, selectActions, topologicalOrder, DataformGraphError, type Action, type Selection } from './graph';
export { localTransformRunner, type LocalTransformOptions } from './transform-runner';
export { runGraph, DataformRunError, type ActionResult, type RunEvent, type RunOptions, type RunReport } from './runner';
export { createStatement, incrementalStatement, assertionStatement, script } from './sql';
export { targetKey, type CompiledGraph, type CompiledTable, type Target } from './types';
