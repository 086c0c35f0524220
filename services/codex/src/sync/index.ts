/** Syncing from the PSA and RMM vendors: connections, providers, the runner that starts and schedules runs. */
export { testConnection } from './connection-test.js';
export type { ConnectionTestResult } from './connection-test.js';
export { configConnections, resolveSync } from './connections.js';
export type { ConnectionSource } from './connections.js';
export { providersFromConfig } from './providers.js';
export { createSyncRunner } from './runner.js';
export type { SyncRunner } from './runner.js';
export { createNoteTargets } from './ticket-notes.js';
export type { NoteTarget, NoteTargets } from './ticket-notes.js';
export { VendorError } from './http.js';
