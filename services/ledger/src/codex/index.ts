/** Where ledger reads codex: the source interface, its implementation over the service client, the answers' schemas. */
export type { CodexAsset, CodexClient, CodexClientTotals, CodexCompany, CodexContact, CodexPlan } from './schemas.js';
export { findPlan, httpCodexSource } from './source.js';
export type { CodexSource } from './source.js';
