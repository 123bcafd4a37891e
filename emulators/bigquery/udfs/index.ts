// Every function the emulator registers on DuckDB (see register.ts), by family.
import { CAST_FUNCTIONS } from './casts';
import { DATETIME_FORMAT_FUNCTIONS } from './datetime-format';
import { FORMAT_STRING_FUNCTIONS } from './format-string';
import { HASH_FUNCTIONS } from './hash';
import { INTERVAL_FUNCTIONS } from './interval';
import { JSON_FUNCTIONS } from './json';
import { NET_FUNCTIONS } from './net';
import { NUMERIC_FUNCTIONS } from './numeric';
import { REGEXP_FUNCTIONS } from './regexp';
import { type JsFunction } from './register';
import { TEXT_FUNCTIONS } from './text';

export { FunctionError, registerFunctions, type JsFunction } from './register';
export { createMacros } from './macros';

export const FUNCTIONS: readonly JsFunction[] = [...DATETIME_FORMAT_FUNCTIONS, ...FORMAT_STRING_FUNCTIONS, ...HASH_FUNCTIONS, ...NET_FUNCTIONS, ...TEXT_FUNCTIONS, ...REGEXP_FUNCTIONS, ...INTERVAL_FUNCTIONS, ...NUMERIC_FUNCTIONS, ...JSON_FUNCTIONS, ...CAST_FUNCTIONS];
