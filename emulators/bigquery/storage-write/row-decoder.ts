// Turns AppendRows payloads into table rows: rebuilds the writer's message type from the proto
// descriptor (protobufjs), decodes each serialized row, maps proto values onto the table's BigQuery
// types (TIMESTAMP int64 micros, DATE int32 days, NUMERIC string or packed bytes, nested messages as
// RECORDs, repeated fields) and validates the result as BigQuery would, row by row.
import * as protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor';
import { type FieldSchema } from '../schema';
import { validateRow } from '../row-validation';

const Descriptors = protobuf.Type as unknown as { fromDescriptor(descriptor: unknown): protobuf.Type };

export interface DecodedRowError {
  index: number;
  message: string;
}

export interface DecodedRows {
  rows: Record<string, unknown>[];
  errors: DecodedRowError[];
}

/** A message type from a `google.protobuf.DescriptorProto` (nested types inside it, proto2 labels). */
export function messageTypeFromDescriptor(descriptor: unknown): protobuf.Type {
  const type = Descriptors.fromDescriptor(descriptor);
  const root = new protobuf.Root();
  root.add(type);
  root.resolveAll();
  return type;
}

/** Proto fields the table does not have, as dotted paths (the service refuses such a writer schema). */
export function extraFields(type: protobuf.Type, fields: FieldSchema[], prefix = ''): string[] {
  const out: string[] = [];
  for (const pf of type.fieldsArray) {
    const f = fields.find((x) => x.name.toLowerCase() === pf.name.toLowerCase());
    if (!f) {
      out.push(`${prefix}${pf.name}`);
      continue;
    }
    if (pf.resolvedType instanceof protobuf.Type && f.type === 'RECORD') out.push(...extraFields(pf.resolvedType, f.fields ?? [], `${prefix}${pf.name}.`));
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, bytes: String, defaults: false, arrays: false };

export function decodeRows(type: protobuf.Type, fields: FieldSchema[], serialized: Uint8Array[]): DecodedRows {
  const rows: Record<string, unknown>[] = [];
  const errors: DecodedRowError[] = [];
  serialized.forEach((bytes, index) => {
    let obj: Record<string, unknown>;
    try {
      obj = type.toObject(type.decode(bytes), TO_OBJECT) as Record<string, unknown>;
    } catch (e) {
      errors.push({ index, message: `Could not decode the row as ${type.name}: ${(e as Error).message}` });
      return;
    }
    const json = toJsonRecord(fields, obj, type);
    const result = validateRow(fields, json, false);
    if (result.errors.length) errors.push({ index, message: result.errors.map((x) => x.message).join('; ') });
    else rows.push(result.row);
  });
  return { rows, errors };
}

function toJsonRecord(fields: FieldSchema[], obj: Record<string, unknown>, type: protobuf.Type): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const f = fields.find((x) => x.name.toLowerCase() === key.toLowerCase());
    if (!f) {
      out[key] = value; // validateRow reports it as an unknown field
      continue;
    }
    const pf = type.fields[key];
    const sub = pf?.resolvedType instanceof protobuf.Type ? pf.resolvedType : undefined;
    out[f.name] = Array.isArray(value) ? value.map((v) => toJsonValue(f, v, pf, sub)) : toJsonValue(f, value, pf, sub);
  }
  return out;
}

function toJsonValue(f: FieldSchema, v: unknown, pf: protobuf.Field | undefined, sub: protobuf.Type | undefined): unknown {
  if (v === null || v === undefined) return v;
  if (f.type === 'RECORD') return sub && typeof v === 'object' ? toJsonRecord(f.fields ?? [], v as Record<string, unknown>, sub) : v;
  const protoType = pf?.type ?? 'string';
  switch (f.type) {
    case 'TIMESTAMP':
      return isIntegerProto(protoType) ? microsToTimestamp(BigInt(String(v))) : v;
    case 'DATE':
      return isIntegerProto(protoType) ? daysToDate(Number(v)) : v;
    case 'NUMERIC':
      return protoType === 'bytes' ? packedDecimal(String(v), 9) : v;
    case 'BIGNUMERIC':
      return protoType === 'bytes' ? packedDecimal(String(v), 38) : v;
    case 'INTEGER':
      return typeof v === 'number' || typeof v === 'string' ? String(v) : v;
    default:
      return v;
  }
}

function isIntegerProto(t: string): boolean {
  return ['int64', 'sint64', 'sfixed64', 'int32', 'sint32', 'sfixed32', 'uint32', 'uint64', 'fixed32', 'fixed64'].includes(t);
}

/** int64 microseconds since the epoch → a TIMESTAMP literal with an explicit UTC offset. */
export function microsToTimestamp(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const iso = new Date(Number(ms)).toISOString();
  const frac = String(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac}+00`;
}

/** int32 days since 1970-01-01 → YYYY-MM-DD. */
export function daysToDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** NUMERIC/BIGNUMERIC as bytes: a little-endian two's-complement integer scaled by 10^scale. */
export function packedDecimal(base64: string, scale: number): string {
  const bytes = Buffer.from(base64, 'base64');
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  if (bytes.length && bytes[bytes.length - 1] & 0x80) n -= 1n << BigInt(bytes.length * 8);
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
