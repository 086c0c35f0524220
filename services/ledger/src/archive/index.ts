/**
 * The archive of accepted bills: accepting a client's month after the review queue, the frozen
 * snapshots and credit notes (never changed), and the month-end job with its scheduler.
 */
export { acceptReviewed } from './accept.js';
export { creditNoteOf, findCreditNote, verifyCreditNote } from './credit-notes.js';
export { monthEndRunner, previousMonth } from './month-end.js';
export type { MonthEndReport } from './month-end.js';
export { previousTotals, reviewFlags, reviewMonth } from './review.js';
export type { ReviewEntry, ReviewFlag } from './review.js';
export { startMonthEndScheduler } from './scheduler.js';
export { findSnapshot, findSnapshotById, latestSnapshot, searchSnapshots, verifySnapshot } from './snapshots.js';
