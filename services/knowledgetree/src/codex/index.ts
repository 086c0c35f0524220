/** What the knowledge base reads from codex and how it writes codex records as pages. */
export { assetMarkdown, contactMarkdown, segmentTitle, ticketMarkdown, ticketTitle } from './pages.js';
export { codexSource, serviceCodexGet } from './source.js';
export type { CodexCompany, CodexSource } from './source.js';
