/** Core's tables (sessions, signing keys). */
export { schema } from './schema.js';
