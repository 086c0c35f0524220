/** Approval requests: created by write tools, decided by their owner, executed once, audited. */
export { approvalsOfChat, auditTrail, createApproval, decideApproval, expireApprovals, ownApproval } from './store.js';
