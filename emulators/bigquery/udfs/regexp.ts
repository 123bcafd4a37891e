// Regular-expression helpers for patterns only known when the query runs (not string literals):
// REGEXP_EXTRACT / REGEXP_EXTRACT_ALL / REGEXP_SUBSTR choose their group by the pattern's capturing
// groups, and REGEXP_INSTR searches a composed pattern (string_functions#regexp_extract). DuckDB's
// regexp functions are RE2, as BigQuery's, so the matching itself stays in DuckDB.
import { searchablePattern } from '../sql/rewrites/documented-fidelity';
import { captureGroups } from '../sql/rewrites/function-fidelity';
import { FunctionError, type JsFunction } from './register';

/** The capturing groups of a pattern; more than one fails as in BigQuery. */
export function regexpGroups(pattern: string): bigint {
  const groups = captureGroups(pattern);
  if (groups > 1) throw new FunctionError('Regular expressions passed into extraction functions must not have more than 1 capturing group');
  return BigInt(groups);
}

/** REGEXP_INSTR's search pattern: group 1 what precedes the match, group 2 the match. */
export function regexpInstrPattern(pattern: string): string {
  if (!searchablePattern(pattern)) throw new FunctionError('REGEXP_INSTR with a capturing group or a ^, \\A, \\b or \\B anchor is not supported by the BigQuery emulator');
  return `^((?s:.*?))(${pattern})`;
}

export const REGEXP_FUNCTIONS: JsFunction[] = [
  { name: 'pf_regexp_groups', parameters: ['string'], returns: 'int', call: regexpGroups },
  { name: 'pf_regexp_instr_pattern', parameters: ['string'], returns: 'string', call: regexpInstrPattern },
];
