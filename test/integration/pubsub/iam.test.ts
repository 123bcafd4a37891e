// google.iam.v1.IAMPolicy on Pub/Sub resources through the official client (topic.iam,
// subscription.iam): policies are kept with an etag and returned, nothing is enforced, and
// TestIamPermissions grants every Pub/Sub permission. The official client's system tests ("IAM")
// and its storage system tests (a notification topic's policy is set in their setup) call these;
// Google's emulator answers UNIMPLEMENTED. Semantics: https://cloud.google.com/pubsub/docs/access-control,
// https://cloud.google.com/iam/docs/policies#etag.
import { PubSub } from '@google-cloud/pubsub';
import { startPubsub as start, type PubsubEmulator } from '@pizzaflow/emulators';
import { grpcCode, uid } from './helpers';

jest.setTimeout(30_000);
process.env.METADATA_SERVER_DETECTION ??= 'none';

describe('Pub/Sub emulator: IAM policies', () => {
  let emulator: PubsubEmulator;
  let pubsub: PubSub;

  beforeAll(async () => {
    emulator = await start({ port: 0, logLevel: 'error' });
    pubsub = new PubSub({ projectId: 'iam-project', apiEndpoint: emulator.url });
  });

  afterAll(async () => {
    await pubsub.close();
    await emulator.close();
  });

  it('a new topic has an empty version-0 policy; a set policy is returned by later gets with a new etag', async () => {
    const [topic] = await pubsub.createTopic(uid('t'));
    const [empty] = await topic.iam.getPolicy();
    expect(empty.bindings).toEqual([]);
    expect(empty.version).toBe(0);

    const binding = { role: 'roles/pubsub.publisher', members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'] };
    const [set] = await topic.iam.setPolicy({ bindings: [binding] });
    expect(set.bindings).toEqual([{ ...binding, condition: null }]);
    const [got] = await topic.iam.getPolicy();
    expect(got.bindings).toEqual([{ ...binding, condition: null }]);
    expect(Buffer.from(got.etag as Uint8Array).equals(Buffer.from(empty.etag as Uint8Array))).toBe(false);
  });

  it('a set with a stale etag is ABORTED (read-modify-write), with the current etag it succeeds', async () => {
    const [sub] = await (await pubsub.createTopic(uid('t')))[0].createSubscription(uid('s'));
    const [first] = await sub.iam.getPolicy();
    await sub.iam.setPolicy({ bindings: [{ role: 'roles/pubsub.subscriber', members: ['user:ana@pizzaflow.example'] }], etag: first.etag });
    const stale = sub.iam.setPolicy({ bindings: [], etag: first.etag });
    expect(await grpcCode(stale)).toBe(10); // ABORTED
    const [current] = await sub.iam.getPolicy();
    const [cleared] = await sub.iam.setPolicy({ bindings: [], etag: current.etag });
    expect(cleared.bindings).toEqual([]);
  });

  it('refuses malformed roles and members (INVALID_ARGUMENT) and resources that do not exist (NOT_FOUND)', async () => {
    const [topic] = await pubsub.createTopic(uid('t'));
    expect(await grpcCode(topic.iam.setPolicy({ bindings: [{ role: 'publisher', members: ['user:a@b.example'] }] }))).toBe(3);
    expect(await grpcCode(topic.iam.setPolicy({ bindings: [{ role: 'roles/pubsub.publisher', members: ['someone'] }] }))).toBe(3);
    expect(await grpcCode(pubsub.topic(uid('missing')).iam.getPolicy())).toBe(5);
  });

  it('TestIamPermissions grants every Pub/Sub permission asked for (nothing is enforced)', async () => {
    const [topic] = await pubsub.createTopic(uid('t'));
    const [permissions] = await topic.iam.testPermissions(['pubsub.topics.get', 'pubsub.topics.update']);
    expect(permissions).toEqual({ 'pubsub.topics.get': true, 'pubsub.topics.update': true });
  });

  it('a topic deleted and created again under the same name starts with an empty policy', async () => {
    const name = uid('t');
    const [topic] = await pubsub.createTopic(name);
    await topic.iam.setPolicy({ bindings: [{ role: 'roles/pubsub.viewer', members: ['allUsers'] }] });
    await topic.delete();
    const [again] = await pubsub.createTopic(name);
    expect((await again.iam.getPolicy())[0].bindings).toEqual([]);
  });
});
