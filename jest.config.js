/** Jest runs TypeScript through ts-jest in transpile-only mode (isolatedModules in tsconfig.json);
 * `npm test` type-checks the whole tree separately with `tsc --noEmit`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
