// ESLint (flat config) with typescript-eslint's recommended rules for the whole tree. Import
// boundaries are checked separately by dependency-cruiser (.dependency-cruiser.js).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'dataform/node_modules/**', '.pizzaflow/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain CommonJS: the bin scripts, configs, and the Dataform project's includes and dashboard code.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests load modules inside jest.isolateModules (a require by design) and break fixtures by
    // mutating arbitrary nested JSON.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Benchmarks print their figures on stdout: that is their job.
    files: ['bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Dataform evaluates includes and definitions with its own globals.
    files: ['dataform/**/*.js'],
    languageOptions: { globals: { dataform: 'readonly', assert: 'readonly', declare: 'readonly', publish: 'readonly', operate: 'readonly', test: 'readonly', checks: 'readonly', partitions: 'readonly', business: 'readonly', streams: 'readonly', incremental: 'readonly' } },
  },
  {
    // The dashboard runs in the browser.
    files: ['functions/metrics-api/dashboard/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { document: 'readonly', window: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', location: 'readonly', sessionStorage: 'readonly' } },
  },
);
