/**
 * The knowledge base's domain, as routes, views and the entry see it: reading nodes, changing the
 * tree, revisions, attachments, search, context, zip import/export and the codex sync job.
 */
export {
  TooLarge,
  attachmentStream,
  contentDisposition,
  deleteAttachment,
  findAttachment,
  listAttachments,
  storeAttachment,
} from './attachments.js';
export type { AttachmentInfo } from './attachments.js';
export { codexSyncRunner, getRun, listRuns } from './codex-sync.js';
export type { CodexSyncRunner, SyncRun } from './codex-sync.js';
export { attachedFolders, buildContext } from './context.js';
export {
  breadcrumb,
  childrenOf,
  companyArticles,
  getNode,
  isNodeId,
  nodeAtPath,
  rootNode,
  sharedRoots,
} from './nodes.js';
export type { ChildSummary, NodeRecord } from './nodes.js';
export { renderMarkdown } from './render.js';
export type { TocEntry } from './render.js';
export {
  RevisionConflict,
  diffRevisions,
  getRevision,
  listRevisions,
  restoreRevision,
  saveArticle,
} from './revisions.js';
export type { DiffPart, RevisionSummary } from './revisions.js';
export { search } from './search.js';
export type { SearchHit } from './search.js';
export { rows } from './sql.js';
export type { Executor } from './sql.js';
export {
  changeSettings,
  createNode,
  listTrash,
  moveNode,
  purgeTrash,
  renameNode,
  restoreNode,
  setTags,
  trashNode,
} from './tree.js';
export type { TrashEntry } from './tree.js';
export { canWrite, isAdmin, visibleTo } from './viewer.js';
export type { Viewer } from './viewer.js';
export { exportZip } from './zip-export.js';
export { importZip } from './zip-import.js';
export type { ImportLimits } from './zip-import.js';
