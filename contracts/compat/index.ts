// The contract compatibility gate (`pizzaflow contracts check`): released snapshots of every
// contract and catalog table, and the rules a change must not break. Pure: the CLI reads and
// writes `contracts/released/`.
export { RULES, finding, type BreakingRule, type Finding, type NewRule, type RuleId, type RuleInfo } from './findings';
export { compareJsonSchemas } from './json-schema-compare';
export { compareClustering, compareColumns, comparePartitioning, compareTables } from './bigquery-compare';
export { compareSnapshot, compareSnapshots, type CompatReport } from './compare';
export {
  SnapshotFileError,
  contractSnapshot,
  currentSnapshots,
  parseSnapshot,
  renderSnapshot,
  subjectOf,
  tableSnapshot,
  type ContractSnapshot,
  type Json,
  type JsonObject,
  type PartitioningSnapshot,
  type Snapshot,
  type TableSnapshot,
} from './snapshot';
