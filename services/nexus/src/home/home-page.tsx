/**
 * The platform home (`/` when the user saved no home page of their own): what needs attention,
 * then the user's shortcuts. A complete, unstyled document in the design system's classes, composed
 * by the gateway like any page. A panel whose service is down says so; the rest of the page stands.
 */
import type { ComponentChildren, JSX } from 'preact';
import { Alert, Badge, Button, Card, EmptyState, Page, PageHeader, renderDocument, Table } from '@hivematrix/sdk/html';
import type { Fetched } from './fetch-upstream.js';
import type { HomeData } from './panels.js';
import type { Shortcut } from './shortcuts.js';

export interface HomePageProps {
  userName: string;
  data: HomeData;
  shortcuts: readonly (Shortcut & { href: string })[];
}

const count = new Intl.NumberFormat('en-US');
const STEP_NAMES: Record<string, string> = {
  password: 'change the generated admin password',
  hostname: 'set the hostname and certificate',
  integrations: 'connect your PSA and RMM',
  users: 'create the first users',
};

/**
 * Development mode only, for an admin: load codex's demo MSP when the platform holds none, so
 * every page and a month of bills can be tried at once, or remove it again. The buttons are plain
 * form posts to codex's own admin-only demo actions (codex checks the role and that the post comes
 * from the platform's origin), which come back here.
 */
function DemoCard({ demo }: { demo: HomeData['demo'] }): JSX.Element | null {
  if (demo.kind !== 'ok') return null;
  const loaded = demo.data.companies > 0;
  return (
    <div id="home-demo">
      <Card title="Demo data (development mode)" class="u-mb-3">
        {loaded ? (
          <>
            <p>
              The demo MSP is loaded: {count.format(demo.data.companies)} companies, {count.format(demo.data.contacts)}{' '}
              contacts, {count.format(demo.data.assets)} assets, {count.format(demo.data.tickets)} tickets. Removing it
              leaves every other record as it is.
            </p>
            <form method="post" action="/codex/admin/demo/remove">
              <input type="hidden" name="return" value="home" />
              <Button type="submit" variant="danger" small>
                Remove the demo data
              </Button>
            </form>
          </>
        ) : (
          <>
            <p>
              Nothing to look at yet? Load a realistic demo MSP into codex (companies DEMO-…, their people, assets of
              every billing type, plans, and months of tickets with time entries) to try every page and a month of
              bills. It can be removed again without touching real data.
            </p>
            <form method="post" action="/codex/admin/demo">
              <input type="hidden" name="return" value="home" />
              <Button type="submit">Load the demo data</Button>
            </form>
          </>
        )}
      </Card>
    </div>
  );
}

/** The setup reminder: shown to an admin while a step of helm's checklist is neither done nor skipped. */
function SetupReminder({ setup }: { setup: HomeData['setup'] }): JSX.Element | null {
  if (setup.kind !== 'ok' || setup.data.pending === 0) return null;
  const open = setup.data.steps
    .filter((step) => step.state === 'open')
    .map((step) => STEP_NAMES[step.step] ?? step.step);
  return (
    <div id="home-setup">
      <Alert variant="info" title={`Finish setting up: ${count.format(setup.data.pending)} step(s) left`}>
        {/* A text link: the design system styles links in an alert as text (a .btn there lost its colours). */}
        <p>
          Still to do: {open.join('; ')}. Each step can be skipped and reopened later.{' '}
          <a href="/helm/setup">
            <strong>Open the setup checklist</strong>
          </a>
        </p>
      </Alert>
    </div>
  );
}

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

function Time({ iso }: { iso: string }): JSX.Element {
  const date = new Date(iso);
  return <time datetime={iso}>{Number.isNaN(date.getTime()) ? iso : `${when.format(date)} UTC`}</time>;
}

/** A panel's frame: its title, its count, and the body (or why there is none). */
function Panel<T>({
  id,
  title,
  href,
  fetched,
  service,
  children,
}: {
  id: string;
  title: string;
  href: string;
  fetched: Fetched<T>;
  service: string;
  children: (data: T) => ComponentChildren;
}): JSX.Element | null {
  if (fetched.kind === 'absent' || fetched.kind === 'forbidden') return null;
  const actions = (
    <a class="btn btn--ghost btn--small" href={href}>
      Open
    </a>
  );
  if (fetched.kind === 'unavailable') {
    return (
      <Card id={id} title={title} variant="warning" actions={actions}>
        <p data-unavailable={service}>
          {service} is not available right now ({fetched.reason}); the rest of this page is current.
        </p>
      </Card>
    );
  }
  return (
    <Card id={id} title={title} actions={actions}>
      {children(fetched.data)}
    </Card>
  );
}

function severityBadge(severity: string): JSX.Element {
  const variant =
    severity === 'critical' || severity === 'error' ? 'danger' : severity === 'warning' ? 'warning' : 'info';
  return <Badge variant={variant}>{severity}</Badge>;
}

function syncBadge(status: string): JSX.Element {
  const variant =
    status === 'succeeded' ? 'success' : status === 'failed' ? 'danger' : status === 'partial' ? 'warning' : 'info';
  return <Badge variant={variant}>{status}</Badge>;
}

/** The whole page as an HTML document. */
export function renderHomePage({ userName, data, shortcuts }: HomePageProps): string {
  return renderDocument(
    <Page title="Home" service="nexus" description="What needs attention across the platform">
      <PageHeader
        title={`Welcome, ${userName}`}
        description="What needs attention across the platform, and where to start."
      />
      <SetupReminder setup={data.setup} />
      <DemoCard demo={data.demo} />
      <div class="dashboard-grid dashboard-grid--two-col">
        <Panel id="home-alerts" title="Open alerts" href="/helm/alerts" fetched={data.alerts} service="helm">
          {(alerts) =>
            alerts.length === 0 ? (
              <p class="u-text-muted">No open alerts.</p>
            ) : (
              <Table
                label="Open alerts"
                columns={[
                  { key: 'severity', label: 'Severity' },
                  { key: 'title', label: 'Alert', truncate: true },
                  { key: 'opened', label: 'Since' },
                ]}
                rows={alerts.map((alert) => ({
                  severity: severityBadge(alert.severity),
                  title: alert.title,
                  opened: <Time iso={alert.opened_at} />,
                }))}
              />
            )
          }
        </Panel>
        <Panel id="home-health" title="Services not healthy" href="/helm/" fetched={data.unhealthy} service="helm">
          {(services) =>
            services.length === 0 ? (
              <p class="u-text-muted">Every running service is healthy.</p>
            ) : (
              <Table
                label="Services not healthy"
                columns={[
                  { key: 'name', label: 'Service' },
                  { key: 'health', label: 'Health' },
                  { key: 'message', label: 'Detail', truncate: true },
                ]}
                rows={services.map((service) => ({
                  name: <a href={`/helm/services/${encodeURIComponent(service.name)}`}>{service.name}</a>,
                  health: (
                    <Badge variant="danger">
                      {service.health} ({service.state})
                    </Badge>
                  ),
                  message: service.message ?? '',
                }))}
              />
            )
          }
        </Panel>
        <Panel
          id="home-syncs"
          title="Integrations: last sync"
          href="/codex/admin/integrations"
          fetched={data.syncs}
          service="codex"
        >
          {(runs) =>
            runs.length === 0 ? (
              <p class="u-text-muted">No sync has run yet. Connect an integration in codex to start.</p>
            ) : (
              <Table
                label="Last sync of each integration"
                columns={[
                  { key: 'job', label: 'Job' },
                  { key: 'status', label: 'Result' },
                  { key: 'at', label: 'Started' },
                  { key: 'errors', label: 'Errors', truncate: true },
                ]}
                rows={runs.map((run) => ({
                  job: run.job,
                  status: syncBadge(run.status),
                  at: <Time iso={run.started_at} />,
                  errors: run.errors.length === 0 ? '' : `${count.format(run.errors.length)}: ${run.errors[0] ?? ''}`,
                }))}
              />
            )
          }
        </Panel>
        <Panel
          id="home-review"
          title="Bills waiting for review"
          href="/ledger/review"
          fetched={data.review}
          service="ledger"
        >
          {(review) =>
            review.bills.length === 0 ? (
              <p class="u-text-muted">No bill of {review.period} is waiting for review.</p>
            ) : (
              <>
                <p>
                  <strong>{count.format(review.bills.length)}</strong> bill(s) of {review.period} changed enough to need
                  a look.
                </p>
                <Table
                  label="Bills waiting for review"
                  columns={[
                    { key: 'name', label: 'Client' },
                    { key: 'why', label: 'Why', truncate: true },
                  ]}
                  rows={review.bills.slice(0, 8).map((bill) => ({
                    name: <a href={`/ledger/clients/${encodeURIComponent(bill.account_number)}`}>{bill.name}</a>,
                    why: bill.flags.map((flag) => flag.message).join('; '),
                  }))}
                />
              </>
            )
          }
        </Panel>
        <Panel id="home-overdue" title="Tickets overdue" href="/beacon/" fetched={data.overdue} service="beacon">
          {(tickets) =>
            tickets.length === 0 ? (
              <p class="u-text-muted">No ticket is overdue.</p>
            ) : (
              <>
                <p>
                  <strong>{count.format(tickets.length)}</strong> ticket(s) overdue.
                </p>
                <Table
                  label="Tickets overdue"
                  columns={[
                    { key: 'number', label: 'Ticket' },
                    { key: 'subject', label: 'Subject', truncate: true },
                    { key: 'reason', label: 'Why' },
                  ]}
                  rows={tickets.slice(0, 8).map((ticket) => ({
                    number: ticket.number,
                    subject: `${ticket.subject}${ticket.company === null ? '' : ` (${ticket.company})`}`,
                    reason: ticket.reason,
                  }))}
                />
              </>
            )
          }
        </Panel>
      </div>
      <Card id="home-shortcuts" title="Shortcuts">
        {shortcuts.length === 0 ? (
          <EmptyState
            title="Nothing to open yet"
            message="No service is open to your permission level yet. Ask an administrator."
          />
        ) : (
          <div class="dashboard-grid">
            {shortcuts.map((shortcut) => (
              <a class="dashboard-card" href={shortcut.href}>
                <span class="dashboard-card__content">
                  <span class="dashboard-card__title">{shortcut.label}</span>
                  <span class="dashboard-card__meta">{shortcut.hint}</span>
                </span>
              </a>
            ))}
          </div>
        )}
      </Card>
    </Page>,
  );
}
