/** Brainhair's pages. All text is escaped by JSX; assistant replies are sanitised HTML (markdown.ts). */
import {
  Alert,
  Badge,
  Button,
  Card,
  DateTime,
  EmptyState,
  Num,
  Page,
  PageHeader,
  Table,
  formatCount,
  formatNumber,
} from '@hivematrix/sdk/html';
import type { ModelInfo } from '../chat/index.js';

export interface ChatView {
  id: string;
  title: string;
  company_account: string | null;
  ticket_id: number | null;
}

export function ChatPage({
  chat,
  model,
  urlFor,
}: {
  chat: ChatView | null;
  model: ModelInfo;
  urlFor: (p: string) => string;
}) {
  return (
    <Page title="Brainhair" service="brainhair" scripts={<script src={urlFor('/static/brainhair-chat.js')} defer />}>
      <PageHeader
        title={chat?.title ?? 'New chat'}
        description="Ask about clients, tickets, bills and the knowledge base. Changes wait for your approval."
        actions={
          <Button href={urlFor('/history')} variant="secondary" small>
            History
          </Button>
        }
      />
      {model.provider === 'none' ? (
        <Alert variant="warning" title="Search mode">
          No language model is configured: Brainhair searches companies, tickets and the knowledge base for your words
          and lists what it finds.
        </Alert>
      ) : (
        <p class="text-muted">
          Model: {model.provider} / {model.model}
        </p>
      )}
      <div id="brainhair-chat" data-chat-id={chat?.id ?? ''} data-base={urlFor('/')}>
        <Card title="Context">
          <form id="chat-context" class="form form--inline">
            <label class="form__label">
              Client account{' '}
              <input class="form__input" name="company_account" value={chat?.company_account ?? ''} maxLength={50} />
            </label>
            <label class="form__label">
              Ticket id{' '}
              <input
                class="form__input"
                name="ticket_id"
                inputMode="numeric"
                value={chat?.ticket_id === null || chat?.ticket_id === undefined ? '' : String(chat.ticket_id)}
              />
            </label>
            <button class="btn btn--secondary btn--small" type="submit">
              Set context
            </button>
          </form>
        </Card>
        <section id="chat-log" aria-live="polite" class="chat-log"></section>
        <form id="chat-form" class="form">
          <label class="form__label" for="chat-input">
            Message
          </label>
          <textarea id="chat-input" class="form__textarea" name="text" rows={3} maxLength={20000} required></textarea>
          <div class="form__actions">
            <button class="btn btn--primary" type="submit" id="chat-send">
              Send
            </button>
            <button class="btn btn--danger" type="button" id="chat-stop" disabled>
              Stop
            </button>
            <a class="btn btn--ghost" href={urlFor('/')}>
              New chat
            </a>
          </div>
        </form>
      </div>
    </Page>
  );
}

export interface HistoryRow {
  id: string;
  title: string;
  updated_at: string;
  message_count: number;
  company_account: string | null;
  ticket_id: number | null;
}

export function HistoryPage({ rows, q, urlFor }: { rows: HistoryRow[]; q: string; urlFor: (p: string) => string }) {
  return (
    <Page
      title="Chat history"
      service="brainhair"
      scripts={<script src={urlFor('/static/brainhair-history.js')} defer />}
    >
      <PageHeader
        title="Chat history"
        description="Your chats only."
        actions={
          <Button href={urlFor('/')} variant="primary" small>
            New chat
          </Button>
        }
      />
      <form method="get" action={urlFor('/history')} class="form form--inline" role="search">
        <label class="form__label">
          Search <input class="form__input" type="search" name="q" value={q} maxLength={200} />
        </label>
        <button class="btn btn--secondary btn--small" type="submit">
          Search
        </button>
      </form>
      {rows.length === 0 ? (
        q ? (
          <EmptyState
            title="No chats match"
            message="Nothing in your chats' titles or messages matches your search."
            actionHref={urlFor('/history')}
            actionLabel="Show all chats"
            compact
          />
        ) : (
          <EmptyState
            title="No chats yet"
            message="Your chats appear here once you ask Brainhair something."
            actionHref={urlFor('/')}
            actionLabel="Start a chat"
          />
        )
      ) : (
        <ul class="list" id="history-list" data-base={urlFor('/')}>
          {rows.map((row) => (
            <li class="list__item" data-chat-id={row.id}>
              <a href={urlFor(`/?chat=${row.id}`)} class="history-title">
                {row.title}
              </a>{' '}
              <span class="text-muted">
                <DateTime value={row.updated_at} /> · {formatCount(row.message_count, 'message')}
                {row.company_account ? ` · ${row.company_account}` : ''}
                {row.ticket_id ? ` · ticket ${row.ticket_id}` : ''}
              </span>{' '}
              <a class="btn btn--ghost btn--small" href={urlFor(`/api/chats/${row.id}/export.md`)}>
                Export
              </a>
              <button class="btn btn--secondary btn--small" type="button" data-action="rename">
                Rename
              </button>
              <button class="btn btn--danger btn--small" type="button" data-action="delete">
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export interface UsageRow {
  user_name: string;
  day: string;
  input_tokens: number;
  output_tokens: number;
  tool_calls: number;
  messages: number;
  cost: number;
}
export interface AuditRow {
  at: string;
  actor: string;
  action: string;
  tool: string;
  summary: string;
}

export function AdminPage({
  usage,
  audit,
  model,
  limits,
}: {
  usage: UsageRow[];
  audit: AuditRow[];
  model: ModelInfo;
  limits: { tokens: number; toolCalls: number; approvalTtlSec: number };
}) {
  return (
    <Page title="Brainhair administration" service="brainhair">
      <PageHeader title="Brainhair administration" description="Model, limits, usage and the approval audit trail." />
      <Card title="Model and limits">
        <p>
          Provider <Badge variant="info">{model.provider}</Badge> model <code>{model.model || '(none)'}</code>
          {model.baseUrl ? (
            <>
              {' '}
              at <code>{model.baseUrl}</code>
            </>
          ) : null}
          . An admin changes them on helm's settings page (card "Assistant"), where the API key can be replaced but
          never read; a restart of brainhair applies them.
        </p>
        <p>
          Per user and day: {formatNumber(limits.tokens)} tokens, {formatNumber(limits.toolCalls)} tool calls. Approval
          requests expire after {formatNumber(limits.approvalTtlSec)} s.
        </p>
      </Card>
      <Card title="Usage (last 30 days)">
        <Table
          label="Usage per user and day"
          columns={[
            { key: 'day', label: 'Day' },
            { key: 'user', label: 'User' },
            { key: 'messages', label: 'Messages', align: 'right' },
            { key: 'tokens', label: 'Tokens in / out', align: 'right' },
            { key: 'tools', label: 'Tool calls', align: 'right' },
            { key: 'cost', label: 'Cost', align: 'right' },
          ]}
          rows={usage.map((u) => ({
            day: <DateTime value={u.day} style="date" />,
            user: u.user_name,
            messages: <Num value={u.messages} />,
            tokens: (
              <>
                <Num value={u.input_tokens} /> / <Num value={u.output_tokens} />
              </>
            ),
            tools: <Num value={u.tool_calls} />,
            cost: <Num value={u.cost} decimals={4} />,
          }))}
          empty="No usage yet."
        />
      </Card>
      <Card title="Approval audit trail">
        <Table
          label="Approval events"
          columns={[
            { key: 'at', label: 'When' },
            { key: 'actor', label: 'Who' },
            { key: 'action', label: 'What' },
            { key: 'tool', label: 'Tool' },
            { key: 'summary', label: 'Change' },
          ]}
          rows={audit.map((a) => ({
            at: <DateTime value={a.at} />,
            actor: a.actor,
            action: a.action,
            tool: a.tool,
            summary: a.summary,
          }))}
          empty="No approval requests yet."
        />
      </Card>
    </Page>
  );
}
