/**
 * The board's page shell, for signed-in staff and for wall screens: header, counters, filters,
 * four empty section tables and the ticket panel. The rows are drawn by /static/board.js from the
 * live stream, with text nodes only (the original used innerHTML; reference §4.5 item 2).
 */
import type { JSX } from 'preact';
import { Alert, Button, Card, JsonScript, Page, SelectField } from '@hivematrix/sdk/html';
import type { BoardColumn, Section } from '../domain/index.js';

export const SECTION_TITLES: Readonly<Record<Section, string>> = {
  needs_response: 'Needs first response or action',
  customer_replied: 'Customer replied',
  needs_attention: 'Update overdue or unassigned',
  other: 'Other active tickets',
};

export const COLUMN_LABELS: Readonly<Record<BoardColumn, string>> = {
  number: 'ID',
  subject: 'Subject',
  company: 'Company',
  requester: 'Requester',
  requester_email: 'Requester e-mail',
  agent: 'Agent',
  priority: 'Priority',
  status: 'Status',
  sla: 'Action / SLA',
  updated: 'Updated',
  created: 'Created',
};

/** What board.js reads from the page (`#beacon-config`). */
export interface ClientConfig {
  mode: 'board' | 'display';
  events: string;
  ticketUrl: string | null;
  syncUrl: string | null;
  syncRunUrl: string | null;
  columns: BoardColumn[];
  columnLabels: Record<string, string>;
  countThresholds: [number, number, number, number];
  sort: string | null;
}

export interface BoardPageProps {
  title: string;
  config: ClientConfig;
  views: { slug: string; name: string; href: string; active: boolean }[];
  filters?: {
    action: string;
    view: string;
    agents: { value: string; label: string }[];
    companies: { value: string; label: string }[];
    agent: string | undefined;
    company: string | undefined;
    priority: string | undefined;
  };
  canSync: boolean;
  scriptUrl: string;
}

function SectionTable({ section, columns }: { section: Section; columns: BoardColumn[] }): JSX.Element {
  const title = SECTION_TITLES[section];
  return (
    <Card
      title={title}
      id={`section-${section}`}
      actions={
        <span class="badge badge--info" data-count={section}>
          0
        </span>
      }
    >
      <div class="table-wrapper">
        <table class="data-table data-table--compact" aria-label={title}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th class="sortable-header" scope="col" data-column={column} aria-sort="none">
                  <button type="button" class="btn btn--ghost btn--small" data-sort={column}>
                    {COLUMN_LABELS[column]}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody data-section={section} />
        </table>
      </div>
      <p class="u-text-muted u-text-sm" data-empty={section}>
        None right now. Tickets come from codex's PSA sync.
      </p>
    </Card>
  );
}

export function BoardPage(props: BoardPageProps): JSX.Element {
  const { config, filters } = props;
  return (
    <Page
      title={props.title}
      service="beacon"
      head={<JsonScript id="beacon-config" data={config} />}
      scripts={<script src={props.scriptUrl} defer />}
    >
      <div class="siren siren--left" id="siren-left" />
      <div class="siren siren--right" id="siren-right" />
      <div class="page-header">
        <div class="page-header__content">
          <h1 class="page-header__title">{props.title}</h1>
          <p class="page-header__description">Every active ticket, by who needs attention now.</p>
        </div>
        <div class="page-header__actions">
          <nav class="view-switcher" aria-label="Views">
            {props.views.map((view) => (
              <a
                class={view.active ? 'view-switcher__button view-switcher__button--active' : 'view-switcher__button'}
                href={view.href}
                aria-current={view.active ? 'page' : undefined}
              >
                {view.name}
              </a>
            ))}
          </nav>
        </div>
      </div>
      <div id="stale-banner" hidden>
        <Alert variant="warning" title="Ticket data may be old">
          <span id="stale-text">Codex's last ticket sync is older than expected.</span>
        </Alert>
      </div>
      <div id="error-banner" hidden>
        <Alert variant="error" title="Codex is not answering">
          <span id="error-text" />
        </Alert>
      </div>
      <div class="u-flex u-flex-wrap u-items-center u-flex-gap-2 u-mb-3">
        <div class="ticket-count-wrapper" id="total-wrapper">
          <span class="ticket-count-label">Total active</span>
          <span class="ticket-count-number" id="total-count">
            …
          </span>
        </div>
        <div>
          <div class="u-text-sm u-text-muted">
            Last sync: <span id="last-sync">…</span>
          </div>
          <div class="u-text-sm u-text-muted">
            Updated: <span id="fetched-at">…</span>
          </div>
          <div class="u-text-sm" id="connection-state" role="status">
            Connecting…
          </div>
        </div>
        {filters !== undefined && (
          <form method="get" action={filters.action} class="form-inline" aria-label="Filters">
            <input type="hidden" name="view" value={filters.view} />
            <input type="hidden" name="sort" value={config.sort ?? ''} id="sort-field" />
            <SelectField
              name="agent"
              label="Agent"
              placeholder="All agents"
              value={filters.agent}
              options={[{ value: 'none', label: 'Unassigned' }, ...filters.agents]}
            />
            <SelectField
              name="company"
              label="Company"
              placeholder="All companies"
              value={filters.company}
              options={filters.companies}
            />
            <SelectField
              name="priority"
              label="Priority"
              placeholder="All priorities"
              value={filters.priority}
              options={['urgent', 'high', 'medium', 'low'].map((p) => ({ value: p, label: p }))}
            />
            <Button type="submit" variant="secondary" small>
              Apply
            </Button>
          </form>
        )}
        <label class="form-group__checkbox-label">
          <input type="checkbox" id="sound-toggle" /> Sound for new and overdue tickets
        </label>
        {props.canSync && (
          <div>
            <Button type="button" variant="primary" small id="sync-now">
              Sync now
            </Button>
            <span class="u-text-sm u-ml-2" id="sync-status" role="status" />
          </div>
        )}
      </div>
      {(['needs_response', 'customer_replied', 'needs_attention', 'other'] as const).map((section) => (
        <SectionTable section={section} columns={config.columns} />
      ))}
      {config.mode === 'board' && (
        <div class="modal" id="ticket-panel" role="dialog" aria-modal="true" aria-labelledby="ticket-panel-title">
          <div class="modal__dialog modal__dialog--wide">
            <div class="modal__header">
              <h2 class="modal__title" id="ticket-panel-title">
                Ticket
              </h2>
              <button type="button" class="modal__close" id="ticket-panel-close" aria-label="Close">
                ×
              </button>
            </div>
            <div class="modal__body" id="ticket-panel-body" />
          </div>
        </div>
      )}
    </Page>
  );
}
