/**
 * One line per JSON route for the OpenAPI document: what it does and who may call it. Kept here
 * rather than on each route; the docs test fails when a route has no line, so they cannot drift apart.
 */
const READERS = 'users (clients: what is shared with their company); services: brainhair, codex';
const WRITERS = 'admin, technician, billing (never clients or services)';
const ADMINS = 'admin';

export const ROUTE_DOCS: Record<string, { summary: string; access: string }> = {
  'get /api/nodes/:id': {
    summary: 'A folder (with its children) or an article (with its Markdown) by id',
    access: READERS,
  },
  'get /api/browse': { summary: 'The node at a name path (`?path=/A/B`, case-insensitive)', access: READERS },
  'get /api/companies/:account/articles': {
    summary: "Articles linked to or shared with a company (codex's company page)",
    access: READERS,
  },
  'post /api/nodes': { summary: 'Create a folder or an article; 409 on a duplicate sibling name', access: WRITERS },
  'put /api/nodes/:id': {
    summary: "Save an article's Markdown against its base revision; 409 with both versions when stale",
    access: WRITERS,
  },
  'patch /api/nodes/:id': {
    summary: 'Rename, tags, attached, company link; admins also visibility and read-only',
    access: WRITERS,
  },
  'post /api/nodes/:id/move': {
    summary: 'Move into another folder; 409 on a cycle or a duplicate name',
    access: WRITERS,
  },
  'delete /api/nodes/:id': { summary: 'Send a node and its subtree to the trash', access: WRITERS },
  'get /api/trash': { summary: "The caller's deletions (admins: all)", access: WRITERS },
  'post /api/trash/:id/restore': { summary: 'Restore a deletion (its author or an admin)', access: WRITERS },
  'get /api/nodes/:id/revisions': { summary: "An article's revisions, newest first", access: READERS },
  'get /api/nodes/:id/revisions/:rev': {
    summary: 'One revision with its Markdown, HTML and table of contents',
    access: READERS,
  },
  'get /api/nodes/:id/diff': { summary: 'Line diff and unified patch between two revisions', access: READERS },
  'post /api/nodes/:id/revisions/:rev/restore': {
    summary: 'Make an old revision current again (as a new revision)',
    access: WRITERS,
  },
  'post /api/render': { summary: "Render Markdown as the article page would (the editor's preview)", access: 'users' },
  'get /api/search': {
    summary: 'Ranked full-text search with escaped, highlighted snippets; typo fallback',
    access: READERS,
  },
  'post /api/nodes/:id/attachments': {
    summary: 'Upload one or more files (multipart `file` parts), streamed; 413, 415',
    access: WRITERS,
  },
  'get /api/nodes/:id/attachments': { summary: "A node's attachments", access: READERS },
  'delete /api/attachments/:id': { summary: 'Delete an attachment', access: WRITERS },
  'get /api/context/:id': {
    summary: 'The Markdown context bundle of an article within a size budget',
    access: READERS,
  },
  'post /api/context/:id': { summary: 'The context bundle, budget and exclusions in the body', access: READERS },
  'get /api/context/:id/folders': { summary: 'The attached folders on the path of an article', access: READERS },
  'get /api/export': {
    summary:
      'A folder (default: everything) as a streamed ZIP of Markdown with front matter and attachments; only what the caller can see',
    access: 'users',
  },
  'post /api/import': {
    summary: 'Import a ZIP (multipart `file`): a KnowledgeTree export or plain Markdown folders, into `parent_id`',
    access: WRITERS,
  },
  'get /api/codex-sync/runs': { summary: "The codex job's runs, newest first", access: ADMINS },
  'get /api/codex-sync/runs/:id': { summary: 'One run with its progress', access: ADMINS },
  'post /api/codex-sync/runs': {
    summary: 'Start a codex sync in the background (202); 409 while one runs',
    access: ADMINS,
  },
};
