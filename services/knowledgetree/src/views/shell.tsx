/**
 * The explorer frame every KnowledgeTree page shares: the path bar with the breadcrumb and the
 * search box, the top-level folders in the sidebar, and the page's own content. All text goes
 * through JSX, so names are escaped (reference §2.11 item 15: the original used innerHTML).
 */
import type { ComponentChildren } from 'preact';
import { formatDateTime, Page } from '@hivematrix/sdk/html';

export interface Crumb {
  id: string;
  title: string;
}

export interface ShellProps {
  title: string;
  urlFor: (path: string, query?: Record<string, string>) => string;
  crumbs: Crumb[];
  /** The current node's id, or undefined on search and trash pages. */
  currentId?: string;
  sidebar: Crumb[];
  query?: string;
  canWrite: boolean;
  children?: ComponentChildren;
  scripts?: string[];
}

export function Shell({
  title,
  urlFor,
  crumbs,
  currentId,
  sidebar,
  query,
  canWrite,
  children,
  scripts = [],
}: ShellProps) {
  return (
    <Page
      title={title}
      service="knowledgetree"
      scripts={[...new Set(['kt-page.js', ...scripts])].map((s) => (
        <script type="module" src={urlFor(`/static/${s}`)} />
      ))}
    >
      <div class="kt-explorer">
        <nav class="kt-pathbar" aria-label="Path">
          <div class="kt-pathbar__path" data-testid="breadcrumb">
            {crumbs.map((crumb, index) => (
              <>
                {index > 0 ? (
                  <span class="kt-pathbar__separator" aria-hidden="true">
                    /
                  </span>
                ) : null}
                <a
                  class={
                    crumb.id === currentId ? 'kt-pathbar__segment kt-pathbar__segment--current' : 'kt-pathbar__segment'
                  }
                  href={urlFor(`/view/${crumb.id}`)}
                  data-kt-folder={crumb.id}
                >
                  {crumb.title}
                </a>
              </>
            ))}
          </div>
          <form class="kt-search" role="search" method="get" action={urlFor('/search')}>
            <label class="u-sr-only" for="kt-search">
              Search the knowledge base
            </label>
            <input
              class="kt-search__input"
              id="kt-search"
              type="search"
              name="q"
              value={query ?? ''}
              placeholder="Search…"
              autocomplete="off"
            />
          </form>
          <div class="kt-pathbar__actions">
            {canWrite ? (
              <a class="btn btn--ghost btn--small" href={urlFor('/trash')}>
                Trash
              </a>
            ) : null}
          </div>
        </nav>
        <div class="kt-explorer__body">
          <aside class="kt-sidebar" aria-label="Folders">
            <div class="kt-sidebar__header">
              <h2 class="kt-sidebar__title">Folders</h2>
            </div>
            <div class="kt-sidebar__tree file-browser file-browser--tree">
              {sidebar.map((folder) => (
                <a
                  class={folder.id === currentId ? 'file-item kt-tree-item--active' : 'file-item'}
                  href={urlFor(`/view/${folder.id}`)}
                  data-kt-folder={folder.id}
                >
                  <span class="file-item__name">{folder.title}</span>
                </a>
              ))}
            </div>
          </aside>
          <section class="kt-main">{children}</section>
        </div>
      </div>
    </Page>
  );
}

/** `bytes` for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A time inside a sentence (JSX places use the SDK's `<DateTime>`, shown in the reader's zone). */
export function formatTime(date: Date): string {
  return formatDateTime(date);
}
