import { TEST_TIMEOUT_MS } from './jest.preset.js';

// One jest run for the whole workspace: every package is a project, so the summary line is the workspace's.
export default {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/infra/jest.config.js'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  // testTimeout is a global option: jest ignores it in a project's config (jest.preset.js), so the root sets it.
  testTimeout: TEST_TIMEOUT_MS,
};
