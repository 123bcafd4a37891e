// The hot-path validator: the contract's JSON Schema (from zod, the source of truth) compiled by
// ajv, followed by the same cross-field rules. It accepts exactly what the zod contract accepts
// (a property test holds them together) at several times zod's speed.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { jsonSchemaOf } from './bigquery-schema';
import { RECORD_KINDS, type RecordKindName } from './registry';
import { formatPath, type Verdict } from './verdict';

export type FastValidator = (value: unknown) => Verdict;

const cache = new Map<RecordKindName, FastValidator>();

export function fastValidator(kind: RecordKindName): FastValidator {
  const cached = cache.get(kind);
  if (cached) return cached;
  const { shape, consistency } = RECORD_KINDS[kind];
  const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false, discriminator: true });
  const compiled: ValidateFunction = ajv.compile(withDiscriminators(jsonSchemaOf(shape)) as object);
  const check = consistency as (value: unknown) => { path: (string | number)[]; message: string }[];
  const validator: FastValidator = (value) => {
    if (!compiled(value)) return verdictFromAjv(compiled.errors ?? []);
    const issues = check(value);
    if (issues.length === 0) return { ok: true };
    const path = formatPath(issues[0]!.path);
    return { ok: false, code: 'schema_violation', path, reason: `${path}: ${issues[0]!.message}` };
  };
  cache.set(kind, validator);
  return validator;
}

function verdictFromAjv(errors: ErrorObject[]): Verdict {
  const e = errors[0];
  if (!e) return { ok: false, code: 'schema_violation', path: null, reason: 'invalid' };
  const segments: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const extra = (e.params as { missingProperty?: string; additionalProperty?: string; propertyName?: string });
  const key = extra.missingProperty ?? extra.additionalProperty;
  if (key) segments.push(key);
  else if (e.keyword === 'discriminator' && extra.propertyName) segments.push(extra.propertyName);
  const path = formatPath(segments);
  const message = extra.additionalProperty ? `unknown field ${extra.additionalProperty}` : e.message ?? 'invalid';
  return { ok: false, code: 'schema_violation', path: path || null, reason: `${path || '(record)'}: ${message}` };
}

/** zod emits discriminated unions as oneOf over const-tagged objects; tell ajv which key decides. */
function withDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDiscriminators);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withDiscriminators(v);
  const variants = out.oneOf as Record<string, unknown>[] | undefined;
  const key = variants && discriminatorKey(variants);
  if (key) {
    out.discriminator = { propertyName: key };
    out.type = 'object';
    out.required = [key];
  }
  return out;
}

function discriminatorKey(variants: Record<string, unknown>[]): string | undefined {
  const first = variants[0]?.properties as Record<string, { const?: unknown }> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((k) =>
    variants.every((v) => {
      const p = (v.properties as Record<string, { const?: unknown }> | undefined)?.[k];
      return typeof p?.const === 'string' && ((v.required as string[] | undefined) ?? []).includes(k);
    }),
  );
}
