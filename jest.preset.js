// Tests assert behaviour, not speed (benchmarks measure speed): jest's 5 s default failed first calls to dynalite,
// 64 MB inflates and a 3 MB one-line scan when the 2-core machine was loaded (each passes in < 2 s alone).
export const TEST_TIMEOUT_MS = 30_000;

// Shared jest settings: native ESM, TypeScript compiled by SWC (≈4× faster than ts-jest here).
export const preset = (displayName) => ({
  displayName,
  testEnvironment: 'node',
  // Honoured when a package's tests run alone (`jest -c packages/x/jest.config.js`); the root config sets it too.
  testTimeout: TEST_TIMEOUT_MS,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
});
