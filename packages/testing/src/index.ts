// The conformance suites are not re-exported here: they import @jest/globals, which only loads inside jest.
// Import them from '@aisaws/testing/conformance'.
export * from './fixtures/index.js';
export * from './harness/index.js';
