/** The page of one node: a folder's contents and actions, or an article with its TOC, files and links. */
import { Alert, Badge, Button, Card, DateTime, EmptyState } from '@hivematrix/sdk/html';
import type { AttachmentInfo, ChildSummary, NodeRecord, TocEntry } from '../domain/index.js';
import { formatBytes, Shell, type Crumb } from './shell.js';

export interface NodePageProps {
  node: NodeRecord;
  urlFor: (path: string, query?: Record<string, string>) => string;
  crumbs: Crumb[];
  sidebar: Crumb[];
  canWrite: boolean;
  isAdmin: boolean;
  children: ChildSummary[];
  /** Articles: the sanitised HTML of the current revision (cached per revision). */
  html?: string;
  toc?: TocEntry[];
  attachments: AttachmentInfo[];
  backlinks: Crumb[];
  attachedFolders: Crumb[];
  notice?: string;
  error?: string;
}

export function NodePage(props: NodePageProps) {
  const { node, urlFor, canWrite } = props;
  const writable = canWrite && !node.eff_read_only;
  return (
    <Shell
      title={node.is_root ? 'KnowledgeTree' : node.title}
      urlFor={urlFor}
      crumbs={props.crumbs}
      currentId={node.id}
      sidebar={props.sidebar}
      canWrite={canWrite}
      scripts={node.type === 'article' ? ['kt-article.js'] : writable ? ['kt-tree.js'] : []}
    >
      <div class="kt-toolbar">
        <div class="kt-toolbar__left">
          <h1 class="kt-toolbar__title u-m-0" data-testid="node-title">
            {node.is_root ? 'KnowledgeTree' : node.title}
          </h1>
          {node.eff_read_only ? <Badge variant="info">Read-only</Badge> : null}
          {node.attached ? <Badge variant="info">Attached</Badge> : null}
          {node.eff_level !== 'all' ? (
            <Badge variant="warning">{node.eff_level === 'admins' ? 'Admins only' : 'Billing only'}</Badge>
          ) : null}
          {node.eff_company !== null ? <Badge variant="success">{`Shared with ${node.eff_company}`}</Badge> : null}
          {node.tags.map((tag) => (
            <Badge>{tag}</Badge>
          ))}
        </div>
        <div class="kt-toolbar__actions">
          {node.type === 'article' && writable ? (
            <Button href={urlFor(`/view/${node.id}/edit`)} small>
              Edit
            </Button>
          ) : null}
          {node.type === 'article' ? (
            <Button href={urlFor(`/view/${node.id}/history`)} variant="secondary" small>
              History
            </Button>
          ) : null}
        </div>
      </div>
      <div class="u-p-4">
        {props.notice !== undefined ? <Alert variant="success">{props.notice}</Alert> : null}
        {props.error !== undefined ? <Alert variant="error">{props.error}</Alert> : null}
        {node.type === 'folder' ? (
          <FolderBody {...props} writable={writable} />
        ) : (
          <ArticleBody {...props} writable={writable} />
        )}
        {!node.is_root && (writable || props.isAdmin) ? <NodeActions {...props} /> : null}
      </div>
    </Shell>
  );
}

function FolderBody({ node, urlFor, children, writable }: NodePageProps & { writable: boolean }) {
  return (
    <>
      {children.length === 0 ? (
        <EmptyState
          title="This folder is empty"
          message={writable ? 'Create a folder or an article below.' : 'Nothing here yet.'}
        />
      ) : (
        <div
          class="kt-files kt-files--list file-browser file-browser--tree"
          data-testid="children"
          {...(writable ? { 'data-kt-from': node.id } : {})}
        >
          {children.map((child) => (
            // Writable items can be dragged onto a folder (static/kt-tree.js); folders take drops.
            <a
              class={child.read_only ? 'file-item file-item--read-only' : 'file-item'}
              href={urlFor(`/view/${child.id}`)}
              {...(writable && !child.read_only ? { 'data-kt-move': urlFor(`/view/${child.id}/move`) } : {})}
              {...(child.type === 'folder' ? { 'data-kt-folder': child.id } : {})}
            >
              <span class="file-item__icon" aria-hidden="true">
                {child.type === 'folder' ? '📁' : '📄'}
              </span>
              <span class="file-item__name">{child.title}</span>
              {child.attached ? <Badge variant="info">attached</Badge> : null}
            </a>
          ))}
        </div>
      )}
      {writable && children.length > 0 ? (
        <p class="u-text-muted u-text-xs u-mt-1">
          Drag an item onto a folder (here, in the sidebar or in the path above) to move it, or use Move on its page.
        </p>
      ) : null}
      {writable ? (
        <Card title="Create" headingLevel={2} class="u-mt-4">
          <form method="post" action={urlFor(`/view/${node.id}/new`)} class="form-inline">
            <label class="u-sr-only" for="new-title">
              Name
            </label>
            <input class="form-group__input" id="new-title" name="title" required maxLength={200} placeholder="Name" />
            <select class="form-group__select" name="type" aria-label="Kind">
              <option value="article">Article</option>
              <option value="folder">Folder</option>
              <option value="attached">Attached folder</option>
            </select>
            <Button type="submit" small>
              Create
            </Button>
          </form>
        </Card>
      ) : null}
      <Card title="Export and import" headingLevel={2} class="u-mt-4" id="zip-controls">
        <div class="form-inline">
          <Button href={urlFor('/api/export', { folder_id: node.id })} variant="secondary" small>
            Export as ZIP
          </Button>
          {writable ? (
            // A plain multipart form (no script under the CSP): the page route imports and redirects back with a message.
            <form
              method="post"
              action={urlFor(`/view/${node.id}/import`)}
              enctype="multipart/form-data"
              class="form-inline"
            >
              <label class="u-sr-only" for="import-file">
                ZIP file
              </label>
              <input
                class="form-group__input"
                id="import-file"
                type="file"
                name="file"
                accept=".zip,application/zip"
                required
              />
              <Button type="submit" variant="secondary" small>
                Import ZIP
              </Button>
            </form>
          ) : null}
        </div>
      </Card>
    </>
  );
}

function ArticleBody({
  node,
  urlFor,
  html,
  toc,
  attachments,
  backlinks,
  attachedFolders,
  writable,
}: NodePageProps & { writable: boolean }) {
  return (
    <div class="kt-article">
      {toc !== undefined && toc.length > 1 ? (
        <nav class="u-mb-3" aria-label="Contents">
          <strong>Contents</strong>
          <ul>
            {toc.map((entry) => (
              <li class={`u-pl-${Math.min(3, entry.level - 1)}`}>
                <a href={`#${entry.slug}`}>{entry.text}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {/* Sanitised by the allow-list renderer (domain/render.ts) when the revision was saved. */}
      <div class="kt-article__content" data-testid="article-content" dangerouslySetInnerHTML={{ __html: html ?? '' }} />
      <div class="kt-article__attachments">
        <h2 class="kt-article__attachments-title">Attachments</h2>
        {attachments.length === 0 ? (
          <p class="u-text-muted u-text-sm">No files.</p>
        ) : (
          <ul>
            {attachments.map((a) => (
              <li>
                <a href={urlFor(`/attachments/${a.id}`)}>{a.filename}</a>{' '}
                <span class="u-text-muted u-text-sm">{formatBytes(a.size)}</span>
                {writable ? (
                  <form method="post" action={urlFor(`/view/${node.id}/attachments/${a.id}/delete`)} class="u-inline">
                    <Button type="submit" variant="ghost" small>
                      Delete
                    </Button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      {backlinks.length > 0 ? (
        <div class="kt-article__attachments">
          <h2 class="kt-article__attachments-title">Linked from</h2>
          <ul>
            {backlinks.map((b) => (
              <li>
                <a href={urlFor(`/view/${b.id}`)}>{b.title}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <details class="u-mt-4" data-testid="export-context">
        <summary class="btn btn--secondary btn--small">Export context</summary>
        <form method="get" action={urlFor(`/view/${node.id}/context`)} class="u-mt-2">
          {attachedFolders.length === 0 ? (
            <p class="u-text-muted u-text-sm">No attached folders on this article's path.</p>
          ) : (
            <fieldset>
              <legend class="u-text-sm">Attached folders to include</legend>
              {attachedFolders.map((f) => (
                <label class="form-group__checkbox-label u-block">
                  <input type="checkbox" name="include" value={f.id} checked /> {f.title}
                </label>
              ))}
            </fieldset>
          )}
          <Button type="submit" small>
            Build context
          </Button>
        </form>
      </details>
      <p class="u-text-muted u-text-xs u-mt-3">
        Updated <DateTime value={node.updated_at} />
        {node.linked_company !== null ? ` · linked to company ${node.linked_company}` : ''}
      </p>
    </div>
  );
}

function NodeActions({ node, urlFor, isAdmin }: NodePageProps) {
  return (
    <Card title="Manage" headingLevel={2} class="u-mt-4">
      <form method="post" action={urlFor(`/view/${node.id}/rename`)} class="form-inline u-mb-2">
        <label class="u-sr-only" for="rename">
          New name
        </label>
        <input class="form-group__input" id="rename" name="title" required maxLength={200} value={node.title} />
        <Button type="submit" variant="secondary" small>
          Rename
        </Button>
      </form>
      <form method="post" action={urlFor(`/view/${node.id}/move`)} class="form-inline u-mb-2">
        <label class="u-sr-only" for="move">
          Destination folder path
        </label>
        <input class="form-group__input" id="move" name="path" required placeholder="/Clients/Acme" />
        <Button type="submit" variant="secondary" small>
          Move
        </Button>
      </form>
      <form method="post" action={urlFor(`/view/${node.id}/settings`)} class="form-inline u-mb-2">
        <input
          class="form-group__input"
          name="tags"
          value={node.tags.join(', ')}
          placeholder="tags, comma separated"
          aria-label="Tags"
        />
        <input
          class="form-group__input"
          name="linked_company"
          value={node.linked_company ?? ''}
          placeholder="Linked company account"
          aria-label="Linked company"
        />
        {node.type === 'folder' ? (
          <label class="form-group__checkbox-label">
            <input type="checkbox" name="attached" value="1" checked={node.attached} /> Attached
          </label>
        ) : null}
        {isAdmin ? (
          <>
            <select class="form-group__select" name="restrict_to" aria-label="Restricted to">
              <option value="" selected={node.restrict_to === null}>
                Everyone on staff
              </option>
              <option value="admins" selected={node.restrict_to === 'admins'}>
                Admins only
              </option>
              <option value="billing" selected={node.restrict_to === 'billing'}>
                Billing only
              </option>
            </select>
            <input
              class="form-group__input"
              name="share_company"
              value={node.share_company ?? ''}
              placeholder="Share with company account"
              aria-label="Share with company"
            />
            <label class="form-group__checkbox-label">
              <input type="checkbox" name="read_only" value="1" checked={node.read_only} /> Read-only
            </label>
          </>
        ) : null}
        <Button type="submit" variant="secondary" small>
          Save settings
        </Button>
      </form>
      <form method="post" action={urlFor(`/view/${node.id}/delete`)} data-confirm="Move this to the trash?">
        <Button type="submit" variant="danger" small>
          Delete
        </Button>
      </form>
    </Card>
  );
}
