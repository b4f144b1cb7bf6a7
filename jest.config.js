// One jest run for the whole workspace: every package is a project, so the summary line is the workspace's.
export default {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/infra/jest.config.js'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
