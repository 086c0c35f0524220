/** Authentication and authorization: token claims, verification, route guards, revocations. */
export * from './claims.js';
export * from './key-set.js';
export * from './verify.js';
export * from './guards.js';
export * from './revocation.js';
export * from './revocation-policy.js';
