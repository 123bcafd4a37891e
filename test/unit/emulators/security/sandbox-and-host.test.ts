// The emulators as a local attack surface: DuckDB behind the BigQuery emulator may touch only the
// emulator's own folders, the HTTP emulators serve loopback Host headers only, and the Pub/Sub gRPC
// server serves loopback `:authority` hosts only (DNS rebinding).
import * as http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { PubSub, type ClientConfig } from '@google-cloud/pubsub';
import { start as startBigquery, type RunningEmulator } from '../../../../emulators/bigquery';
import { start as startStorage, type StorageEmulator } from '../../../../emulators/storage';
import { start as startPubsub, type PubsubEmulator } from '../../../../emulators/pubsub';
import { foreignHostMessage, hostCheck, hostName } from '../../../../emulators/lib/host-check';

jest.setTimeout(60_000);

const PROJECT = 'sandbox-test';

function request(url: string, options: { method?: string; path: string; host?: string; body?: unknown }): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = http.request(
      { host: u.hostname, port: u.port, method: options.method ?? 'GET', path: options.path, setHost: false, agent: false, headers: { ...(options.host !== undefined ? { host: options.host } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('BigQuery emulator: DuckDB sandbox', () => {
  let bq: RunningEmulator;
  beforeAll(async () => {
    bq = await startBigquery({ port: 0, grpcPort: 0, project: PROJECT, logLevel: 'silent' });
  });
  afterAll(async () => bq?.close());

  const query = (sql: string) => request(bq.url, { method: 'POST', path: `/bigquery/v2/projects/${PROJECT}/queries`, host: `127.0.0.1:${bq.port}`, body: { query: sql, useLegacySql: false } });

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')"],
    ["SELECT * FROM read_text('/etc/hostname')"],
    ["SELECT * FROM glob('/etc/*')"],
  ])('refuses file access outside its folders: %s', async (sql) => {
    const res = await query(sql);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toMatch(/root:x:0:0/);
  });

  it('still answers ordinary queries', async () => {
    const res = await query('SELECT 1 + 1 AS two');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).rows).toEqual([{ f: [{ v: '2' }] }]);
  });
});

describe('emulators: Host header check (DNS rebinding)', () => {
  let bq: RunningEmulator;
  let gcs: StorageEmulator;
  beforeAll(async () => {
    bq = await startBigquery({ port: 0, grpcPort: 0, project: PROJECT, logLevel: 'silent' });
    gcs = await startStorage({ port: 0, inMemory: true, logLevel: 'silent', allowedHosts: ['storage-emulator'] });
  });
  afterAll(async () => {
    await bq?.close();
    await gcs?.close();
  });

  it('BigQuery REST: 403 for a foreign Host, served for loopback names', async () => {
    const path = `/bigquery/v2/projects/${PROJECT}/datasets`;
    for (const host of ['evil.example.com', `evil.example.com:${bq.port}`, '192.168.1.10', 'localhost.evil.com']) {
      const res = await request(bq.url, { path, host });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error.code).toBe(403);
    }
    expect([400, 403]).toContain((await request(bq.url, { path })).status); // no Host header: Node itself answers 400
    for (const host of [`localhost:${bq.port}`, `127.0.0.1:${bq.port}`, `[::1]:${bq.port}`, 'LOCALHOST']) {
      expect((await request(bq.url, { path, host })).status).toBe(200);
    }
  });

  it('Storage JSON API: 403 for a foreign Host, served for loopback names and allowedHosts', async () => {
    for (const host of ['evil.example.com', `attacker.test:${gcs.port}`]) expect((await request(gcs.url, { path: '/storage/v1/b?project=p', host })).status).toBe(403);
    for (const host of [`localhost:${gcs.port}`, `127.0.0.1:${gcs.port}`, `storage-emulator:${gcs.port}`]) expect((await request(gcs.url, { path: '/storage/v1/b?project=p', host })).status).toBe(200);
  });

  it('hostCheck: loopback, the listen host and extras; never a wildcard listen address', () => {
    const check = hostCheck('0.0.0.0', ['bq.internal']);
    expect(check('localhost:9050')).toBe(true);
    expect(check('127.0.0.5')).toBe(true);
    expect(check('app.localhost')).toBe(true);
    expect(check('bq.internal:9050')).toBe(true);
    expect(check('0.0.0.0:9050')).toBe(false);
    expect(check('evil.com')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('localhost:9050@evil.com')).toBe(false);
    expect(hostCheck('::1')('[::1]:1')).toBe(true);
    expect(hostName('[::1]:9050')).toBe('[::1]');
  });
});

/** A ListTopicsRequest (`project` = field 1), encoded by hand so the raw client needs no protos. */
function listTopicsRequest(project: string): Buffer {
  const name = Buffer.from(`projects/${project}`);
  return Buffer.concat([Buffer.from([0x0a, name.length]), name]);
}

/** One raw unary ListTopics call over a channel whose `:authority` is `authority` (default: the address). */
function rawListTopics(address: string, authority: string | undefined): Promise<{ code: grpc.status; details: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), authority === undefined ? {} : { 'grpc.default_authority': authority });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/google.pubsub.v1.Publisher/ListTopics',
      (b: Buffer) => b,
      (b: Buffer) => b,
      listTopicsRequest(PROJECT),
      { deadline: Date.now() + 10_000 },
      (err) => {
        client.close();
        resolve({ code: err ? err.code : grpc.status.OK, details: err ? err.details : '' });
      },
    );
  });
}

describe('Pub/Sub emulator: :authority check (DNS rebinding)', () => {
  let pubsub: PubsubEmulator;
  beforeAll(async () => {
    pubsub = await startPubsub({ port: 0, logLevel: 'silent', allowedHosts: ['pubsub-emulator'] });
  });
  afterAll(async () => pubsub?.close());

  it('the official client with a loopback endpoint is served (publish, pull, ack)', async () => {
    for (const endpoint of [`localhost:${pubsub.port}`, `127.0.0.1:${pubsub.port}`]) {
      const client = new PubSub({ projectId: PROJECT, apiEndpoint: endpoint });
      try {
        const id = `host-${endpoint.startsWith('l') ? 'name' : 'ip'}`;
        const [topic] = await client.createTopic(id);
        const [sub] = await topic.createSubscription(`${id}-sub`);
        await topic.publishMessage({ data: Buffer.from('hello') });
        const received = await new Promise<string>((resolve, reject) => {
          sub.on('error', reject);
          sub.on('message', (m: { data: Buffer; ack(): void }) => {
            m.ack();
            resolve(m.data.toString('utf8'));
          });
        });
        await sub.close();
        expect(received).toBe('hello');
        const [topics] = await client.getTopics();
        expect(topics.map((t) => t.name)).toContain(`projects/${PROJECT}/topics/${id}`);
      } finally {
        await client.close();
      }
    }
  });

  it('a raw call with a foreign :authority gets PERMISSION_DENIED naming the host; loopback and allowed names are served', async () => {
    const address = `127.0.0.1:${pubsub.port}`;
    for (const authority of ['evil.example:8085', 'evil.example', `localhost.evil.com:${pubsub.port}`, `192.168.1.10:${pubsub.port}`]) {
      const res = await rawListTopics(address, authority);
      expect(res.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(res.details).toContain(JSON.stringify(authority));
      expect(res.details).toBe(foreignHostMessage(authority));
    }
    for (const authority of [undefined, `localhost:${pubsub.port}`, `[::1]:${pubsub.port}`, `app.localhost:${pubsub.port}`, `pubsub-emulator:${pubsub.port}`]) {
      expect(await rawListTopics(address, authority)).toEqual({ code: grpc.status.OK, details: '' });
    }
  });

  it('the official client with grpc.default_authority set to a foreign host is refused (unary and StreamingPull)', async () => {
    const owner = new PubSub({ projectId: PROJECT, apiEndpoint: `localhost:${pubsub.port}` });
    await owner.createTopic('foreign-t');
    await owner.topic('foreign-t').createSubscription('foreign-s');
    await owner.close();
    // Channel options (`grpc.*`) pass through the client to its channel; the type has no slot for them.
    const options: ClientConfig = Object.assign({ projectId: PROJECT, apiEndpoint: `localhost:${pubsub.port}` }, { 'grpc.default_authority': 'evil.example:8085' });
    const client = new PubSub(options);
    try {
      await expect(client.topic('foreign-t').publishMessage({ data: Buffer.from('x') })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
      await expect(client.getTopics()).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('"evil.example:8085"') });
      const sub = client.subscription('foreign-s');
      const err = await new Promise<{ code?: number }>((resolve) => {
        sub.on('error', (e: { code?: number }) => resolve(e));
        sub.on('message', () => resolve({ code: -1 }));
      });
      await sub.close();
      expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      await client.close();
    }
  });
});
