// Compares a contract's released JSON Schema with its current one and reports each way the current
// schema accepts less than the released one: a removed field (rule 1), a narrowed type (rule 2), a
// new required field (rule 3). Anything the current schema accepts in addition (a new optional
// field, a widened enum, a raised maximum, a union with a new member) and descriptions pass.
//
// The walk reads what zod emits: objects with `properties`/`required`/`additionalProperties`,
// arrays with `items`, nullable as `anyOf: [T, {type: "null"}]`, discriminated unions as `oneOf`
// over objects tagged with a `const`, and the usual keywords (enum, const, format, pattern, bounds).
import { finding, type Finding } from './findings';
import type { Json, JsonObject } from './snapshot';

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any' | 'unknown';

interface Walk {
  subject: string;
  out: Finding[];
}

/** Findings (all breaking) for `subject`, whose released schema is `released`. */
export function compareJsonSchemas(subject: string, released: JsonObject, current: JsonObject): Finding[] {
  const walk: Walk = { subject, out: [] };
  compareNode(walk, released, current, '$');
  return dedupe(walk.out);
}

function compareNode(walk: Walk, released: JsonObject, current: JsonObject, path: string): void {
  const before = variantsOf(released);
  const after = variantsOf(current);
  if (before.nullable && !after.nullable) {
    walk.out.push(finding(walk.subject, path, 'narrowed-type', 'no longer accepts null (nullable → non-nullable)', `keep ${fieldName(path)} nullable (\`.nullable()\`) and stop sending null from producers first`));
  }
  const tag = discriminator(before.variants);
  for (const old of before.variants) {
    const tagValue = tag === undefined ? undefined : constOf(propertiesOf(old)[tag]);
    const variantPath = tag === undefined ? path : `${path}[${tag}=${String(tagValue)}]`;
    let candidates = after.variants.filter((next) => comparableKinds(kindOf(old), kindOf(next)));
    if (tag !== undefined) {
      candidates = candidates.filter((next) => constOf(propertiesOf(next)[tag]) === tagValue);
      if (candidates.length === 0) {
        walk.out.push(finding(walk.subject, variantPath, 'narrowed-type', `the variant ${tag}=${String(tagValue)} is no longer accepted`, `keep the ${tag}=${String(tagValue)} variant in the union; add new variants beside it`));
        continue;
      }
    }
    if (candidates.length === 0) {
      const now = after.variants.map(describe).join(' | ') || 'null only';
      walk.out.push(finding(walk.subject, variantPath, 'narrowed-type', `type ${describe(old)} is no longer accepted (now ${now})`, `keep accepting ${describe(old)}: make ${fieldName(path)} a union of the old and the new type`));
      continue;
    }
    // The old variant is fine if some current variant takes all its values; otherwise report against the closest one.
    let closest: Finding[] | undefined;
    for (const next of candidates) {
      const trial: Walk = { subject: walk.subject, out: [] };
      compareVariant(trial, old, next, variantPath);
      if (trial.out.length === 0) {
        closest = [];
        break;
      }
      if (!closest || trial.out.length < closest.length) closest = trial.out;
    }
    walk.out.push(...(closest ?? []));
  }
}

function compareVariant(walk: Walk, old: JsonObject, next: JsonObject, path: string): void {
  const before = kindOf(old);
  const after = kindOf(next);
  const narrowed = (message: string, fix?: string): void => void walk.out.push(finding(walk.subject, path, 'narrowed-type', message, fix));
  if (after === 'any') return;
  if (before === 'any') return narrowed(`accepted any value, now only ${describe(next)}`);
  if (before === 'number' && after === 'integer') return narrowed('number → integer', `keep ${fieldName(path)} a number; round in producers first`);
  if (before !== after && !(before === 'integer' && after === 'number')) return narrowed(`type ${describe(old)} → ${describe(next)}`);

  const oldValues = valuesOf(old);
  if (oldValues) {
    // A finite set of old values: check each against the current schema.
    const lost = oldValues.filter((value) => !accepts(next, value));
    if (lost.length > 0) {
      const list = lost.map((v) => JSON.stringify(v)).join(', ');
      const what = valuesOf(next) ? (old.const !== undefined ? `const ${list} changed to ${valuesOf(next)!.map((v) => JSON.stringify(v)).join(', ')}` : `enum lost ${list}`) : `${list} no longer accepted`;
      narrowed(what, `keep ${list} in ${fieldName(path)}'s accepted values (add new values beside them)`);
    }
    return;
  }
  const newValues = valuesOf(next);
  if (newValues) return narrowed(`${describe(old)} → ${next.const !== undefined ? 'const' : 'enum'} ${newValues.map((v) => JSON.stringify(v)).join(', ')}`, `keep ${fieldName(path)} a free ${before}; validate the values downstream or in a new contract version`);

  if (typeof next.format === 'string' && next.format !== old.format) {
    narrowed(`format ${typeof old.format === 'string' ? old.format : '(none)'} → ${next.format}`, `keep ${fieldName(path)} without the new format, or accept both forms with a union (z.union([old, new]))`);
  } else if (typeof next.pattern === 'string' && next.pattern !== old.pattern && !(typeof old.pattern === 'string' && patternWidens(old.pattern, next.pattern))) {
    narrowed(`pattern ${typeof old.pattern === 'string' ? `/${old.pattern}/` : '(none)'} → /${next.pattern}/ (a changed pattern cannot be shown to accept every old value)`, `keep the old pattern as one member of a union (z.union([old, new])) so both are accepted`);
  }
  compareBounds(old, next, narrowed);
  if (typeof next.multipleOf === 'number' && (typeof old.multipleOf !== 'number' || old.multipleOf % next.multipleOf !== 0)) {
    narrowed(`multipleOf ${typeof old.multipleOf === 'number' ? old.multipleOf : '(none)'} → ${next.multipleOf}`);
  }
  if (before === 'object') compareObject(walk, old, next, path);
  if (before === 'array') compareNode(walk, objectOr(old.items, {}), objectOr(next.items, {}), `${path}[]`);
}

const LOWER_COUNTS = ['minLength', 'minItems', 'minProperties'] as const;
const UPPER_COUNTS = ['maxLength', 'maxItems', 'maxProperties'] as const;

function compareBounds(old: JsonObject, next: JsonObject, narrowed: (message: string, fix?: string) => void): void {
  for (const key of LOWER_COUNTS) {
    const a = numberOf(old[key]);
    const b = numberOf(next[key]);
    if (b !== undefined && (a === undefined || b > a)) narrowed(`${key} ${a === undefined ? 'added' : `raised ${a} →`} ${b}`, `keep ${key} at ${a ?? 'none'}`);
  }
  for (const key of UPPER_COUNTS) {
    const a = numberOf(old[key]);
    const b = numberOf(next[key]);
    if (b !== undefined && (a === undefined || b < a)) narrowed(`${key} ${a === undefined ? 'added' : `lowered ${a} →`} ${b}`, `keep ${key} at ${a ?? 'none'}`);
  }
  const lowA = lowerBound(old);
  const lowB = lowerBound(next);
  if (lowB && (!lowA || lowB.value > lowA.value || (lowB.value === lowA.value && lowB.exclusive && !lowA.exclusive))) {
    narrowed(`minimum ${lowA ? `raised ${boundText(lowA, '>')} →` : 'added'} ${boundText(lowB, '>')}`, `keep the minimum at ${lowA ? boundText(lowA, '>') : 'none'}`);
  }
  const highA = upperBound(old);
  const highB = upperBound(next);
  if (highB && (!highA || highB.value < highA.value || (highB.value === highA.value && highB.exclusive && !highA.exclusive))) {
    narrowed(`maximum ${highA ? `lowered ${boundText(highA, '<')} →` : 'added'} ${boundText(highB, '<')}`, `keep the maximum at ${highA ? boundText(highA, '<') : 'none'}`);
  }
}

function compareObject(walk: Walk, old: JsonObject, next: JsonObject, path: string): void {
  const before = propertiesOf(old);
  const after = propertiesOf(next);
  const requiredBefore = new Set(stringsOf(old.required));
  const requiredAfter = new Set(stringsOf(next.required));
  const added = Object.keys(after).filter((name) => !(name in before));
  for (const [name, schema] of Object.entries(before)) {
    const fieldPath = `${path}.${name}`;
    const now = after[name];
    if (!now) {
      const twins = added.filter((a) => signature(after[a]!) === signature(schema));
      const renamed = twins.length > 0 ? `; renamed? ${twins.map((t) => `"${t}"`).join(', ')} appeared with the same type (${signature(schema)})` : '';
      walk.out.push(finding(walk.subject, fieldPath, 'removed-field', `field "${name}" was removed${renamed}`, `keep "${name}" (optional, described as deprecated) beside ${twins.length > 0 ? `"${twins[0]}"` : 'its replacement'}; drop it only in a new contract version`));
      continue;
    }
    compareNode(walk, schema, now, fieldPath);
    if (!requiredBefore.has(name) && requiredAfter.has(name)) {
      walk.out.push(finding(walk.subject, fieldPath, 'new-required-field', `field "${name}" was optional and is now required`, `keep "${name}" optional; require it only in a new contract version`));
    }
  }
  for (const name of added) {
    if (requiredAfter.has(name)) {
      walk.out.push(finding(walk.subject, `${path}.${name}`, 'new-required-field', `new field "${name}" is required`, `add "${name}" as optional (\`.optional()\`); require it only in a new contract version`));
    }
  }
  const extraBefore = old.additionalProperties;
  const extraAfter = next.additionalProperties;
  if (extraAfter === false && extraBefore !== false) {
    walk.out.push(finding(walk.subject, path, 'narrowed-type', 'no longer accepts unknown fields (additionalProperties: false)', 'keep the object open (z.object, not z.strictObject) in this version; close it in a new contract version'));
  } else if (isObject(extraAfter)) {
    compareNode(walk, isObject(extraBefore) ? extraBefore : {}, extraAfter, `${path}.*`);
  }
}

// ---- reading zod's JSON Schema ----

interface Variants {
  nullable: boolean;
  variants: JsonObject[];
}

function variantsOf(node: JsonObject): Variants {
  const union = arrayOf(node.anyOf) ?? arrayOf(node.oneOf);
  if (union) {
    const parts = union.filter(isObject).map(variantsOf);
    return { nullable: parts.some((p) => p.nullable), variants: parts.flatMap((p) => p.variants) };
  }
  const all = arrayOf(node.allOf);
  if (all) return variantsOf(mergeAllOf(all.filter(isObject)));
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t): t is string => typeof t === 'string');
    return { nullable: types.includes('null'), variants: types.filter((t) => t !== 'null').map((type) => ({ ...node, type })) };
  }
  if (node.type === 'null' || node.const === null) return { nullable: true, variants: [] };
  return { nullable: false, variants: [node] };
}

function mergeAllOf(parts: JsonObject[]): JsonObject {
  const objects = parts.flatMap((p) => variantsOf(p).variants);
  const properties: JsonObject = {};
  for (const o of objects) Object.assign(properties, propertiesOf(o));
  return { type: 'object', properties, required: [...new Set(objects.flatMap((o) => stringsOf(o.required)))] };
}

/** The property that tags each object variant of a union with a distinct const, if there is one. */
function discriminator(variants: JsonObject[]): string | undefined {
  if (variants.length < 2 || !variants.every((v) => kindOf(v) === 'object')) return undefined;
  for (const key of Object.keys(propertiesOf(variants[0]!))) {
    const tags = variants.map((v) => constOf(propertiesOf(v)[key]));
    if (tags.every((t) => t !== undefined) && new Set(tags).size === tags.length) return key;
  }
  return undefined;
}

function kindOf(node: JsonObject): Kind {
  if (typeof node.type === 'string') return (['string', 'integer', 'number', 'boolean', 'object', 'array'] as const).find((k) => k === node.type) ?? 'unknown';
  const sample = node.const ?? arrayOf(node.enum)?.[0];
  if (sample !== undefined && sample !== null) return typeof sample === 'string' ? 'string' : typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'boolean' : 'unknown';
  if (isObject(node.properties)) return 'object';
  const meaningful = Object.keys(node).filter((k) => !['description', 'title', '$schema', 'pii', 'examples', 'default'].includes(k));
  return meaningful.length === 0 ? 'any' : 'unknown';
}

function comparableKinds(before: Kind, after: Kind): boolean {
  if (after === 'any' || before === 'any' || before === after) return true;
  return (before === 'integer' && after === 'number') || (before === 'number' && after === 'integer');
}

function describe(node: JsonObject): string {
  const values = valuesOf(node);
  const format = typeof node.format === 'string' ? ` (${node.format})` : '';
  return `${kindOf(node)}${format}${values ? ` ${values.map((v) => JSON.stringify(v)).join('|')}` : ''}`;
}

/** What a renamed field would share with the one it replaces: its kinds and formats, nullability aside. */
function signature(node: JsonObject): string {
  return variantsOf(node)
    .variants.map((v) => `${kindOf(v)}${typeof v.format === 'string' ? ` (${v.format})` : ''}`)
    .sort()
    .join(' | ');
}

function valuesOf(node: JsonObject): Json[] | undefined {
  if (node.const !== undefined) return [node.const];
  return arrayOf(node.enum);
}

function constOf(node: JsonObject | undefined): string | number | boolean | undefined {
  if (!node) return undefined;
  const values = valuesOf(node);
  const only = values?.length === 1 ? values[0] : undefined;
  return typeof only === 'string' || typeof only === 'number' || typeof only === 'boolean' ? only : undefined;
}

/** Whether `node` (one variant, not a union) accepts the scalar `value`. */
function accepts(node: JsonObject, value: Json): boolean {
  const kind = kindOf(node);
  if (kind === 'any') return true;
  if (typeof value === 'string' && kind !== 'string') return false;
  if (typeof value === 'boolean' && kind !== 'boolean') return false;
  if (typeof value === 'number' && kind !== 'number' && kind !== 'integer') return false;
  if (typeof value === 'number' && kind === 'integer' && !Number.isInteger(value)) return false;
  const values = valuesOf(node);
  if (values && !values.some((v) => JSON.stringify(v) === JSON.stringify(value))) return false;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof node.pattern === 'string' && !matches(node.pattern, value)) return false;
    if (typeof node.minLength === 'number' && length < node.minLength) return false;
    if (typeof node.maxLength === 'number' && length > node.maxLength) return false;
  }
  if (typeof value === 'number') {
    const low = lowerBound(node);
    const high = upperBound(node);
    if (low && (value < low.value || (low.exclusive && value === low.value))) return false;
    if (high && (value > high.value || (high.exclusive && value === high.value))) return false;
    if (typeof node.multipleOf === 'number' && value % node.multipleOf !== 0) return false;
  }
  return true;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return false;
  }
}

/**
 * Whether `after` provably accepts every string `before` does: `after` is `^(?:A|B|…)$` and one
 * alternative is `before`'s body (the idiom that adds a second accepted form, such as a pseudonym
 * token beside a plain value). Anything else is not proven and counts as narrowing.
 */
export function patternWidens(before: string, after: string): boolean {
  const oldBody = anchoredBody(before);
  const newBody = anchoredBody(after);
  if (oldBody === undefined || newBody === undefined || /\\[1-9]|\\k</.test(oldBody)) return false;
  if (topLevelAlternatives(oldBody).length > 1) return false;
  const group = /^\(\?:([\s\S]*)\)$/.exec(newBody);
  const alternatives = topLevelAlternatives(group && balanced(group[1]!) ? group[1]! : newBody);
  return alternatives.some((alt) => {
    const inner = /^\(\?:([\s\S]*)\)$/.exec(alt);
    return alt === oldBody || (inner !== null && balanced(inner[1]!) && inner[1] === oldBody);
  });
}

/** The pattern between a leading `^` and an unescaped trailing `$`, or undefined. */
function anchoredBody(pattern: string): string | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$')) return undefined;
  const body = pattern.slice(1, -1);
  const trailingBackslashes = /\\*$/.exec(body)![0].length;
  return trailingBackslashes % 2 === 0 ? body : undefined;
}

/** Splits a regular expression at the `|` outside groups and character classes. */
function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Whether a group's inside is balanced on its own (so `(?:a)|(?:b)` is not read as one group). */
function balanced(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0 && !inClass;
}

interface Bound {
  value: number;
  exclusive: boolean;
}

function lowerBound(node: JsonObject): Bound | undefined {
  return stricter(numberOf(node.minimum), numberOf(node.exclusiveMinimum), (a, b) => a > b);
}

function upperBound(node: JsonObject): Bound | undefined {
  return stricter(numberOf(node.maximum), numberOf(node.exclusiveMaximum), (a, b) => a < b);
}

function stricter(inclusive: number | undefined, exclusive: number | undefined, tighter: (a: number, b: number) => boolean): Bound | undefined {
  if (exclusive === undefined) return inclusive === undefined ? undefined : { value: inclusive, exclusive: false };
  if (inclusive === undefined || !tighter(inclusive, exclusive)) return { value: exclusive, exclusive: true };
  return { value: inclusive, exclusive: false };
}

function boundText(bound: Bound, side: '<' | '>'): string {
  return bound.exclusive ? `${side} ${bound.value}` : `${bound.value}`;
}

function fieldName(path: string): string {
  const name = path.replace(/\[[^\]]*\]/g, '').split('.').pop();
  if (name === '*') return "the map's values";
  return !name || name === '$' ? 'the record' : `"${name}"`;
}

function propertiesOf(node: JsonObject): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (isObject(node.properties)) for (const [name, child] of Object.entries(node.properties)) if (isObject(child)) out[name] = child;
  return out;
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function objectOr(value: Json | undefined, fallback: JsonObject): JsonObject {
  return isObject(value) ? value : fallback;
}

function arrayOf(value: Json | undefined): Json[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function stringsOf(value: Json | undefined): string[] {
  return (arrayOf(value) ?? []).filter((v): v is string => typeof v === 'string');
}

function numberOf(value: Json | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.path}\u0000${f.rule}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
