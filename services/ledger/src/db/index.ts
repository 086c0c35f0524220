/** Ledger's tables and its own billing data (overrides, manual users and devices, line items), read in bulk. */
export {
  creditNotes,
  deviceOverrides,
  lineItems,
  manualDevices,
  manualUsers,
  monthEndRuns,
  schema,
  snapshots,
  userOverrides,
} from './schema.js';
export type { CreditNote, Snapshot } from './schema.js';
export { loadLedgerData, saveClientOverrides } from './store.js';
export type { LedgerData, LedgerDb } from './store.js';
