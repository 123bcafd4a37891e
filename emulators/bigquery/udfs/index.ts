// Every function the emulator registers on DuckDB (see register.ts), by family.
import { HASH_FUNCTIONS } from './hash';
import { type JsFunction } from './register';

export { FunctionError, registerFunctions, type JsFunction } from './register';

export const FUNCTIONS: readonly JsFunction[] = [...HASH_FUNCTIONS];
