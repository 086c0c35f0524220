/** The knowledgetree articles of a company, asked with the viewer's own token. */
export { companyKnowledgeClient } from './company-articles.js';
export type { CompanyKnowledge, CompanyKnowledgeOf } from './company-articles.js';
