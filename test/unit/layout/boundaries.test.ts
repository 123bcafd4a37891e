// The import-boundary rules (.dependency-cruiser.js) catch each kind of crossing they exist for:
// a scratch tree with one deliberate violation per rule is cruised with the project's own config.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const DEPCRUISE = join(REPO, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  try {
    const tree: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', rootDir: '.', strict: true } }),
      ...files,
    };
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const roots = [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))];
    let out: string;
    try {
      out = execFileSync(DEPCRUISE, ['--config', join(REPO, '.dependency-cruiser.js'), '--output-type', 'json', ...roots], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      // depcruise exits non-zero when it finds violations; its JSON is still on stdout.
      out = (e as { stdout: string }).stdout;
    }
    return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ruleNames = (violations: Violation[]): string[] => [...new Set(violations.map((v) => v.rule.name))].sort();

test('a tree that keeps the boundaries has no violation', () => {
  const violations = cruise({
    'contracts/event.ts': 'export const A = 1;\n',
    'functions/runtime/config.ts': "import { A } from '../../contracts/event';\nexport const B = A;\n",
    'tools/cli/main.ts': "import { B } from '../../functions/runtime/config';\nimport { E } from '../../emulators/index';\nexport const C = B + E;\n",
    'emulators/index.ts': "export { E } from './pubsub/server';\n",
    'emulators/pubsub/server.ts': 'export const E = 2;\n',
    'test/unit/x.test.ts': "import { C } from '../../tools/cli/main';\nexport const D = C;\n",
  });
  expect(violations).toEqual([]);
});

test.each([
  ['product-imports-tooling', { 'functions/collector/handler.ts': "import { T } from '../../tools/demo/feed';\nexport const H = T;\n", 'tools/demo/feed.ts': 'export const T = 1;\n' }],
  ['contracts-is-the-leaf', { 'contracts/event.ts': "import { R } from '../functions/runtime/logger';\nexport const A = R;\n", 'functions/runtime/logger.ts': 'export const R = 1;\n' }],
  ['functions-import-no-operators', { 'functions/ingest/ingest.ts': "import { O } from '../../ops/reconcile/reconcile';\nexport const I = O;\n", 'ops/reconcile/reconcile.ts': 'export const O = 1;\n' }],
  ['emulators-import-no-product', { 'emulators/storage/index.ts': "import { L } from '../../functions/runtime/config';\nexport const S = L;\n", 'functions/runtime/config.ts': 'export const L = 1;\n' }],
  ['emulators-through-public-entry', { 'tools/local/platform.ts': "import { Q } from '../../emulators/pubsub/broker';\nexport const P = Q;\n", 'emulators/pubsub/broker.ts': 'export const Q = 1;\n' }],
  ['nothing-imports-tests', { 'bench/e2e.ts': "import { F } from '../test/integration/fixture';\nexport const B = F;\n", 'test/integration/fixture.ts': 'export const F = 1;\n' }],
])('a deliberate %s crossing is reported', (rule, files) => {
  expect(ruleNames(cruise(files))).toEqual([rule]);
});
