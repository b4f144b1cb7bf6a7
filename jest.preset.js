// Shared jest settings: native ESM, TypeScript compiled by SWC (≈4× faster than ts-jest here).
export const preset = (displayName) => ({
  displayName,
  testEnvironment: 'node',
  // Tests assert behaviour, not speed (benchmarks measure speed): jest's 5 s default failed first calls to dynalite
  // and 64 MB inflates when the 2-core machine was loaded (each passes in < 2 s alone).
  testTimeout: 30_000,
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
