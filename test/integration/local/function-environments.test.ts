// The functions host runs every function in one process, yet each request sees only the environment
// the program declares for its function: take the PII key out of ingest's declaration and the
// platform does not start, naming both; take the serving store out of the POS loader's and it counts
// nothing live, though ingest declares the store and this process's environment holds it.
import { bucketName } from '../../../contracts/catalog';
import { posSale } from '../../../contracts/examples';
import { gzipPosFile, posFileText } from '../../../tools/generator/pos-file';
import { PROJECT, startPlatform, type Platform } from '../../../tools/testing/functions-platform';

let p: Platform;
beforeAll(async () => {
  p = await startPlatform();
}, 60_000);
afterAll(async () => {
  await p?.close();
});

test("a function whose declaration lacks a variable it needs stops the platform's start, naming the function and the variable, though another function declares it", () => {
  const { PIZZAFLOW_PII_KEY: _dropped, ...ingestEnv } = p.declaredEnvironments.ingest!;
  expect(p.declaredEnvironments.collector!.PIZZAFLOW_PII_KEY).toBeDefined();
  p.host.setEnvironments({ ...p.declaredEnvironments, ingest: ingestEnv });
  expect(() => p.host.checkFunctions()).toThrow('function ingest cannot start: PIZZAFLOW_PII_KEY: required by the ingest function');
  const { PIZZAFLOW_REDIS_URL: _url, ...publisherEnv } = p.declaredEnvironments['serving-publisher']!;
  p.host.setEnvironments({ ...p.declaredEnvironments, 'serving-publisher': publisherEnv });
  expect(() => p.host.checkFunctions()).toThrow('function serving-publisher cannot start: PIZZAFLOW_REDIS_URL');
  p.host.setEnvironments(p.declaredEnvironments);
  expect(() => p.host.checkFunctions()).not.toThrow();
});

test("a function does not see a variable only another function declares: the POS loader without the store's address counts nothing live", async () => {
  const redisKeys = ['PIZZAFLOW_REDIS_URL', 'PIZZAFLOW_REDIS_PASSWORD', 'PIZZAFLOW_REDIS_CA'];
  expect(Object.keys(p.declaredEnvironments.ingest!)).toEqual(expect.arrayContaining(['PIZZAFLOW_REDIS_URL']));
  expect(process.env.PIZZAFLOW_REDIS_URL).toBeDefined();
  const loaderEnv = Object.fromEntries(Object.entries(p.declaredEnvironments['pos-loader']!).filter(([k]) => !redisKeys.includes(k)));
  p.host.setEnvironments({ ...p.declaredEnvironments, 'pos-loader': loaderEnv });

  const window = Math.floor(Date.now() / 900_000) * 900_000;
  const header = { record_type: 'header', schema_version: 1, merchant_id: 'm0001', store_id: 's-env', window_start: new Date(window).toISOString(), window_end: new Date(window + 900_000).toISOString(), created_at: new Date().toISOString() };
  const sale = { record_type: 'transaction', ...posSale(), store_id: 's-env', event_id: 'env-pos-1', event_time: new Date(window + 1_000).toISOString() };
  await p.storage.bucket(bucketName(PROJECT, 'pos-landing')).file('pos/store=s-env/a.ndjson.gz').save(gzipPosFile(posFileText(header as never, [JSON.stringify(sale)])), { resumable: false });
  const res = await p.callAsScheduler('/pos-loader/run');
  expect(res.status).toBe(200);
  const summary = (await res.json()) as { loaded: number; live?: unknown };
  expect(summary.loaded).toBe(1);
  expect(summary.live).toBeUndefined();
}, 60_000);
