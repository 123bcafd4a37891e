// The deploy artifacts (tools/package) as Google's functions buildpack uses them: each folder is
// syntax-checked (`node --check`), copied outside the repository, installed with `npm ci
// --omit=dev`, measured against the image budget, and started as the buildpack's web process starts
// it (node_modules/.bin/functions-framework, FUNCTION_TARGET = the catalog's entryPoint, PORT), its
// clients pointed at in-process emulators and a redis-server; then real requests through each
// service's client libraries. Nothing of the repository's node_modules or sources is reachable from
// there, so a missing dependency, file or entry point fails here, and so does an inlined package
// that reads a file of its own or that bundling broke.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { bucketName, FUNCTIONS, loadCatalog } from '../../../contracts/catalog';
import { piiPaths } from '../../../contracts/bigquery-schema';
import { orderPlaced } from '../../../contracts/examples';
import { onlineOrderEvent } from '../../../contracts/online-order';
import { pseudonymiseRecord } from '../../../contracts/pii';
import { packageInfo } from '../../../functions/runtime/package-info';
import { startBigquery, startPubsub, startStorage, type BigqueryEmulator, type PubsubEmulator, type StorageEmulator } from '@pizzaflow/emulators';
import { generate } from '../../../tools/generator';
import { deployLocalStack } from '../../../tools/local/local-stack';
import { createServingStore } from '../../../functions/metrics-api';
import { createLogger } from '../../../functions/runtime/logger';
import { startLocalRedis, type LocalRedis } from '../../../tools/local/redis';
import { ARTIFACT_BUDGET_BYTES, buildArtifacts, FORBIDDEN_PACKAGES, INSTALLED_PACKAGES, listFiles, type Artifact } from '../../../tools/package/build-artifacts';
import { buildpackLaunch, directoryBytes, forbiddenInstalled, installArtifact, installedPackages, removeTree, startFunction, type RunningFunction } from '../../../tools/package/run-artifact';

const PROJECT = 'pizzaflow-deploy';
const PII_KEY = 'deploy-test-pii-key-0123';
const API_KEY = 'portal-key-deploy';
const MERCHANTS = { mine: 'm-deploy-1', theirs: 'm-deploy-2' };
const MERCHANT_KEYS = { [MERCHANTS.mine]: 'merchant-key-deploy-1', [MERCHANTS.theirs]: 'merchant-key-deploy-2' };

const repoRoot = packageInfo().root;
let tmp: string;
let artifacts: Artifact[];
const installed = new Map<string, string>();
let emulators: { pubsub: PubsubEmulator; storage: StorageEmulator; bigquery: BigqueryEmulator } | undefined;
let redis: LocalRedis | undefined;
let clients: { pubsub: PubSub; storage: Storage; bigquery: BigQuery };
let env: Record<string, string>;

beforeAll(async () => {
  // This process's own clients talk to the emulators only: no metadata server lookup.
  process.env.METADATA_SERVER_DETECTION = 'none';
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-deploy-'));
  artifacts = await buildArtifacts({ repoRoot, outDir: path.join(tmp, 'out') });
  // npm ci runs while the emulators start and the catalog is bootstrapped.
  const installs = Promise.all(artifacts.map(async (a) => installed.set(a.name, (await installArtifact(a.dir, path.join(tmp, 'run', a.name))).dir)));

  const pubsub = await startPubsub({ port: 0, project: PROJECT, logLevel: 'silent' });
  const storage = await startStorage({ port: 0, inMemory: true, pubsubHost: pubsub.url, logLevel: 'silent' });
  const bigquery = await startBigquery({ port: 0, grpcPort: 0, storageHost: storage.url, project: PROJECT, logLevel: 'silent' });
  emulators = { pubsub, storage, bigquery };
  // The serving store (Memorystore in Google Cloud) that ingest and the metrics API get there.
  redis = await startLocalRedis();
  clients = {
    pubsub: new PubSub({ projectId: PROJECT, apiEndpoint: pubsub.url }),
    storage: new Storage({ projectId: PROJECT, apiEndpoint: storage.url }),
    bigquery: new BigQuery({ projectId: PROJECT, apiEndpoint: bigquery.url }),
  };
  // The program's local stack; push endpoints point at a closed port: nothing pushes to a function here.
  const secrets = { PIZZAFLOW_PII_KEY: PII_KEY, PIZZAFLOW_API_KEYS: `portal[*]=${API_KEY}`, PIZZAFLOW_WEBHOOK_SECRETS: 'dashdrop=deploy-test-webhook-secret', PIZZAFLOW_MERCHANT_API_KEYS: Object.entries(MERCHANT_KEYS).map(([m, k]) => `${m}=${k}`).join(',') };
  await deployLocalStack({ repoRoot, env: secrets, project: PROJECT, functionsUrl: 'http://127.0.0.1:9' }, clients);
  // One row of the daily merchant mart the `sales` metric reads (Dataform builds it for real).
  await clients.bigquery.query({
    query: `create table \`${PROJECT}.marts.mart_merchant_timeseries\` as
select date '2026-11-23' as business_date, '${MERCHANTS.mine}' as merchant_id, 's-deploy-1' as store_id, 3 as orders,
  4200 as net_sales_cents, 1500 as gross_margin_cents, 1400 as average_ticket_cents, 2 as deliveries, 0 as late_deliveries`,
  });
  env = {
    NODE_ENV: 'production',
    GOOGLE_CLOUD_PROJECT: PROJECT,
    PUBSUB_EMULATOR_HOST: pubsub.url,
    STORAGE_EMULATOR_HOST: storage.url,
    BIGQUERY_EMULATOR_HOST: bigquery.url,
    BIGQUERY_STORAGE_EMULATOR_HOST: `${bigquery.grpcHost}:${bigquery.grpcPort}`,
    PIZZAFLOW_PII_KEY: PII_KEY,
    PIZZAFLOW_API_KEYS: `portal[*]=${API_KEY}`,
    PIZZAFLOW_MERCHANT_API_KEYS: Object.entries(MERCHANT_KEYS).map(([m, k]) => `${m}=${k}`).join(','),
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'warn',
  };
  await installs;
}, 240_000);

afterAll(async () => {
  await clients?.pubsub.close();
  if (emulators) await Promise.allSettled([emulators.pubsub.close(), emulators.storage.close(), emulators.bigquery.close()]);
  await redis?.close();
  if (tmp) await removeTree(tmp);
}, 60_000);

const artifact = (name: string): Artifact => artifacts.find((a) => a.name === name)!;

/** Starts the installed artifact under its catalog target; `probe` is the first request. */
async function start(name: string, probe: (url: string) => Promise<Response>, extraEnv: Record<string, string> = {}): Promise<RunningFunction> {
  const launch = buildpackLaunch(installed.get(name)!, artifact(name));
  return startFunction({ ...launch, env: { ...env, ...extraEnv, ...launch.env }, probe, timeoutMs: 30_000 });
}

/** A Pub/Sub push of `event` as the collector publishes it (PII fields as tokens under the same key). */
function pushOf(record: Record<string, unknown>, messageId: string): string {
  const event = pseudonymiseRecord(record, piiPaths(onlineOrderEvent), PII_KEY);
  return JSON.stringify({
    message: { data: Buffer.from(JSON.stringify(event)).toString('base64'), attributes: { event_type: String(event.event_type) }, messageId, publishTime: new Date().toISOString(), orderingKey: String(event.order_id) },
    subscription: `projects/${PROJECT}/subscriptions/online-orders-ingest`,
    deliveryAttempt: 1,
  });
}

test('one artifact per deployed service: the catalog functions, the metrics API among them', () => {
  expect(artifacts.map((a) => a.name).sort()).toEqual(loadCatalog().functions.map((f) => f.name).sort());
  expect(artifacts.map((a) => a.name)).toEqual(expect.arrayContaining(['collector', 'ingest', 'pos-loader', FUNCTIONS.metricsApi, FUNCTIONS.servingPublisher]));
});

test('each artifact is index.js, a package.json without scripts, its lock, and its runtime files', () => {
  for (const a of artifacts) {
    const pkg = JSON.parse(fs.readFileSync(path.join(a.dir, 'package.json'), 'utf8')) as Record<string, unknown> & { dependencies: Record<string, string> };
    expect(pkg).toMatchObject({ name: `pizzaflow-${a.name}`, main: 'index.js', engines: { node: '>=20' } });
    expect(pkg).not.toHaveProperty('scripts');
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg.dependencies).toEqual(a.dependencies);
    expect(pkg.dependencies).toHaveProperty(['@google-cloud/functions-framework']);
    // Everything else is inlined: only what must stay installed is installed.
    expect(Object.keys(pkg.dependencies).filter((n) => !INSTALLED_PACKAGES.includes(n))).toEqual([]);
    // What index.js inlines is on record, and none of it is forbidden.
    expect(pkg.bundledPackages).toEqual(a.bundled);
    expect(Object.keys(a.bundled).filter((n) => FORBIDDEN_PACKAGES.test(n))).toEqual([]);
    // The versions installed in the repository, exactly.
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect(version).toBe((JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version);
      expect(name).not.toMatch(FORBIDDEN_PACKAGES);
    }
    const lock = JSON.parse(fs.readFileSync(path.join(a.dir, 'package-lock.json'), 'utf8')) as { name: string; packages: Record<string, unknown> };
    expect(lock.name).toBe(`pizzaflow-${a.name}`);
    const extra = a.name === FUNCTIONS.metricsApi ? listFiles(path.join(repoRoot, 'functions/metrics-api/dashboard')).map((f) => path.join('functions/metrics-api/dashboard', f)) : [];
    expect(a.files).toEqual(['index.js', 'package-lock.json', 'package.json', ...extra].sort());
    // Our code is inlined: the bundle requires no relative path.
    expect(fs.readFileSync(path.join(a.dir, 'index.js'), 'utf8')).not.toMatch(/require\(["']\.{1,2}\//);
    // The buildpack's build step checks the syntax of `main` before anything runs.
    execFileSync(process.execPath, ['--check', 'index.js'], { cwd: a.dir });
  }
});

test('each service inlines the client libraries it uses, and only those', () => {
  const libraries = ['@google-cloud/pubsub', '@google-cloud/bigquery', '@google-cloud/bigquery-storage', '@google-cloud/storage'];
  const inlined = Object.fromEntries(artifacts.map((a) => [a.name, libraries.filter((c) => c in a.bundled)]));
  // functions/runtime/clients.ts imports all four; what a service does not call is left out.
  expect(inlined).toEqual({
    collector: ['@google-cloud/pubsub'],
    ingest: ['@google-cloud/bigquery-storage'],
    'pos-loader': ['@google-cloud/bigquery', '@google-cloud/storage'],
    [FUNCTIONS.metricsApi]: ['@google-cloud/bigquery'],
    [FUNCTIONS.servingPublisher]: ['@google-cloud/bigquery'],
  });
  // The publisher imports the publish, not the metrics API's entry point (which registers the API).
  expect(fs.readFileSync(path.join(artifact(FUNCTIONS.servingPublisher).dir, 'index.js'), 'utf8')).not.toContain('dashboard');
});

test(`each installed artifact fits the image budget (${ARTIFACT_BUDGET_BYTES / 1e6} MB after npm ci --omit=dev)`, () => {
  const sizes = Object.fromEntries(artifacts.map((a) => [a.name, directoryBytes(installed.get(a.name)!)]));
  const over = Object.entries(sizes).filter(([, bytes]) => bytes > ARTIFACT_BUDGET_BYTES);
  expect({ over, sizes }).toEqual({ over: [], sizes });
});

test('npm ci --omit=dev installs no emulator engine, Pulumi, vm2 or dev tool', () => {
  for (const a of artifacts) {
    const nodeModules = path.join(installed.get(a.name)!, 'node_modules');
    expect(installedPackages(nodeModules)).toEqual(expect.arrayContaining(['@google-cloud/functions-framework', ...Object.keys(a.dependencies)]));
    expect({ service: a.name, forbidden: forbiddenInstalled(nodeModules) }).toEqual({ service: a.name, forbidden: [] });
    for (const name of ['duckdb', 'zetasql', 'pulumi', 'vm2', 'typescript', 'jest']) {
      expect(installedPackages(nodeModules).filter((p) => p.includes(name))).toEqual([]);
    }
  }
});

test('collector: 401 without a key, 202 for a valid order batch, published to Pub/Sub', async () => {
  const [subscription] = await clients.pubsub.topic('online-orders').createSubscription('deploy-test-collector');
  const post = (url: string, body: string, headers: Record<string, string>): Promise<Response> =>
    fetch(`${url}/v1/orders/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const fn = await start('collector', (url) => post(url, '{"events":[]}', {}));
  try {
    expect(fn.first.status).toBe(401);
    const received = new Promise<Message>((resolve) => subscription.once('message', resolve));
    const event = { ...orderPlaced(), event_id: 'deploy-evt-collector' };
    const res = await post(fn.url, JSON.stringify({ events: [event] }), { 'x-api-key': API_KEY });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: ['deploy-evt-collector'] });
    const message = await received;
    message.ack();
    expect(JSON.parse(message.data.toString()).event_id).toBe('deploy-evt-collector');
    // The artifact pseudonymises before publishing: its PII key came from the environment.
    expect(message.data.toString()).not.toContain('ada@example.com');
  } finally {
    await fn.stop();
    await subscription.close();
  }
});

test('ingest: 204 for the push of a valid event, landed in raw', async () => {
  // The first request is not a Pub/Sub delivery (400), the second is.
  const fn = await start('ingest', (url) => fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));
  try {
    expect(fn.first.status).toBe(400);
    const res = await fetch(fn.url, { method: 'POST', body: pushOf({ ...orderPlaced(), event_id: 'deploy-evt-ingest' }, 'deploy-1'), headers: { 'content-type': 'application/json' } });
    expect({ status: res.status, output: res.status === 204 ? '' : fn.output() }).toEqual({ status: 204, output: '' });
    const [rows] = await clients.bigquery.query({ query: `select event_id from raw.online_order_events where date(ingested_at) >= '2020-01-01' and event_id = 'deploy-evt-ingest'` });
    expect(rows).toHaveLength(1);
  } finally {
    await fn.stop();
  }
});

test('pos-loader: 405 for GET, 200 for a run over the empty landing bucket, then a POS file loaded from Storage into raw', async () => {
  const fn = await start('pos-loader', (url) => fetch(`${url}/run`));
  try {
    expect(fn.first.status).toBe(405);
    const res = await fetch(`${fn.url}/run`, { method: 'POST' });
    expect({ status: res.status, output: res.status === 200 ? '' : fn.output() }).toEqual({ status: 200, output: '' });
    expect(await res.json()).toMatchObject({ jobs: [] });

    // One clean generated file: the inlined Storage client reads and archives it, BigQuery loads it from gs://.
    const outDir = path.join(tmp, 'pos-generated');
    await generate({ stores: 1, hours: 1, start: '2026-11-23T17:00:00Z', seed: 7, outDir, faultRate: 0 });
    const files = listFiles(path.join(outDir, 'pos'));
    expect(files.length).toBeGreaterThan(0);
    for (const rel of files) await clients.storage.bucket(bucketName(PROJECT, 'pos-landing')).file(path.join('pos', rel)).save(fs.readFileSync(path.join(outDir, 'pos', rel)), { resumable: false });
    const load = await fetch(`${fn.url}/run`, { method: 'POST' });
    expect({ status: load.status, output: load.status === 200 ? '' : fn.output() }).toEqual({ status: 200, output: '' });
    expect(await load.json()).toMatchObject({ files: files.length, loaded: files.length, quarantined: 0 });
    const [rows] = await clients.bigquery.query({ query: `select count(*) as n from raw.pos_transactions where date(ingested_at) >= '2020-01-01'` });
    expect((rows as { n: number }[])[0]!.n).toBeGreaterThan(0);
  } finally {
    await fn.stop();
  }
});

test("metrics API: 401 without a key, 403 for another merchant's data, 200 for its own, the dashboard served", async () => {
  const sales = (merchant: string): string => `/v1/merchants/${merchant}/metrics/sales?from=2026-11-22&to=2026-11-25&granularity=day`;
  const fn = await start(FUNCTIONS.metricsApi, (url) => fetch(`${url}/healthz`));
  try {
    expect(fn.first.status).toBe(200);
    expect((await fetch(`${fn.url}${sales(MERCHANTS.mine)}`)).status).toBe(401);
    const key = { 'x-api-key': MERCHANT_KEYS[MERCHANTS.mine]! };
    expect((await fetch(`${fn.url}${sales(MERCHANTS.theirs)}`, { headers: key })).status).toBe(403);
    const own = await fetch(`${fn.url}${sales(MERCHANTS.mine)}`, { headers: key });
    expect({ status: own.status, output: own.status === 200 ? '' : fn.output() }).toEqual({ status: 200, output: '' });
    expect(await own.json()).toMatchObject({ merchant_id: MERCHANTS.mine, metric: 'sales', rows: [{ business_date: '2026-11-23', store_id: 's-deploy-1', orders: 3, net_sales_cents: 4200 }] });
    // The dashboard is read from the artifact's copy of functions/metrics-api/dashboard.
    const page = await fetch(`${fn.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dashboard/app.js');
    expect((await fetch(`${fn.url}/dashboard/app.js`)).headers.get('content-type')).toMatch(/javascript/);
  } finally {
    await fn.stop();
  }
});

test('with the serving store: an order ingested by the ingest artifact counts in the live counters the metrics API artifact reads', async () => {
  const store = { PIZZAFLOW_REDIS_URL: redis!.url };
  // Push and read in one UTC hour: a run starting in an hour's last seconds waits for the next.
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
  const ingest = await start('ingest', (url) => fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), store);
  try {
    const order = { ...orderPlaced(), event_id: 'deploy-evt-live', order_id: 'deploy-o-live', merchant_id: MERCHANTS.mine, store_id: 's-deploy-live', event_time: new Date().toISOString() };
    const res = await fetch(ingest.url, { method: 'POST', body: pushOf(order, 'deploy-live-1'), headers: { 'content-type': 'application/json' } });
    expect({ status: res.status, output: res.status === 204 ? '' : ingest.output() }).toEqual({ status: 204, output: '' });
  } finally {
    await ingest.stop();
  }
  const api = await start(FUNCTIONS.metricsApi, (url) => fetch(`${url}/healthz`), store);
  try {
    const live = await fetch(`${api.url}/v1/merchants/${MERCHANTS.mine}/metrics/live`, { headers: { 'x-api-key': MERCHANT_KEYS[MERCHANTS.mine]! } });
    expect({ status: live.status, output: live.status === 200 ? '' : api.output() }).toEqual({ status: 200, output: '' });
    // orderPlaced(): 3 units, 2 × 1299 − 520 + 249 = 2327 cents net.
    expect(((await live.json()) as { rows: unknown[] }).rows).toEqual([expect.objectContaining({ store_id: 's-deploy-live', orders: 1, units: 3, net_sales_cents: 2327 })]);
  } finally {
    await api.stop();
  }
});

test('serving publisher: 405 for GET, 200 with its summary, 503 when BigQuery or the store fails (Cloud Scheduler retries), 500 without a store', async () => {
  const store = { PIZZAFLOW_REDIS_URL: redis!.url };
  const fn = await start(FUNCTIONS.servingPublisher, (url) => fetch(`${url}/run`), store);
  const marker = async (): Promise<Record<string, string>> => {
    const s = createServingStore({ url: redis!.url, log: createLogger('test', { level: 'fatal' }), timeoutMs: 5_000 });
    try {
      return (await (await s.client()).hGetAll('serve:published')) as Record<string, string>;
    } finally {
      await s.close();
    }
  };
  try {
    expect(fn.first.status).toBe(405);
    // No transform run recorded: nothing to publish.
    const idle = await fetch(`${fn.url}/run`, { method: 'POST' });
    expect({ status: idle.status, output: idle.status === 200 ? '' : fn.output() }).toEqual({ status: 200, output: '' });
    expect(await idle.json()).toMatchObject({ status: 'up_to_date', runs: [], merchants: 0, bytesProcessed: 0 });
    // A run recorded over marts that are not there: BigQuery refuses the publisher's reads, the marker stays.
    await clients.bigquery.query({
      query: `insert into \`${PROJECT}.ops.transform_runs\` (run_id, kind, started_at, finished_at, touched_dates) values ('deploy-run-1', 'incremental', current_timestamp(), current_timestamp(), [date '2026-11-23'])`,
    });
    const failed = await fetch(`${fn.url}/run`, { method: 'POST' });
    expect({ status: failed.status, body: await failed.json() }).toEqual({ status: 503, body: { error: 'publish_failed' } });
    expect(await marker()).toEqual({});
  } finally {
    await fn.stop();
  }
  // A store that does not answer: 503 too, once the publisher's deadline passes.
  const down = await start(FUNCTIONS.servingPublisher, (url) => fetch(`${url}/run`), { PIZZAFLOW_REDIS_URL: 'redis://127.0.0.1:9' });
  try {
    expect((await fetch(`${down.url}/run`, { method: 'POST' })).status).toBe(503);
  } finally {
    await down.stop();
  }
  // No store configured: retrying cannot help.
  const unconfigured = await start(FUNCTIONS.servingPublisher, (url) => fetch(`${url}/run`));
  try {
    const res = await fetch(`${unconfigured.url}/run`, { method: 'POST' });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 500, body: { error: 'not_configured' } });
  } finally {
    await unconfigured.stop();
  }
}, 60_000);
