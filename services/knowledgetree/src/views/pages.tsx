/** The editor, history, search, trash and context-export pages. */
import { Alert, Button, Card, DateTime, EmptyState, formatCount, Table } from '@hivematrix/sdk/html';
import type { DiffPart, NodeRecord, RevisionSummary, SearchHit, TrashEntry } from '../domain/index.js';
import { formatTime, Shell, type Crumb } from './shell.js';

interface Frame {
  urlFor: (path: string, query?: Record<string, string>) => string;
  crumbs: Crumb[];
  sidebar: Crumb[];
  canWrite: boolean;
}

const TOOLBAR: [string, string][] = [
  ['heading', 'Heading'],
  ['bold', 'Bold'],
  ['italic', 'Italic'],
  ['strike', 'Strikethrough'],
  ['link', 'Link'],
  ['code', 'Code'],
  ['codeblock', 'Code block'],
  ['quote', 'Quote'],
  ['ul', 'Bulleted list'],
  ['ol', 'Numbered list'],
  ['task', 'Task list'],
  ['table', 'Table'],
  ['hr', 'Rule'],
];

/** Fence languages offered for code blocks (the usual ones of MSP runbooks). */
const CODE_LANGUAGES: [string, string][] = [
  ['', 'plain text'],
  ['powershell', 'PowerShell'],
  ['bash', 'Bash'],
  ['batch', 'Batch'],
  ['json', 'JSON'],
  ['yaml', 'YAML'],
  ['xml', 'XML'],
  ['sql', 'SQL'],
  ['python', 'Python'],
  ['javascript', 'JavaScript'],
  ['ini', 'INI'],
];

export interface EditorProps extends Frame {
  node: NodeRecord;
  markdown: string;
  title: string;
  baseRevisionId: string;
  message?: string;
  /** Set after a conflicting save: what is stored now, beside what the user wrote. */
  conflict?: { markdown: string; author: string; at: Date; parts: DiffPart[] };
  error?: string;
}

export function EditorPage(props: EditorProps) {
  const { node, urlFor } = props;
  return (
    <Shell
      title={`Edit ${node.title}`}
      urlFor={urlFor}
      crumbs={props.crumbs}
      currentId={node.id}
      sidebar={props.sidebar}
      canWrite={props.canWrite}
      scripts={['kt-editor.js']}
    >
      <form
        method="post"
        action={urlFor(`/view/${node.id}/edit`)}
        class="u-p-4"
        id="kt-editor"
        data-render-url={urlFor('/api/render')}
        data-upload-url={urlFor(`/api/nodes/${node.id}/attachments`)}
      >
        {props.error !== undefined ? <Alert variant="error">{props.error}</Alert> : null}
        {props.conflict !== undefined ? (
          <Alert variant="warning" title="Someone else saved this article while you were editing">
            {`${props.conflict.author} saved at ${formatTime(props.conflict.at)}. Your text is below, unsaved; their version and the differences follow. Merge what you need, then save again.`}
          </Alert>
        ) : null}
        <input type="hidden" name="base_revision_id" value={props.baseRevisionId} />
        <div class="form-group">
          <label class="form-group__label" for="title">
            Title
          </label>
          <input class="form-group__input" id="title" name="title" required maxLength={200} value={props.title} />
        </div>
        <div class="btn-group u-mb-2" role="toolbar" aria-label="Formatting">
          {TOOLBAR.map(([action, label]) => (
            <button type="button" class="btn btn--ghost btn--small" data-md={action} title={label}>
              {label}
            </button>
          ))}
        </div>
        <div class="form-inline__controls u-mb-2 u-text-sm" data-testid="editor-options">
          <label for="kt-table-columns">Table</label>
          <input
            class="form-group__input form-inline__select"
            type="number"
            id="kt-table-columns"
            min="1"
            max="20"
            value="3"
            aria-label="Table columns"
          />
          <span aria-hidden="true">×</span>
          <input
            class="form-group__input form-inline__select"
            type="number"
            id="kt-table-rows"
            min="1"
            max="20"
            value="2"
            aria-label="Table rows"
          />
          <span class="u-text-muted">(or select spreadsheet / CSV lines first)</span>
          <label for="kt-code-language" class="u-ml-3">
            Code block language
          </label>
          <select class="form-group__input form-inline__select" id="kt-code-language">
            {CODE_LANGUAGES.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </div>
        <div class="u-grid u-grid-2 u-flex-gap-2">
          <div>
            <label class="u-sr-only" for="markdown">
              Markdown
            </label>
            <textarea class="kt-article__markdown-editor" id="markdown" name="markdown" data-testid="markdown">
              {props.markdown}
            </textarea>
            <p class="form-group__hint">Paste or drop an image to attach it.</p>
          </div>
          <div class="kt-article__content u-p-2" id="preview" aria-live="polite" data-testid="preview" />
        </div>
        <div class="form-group u-mt-2">
          <label class="form-group__label" for="message">
            What changed
          </label>
          <input class="form-group__input" id="message" name="message" maxLength={500} value={props.message ?? ''} />
        </div>
        <div class="u-flex u-flex-gap-2">
          <Button type="submit" data-testid="save">
            Save
          </Button>
          <Button href={urlFor(`/view/${node.id}`)} variant="secondary">
            Cancel
          </Button>
        </div>
        {props.conflict !== undefined ? (
          <Card title="Their version" headingLevel={2} class="u-mt-4">
            <textarea class="kt-article__markdown-editor" readOnly aria-label="Their version">
              {props.conflict.markdown}
            </textarea>
            <DiffView parts={props.conflict.parts} />
          </Card>
        ) : null}
      </form>
    </Shell>
  );
}

/** A line diff as `<del>`/`<ins>` inside a pre: readable with the design system's own styles. */
export function DiffView({ parts }: { parts: DiffPart[] }) {
  return (
    <pre class="code-block u-text-pre-wrap" data-testid="diff">
      {parts.map((part) =>
        part.kind === 'added' ? (
          <ins>{part.text}</ins>
        ) : part.kind === 'removed' ? (
          <del>{part.text}</del>
        ) : (
          <span>{part.text}</span>
        ),
      )}
    </pre>
  );
}

export interface HistoryProps extends Frame {
  node: NodeRecord;
  revisions: RevisionSummary[];
  diff?: { from: number; to: number; parts: DiffPart[] };
  writable: boolean;
}

export function HistoryPage(props: HistoryProps) {
  const { node, urlFor, revisions } = props;
  return (
    <Shell
      title={`History of ${node.title}`}
      urlFor={urlFor}
      crumbs={props.crumbs}
      currentId={node.id}
      sidebar={props.sidebar}
      canWrite={props.canWrite}
    >
      <div class="u-p-4">
        <h1 class="u-mt-0">{`History of ${node.title}`}</h1>
        {props.diff !== undefined ? (
          <Card title={`Revision ${props.diff.from} → revision ${props.diff.to}`} headingLevel={2} class="u-mb-4">
            <DiffView parts={props.diff.parts} />
          </Card>
        ) : null}
        <form method="get" action={urlFor(`/view/${node.id}/history`)}>
          <table class="data-table" data-testid="revisions">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Revision</th>
                <th scope="col">Author</th>
                <th scope="col">When</th>
                <th scope="col">Message</th>
                <th scope="col">
                  <span class="u-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {revisions.map((r, index) => (
                <tr>
                  <td>
                    <input
                      type="radio"
                      name="from"
                      value={r.id}
                      checked={index === 1}
                      aria-label={`Compare from revision ${r.number}`}
                    />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="to"
                      value={r.id}
                      checked={index === 0}
                      aria-label={`Compare to revision ${r.number}`}
                    />
                  </td>
                  <td>{r.number}</td>
                  <td>{r.author_name}</td>
                  <td>
                    <DateTime value={r.created_at} />
                  </td>
                  <td>{r.message}</td>
                  <td>
                    {props.writable && index > 0 ? (
                      <Button
                        type="submit"
                        variant="secondary"
                        small
                        form={`restore-${r.id}`}
                        data-testid={`restore-${r.number}`}
                      >
                        Restore
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {revisions.length > 1 ? (
            <Button type="submit" variant="secondary" small class="u-mt-2">
              Compare
            </Button>
          ) : null}
        </form>
        {revisions.map((r) => (
          <form id={`restore-${r.id}`} method="post" action={urlFor(`/view/${node.id}/restore/${r.id}`)} />
        ))}
      </div>
    </Shell>
  );
}

export interface SearchPageProps extends Frame {
  query: string;
  hits: SearchHit[];
  corrected?: string;
}

export function SearchPage(props: SearchPageProps) {
  const { urlFor } = props;
  return (
    <Shell
      title="Search"
      urlFor={urlFor}
      crumbs={props.crumbs}
      sidebar={props.sidebar}
      query={props.query}
      canWrite={props.canWrite}
    >
      <div class="u-p-4">
        <h1 class="u-mt-0">Search</h1>
        {props.corrected !== undefined ? (
          <p class="u-text-muted">{`No exact matches; showing results for "${props.corrected}".`}</p>
        ) : null}
        {props.query.trim() === '' ? (
          <EmptyState
            title="Type something to search"
            message="Titles and article text are searched; words may be partial."
          />
        ) : null}
        {props.query.trim() !== '' && props.hits.length === 0 ? (
          <EmptyState title="Nothing found" message="Try fewer or other words." />
        ) : null}
        <ol class="u-m-0 u-pl-2" data-testid="results">
          {props.hits.map((hit) => (
            <li class="u-mb-3">
              <a href={urlFor(`/view/${hit.id}`)} class="u-font-semibold">
                {hit.title}
              </a>
              <div class="u-text-muted u-text-xs">{hit.path}</div>
              {/* Escaped by markSnippet (domain/search.ts); only <mark> is markup. */}
              <div class="u-text-sm" dangerouslySetInnerHTML={{ __html: hit.snippet }} />
            </li>
          ))}
        </ol>
      </div>
    </Shell>
  );
}

export function TrashPage(props: Frame & { items: TrashEntry[] }) {
  const { urlFor } = props;
  return (
    <Shell title="Trash" urlFor={urlFor} crumbs={props.crumbs} sidebar={props.sidebar} canWrite={props.canWrite}>
      <div class="u-p-4">
        <h1 class="u-mt-0">Trash</h1>
        {props.items.length === 0 ? (
          <EmptyState
            title="The trash is empty"
            message="Deleted folders and articles wait here before they are purged."
          />
        ) : (
          <Table
            columns={[
              { key: 'title', label: 'Name' },
              { key: 'items', label: 'Items' },
              { key: 'when', label: 'Deleted' },
              { key: 'action', label: 'Restore' },
            ]}
            rows={props.items.map((item) => ({
              title: item.title,
              items: String(item.items),
              when: <DateTime value={item.deleted_at} />,
              action: (
                <form method="post" action={urlFor(`/trash/${item.id}/restore`)}>
                  <Button type="submit" variant="secondary" small>
                    Restore
                  </Button>
                </form>
              ),
            }))}
          />
        )}
      </div>
    </Shell>
  );
}

export function ContextPage(props: Frame & { node: NodeRecord; markdown: string; truncated: boolean; count: number }) {
  const { node, urlFor } = props;
  return (
    <Shell
      title={`Context of ${node.title}`}
      urlFor={urlFor}
      crumbs={props.crumbs}
      currentId={node.id}
      sidebar={props.sidebar}
      canWrite={props.canWrite}
      scripts={['kt-article.js']}
    >
      <div class="u-p-4">
        <h1 class="u-mt-0">{`Context of ${node.title}`}</h1>
        <p class="u-text-muted">{`${formatCount(props.count, 'article')}, ${formatCount(props.markdown.length, 'character')}${props.truncated ? ' (cut to the size budget)' : ''}.`}</p>
        <textarea class="kt-article__markdown-editor" id="context-output" readOnly data-testid="context-output">
          {props.markdown}
        </textarea>
        <div class="u-flex u-flex-gap-2 u-mt-2">
          <Button data-copy="context-output">Copy</Button>
          <Button href={urlFor(`/view/${node.id}`)} variant="secondary">
            Back to the article
          </Button>
        </div>
      </div>
    </Shell>
  );
}
