// tools/package without npm: package names of bundled files, the lists of what stays installed, and
// one real bundle (the collector) checked for what it inlines and what it still requires. Installing
// and starting the artifacts is test/integration/deploy/artifacts.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUNCTIONS } from '../../../contracts/catalog';
import { packageInfo } from '../../../functions/runtime/package-info';
import { bundle, deployedServices, FORBIDDEN_PACKAGES, INSTALLED_PACKAGES, OPTIONAL_REQUIRES, packageName, packageOfInput } from '../../../tools/package/build-artifacts';

const repoRoot = packageInfo().root;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-package-unit-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('package names of import specifiers and of bundled files', () => {
  expect(packageName('ajv/dist/2020')).toBe('ajv');
  expect(packageName('@google-cloud/pubsub/build/src')).toBe('@google-cloud/pubsub');
  expect(packageOfInput('functions/collector/index.ts')).toBeUndefined();
  expect(packageOfInput('node_modules/@grpc/grpc-js/build/src/index.js')).toBe('@grpc/grpc-js');
  // A nested copy belongs to the innermost package.
  expect(packageOfInput('node_modules/google-gax/node_modules/gaxios/build/cjs/src/index.js')).toBe('gaxios');
});

test('what stays installed: the functions framework, nothing forbidden, and no optional require is also installed', () => {
  expect(INSTALLED_PACKAGES).toContain('@google-cloud/functions-framework');
  expect([...INSTALLED_PACKAGES, ...Object.keys(OPTIONAL_REQUIRES)].filter((n) => FORBIDDEN_PACKAGES.test(n))).toEqual([]);
  expect(INSTALLED_PACKAGES.filter((n) => n in OPTIONAL_REQUIRES)).toEqual([]);
  // Each optional require says where it comes from and why it is not needed.
  for (const reason of Object.values(OPTIONAL_REQUIRES)) expect(reason.length).toBeGreaterThan(20);
});

test('the collector bundle inlines the Pub/Sub client and not the clients it does not use; it requires only the framework', async () => {
  const service = deployedServices().find((s) => s.name === FUNCTIONS.collector)!;
  const outfile = path.join(tmp, 'collector', 'index.js');
  const { imports, bundled } = await bundle(repoRoot, service, outfile);
  expect(imports.filter((n) => !(n in OPTIONAL_REQUIRES))).toEqual(['@google-cloud/functions-framework']);
  const installed = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  expect(bundled['@google-cloud/pubsub']).toBe(installed('@google-cloud/pubsub'));
  expect(bundled).toHaveProperty(['@grpc/grpc-js']);
  for (const unused of ['@google-cloud/bigquery', '@google-cloud/bigquery-storage', '@google-cloud/storage', 'redis', '@redis/client']) expect(bundled).not.toHaveProperty([unused]);
  expect(Object.keys(bundled).filter((n) => FORBIDDEN_PACKAGES.test(n))).toEqual([]);
  const code = fs.readFileSync(outfile, 'utf8');
  expect(code).toContain('require("@google-cloud/functions-framework")');
  // esbuild writes requires with double quotes (the client's JSDoc examples use single ones).
  expect(code).not.toContain('require("@google-cloud/pubsub")');
}, 60_000);

test('a service without an entry point fails naming it', async () => {
  await expect(bundle(repoRoot, { name: 'ghost', source: 'functions/ghost', entryPoint: 'ghost', signature: 'http' }, path.join(tmp, 'ghost', 'index.js'))).rejects.toThrow(/ghost: no entry point at functions\/ghost\/index.ts/);
});
