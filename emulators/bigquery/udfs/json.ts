// JSON in BigQuery's stored form (json-canonical.ts: object members sorted by key, no whitespace),
// for JSON values built inside a query (JSON_OBJECT, TO_JSON, PARSE_JSON, JSON_ARRAY).
import { canonicalJson } from '../json-canonical';
import { type JsFunction } from './register';

export const JSON_FUNCTIONS: JsFunction[] = [{ name: 'pf_json_canonical', parameters: ['string'], returns: 'string', call: (text: string) => canonicalJson(text) }];
