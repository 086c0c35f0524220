/** Beacon's tables and the queries on display links. */
export { createLink, findValidLink, isLinkValid, listLinks, markUsed, revokeLink } from './links.js';
export type { BeaconDb } from './links.js';
export { schema } from './schema.js';
export type { DisplayLink } from './schema.js';
