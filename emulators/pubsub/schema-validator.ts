// Schema definitions and message checks for Pub/Sub schemas (https://cloud.google.com/pubsub/docs/schemas):
// Avro (JSON encoding, per the Avro specification's JSON encoding: unions as {"branch": value}; binary
// encoding decoded with avsc) and Protocol Buffers (proto3 JSON mapping, or binary; imports of the
// well-known types google/protobuf/*.proto resolve). Pure: a definition compiles to a check that
// returns the reason a message does not match, or null.
import { Type as AvroType } from 'avsc';
import protobuf from 'protobufjs';

export type SchemaType = 'AVRO' | 'PROTOCOL_BUFFER';
export type Encoding = 'JSON' | 'BINARY';

/** Returns why `data` does not match, or null when it does. */
export type MessageCheck = (data: Buffer, encoding: Encoding) => string | null;

export class SchemaDefinitionError extends Error {}

export function compileSchema(type: SchemaType, definition: string): MessageCheck {
  if (!definition.trim()) throw new SchemaDefinitionError('The schema definition is empty.');
  return type === 'AVRO' ? compileAvro(definition) : compileProto(definition);
}

/** Whether the emulator checks messages of this type and encoding (all four combinations now). */
export function supportsEncoding(type: SchemaType, encoding: Encoding): boolean {
  return (type === 'AVRO' || type === 'PROTOCOL_BUFFER') && (encoding === 'JSON' || encoding === 'BINARY');
}

// --- Avro ---

type Avro =
  | { kind: 'primitive'; name: string }
  | { kind: 'record'; name: string; fields: Array<{ name: string; type: Avro; hasDefault: boolean }> }
  | { kind: 'enum'; name: string; symbols: string[] }
  | { kind: 'fixed'; name: string; size: number }
  | { kind: 'array'; items: Avro }
  | { kind: 'map'; values: Avro }
  | { kind: 'union'; branches: Avro[] }
  | { kind: 'ref'; name: string; named: Map<string, Avro> };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function compileAvro(definition: string): MessageCheck {
  let json: unknown;
  try {
    json = JSON.parse(definition);
  } catch (err) {
    throw new SchemaDefinitionError(`The Avro schema is not valid JSON: ${(err as Error).message}`);
  }
  const named = new Map<string, Avro>();
  const root = parseAvro(json, '', named);
  let binary: AvroType;
  try {
    binary = AvroType.forSchema(json as Parameters<typeof AvroType.forSchema>[0]);
  } catch (err) {
    throw new SchemaDefinitionError(`Invalid Avro schema: ${(err as Error).message}`);
  }
  return (data, encoding) => {
    if (encoding === 'BINARY') {
      try {
        // One datum, Avro's binary encoding, nothing after it ("trailing data" otherwise).
        binary.fromBuffer(data);
        return null;
      } catch (err) {
        return `the message does not decode as Avro binary: ${(err as Error).message}`;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return 'the message is not valid JSON';
    }
    return checkAvro(root, value, '$');
  };
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function parseAvro(s: unknown, namespace: string, named: Map<string, Avro>): Avro {
  if (typeof s === 'string') {
    if (PRIMITIVES.has(s)) return { kind: 'primitive', name: s };
    const name = named.has(fullName(s, namespace)) ? fullName(s, namespace) : s;
    if (!named.has(name)) throw new SchemaDefinitionError(`Undefined Avro type name: ${s}`);
    return { kind: 'ref', name, named };
  }
  if (Array.isArray(s)) {
    if (s.length === 0) throw new SchemaDefinitionError('An Avro union must have at least one branch.');
    return { kind: 'union', branches: s.map((b) => parseAvro(b, namespace, named)) };
  }
  if (!s || typeof s !== 'object') throw new SchemaDefinitionError(`Invalid Avro schema: ${JSON.stringify(s)}`);
  const o = s as Record<string, unknown>;
  const type = o.type;
  if (typeof type === 'string' && PRIMITIVES.has(type)) return { kind: 'primitive', name: type };
  if (type === 'array') return { kind: 'array', items: parseAvro(o.items, namespace, named) };
  if (type === 'map') return { kind: 'map', values: parseAvro(o.values, namespace, named) };
  if (type !== 'record' && type !== 'error' && type !== 'enum' && type !== 'fixed') {
    if (typeof type === 'string' || Array.isArray(type) || (type && typeof type === 'object')) return parseAvro(type, namespace, named);
    throw new SchemaDefinitionError(`Invalid Avro schema: missing "type" in ${JSON.stringify(s).slice(0, 80)}`);
  }
  if (typeof o.name !== 'string' || !o.name.split('.').every((p) => NAME.test(p))) {
    throw new SchemaDefinitionError(`An Avro ${type} needs a valid "name".`);
  }
  const ns = typeof o.namespace === 'string' ? o.namespace : o.name.includes('.') ? o.name.slice(0, o.name.lastIndexOf('.')) : namespace;
  const name = fullName(o.name, ns);
  if (named.has(name)) throw new SchemaDefinitionError(`Avro type ${name} is defined twice.`);
  if (type === 'enum') {
    if (!Array.isArray(o.symbols) || !o.symbols.every((x) => typeof x === 'string' && NAME.test(x))) {
      throw new SchemaDefinitionError(`The Avro enum ${name} needs "symbols", a list of names.`);
    }
    const e: Avro = { kind: 'enum', name, symbols: o.symbols as string[] };
    named.set(name, e);
    return e;
  }
  if (type === 'fixed') {
    if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0) {
      throw new SchemaDefinitionError(`The Avro fixed ${name} needs an integer "size".`);
    }
    const f: Avro = { kind: 'fixed', name, size: o.size };
    named.set(name, f);
    return f;
  }
  if (!Array.isArray(o.fields)) throw new SchemaDefinitionError(`The Avro record ${name} needs "fields".`);
  const record: Avro & { kind: 'record' } = { kind: 'record', name, fields: [] };
  named.set(name, record);
  for (const f of o.fields as unknown[]) {
    const field = f as Record<string, unknown> | null;
    if (!field || typeof field.name !== 'string' || !NAME.test(field.name) || field.type === undefined) {
      throw new SchemaDefinitionError(`Every field of the Avro record ${name} needs a valid "name" and a "type".`);
    }
    record.fields.push({ name: field.name, type: parseAvro(field.type, ns, named), hasDefault: 'default' in field });
  }
  return record;
}

function resolve(t: Avro): Avro {
  return t.kind === 'ref' ? t.named.get(t.name)! : t;
}

function branchName(t: Avro): string {
  const r = resolve(t);
  return r.kind === 'primitive' ? r.name : r.kind === 'array' || r.kind === 'map' ? r.kind : r.kind === 'union' ? 'union' : r.name;
}

function checkAvro(t: Avro, v: unknown, at: string): string | null {
  const r = resolve(t);
  switch (r.kind) {
    case 'primitive':
      return checkPrimitive(r.name, v, at);
    case 'enum':
      return typeof v === 'string' && r.symbols.includes(v) ? null : `${at}: expected one of the symbols of enum ${r.name}`;
    case 'fixed':
      return typeof v === 'string' && v.length === r.size ? null : `${at}: expected a string of ${r.size} bytes (fixed ${r.name})`;
    case 'array':
      if (!Array.isArray(v)) return `${at}: expected an array`;
      for (let i = 0; i < v.length; i++) {
        const e = checkAvro(r.items, v[i], `${at}[${i}]`);
        if (e) return e;
      }
      return null;
    case 'map':
      if (!isObject(v)) return `${at}: expected an object (map)`;
      for (const [k, x] of Object.entries(v)) {
        const e = checkAvro(r.values, x, `${at}.${k}`);
        if (e) return e;
      }
      return null;
    case 'record':
      if (!isObject(v)) return `${at}: expected an object (record ${r.name})`;
      for (const f of r.fields) {
        if (!(f.name in v)) {
          if (f.hasDefault) continue;
          return `${at}: missing field ${f.name}`;
        }
        const e = checkAvro(f.type, v[f.name], `${at}.${f.name}`);
        if (e) return e;
      }
      return null;
    case 'union': {
      if (v === null) return r.branches.some((b) => branchName(b) === 'null') ? null : `${at}: null is not allowed`;
      const names = r.branches.map(branchName);
      // Avro's JSON encoding wraps a non-null union value in an object naming its branch.
      if (!isObject(v) || Object.keys(v).length !== 1) return `${at}: expected a union value as {"<type>": value}, one of ${names.join(', ')}`;
      const [key, inner] = Object.entries(v)[0]!;
      const i = names.findIndex((n) => n === key || n.endsWith(`.${key}`));
      if (i < 0 || key === 'null') return `${at}: ${key} is not a branch of the union (${names.join(', ')})`;
      return checkAvro(r.branches[i]!, inner, `${at}.${key}`);
    }
    default:
      return null;
  }
}

function checkPrimitive(name: string, v: unknown, at: string): string | null {
  const ok =
    name === 'null'
      ? v === null
      : name === 'boolean'
        ? typeof v === 'boolean'
        : name === 'int'
          ? Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31
          : name === 'long'
            ? Number.isInteger(v)
            : name === 'float' || name === 'double'
              ? typeof v === 'number'
              : typeof v === 'string';
  return ok ? null : `${at}: expected ${name}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// --- Protocol Buffers ---

function compileProto(definition: string): MessageCheck {
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(definition, { keepCase: true });
  } catch (err) {
    throw new SchemaDefinitionError(`The Protocol Buffer schema does not parse: ${(err as Error).message}`);
  }
  const root = parsed.root;
  // The definition's own messages, before the imported ones join the root.
  const types = topLevelMessages(root);
  for (const file of new Set([...(parsed.imports ?? []), ...(parsed.weakImports ?? [])])) {
    const imported = protobuf.common.get(file);
    if (!imported) {
      throw new SchemaDefinitionError(
        `The Protocol Buffer schema imports ${file}: only the well-known types (${WELL_KNOWN_FILES.join(', ')}) can be imported.`,
      );
    }
    root.addJSON(imported.nested ?? {});
  }
  try {
    root.resolveAll();
  } catch (err) {
    throw new SchemaDefinitionError(`The Protocol Buffer schema does not parse: ${(err as Error).message}`);
  }
  if (types.length !== 1) {
    throw new SchemaDefinitionError(`A Protocol Buffer schema must define exactly one top-level message type (found ${types.length}).`);
  }
  const type = types[0]!;
  return (data, encoding) => {
    if (encoding === 'BINARY') {
      try {
        // A plain Uint8Array: protobufjs's Buffer reader clamps a truncated string instead of failing.
        type.decode(Uint8Array.from(data));
        return null;
      } catch (err) {
        return `the message does not decode as ${type.name}: ${(err as Error).message}`;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return 'the message is not valid JSON';
    }
    return checkProtoJson(type, value, '$');
  };
}

/** The imports protobufjs ships (google/protobuf/timestamp.proto, …), which Pub/Sub schemas may use. */
const WELL_KNOWN_FILES = Object.keys(protobuf.common).filter((k) => k.endsWith('.proto'));

function topLevelMessages(ns: protobuf.NamespaceBase): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) out.push(child);
    else if (child instanceof protobuf.Namespace && !(child instanceof protobuf.Enum)) out.push(...topLevelMessages(child));
  }
  return out;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

/** The proto3 JSON mapping: fields by JSON or proto name, unknown fields refused. */
function checkProtoJson(type: protobuf.Type, v: unknown, at: string): string | null {
  if (!isObject(v)) return `${at}: expected an object (${type.name})`;
  const byName = new Map<string, protobuf.Field>();
  for (const f of type.fieldsArray) {
    byName.set(f.name, f);
    byName.set(jsonName(f.name), f);
  }
  for (const [key, value] of Object.entries(v)) {
    const field = byName.get(key);
    if (!field) return `${at}: unknown field ${key} in ${type.name}`;
    if (value === null) continue;
    const path = `${at}.${key}`;
    const err =
      field instanceof protobuf.MapField
        ? checkProtoMap(field, value, path)
        : field.repeated
          ? checkProtoList(field, value, path)
          : checkProtoValue(field, value, path);
    if (err) return err;
  }
  return null;
}

function checkProtoList(field: protobuf.FieldBase, v: unknown, at: string): string | null {
  if (!Array.isArray(v)) return `${at}: expected an array`;
  for (let i = 0; i < v.length; i++) {
    const e = checkProtoValue(field, v[i], `${at}[${i}]`);
    if (e) return e;
  }
  return null;
}

function checkProtoMap(field: protobuf.MapField, v: unknown, at: string): string | null {
  if (!isObject(v)) return `${at}: expected an object (map)`;
  for (const [k, x] of Object.entries(v)) {
    const e = checkProtoValue(field, x, `${at}.${k}`);
    if (e) return e;
  }
  return null;
}

function checkProtoValue(field: protobuf.FieldBase, v: unknown, at: string): string | null {
  const t = field.type;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const wkt = resolved.fullName.startsWith('.google.protobuf.') ? checkWellKnownJson(resolved, v, at) : undefined;
    return wkt === undefined ? checkProtoJson(resolved, v, at) : wkt;
  }
  if (resolved instanceof protobuf.Enum) {
    const ok = (typeof v === 'string' && v in resolved.values) || (Number.isInteger(v) && Object.values(resolved.values).includes(v as number));
    return ok ? null : `${at}: not a value of enum ${resolved.name}`;
  }
  const numeric = (x: unknown): number => (typeof x === 'string' && x.trim() !== '' ? Number(x) : typeof x === 'number' ? x : NaN);
  if (INT32.has(t)) {
    const n = numeric(v);
    const min = t.startsWith('u') || t === 'fixed32' ? 0 : -(2 ** 31);
    const max = t.startsWith('u') || t === 'fixed32' ? 2 ** 32 : 2 ** 31;
    return Number.isInteger(n) && n >= min && n < max ? null : `${at}: expected ${t}`;
  }
  if (INT64.has(t)) return (typeof v === 'string' && /^-?\d+$/.test(v)) || Number.isInteger(v) ? null : `${at}: expected ${t}`;
  if (t === 'double' || t === 'float') {
    return typeof v === 'number' || (typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || !Number.isNaN(Number(v))))
      ? null
      : `${at}: expected ${t}`;
  }
  if (t === 'bool') return typeof v === 'boolean' ? null : `${at}: expected bool`;
  if (t === 'string') return typeof v === 'string' ? null : `${at}: expected string`;
  if (t === 'bytes') return typeof v === 'string' && /^[A-Za-z0-9+/\-_]*={0,2}$/.test(v) ? null : `${at}: expected base64 bytes`;
  return null;
}

function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const WRAPPERS: Record<string, string> = {
  DoubleValue: 'double',
  FloatValue: 'float',
  Int64Value: 'int64',
  UInt64Value: 'uint64',
  Int32Value: 'int32',
  UInt32Value: 'uint32',
  BoolValue: 'bool',
  StringValue: 'string',
  BytesValue: 'bytes',
};

/**
 * The proto3 JSON mapping's special forms of the well-known types (Timestamp as an RFC 3339 string,
 * Duration as "1.5s", wrappers as their bare value, Struct/Value/ListValue as any JSON, FieldMask as a
 * string, Any as an object with "@type"); undefined for a google.protobuf type mapped as a plain message.
 */
function checkWellKnownJson(type: protobuf.Type, v: unknown, at: string): string | null | undefined {
  const name = type.name;
  if (name === 'Timestamp') {
    return typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v)) ? null : `${at}: expected an RFC 3339 timestamp string`;
  }
  if (name === 'Duration') return typeof v === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(v) ? null : `${at}: expected a duration string such as "1.5s"`;
  if (name === 'FieldMask') return typeof v === 'string' ? null : `${at}: expected a field mask string`;
  if (name === 'Value') return null;
  if (name === 'Struct') return isObject(v) ? null : `${at}: expected an object (Struct)`;
  if (name === 'ListValue') return Array.isArray(v) ? null : `${at}: expected an array (ListValue)`;
  if (name === 'Any') return isObject(v) && typeof v['@type'] === 'string' ? null : `${at}: expected an object with "@type" (Any)`;
  const wrapped = WRAPPERS[name];
  if (wrapped) {
    const field = type.fieldsArray[0];
    return field ? checkProtoValue(field, v, at) : null;
  }
  return undefined;
}
