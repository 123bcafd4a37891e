// Every family of the corpus, in one list.
import { AGGREGATE_FUNCTIONS, APPROXIMATE_AGGREGATE_FUNCTIONS, NAVIGATION_FUNCTIONS, NUMBERING_FUNCTIONS, STATISTICAL_AGGREGATE_FUNCTIONS } from './aggregate-functions';
import { ARRAY_FUNCTIONS, JSON_FUNCTIONS } from './array-json-functions';
import { type DocumentedCase } from './case';
import { CONVERSION_FUNCTION_RULES, CONVERSION_RULES, DATA_TYPES, LEXICAL, WINDOW_FUNCTION_CALLS } from './casts-literals-windows';
import { DATE_FUNCTIONS, DATETIME_FUNCTIONS, TIME_FUNCTIONS, TIMESTAMP_FUNCTIONS } from './date-time-functions';
import { MATHEMATICAL_FUNCTIONS } from './math-functions';
import { NET_FUNCTIONS } from './net-functions';
import { QUERY_SYNTAX } from './query-syntax';
import { BIT_FUNCTIONS, CONDITIONAL_EXPRESSIONS, CONVERSION_FUNCTIONS, HASH_FUNCTIONS, INTERVAL_FUNCTIONS, OPERATORS, SAFE_PREFIX } from './other-functions';
import { STRING_FUNCTIONS } from './string-functions';

export const FAMILIES: Record<string, DocumentedCase[]> = {
  string_functions: STRING_FUNCTIONS,
  date_functions: DATE_FUNCTIONS,
  datetime_functions: DATETIME_FUNCTIONS,
  time_functions: TIME_FUNCTIONS,
  timestamp_functions: TIMESTAMP_FUNCTIONS,
  array_functions: ARRAY_FUNCTIONS,
  json_functions: JSON_FUNCTIONS,
  mathematical_functions: MATHEMATICAL_FUNCTIONS,
  aggregate_functions: AGGREGATE_FUNCTIONS,
  approximate_aggregate_functions: APPROXIMATE_AGGREGATE_FUNCTIONS,
  statistical_aggregate_functions: STATISTICAL_AGGREGATE_FUNCTIONS,
  navigation_functions: NAVIGATION_FUNCTIONS,
  numbering_functions: NUMBERING_FUNCTIONS,
  conversion_functions: CONVERSION_FUNCTIONS,
  hash_functions: HASH_FUNCTIONS,
  conditional_expressions: CONDITIONAL_EXPRESSIONS,
  operators: OPERATORS,
  interval_functions: INTERVAL_FUNCTIONS,
  bit_functions: BIT_FUNCTIONS,
  safe_prefix: SAFE_PREFIX,
  net_functions: NET_FUNCTIONS,
  window_function_calls: WINDOW_FUNCTION_CALLS,
  conversion_rules: CONVERSION_RULES,
  conversion_function_rules: CONVERSION_FUNCTION_RULES,
  lexical: LEXICAL,
  data_types: DATA_TYPES,
  query_syntax: QUERY_SYNTAX,
};

export const CASES: DocumentedCase[] = Object.values(FAMILIES).flat();
