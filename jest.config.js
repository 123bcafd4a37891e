/** Jest runs TypeScript through ts-jest in transpile-only mode (isolatedModules in tsconfig.json);
 * `npm test` type-checks the whole tree separately with `tsc --noEmit`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // @google-cloud/common's teeny-request 10 loads node-fetch 3 through a dynamic import(), which jest
  // cannot run without --experimental-vm-modules. teeny-request 9 (CommonJS, same API; a pinned
  // devDependency) stands in for it under jest only; production code is untouched.
  moduleNameMapper: {
    // The emulators are a workspace package; tests run its TypeScript sources, not dist/.
    "^@pizzaflow/emulators$": "<rootDir>/emulators/index.ts",
    '^teeny-request$': '<rootDir>/node_modules/teeny-request' },
  testTimeout: 30000,
  // Jest's default (cores - 1) is one worker on a 2-core CI machine, and an integration suite
  // keeps about one core busy (its in-process emulators run DuckDB on one thread, most of the rest
  // is waiting on sockets): two workers there use both cores. More cores keep jest's default.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  // In CI, a handle left open by a client library must not keep the run alive past its results.
  forceExit: process.env.CI === 'true',
};
