// Validation verdicts: a record is accepted, or rejected with a reason that names the field.
// Verdicts never throw, whatever the input.
import type { z } from 'zod';
import { RECORD_KINDS, type RecordKindName } from './registry';

export type Verdict =
  | { ok: true }
  | { ok: false; reason: string; path: string | null; code: 'invalid_json' | 'schema_violation' };

/** `lines[2].quantity` from zod's `['lines', 2, 'quantity']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function verdictFromZodError(error: z.ZodError): Verdict & { ok: false } {
  const issues = error.issues.map((issue) => {
    // An unknown key is reported on its parent object; name the key itself.
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const path = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
    const message = keys.length > 0 ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}` : issue.message;
    return { path, message };
  });
  const first = issues[0] ?? { path: '', message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  return { ok: false, code: 'schema_violation', path: first.path || null, reason: `${first.path || '(record)'}: ${first.message}${more}` };
}

export function validateValue(kind: RecordKindName, value: unknown): Verdict {
  const result = (RECORD_KINDS[kind].schema as z.ZodType).safeParse(value);
  return result.success ? { ok: true } : verdictFromZodError(result.error);
}

/** Parses one line of JSON text and validates it. */
export function validateJsonText(kind: RecordKindName, text: string): Verdict {
  const parsed = parseJson(text);
  return parsed.ok ? validateValue(kind, parsed.value) : parsed.verdict;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; verdict: Verdict & { ok: false } } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, verdict: { ok: false, code: 'invalid_json', path: null, reason: `invalid JSON: ${detail}` } };
  }
}
