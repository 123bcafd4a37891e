// Import boundaries (checked in `npm test` by `npm run lint:boundaries`). The product
// (contracts → functions → ops, infra, dataform) never imports tooling, the emulators or tests;
// the emulators package imports nothing of the product; outside the emulators, only the package's
// public entry (`@pizzaflow/emulators` = emulators/index.ts) is used. See docs/layout.md.
const PRODUCT = '^(contracts|functions|ops|infra|dataform)/';

module.exports = {
  forbidden: [
    {
      name: 'product-imports-tooling',
      comment: 'Product code (contracts, functions, ops, infra, dataform) must not import tools/, bench/ or the emulators: it runs in Google Cloud.',
      severity: 'error',
      from: { path: PRODUCT },
      to: { path: '^(tools|bench|emulators)/' },
    },
    {
      name: 'contracts-is-the-leaf',
      comment: 'contracts/ is the leaf every part imports; it imports no other part of the repository.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(functions|ops|infra|dataform|tools|bench|emulators|test)/' },
    },
    {
      name: 'functions-import-no-operators',
      comment: 'Deployed functions carry their own code, the runtime library and contracts only.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(ops|infra)/' },
    },
    {
      name: 'emulators-import-no-product',
      comment: 'The emulators package (emulators/) imports nothing of the repository outside itself.',
      severity: 'error',
      from: { path: '^emulators/' },
      to: { path: '^(contracts|functions|ops|infra|dataform|tools|bench|test)/|^[^/]+\\.(ts|js|json)$' },
    },
    {
      name: 'emulators-through-public-entry',
      comment: 'Outside the emulators package, use @pizzaflow/emulators (emulators/index.ts), not its internals; only the emulators\' own tests may reach inside.',
      severity: 'error',
      from: { path: '^(?!emulators/|test/unit/emulators/|test/integration/emulators/)' },
      to: { path: '^emulators/', pathNot: '^emulators/index\\.ts$' },
    },
    {
      name: 'nothing-imports-tests',
      comment: 'Only tests import test/ helpers; shared fixtures used elsewhere belong in tools/testing/.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'tools-import-no-bench',
      comment: 'Tooling may import the product; benchmarks may import both, tooling never imports a benchmark.',
      severity: 'error',
      from: { path: '^tools/' },
      to: { path: '^bench/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|test-results|dataform/node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      // @pizzaflow/emulators is a workspace symlink; resolve it to its TypeScript entry (package.json "types").
      mainFields: ['types', 'main'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
