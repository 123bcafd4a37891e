// The generator's public entry: `generate()` (generate.ts) with its options and summary, and the
// helpers other code shares (POS file encoding, unit costs, the fault record types).
export { OUTPUT_PATHS, generate, type GenerateHooks, type GenerationProgress, type GenerationSummary } from './generate';
export { GenerateOptionsError, previousUtcMidnight, validateOptions, type GenerateOptions } from './options';
export { productUnitCostCents, roundHalfAwayFromZero } from './reference-data';
export { posBodySha256, writePosFile, posFileText, gzipPosFile } from './pos-file';
export type { FaultKind, FaultRecord, ExpectedOutcome } from './faults';
