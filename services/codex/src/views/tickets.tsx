/** Tickets: the list (active, closed, all) and one ticket with its conversation and time entries. */
import type { JSX } from 'preact';
import {
  Button,
  Card,
  Checkbox,
  DateTime,
  EmptyState,
  PageHeader,
  Pagination,
  Table,
  TextArea,
  formatCount,
  formatNumber,
} from '@hivematrix/sdk/html';
import type { Page, TicketWithCompany, TimeEntry } from '../db/index.js';
import { CodexPage, Info, StatusBadge, type Flash, type ViewContext } from './layout.js';

export interface TicketFilters {
  q: string;
  company: string;
  state: 'active' | 'closed' | 'all';
}

const priority = (value: string) => <span class={`priority-badge priority-badge--${value}`}>{value}</span>;

/** `/tickets`. */
export function TicketsPage({
  ctx,
  flash,
  result,
  filters,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  result: Page<TicketWithCompany>;
  filters: TicketFilters;
}): JSX.Element {
  const link = (query: Record<string, string | number | undefined>) =>
    ctx.urlFor('/tickets', {
      q: filters.q || undefined,
      company: filters.company || undefined,
      state: filters.state,
      ...query,
    });
  return (
    <CodexPage title="Tickets" ctx={ctx} flash={flash}>
      <PageHeader title="Tickets" description="Tickets from the PSA, newest update first." />
      <Card>
        <form method="get" action={ctx.urlFor('/tickets')} class="search-form u-mb-2" role="search">
          <div class="search-form__controls">
            <input
              class="search-form__input"
              type="search"
              name="q"
              value={filters.q}
              aria-label="Search tickets"
              placeholder="Subject or ticket number"
            />
            <input
              class="search-form__input"
              type="search"
              name="company"
              value={filters.company}
              aria-label="Company account number"
              placeholder="Account number"
            />
            <select class="form-inline__select" name="state" aria-label="State">
              <option value="active" selected={filters.state === 'active'}>
                Active
              </option>
              <option value="closed" selected={filters.state === 'closed'}>
                Closed
              </option>
              <option value="all" selected={filters.state === 'all'}>
                All
              </option>
            </select>
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
        <div class="results-header">
          <p class="results-header__count">{formatCount(result.total, 'ticket')}</p>
        </div>
        {result.items.length === 0 ? (
          filters.q === '' && filters.company === '' && filters.state === 'active' ? (
            <EmptyState
              title="No active tickets"
              message={
                <>
                  Tickets arrive with the PSA sync: connect Freshservice in Integrations and run a first sync, or load
                  demo data with <code>npx hivematrix demo</code>. Closed tickets are under Closed or All.
                </>
              }
              actionHref={ctx.urlFor('/admin/integrations')}
              actionLabel="Open integrations"
            />
          ) : (
            <EmptyState
              title="No tickets match"
              message="Try fewer words, another account number, or All instead of Active."
              actionHref={ctx.urlFor('/tickets', { state: 'all' })}
              actionLabel="Show all tickets"
            />
          )
        ) : (
          <Table
            label="Tickets"
            columns={[
              { key: 'number', label: '#' },
              { key: 'subject', label: 'Subject', truncate: true },
              { key: 'company', label: 'Company' },
              { key: 'status', label: 'Status' },
              { key: 'priority', label: 'Priority' },
              { key: 'agent', label: 'Agent' },
              { key: 'updated', label: 'Updated' },
            ]}
            rows={result.items.map((ticket) => ({
              number: ticket.ticketNumber,
              subject: <a href={ctx.urlFor(`/tickets/${ticket.id}`)}>{ticket.subject || '(no subject)'}</a>,
              company: ticket.companyName ?? '—',
              status: <StatusBadge status={ticket.status}>{ticket.status}</StatusBadge>,
              priority: priority(ticket.priority),
              agent: ticket.agentName ?? '—',
              updated: <DateTime value={ticket.updatedAt} />,
            }))}
          />
        )}
        <Pagination
          page={result.page}
          perPage={result.perPage}
          total={result.total}
          hrefFor={(page) => link({ page })}
          label="Ticket pages"
        />
      </Card>
    </CodexPage>
  );
}

export interface TicketDetailView {
  ctx: ViewContext;
  ticket: TicketWithCompany;
  conversations: {
    id: number;
    bodyText: string;
    private: boolean;
    incoming: boolean;
    fromEmail: string | null;
    createdAt: Date;
  }[];
  timeEntries: TimeEntry[];
  showTime: boolean;
  flash?: Flash | undefined;
  /** The "Add a note" form with what it shows (technicians and admins); absent for others. */
  noteForm?: { body: string; private: boolean } | undefined;
}

/** The ticket page's note form: posted, then the page again (or the same form with the refusal). */
function NoteForm({
  ctx,
  ticket,
  draft,
}: {
  ctx: ViewContext;
  ticket: TicketWithCompany;
  draft: { body: string; private: boolean };
}): JSX.Element {
  // The providers src/sync/ticket-notes.ts writes notes for (or keeps them locally); others would answer 409.
  if (ticket.provider !== 'demo' && ticket.provider !== 'freshservice')
    return (
      <p class="u-text-secondary u-mt-3">
        {`Notes cannot be added to ${ticket.provider} tickets through codex yet: add them in ${ticket.provider}.`}
      </p>
    );
  const where =
    ticket.provider === 'demo'
      ? 'This demo ticket has no PSA: the note stays in codex.'
      : 'The note is written to the ticket in Freshservice.';
  return (
    <form method="post" action={ctx.urlFor(`/tickets/${ticket.id}/notes`)} class="u-mt-3" aria-label="Add a note">
      <TextArea name="body" label="Add a note" hint={where} value={draft.body} rows={4} required maxLength={10_000} />
      <Checkbox name="private" label="Private (agents only)" checked={draft.private} />
      <div class="action-footer">
        <Button type="submit" variant="secondary">
          Add note
        </Button>
      </div>
    </form>
  );
}

/** `/tickets/:id`. */
export function TicketDetailPage({
  ctx,
  ticket,
  conversations,
  timeEntries,
  showTime,
  flash,
  noteForm,
}: TicketDetailView): JSX.Element {
  const minutes = timeEntries.reduce((sum, entry) => sum + entry.minutes, 0);
  return (
    <CodexPage title={`Ticket ${ticket.ticketNumber}`} ctx={ctx} flash={flash}>
      <PageHeader
        title={ticket.subject || '(no subject)'}
        description={`Ticket ${ticket.ticketNumber} · ${ticket.provider}`}
      />
      <Card title="Ticket" class="u-mb-3">
        <div class="info-grid">
          <Info label="Company">
            {ticket.accountNumber === null ? (
              '—'
            ) : (
              <a href={ctx.urlFor(`/companies/${encodeURIComponent(ticket.accountNumber)}`)}>{ticket.companyName}</a>
            )}
          </Info>
          <Info label="Status">
            <StatusBadge status={ticket.status}>{ticket.status}</StatusBadge>
          </Info>
          <Info label="Priority">{priority(ticket.priority)}</Info>
          <Info label="Type">{ticket.ticketType ?? '—'}</Info>
          <Info label="Requester">{ticket.requesterName ?? ticket.requesterEmail ?? '—'}</Info>
          <Info label="Agent">{ticket.agentName ?? '—'}</Info>
          <Info label="Created">
            <DateTime value={ticket.createdAt} />
          </Info>
          <Info label="Updated">
            <DateTime value={ticket.updatedAt} />
          </Info>
          <Info label="First response due">
            <DateTime value={ticket.frDueBy} />
          </Info>
          <Info label="Due">
            <DateTime value={ticket.dueBy} />
          </Info>
          <Info label="Closed">
            <DateTime value={ticket.closedAt} />
          </Info>
        </div>
        {ticket.descriptionText !== null && <p class="u-mt-2">{ticket.descriptionText}</p>}
      </Card>
      <Card title="Conversation" class="u-mb-3">
        {conversations.length === 0 ? (
          <p class="u-text-secondary">No replies or notes yet: they arrive with the next PSA sync.</p>
        ) : (
          conversations.map((entry) => (
            <article class="u-mb-2" aria-label={entry.private ? 'Private note' : 'Reply'}>
              <p class="u-text-sm u-text-secondary u-mb-1">
                <DateTime value={entry.createdAt} />
                {` · ${entry.fromEmail ?? 'agent'}${entry.private ? ' · private note' : ''}`}
              </p>
              <p class="u-mb-0">{entry.bodyText}</p>
            </article>
          ))
        )}
        {noteForm !== undefined && <NoteForm ctx={ctx} ticket={ticket} draft={noteForm} />}
      </Card>
      {showTime && (
        <Card title={`Time entries (${formatNumber(minutes / 60, { decimals: 2 })} h)`}>
          <Table
            label="Time entries"
            columns={[
              { key: 'date', label: 'Worked on' },
              { key: 'time', label: 'Time', align: 'right' },
              { key: 'billable', label: 'Billable' },
              { key: 'agent', label: 'Agent' },
              { key: 'note', label: 'Note', truncate: true },
            ]}
            rows={timeEntries.map((entry) => ({
              date: <DateTime value={entry.entryDate} />,
              time: `${Math.floor(entry.minutes / 60)}:${String(entry.minutes % 60).padStart(2, '0')}`,
              billable: entry.billable ? 'yes' : 'no',
              agent: entry.agentName ?? '—',
              note: entry.note ?? '',
            }))}
            empty="No time logged: agents log time on the ticket in the PSA; it arrives with the next sync."
          />
        </Card>
      )}
    </CodexPage>
  );
}
