// Schema definitions and message checks: Avro's JSON encoding (https://avro.apache.org/docs/1.11.1/specification/#json-encoding:
// unions as {"<branch>": value}, null bare) and the proto3 JSON mapping (https://protobuf.dev/programming-guides/proto3/#json:
// lowerCamelCase or original names, int64 as strings, unknown fields refused) as Pub/Sub applies them
// (https://cloud.google.com/pubsub/docs/schemas).
import { compileSchema, SchemaDefinitionError } from '../../../../emulators/pubsub/schema-validator';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('Avro (JSON encoding)', () => {
  const check = compileSchema(
    'AVRO',
    JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'pf',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'qty', type: 'int' },
        { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }] } } },
        { name: 'first', type: ['null', 'pf.Line'], default: null },
        { name: 'tags', type: { type: 'map', values: 'long' } },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
      ],
    }),
  );
  const valid = { id: 'o', qty: 2, lines: [{ sku: 'a' }], first: { 'pf.Line': { sku: 'a' } }, tags: { n: 1 }, hash: 'ab' };

  test('a matching record, with named references and a wrapped union branch', () => {
    expect(check(json(valid), 'JSON')).toBeNull();
    expect(check(json({ ...valid, first: { Line: { sku: 'b' } } }), 'JSON')).toBeNull();
    expect(check(json({ ...valid, first: null }), 'JSON')).toBeNull();
  });

  test.each([
    ['int out of range', { qty: 2 ** 31 }, '$.qty: expected int'],
    ['union value not wrapped', { first: { sku: 'a' } }, '$.first: sku is not a branch of the union (null, pf.Line)'],
    ['nested field wrong', { lines: [{ sku: 1 }] }, '$.lines[0].sku: expected string'],
    ['map value wrong', { tags: { n: 1.5 } }, '$.tags.n: expected long'],
    ['fixed size', { hash: 'abc' }, '$.hash: expected a string of 2 bytes'],
  ])('%s is refused with its path', (_what, patch, reason) => {
    expect(check(json({ ...valid, ...patch }), 'JSON')).toContain(reason);
  });

  test('a missing field without a default is refused; one with a default may be left out', () => {
    const { id: _id, ...noId } = valid;
    const { first: _first, ...noFirst } = valid;
    expect(check(json(noId), 'JSON')).toBe('$: missing field id');
    expect(check(json(noFirst), 'JSON')).toBeNull();
    expect(check(Buffer.from('not json'), 'JSON')).toBe('the message is not valid JSON');
  });

  test('invalid definitions', () => {
    for (const d of ['', '{', '{"type":"record","name":"R"}', '{"type":"record","name":"R","fields":[{"name":"x","type":"Nope"}]}', '{"type":"enum","name":"E"}']) {
      expect(() => compileSchema('AVRO', d)).toThrow(SchemaDefinitionError);
    }
  });
});

describe('Protocol Buffers', () => {
  const check = compileSchema(
    'PROTOCOL_BUFFER',
    `syntax = "proto3";
     package pf;
     message Order {
       message Line { string sku = 1; uint32 qty = 2; }
       string order_id = 1;
       int64 total_cents = 2;
       repeated Line lines = 3;
       map<string, bool> flags = 4;
       bytes blob = 5;
       enum Channel { WEB = 0; APP = 1; }
       Channel channel = 6;
     }`,
  );

  test('the proto3 JSON mapping: camelCase or proto names, int64 as string or number, enums by name', () => {
    expect(check(json({ orderId: 'o', totalCents: '12', lines: [{ sku: 'a', qty: 1 }], flags: { x: true }, blob: 'AQI=', channel: 'APP' }), 'JSON')).toBeNull();
    expect(check(json({ order_id: 'o', total_cents: 12, channel: 1 }), 'JSON')).toBeNull();
  });

  test.each([
    ['unknown field', { nope: 1 }, 'unknown field nope'],
    ['negative uint32', { lines: [{ qty: -1 }] }, '$.lines[0].qty: expected uint32'],
    ['enum name', { channel: 'FAX' }, 'not a value of enum Channel'],
    ['map value', { flags: { x: 'yes' } }, '$.flags.x: expected bool'],
    ['int64 text', { totalCents: '1.5' }, 'expected int64'],
  ])('%s is refused', (_what, value, reason) => {
    expect(check(json(value), 'JSON')).toContain(reason);
  });

  test('binary: decodes or says why not', () => {
    expect(check(Buffer.from([0x0a, 0x01, 0x6f]), 'BINARY')).toBeNull();
    expect(check(Buffer.from([0x0a, 0x05, 0x6f]), 'BINARY')).toContain('does not decode as Order');
  });

  test('a definition needs exactly one top-level message type and must parse', () => {
    expect(() => compileSchema('PROTOCOL_BUFFER', 'syntax = "proto3"; message A {} message B {}')).toThrow('exactly one top-level message type (found 2)');
    expect(() => compileSchema('PROTOCOL_BUFFER', 'message {')).toThrow(SchemaDefinitionError);
  });
});

describe('Protocol Buffers importing the well-known types (proto3 JSON forms)', () => {
  const check = compileSchema(
    'PROTOCOL_BUFFER',
    `syntax = "proto3";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/any.proto";
import "google/protobuf/wrappers.proto";
message Shift {
  google.protobuf.Duration length = 1;
  google.protobuf.Struct extra = 2;
  google.protobuf.Any detail = 3;
  google.protobuf.Int64Value count = 4;
}`,
  );

  it('takes each well-known type in its JSON form', () => {
    expect(check(json({ length: '3600.5s', extra: { a: [1, 'b'] }, detail: { '@type': 'type.googleapis.com/x.Y', z: 1 }, count: '12' }), 'JSON')).toBeNull();
  });

  it.each([
    [{ length: 3600 }, 'duration'],
    [{ length: '1h' }, 'duration'],
    [{ extra: [1] }, 'Struct'],
    [{ detail: { z: 1 } }, '@type'],
    [{ count: 'twelve' }, 'int64'],
  ])('refuses %j (%s)', (message, why) => {
    expect(check(json(message), 'JSON')).toContain(why);
  });

  it('counts only its own messages as top-level types, and refuses an import that is not a well-known type', () => {
    expect(() => compileSchema('PROTOCOL_BUFFER', 'syntax = "proto3";\nimport "google/type/money.proto";\nmessage A { int32 a = 1; }')).toThrow(SchemaDefinitionError);
  });
});

describe('Avro binary encoding', () => {
  const check = compileSchema('AVRO', JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'long' }, { name: 's', type: ['null', 'string'] }] }));

  it('accepts exactly one datum and refuses truncated or trailing bytes', () => {
    // n = -1 (zig-zag 0x01), s = branch 1 (0x02) "hi" (length 2 → 0x04).
    expect(check(Buffer.from([0x01, 0x02, 0x04, 0x68, 0x69]), 'BINARY')).toBeNull();
    expect(check(Buffer.from([0x01, 0x00]), 'BINARY')).toBeNull();
    expect(check(Buffer.from([0x01, 0x02, 0x04, 0x68]), 'BINARY')).toMatch(/Avro binary/);
    expect(check(Buffer.from([0x01, 0x00, 0x00]), 'BINARY')).toMatch(/Avro binary/);
    expect(check(Buffer.from([0x01, 0x06]), 'BINARY')).toMatch(/Avro binary/); // union branch 3 of 2
  });

  it('a definition avsc cannot compile is a definition error', () => {
    expect(() => compileSchema('AVRO', JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'Missing' }] }))).toThrow(SchemaDefinitionError);
  });
});
