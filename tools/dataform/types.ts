// The parts of @dataform/core's compiled graph (its CompiledGraph proto, as JSON) the executor uses.

export interface Target {
  database?: string;
  schema: string;
  name: string;
}

export interface BigQueryOptions {
  partitionBy?: string;
  clusterBy?: string[];
  updatePartitionFilter?: string;
  partitionExpirationDays?: number;
  requirePartitionFilter?: boolean;
}

export interface CompiledTable {
  type?: string;
  enumType?: string;
  target: Target;
  query?: string;
  incrementalQuery?: string;
  preOps?: string[];
  postOps?: string[];
  incrementalPreOps?: string[];
  incrementalPostOps?: string[];
  bigquery?: BigQueryOptions;
  uniqueKey?: string[];
  dependencyTargets?: Target[];
  tags?: string[];
  disabled?: boolean;
  protected?: boolean;
  fileName?: string;
  actionDescriptor?: { description?: string };
}

export interface CompiledAssertion {
  target: Target;
  query?: string;
  dependencyTargets?: Target[];
  tags?: string[];
  disabled?: boolean;
  fileName?: string;
  parentAction?: Target;
}

export interface CompiledOperation {
  target: Target;
  queries?: string[];
  hasOutput?: boolean;
  dependencyTargets?: Target[];
  tags?: string[];
  disabled?: boolean;
  fileName?: string;
}

export interface CompiledDeclaration {
  target: Target;
}

export interface CompilationError {
  fileName?: string;
  message?: string;
}

export interface CompiledGraph {
  projectConfig?: { defaultDatabase?: string; defaultLocation?: string; vars?: Record<string, string> };
  tables?: CompiledTable[];
  assertions?: CompiledAssertion[];
  operations?: CompiledOperation[];
  declarations?: CompiledDeclaration[];
  graphErrors?: { compilationErrors?: CompilationError[] };
}

/** `schema.name` (the database is the run's project): how actions are named on the command line. */
export function targetKey(t: Target): string {
  return `${t.schema}.${t.name}`;
}
