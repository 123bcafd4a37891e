// Pub/Sub schemas through the official client: the SchemaService and topic schema_settings checked
// on publish. Behaviour from https://cloud.google.com/pubsub/docs/schemas, /create-schemas,
// /publish-topics-schema (a message that does not match is refused INVALID_ARGUMENT; Pub/Sub adds
// googclient_schemaname / _schemaencoding / _schemarevisionid attributes) and the SchemaService proto.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { Encodings, PubSub, SchemaTypes, SchemaViews, v1 } from '@google-cloud/pubsub';
import { startPubsub as start, type PubsubEmulator } from '@pizzaflow/emulators';
import { uid } from './helpers';

jest.setTimeout(30_000);
process.env.METADATA_SERVER_DETECTION ??= 'none';

/** The client sends validateMessage's string as the `bytes` field, which protobufjs reads as base64. */
const b64 = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64');

const AVRO = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'pizzaflow',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
    { name: 'channel', type: { type: 'enum', name: 'Channel', symbols: ['WEB', 'APP'] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

const PROTO = `syntax = "proto3";
message Order {
  string id = 1;
  int64 total_cents = 2;
  repeated string items = 3;
  enum Channel { WEB = 0; APP = 1; }
  Channel channel = 4;
}`;

async function grpcError(promise: Promise<unknown>): Promise<{ code?: number; details?: string } | undefined> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: number; details?: string };
  }
  return undefined;
}

describe('Pub/Sub schemas', () => {
  let emulator: PubsubEmulator;
  let pubsub: PubSub;
  let schemaApi: v1.SchemaServiceClient;
  let subscriberApi: v1.SubscriberClient;
  const project = uid('schemas');

  beforeAll(async () => {
    emulator = await start({ port: 0, logLevel: 'error' });
    pubsub = new PubSub({ projectId: project, apiEndpoint: emulator.url });
    const raw = { servicePath: 'localhost', port: emulator.port, sslCreds: credentials.createInsecure(), projectId: project };
    schemaApi = new v1.SchemaServiceClient(raw);
    subscriberApi = new v1.SubscriberClient(raw);
  });

  afterAll(async () => {
    await pubsub?.close();
    await schemaApi?.close();
    await subscriberApi?.close();
    await emulator?.close();
  });

  test('schema lifecycle: create, get (FULL/BASIC), list, revisions, delete and errors', async () => {
    const id = uid('order');
    const schema = await pubsub.createSchema(id, SchemaTypes.Avro, AVRO);
    const name = `projects/${project}/schemas/${id}`;
    expect(await schema.getName()).toBe(name);
    const full = await schema.get();
    expect(full).toMatchObject({ name, type: 'AVRO', definition: AVRO, revisionId: expect.any(String) });
    const basic = await schema.get(SchemaViews.Basic);
    expect(basic.definition).toBeFalsy();

    const [listed] = await schemaApi.listSchemas({ parent: `projects/${project}` });
    expect(listed.map((s) => s.name)).toContain(name);
    expect(listed.find((s) => s.name === name)!.definition).toBeFalsy(); // BASIC by default

    const v2 = JSON.stringify({ ...JSON.parse(AVRO), fields: [...(JSON.parse(AVRO) as { fields: unknown[] }).fields, { name: 'store', type: 'string', default: '' }] });
    const [committed] = await schemaApi.commitSchema({ name, schema: { name, type: 'AVRO', definition: v2 } });
    const [revisions] = await schemaApi.listSchemaRevisions({ name, view: 'FULL' });
    expect(revisions.map((r) => r.revisionId)).toEqual([committed.revisionId, full.revisionId]);
    const [first] = await schemaApi.getSchema({ name: `${name}@${full.revisionId}` });
    expect(first.definition).toBe(AVRO);
    const [rolledBack] = await schemaApi.rollbackSchema({ name, revisionId: full.revisionId });
    expect(rolledBack).toMatchObject({ definition: AVRO, revisionId: expect.not.stringMatching(full.revisionId!) });
    await schemaApi.deleteSchemaRevision({ name: `${name}@${committed.revisionId}` });
    const [left] = await schemaApi.listSchemaRevisions({ name });
    expect(left.map((r) => r.revisionId)).toEqual([rolledBack.revisionId, full.revisionId]);
    expect((await grpcError(schemaApi.getSchema({ name: `${name}@${committed.revisionId}` })))?.code).toBe(5);

    expect((await grpcError(pubsub.createSchema(id, SchemaTypes.Avro, AVRO)))?.code).toBe(6); // ALREADY_EXISTS
    expect((await grpcError(pubsub.createSchema(uid('bad'), SchemaTypes.Avro, '{"type": "record"}')))?.code).toBe(3);
    await schema.delete();
    expect((await grpcError(schema.get()))?.code).toBe(5);
  });

  test('validateSchema and validateMessage (Avro JSON, Protocol Buffer JSON and binary)', async () => {
    await pubsub.validateSchema({ type: SchemaTypes.Avro, definition: AVRO });
    await pubsub.validateSchema({ type: SchemaTypes.ProtocolBuffer, definition: PROTO });
    expect((await grpcError(pubsub.validateSchema({ type: SchemaTypes.ProtocolBuffer, definition: 'message {' })))?.code).toBe(3);
    expect((await grpcError(pubsub.validateSchema({ type: SchemaTypes.Avro, definition: '{"type":"nope"}' })))?.code).toBe(3);

    const avro = await pubsub.createSchema(uid('avro'), SchemaTypes.Avro, AVRO);
    await avro.validateMessage(b64({ id: 'o1', cents: 1250, channel: 'WEB', note: { string: 'extra cheese' } }), Encodings.Json);
    await avro.validateMessage(b64({ id: 'o1', cents: 1250, channel: 'APP', note: null }), Encodings.Json);
    for (const bad of [{ id: 'o1', cents: 'x', channel: 'WEB' }, { id: 'o1', cents: 1, channel: 'FAX' }, { cents: 1, channel: 'WEB' }]) {
      expect((await grpcError(avro.validateMessage(b64(bad), Encodings.Json)))?.code).toBe(3);
    }

    const proto = await pubsub.createSchema(uid('proto'), SchemaTypes.ProtocolBuffer, PROTO);
    await proto.validateMessage(b64({ id: 'o1', totalCents: '1250', items: ['margherita'], channel: 'APP' }), Encodings.Json);
    expect((await grpcError(proto.validateMessage(b64({ id: 'o1', unknown: 1 }), Encodings.Json)))?.code).toBe(3);
    expect((await grpcError(proto.validateMessage(b64({ items: 'not-a-list' }), Encodings.Json)))?.code).toBe(3);
    // Binary: field 1 (string "o1") is valid; a truncated length prefix is not.
    await schemaApi.validateMessage({ parent: `projects/${project}`, name: await proto.getName(), message: Buffer.from([0x0a, 0x02, 0x6f, 0x31]), encoding: 'BINARY' });
    const truncated = schemaApi.validateMessage({ parent: `projects/${project}`, name: await proto.getName(), message: Buffer.from([0x0a, 0x09, 0x6f]), encoding: 'BINARY' });
    expect((await grpcError(truncated))?.code).toBe(3);
  });

  test('a topic with schema_settings refuses non-matching messages INVALID_ARGUMENT and tags matching ones', async () => {
    const schema = await pubsub.createSchema(uid('orders'), SchemaTypes.Avro, AVRO);
    const schemaName = await schema.getName();
    const [topic] = await pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: schemaName, encoding: 'JSON' } });
    const [sub] = await topic.createSubscription(uid('s'));
    const [meta] = await topic.getMetadata();
    expect(meta.schemaSettings).toMatchObject({ schema: schemaName, encoding: 'JSON' });

    const bad = await grpcError(topic.publishMessage({ data: Buffer.from(JSON.stringify({ id: 'o1' })) }));
    expect(bad?.code).toBe(3);
    expect(bad?.details).toContain('Invalid data in message');
    const good = JSON.stringify({ id: 'o2', cents: 900, channel: 'APP', note: null });
    await topic.publishMessage({ data: Buffer.from(good) });
    const [resp] = await subscriberApi.pull({ subscription: sub.name, maxMessages: 10, returnImmediately: true });
    expect(resp.receivedMessages!.map((m) => Buffer.from(m.message!.data as Uint8Array).toString())).toEqual([good]);
    expect(resp.receivedMessages![0]!.message!.attributes).toMatchObject({
      googclient_schemaname: schemaName,
      googclient_schemaencoding: 'JSON',
      googclient_schemarevisionid: expect.any(String),
    });

    // A missing schema is NOT_FOUND.
    expect((await grpcError(pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: `projects/${project}/schemas/missing`, encoding: 'JSON' } })))?.code).toBe(5);

    await schema.delete();
    const [orphan] = await topic.getMetadata();
    expect(orphan.schemaSettings!.schema).toBe('_deleted-schema_');
    expect((await grpcError(topic.publishMessage({ data: Buffer.from(good) })))?.code).toBe(9);
  });

  test('an Avro topic with BINARY encoding accepts Avro binary datums and refuses truncated, trailing or out-of-range data', async () => {
    const schema = await pubsub.createSchema(uid('avro-bin'), SchemaTypes.Avro, AVRO);
    const schemaName = await schema.getName();
    const [topic] = await pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: schemaName, encoding: 'BINARY' } });
    const [sub] = await topic.createSubscription(uid('s'));
    // Encoded by hand per the Avro specification (zig-zag varints): id "o1", cents 1250, channel APP
    // (enum index 1), note null (union branch 0) — and a second datum with note {"string": "x"}.
    const datum = Buffer.from([0x04, 0x6f, 0x31, 0xc4, 0x13, 0x02, 0x00]);
    const withNote = Buffer.from([0x04, 0x6f, 0x31, 0xc4, 0x13, 0x00, 0x02, 0x02, 0x78]);
    await topic.publishMessage({ data: datum });
    await topic.publishMessage({ data: withNote });
    for (const bad of [
      datum.subarray(0, 4), // truncated inside `cents`
      Buffer.concat([datum, Buffer.from([0x00])]), // a byte after the datum
      Buffer.from([0x04, 0x6f, 0x31, 0xc4, 0x13, 0x0a, 0x00]), // enum index 5 of 2 symbols
      Buffer.from(JSON.stringify({ id: 'o1', cents: 1250, channel: 'APP', note: null })), // JSON is not binary
    ]) {
      const err = await grpcError(topic.publishMessage({ data: bad }));
      expect({ bad: bad.toString('hex'), code: err?.code }).toEqual({ bad: bad.toString('hex'), code: 3 });
    }
    const [resp] = await subscriberApi.pull({ subscription: sub.name, maxMessages: 10, returnImmediately: true });
    expect(resp.receivedMessages!.map((m) => Buffer.from(m.message!.data as Uint8Array).toString('hex'))).toEqual([datum.toString('hex'), withNote.toString('hex')]);
    expect(resp.receivedMessages![0]!.message!.attributes).toMatchObject({ googclient_schemaname: schemaName, googclient_schemaencoding: 'BINARY' });

    // ValidateMessage takes BINARY for Avro too.
    await schemaApi.validateMessage({ parent: `projects/${project}`, name: schemaName, message: datum, encoding: 'BINARY' });
    expect((await grpcError(schemaApi.validateMessage({ parent: `projects/${project}`, name: schemaName, message: datum.subarray(0, 2), encoding: 'BINARY' })))?.code).toBe(3);
  });

  test('a Protocol Buffer schema may import the well-known types (google/protobuf/timestamp.proto, wrappers.proto), in JSON and BINARY', async () => {
    const definition = `syntax = "proto3";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message Delivery {
  string id = 1;
  google.protobuf.Timestamp placed_at = 2;
  google.protobuf.StringValue note = 3;
}`;
    await pubsub.validateSchema({ type: SchemaTypes.ProtocolBuffer, definition });
    const schema = await pubsub.createSchema(uid('proto-wkt'), SchemaTypes.ProtocolBuffer, definition);
    const [jsonTopic] = await pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: await schema.getName(), encoding: 'JSON' } });
    // The proto3 JSON mapping: a Timestamp is an RFC 3339 string, a StringValue a bare string.
    await jsonTopic.publishMessage({ data: Buffer.from(JSON.stringify({ id: 'd1', placedAt: '2026-05-01T12:00:00.250Z', note: 'ring twice' })) });
    for (const bad of [{ id: 'd1', placedAt: 1714564800 }, { id: 'd1', placedAt: { seconds: 1 } }, { id: 'd1', note: 7 }]) {
      const err = await grpcError(jsonTopic.publishMessage({ data: Buffer.from(JSON.stringify(bad)) }));
      expect({ bad, code: err?.code }).toEqual({ bad, code: 3 });
    }

    const [binaryTopic] = await pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: await schema.getName(), encoding: 'BINARY' } });
    // id "d1", then placed_at (field 2, length-delimited) holding Timestamp{seconds: 1}.
    await binaryTopic.publishMessage({ data: Buffer.from([0x0a, 0x02, 0x64, 0x31, 0x12, 0x02, 0x08, 0x01]) });
    expect((await grpcError(binaryTopic.publishMessage({ data: Buffer.from([0x0a, 0x02, 0x64, 0x31, 0x12, 0x05, 0x08]) })))?.code).toBe(3);

    // Only the well-known types resolve: another import is an invalid definition.
    const otherImport = `syntax = "proto3";\nimport "acme/money.proto";\nmessage Price { acme.Money amount = 1; }`;
    const refused = await grpcError(pubsub.validateSchema({ type: SchemaTypes.ProtocolBuffer, definition: otherImport }));
    expect(refused?.code).toBe(3);
    expect(refused?.details).toContain('acme/money.proto');
  });

  test('a Protocol Buffer topic with BINARY encoding checks the wire format', async () => {
    const schema = await pubsub.createSchema(uid('proto'), SchemaTypes.ProtocolBuffer, PROTO);
    const [topic] = await pubsub.createTopic({ name: uid('t'), schemaSettings: { schema: await schema.getName(), encoding: 'BINARY' } });
    await topic.publishMessage({ data: Buffer.from([0x0a, 0x02, 0x6f, 0x31, 0x10, 0x96, 0x01]) });
    expect((await grpcError(topic.publishMessage({ data: Buffer.from([0x0a, 0x09, 0x6f]) })))?.code).toBe(3);
  });
});

test('a restart keeps schemas, their revisions and topic schema_settings (dataDir state file)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubsub-schemas-'));
  const project = uid('schemastate');
  const session = async <T>(fn: (pubsub: PubSub) => Promise<T>): Promise<T> => {
    const emulator = await start({ port: 0, logLevel: 'error', dataDir });
    const pubsub = new PubSub({ projectId: project, apiEndpoint: emulator.url });
    try {
      return await fn(pubsub);
    } finally {
      await pubsub.close();
      await emulator.close();
    }
  };
  try {
    const revisionId = await session(async (pubsub) => {
      const schema = await pubsub.createSchema('order', SchemaTypes.Avro, AVRO);
      await pubsub.createTopic({ name: 'orders', schemaSettings: { schema: await schema.getName(), encoding: 'JSON' } });
      return (await schema.get()).revisionId;
    });
    await session(async (pubsub) => {
      expect((await pubsub.schema('order').get()).revisionId).toBe(revisionId);
      const topic = pubsub.topic('orders');
      expect((await grpcError(topic.publishMessage({ data: Buffer.from('{}') })))?.code).toBe(3);
      await topic.publishMessage({ data: Buffer.from(JSON.stringify({ id: 'o', cents: 1, channel: 'WEB', note: null })) });
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
