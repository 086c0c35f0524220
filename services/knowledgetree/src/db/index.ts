/** The knowledge base's tables (the schema) and the database type the domain is given. */
export { schema } from './schema.js';
export type { KnowledgetreeDb } from './schema.js';
