/** `@hivematrix/sdk/testing`: throwaway keys and tokens, a fake core, a database per test file. */
export * from './keys.js';
export * from './fake-core.js';
export * from './test-db.js';
