/**
 * The living style guide: every SDK component and the main design-system blocks, with realistic
 * content and nothing but classes (services ship no CSS). Interactive parts (tabs, the modal, the
 * accent picker, the theme toggle) work through the gateway's static scripts.
 */
import type { ComponentChildren, JSX } from 'preact';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Page,
  PageHeader,
  Pagination,
  SelectField,
  Table,
  TextArea,
  TextField,
  type ButtonVariant,
} from '@hivematrix/sdk/html';
import type { Query } from '@hivematrix/sdk';
import { CODE_SAMPLE, COMPANIES, LOGS, SERVICES } from './style-guide-data.js';
import { Appearance, Chat, Icon, ServiceBlocks } from './style-guide-blocks.js';
import { Figures } from './style-guide-figures.js';

export interface StyleGuideProps {
  /** The sample pagination's current page. */
  page: number;
  urlFor: (path: string, query?: Query) => string;
}

const VARIANTS: readonly ButtonVariant[] = ['primary', 'secondary', 'success', 'danger', 'warning', 'ghost'];

function Label({ children }: { children: ComponentChildren }): JSX.Element {
  return <p class="info-item__label u-mb-1">{children}</p>;
}

function Stat({
  icon,
  title,
  count,
  label,
}: {
  icon: string;
  title: string;
  count: string;
  label: string;
}): JSX.Element {
  return (
    <a class="dashboard-card" href="#tables">
      <span class="dashboard-card__icon">
        <Icon name={icon} />
      </span>
      <span class="dashboard-card__content">
        <span class="dashboard-card__title">{title}</span>
        <span class="dashboard-card__count">{count}</span>
        <span class="dashboard-card__meta">{label}</span>
      </span>
    </a>
  );
}

function Buttons(): JSX.Element {
  return (
    <Card title="Buttons" id="buttons">
      <Label>Variants</Label>
      <div class="btn-group u-mb-2">
        {VARIANTS.map((variant) => (
          <Button variant={variant}>{variant[0]?.toUpperCase() + variant.slice(1)}</Button>
        ))}
      </div>
      <Label>Small, with icons, disabled</Label>
      <div class="btn-group u-mb-2">
        <Button small>
          <Icon name="plus" /> New company
        </Button>
        <Button small variant="secondary">
          <Icon name="pencil" /> Edit
        </Button>
        <Button small variant="danger">
          <Icon name="trash" /> Delete
        </Button>
        <Button disabled>Disabled</Button>
        <Button href="https://example.com/docs" variant="secondary" target="_blank">
          External link
        </Button>
      </div>
      <Label>Attached group and row actions</Label>
      <div class="u-flex u-flex-wrap u-items-center u-flex-gap-2">
        <div class="btn-group btn-group--attached" role="group" aria-label="Period">
          <Button variant="secondary" small>
            Day
          </Button>
          <Button variant="secondary" small aria-pressed="true">
            Week
          </Button>
          <Button variant="secondary" small>
            Month
          </Button>
        </div>
        <span class="action-icons">
          <button type="button" class="action-icon action-icon--success" aria-label="Approve" data-tooltip="Approve">
            <Icon name="check" />
          </button>
          <button type="button" class="action-icon action-icon--neutral" aria-label="Edit" data-tooltip="Edit">
            <Icon name="pencil" />
          </button>
          <button type="button" class="action-icon action-icon--danger" aria-label="Delete" data-tooltip="Delete">
            <Icon name="trash" />
          </button>
        </span>
        <div class="view-switcher" role="group" aria-label="View">
          <button type="button" class="view-switcher__button view-switcher__button--active" aria-pressed="true">
            Grid
          </button>
          <button type="button" class="view-switcher__button" aria-pressed="false">
            List
          </button>
        </div>
      </div>
    </Card>
  );
}

function Feedback(): JSX.Element {
  return (
    <Card title="Alerts and badges" id="feedback">
      <Alert variant="success" title="Invoices sent">
        112 invoices for November went out to billing contacts.
      </Alert>
      <Alert variant="info">The PSA sync runs every 15 minutes; the last run finished at 12:00.</Alert>
      <Alert variant="warning" title="Certificate expires soon">
        The gateway certificate expires in 9 days.
      </Alert>
      <Alert variant="error" title="Ledger is unreachable">
        Billing pages may be out of date until it is back.
      </Alert>
      <Label>Badges</Label>
      <div class="u-flex u-flex-wrap u-flex-gap-1 u-mb-2">
        <Badge>Default</Badge>
        <Badge variant="success">Paid</Badge>
        <Badge variant="warning">Due soon</Badge>
        <Badge variant="danger">Overdue</Badge>
        <Badge variant="info">Draft</Badge>
        <Badge variant="gold">Gold partner</Badge>
        <Badge variant="platinum">Platinum</Badge>
        <span class="group-badge">technicians</span>
      </div>
      <Label>Status, severity and priority</Label>
      <div class="u-flex u-flex-wrap u-flex-gap-1 u-mb-2">
        {(['running', 'healthy', 'degraded', 'unhealthy', 'stopped'] as const).map((s) => (
          <span class={`status-badge status-badge--${s}`}>{s}</span>
        ))}
      </div>
      <div class="u-flex u-flex-wrap u-flex-gap-1 u-mb-2">
        {(['none', 'low', 'medium', 'high', 'critical'] as const).map((s) => (
          <span class={`severity-badge severity-badge--${s}`}>{s}</span>
        ))}
      </div>
      <div class="u-flex u-flex-wrap u-flex-gap-1 u-mb-2">
        {(['low', 'medium', 'high', 'urgent'] as const).map((p) => (
          <span class={`priority-badge priority-badge--${p}`}>{p} priority</span>
        ))}
      </div>
      <p class="u-flex u-flex-wrap u-items-center u-flex-gap-1 u-text-sm u-mb-0">
        <span class="status-dot live" /> Live
        <span class="status-dot paused u-ml-2" /> Paused
        <span class="status-dot error u-ml-2" /> Error
        <span class="status-text status-text--success u-ml-2">Backups OK</span>
        <span class="status-text status-text--danger u-ml-1">2 agents offline</span>
      </p>
    </Card>
  );
}

function Forms(): JSX.Element {
  return (
    <Card title="Forms" id="forms">
      <form method="get" action="#forms" class="u-mb-2">
        <div class="form-row">
          <TextField
            name="company"
            label="Company name"
            required
            value="Northwind Traders"
            hint="As it appears on invoices."
          />
          <TextField
            name="email"
            type="email"
            label="Billing e-mail"
            value="billing@northwind"
            error="Enter a complete e-mail address."
          />
        </div>
        <div class="form-row">
          <SelectField
            name="plan"
            label="Plan"
            placeholder="Choose a plan…"
            value="pro"
            options={[
              { value: 'essentials', label: 'Managed Essentials' },
              { value: 'pro', label: 'Managed Pro' },
              { value: 'co', label: 'Co-managed' },
            ]}
          />
          <TextField name="seats" type="number" label="Seats" value={48} min={1} />
        </div>
        <TextArea name="notes" label="Notes" rows={3} placeholder="Anything the technicians should know" />
        <Checkbox name="autopay" label="Charge the card on file automatically" checked />
        <Checkbox name="archived" label="Archived (read only)" disabled />
        <div class="action-footer">
          <Button variant="ghost">Cancel</Button>
          <Button type="submit">Save company</Button>
        </div>
      </form>
      <Label>Search and inline controls</Label>
      <div class="search-form">
        <div class="search-form__controls">
          <input
            class="search-form__input"
            type="search"
            name="q"
            aria-label="Search companies"
            placeholder="Search companies, contacts, assets…"
          />
          <select class="form-inline__select" aria-label="Status">
            <option>All statuses</option>
            <option>Healthy</option>
          </select>
          <Button variant="secondary">Search</Button>
        </div>
      </div>
      <div class="input-group">
        <span class="input-group__addon">https://</span>
        <input class="form-group__input" aria-label="Portal address" value="portal.northwind.example" />
        <Button variant="secondary">Copy</Button>
      </div>
    </Card>
  );
}

function Tables({ page, urlFor }: StyleGuideProps): JSX.Element {
  return (
    <Card
      title="Companies"
      id="tables"
      actions={
        <Button small variant="secondary">
          Export CSV
        </Button>
      }
    >
      <div class="results-header">
        <p class="results-header__count">4 of 231 companies</p>
        <div class="results-header__controls">
          <Badge variant="info">Filtered: active</Badge>
        </div>
      </div>
      <Table
        label="Companies"
        columns={[
          { key: 'name', label: 'Company', truncate: true },
          { key: 'plan', label: 'Plan' },
          { key: 'contact', label: 'Contact', truncate: true },
          { key: 'seats', label: 'Seats', align: 'right' },
          { key: 'status', label: 'Status', align: 'center' },
        ]}
        rows={COMPANIES.map((c) => ({
          ...c,
          status: <span class={`status-badge status-badge--${c.status}`}>{c.status}</span>,
        }))}
      />
      <Pagination page={page} perPage={4} total={231} hrefFor={(p) => urlFor('/style-guide', { page: p })} />
      <div class="table-wrapper u-mt-3">
        <table class="data-table data-table--compact" aria-label="Services">
          <thead>
            <tr>
              <th scope="col" class="sortable-header sort-asc" aria-sort="ascending">
                Service
              </th>
              <th scope="col" class="sortable-header">
                Port
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="u-text-right">
                Uptime
              </th>
            </tr>
          </thead>
          <tbody>
            {SERVICES.map((s) => (
              <tr>
                <td>
                  <code>{s.name}</code>
                </td>
                <td>{s.port}</td>
                <td>
                  <span class={`status-badge status-badge--${s.status}`}>{s.status}</span>
                </td>
                <td class="u-text-right">{s.uptime}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function Navigation(): JSX.Element {
  return (
    <Card title="Navigation" id="navigation">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <ol class="breadcrumb__list">
          <li class="breadcrumb__item">
            <a class="breadcrumb__link" href="#navigation">
              Codex
            </a>
            <span class="breadcrumb__separator" aria-hidden="true">
              /
            </span>
          </li>
          <li class="breadcrumb__item">
            <a class="breadcrumb__link" href="#navigation">
              Companies
            </a>
            <span class="breadcrumb__separator" aria-hidden="true">
              /
            </span>
          </li>
          <li class="breadcrumb__item" aria-current="page">
            Northwind Traders
          </li>
        </ol>
      </nav>
      <div class="tabs" role="tablist" aria-label="Company">
        <button
          type="button"
          class="tabs__tab tabs__tab--active"
          role="tab"
          id="tab-overview"
          aria-selected="true"
          aria-controls="panel-overview"
        >
          Overview
        </button>
        <button
          type="button"
          class="tabs__tab"
          role="tab"
          id="tab-assets"
          aria-selected="false"
          aria-controls="panel-assets"
          tabindex={-1}
        >
          Assets
        </button>
        <button
          type="button"
          class="tabs__tab"
          role="tab"
          id="tab-billing"
          aria-selected="false"
          aria-controls="panel-billing"
          tabindex={-1}
        >
          Billing
        </button>
      </div>
      <div class="tab-content tab-content--active" role="tabpanel" id="panel-overview" aria-labelledby="tab-overview">
        <div class="info-grid">
          <div class="info-item">
            <span class="info-item__label">Account manager</span>
            <span class="info-item__value">Jordan Reyes</span>
          </div>
          <div class="info-item">
            <span class="info-item__label">Contract ends</span>
            <span class="info-item__value">31 March 2027</span>
          </div>
          <div class="info-item">
            <span class="info-item__label">Open tickets</span>
            <span class="info-item__value">7</span>
          </div>
        </div>
      </div>
      <div class="tab-content" role="tabpanel" id="panel-assets" aria-labelledby="tab-assets" hidden>
        <p>148 assets: 112 workstations, 21 servers, 15 network devices.</p>
      </div>
      <div class="tab-content" role="tabpanel" id="panel-billing" aria-labelledby="tab-billing" hidden>
        <p>Billed monthly in arrears; last invoice 1 November, $6,480.00.</p>
      </div>
      <div class="u-grid u-grid-auto-fill u-mt-3">
        <div>
          <Label>Dropdown</Label>
          <div class="dropdown dropdown--visible dropdown--inline" role="listbox" aria-label="Matching contacts">
            <div class="dropdown__item" role="option" aria-selected="true">
              <span class="dropdown__item-title">Maria Anders</span>
              <span class="dropdown__item-subtitle">Northwind Traders · Owner</span>
            </div>
            <div class="dropdown__item" role="option" aria-selected="false">
              <span class="dropdown__item-title">Ana Trujillo</span>
              <span class="dropdown__item-subtitle">Contoso Dental · Office manager</span>
            </div>
          </div>
        </div>
        <div>
          <Label>Context menu</Label>
          <div class="context-menu context-menu--inline" role="menu" aria-label="Asset actions">
            <ul class="context-menu__list">
              <li>
                <button type="button" class="context-menu__item" role="menuitem">
                  <Icon name="pencil" /> Rename
                </button>
              </li>
              <li>
                <button type="button" class="context-menu__item" role="menuitem">
                  <Icon name="folder" /> Move to…
                </button>
              </li>
              <li class="context-menu__separator" role="separator" />
              <li>
                <button type="button" class="context-menu__item context-menu__item--danger" role="menuitem">
                  <Icon name="trash" /> Delete
                </button>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </Card>
  );
}

function Overlays(): JSX.Element {
  return (
    <Card title="Modal, toasts, loading" id="overlays">
      <div class="u-grid u-grid-auto-fill">
        <div>
          <Label>Modal dialog</Label>
          <div class="modal__dialog" role="group" aria-label="Modal preview">
            <div class="modal__header">
              <h3 class="modal__title">Delete asset?</h3>
              <button type="button" class="modal__close" aria-label="Close">
                <Icon name="x" />
              </button>
            </div>
            <div class="modal__body">
              <p>
                This removes <strong>NW-LAPTOP-042</strong> and its history.
              </p>
              <div class="modal__detail-row">
                <span class="modal__detail-label">Serial</span>
                <span class="modal__detail-value">5CG2341XYZ</span>
              </div>
              <div class="modal__detail-row">
                <span class="modal__detail-label">Assigned to</span>
                <span class="modal__detail-value">Maria Anders</span>
              </div>
            </div>
            <div class="modal__footer">
              <Button variant="secondary">Cancel</Button>
              <Button variant="danger">Delete</Button>
            </div>
          </div>
          <Button variant="secondary" class="u-mt-2" data-modal-open="style-guide-modal">
            Open the modal
          </Button>
        </div>
        <div>
          <Label>Toasts</Label>
          <div class="toast-container toast-container--inline u-mb-2">
            <div class="toast toast--success" role="status">
              <div>
                <p class="toast__title">Saved</p>
                <p class="toast__message">Northwind Traders was updated.</p>
              </div>
            </div>
            <div class="toast toast--error" role="alert">
              <div>
                <p class="toast__title">Sync failed</p>
                <p class="toast__message">The PSA answered 503.</p>
              </div>
            </div>
          </div>
          <Label>Loading and skeletons</Label>
          <div class="loading">Loading assets…</div>
          <div class="u-flex u-flex-gap u-items-center">
            <span class="skeleton skeleton--avatar" />
            <div class="u-flex-1">
              <span class="skeleton skeleton--text" />
              <span class="skeleton skeleton--text" />
            </div>
          </div>
        </div>
      </div>
      <div
        class="modal"
        id="style-guide-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="style-guide-modal-title"
        aria-hidden="true"
      >
        <div class="modal__dialog">
          <div class="modal__header">
            <h3 class="modal__title" id="style-guide-modal-title">
              Invite a technician
            </h3>
            <button type="button" class="modal__close" aria-label="Close">
              <Icon name="x" />
            </button>
          </div>
          <div class="modal__body">
            <TextField name="invite" type="email" label="E-mail" placeholder="name@example.com" />
          </div>
          <div class="modal__footer">
            <Button variant="secondary" data-modal-close="">
              Cancel
            </Button>
            <Button>Send invitation</Button>
          </div>
        </div>
      </div>
    </Card>
  );
}

function CodeAndLogs(): JSX.Element {
  return (
    <Card title="Code and logs" id="code">
      <pre class="code-block">
        <code>{CODE_SAMPLE}</code>
      </pre>
      <p>
        Inline: run <code class="code-block code-block--inline">./start.sh</code> to bring the platform up.
      </p>
      <div class="log-container" role="log" aria-label="Recent logs">
        <div class="log-header">
          <span>helm · last 5 records</span>
          <span class="logs-status">
            <span class="status-dot live" /> streaming
          </span>
        </div>
        <div class="log-content">
          {LOGS.map((log) => (
            <div class="log-entry">
              <span class="log-time">{log.time}</span>
              <span class={`log-level ${log.level}`}>{log.level}</span>
              <span class="log-service">{log.service}</span>
              <span class="log-message">{log.message}</span>
            </div>
          ))}
        </div>
      </div>
    </Card>
  );
}

/** The style guide page. */
export function StyleGuidePage(props: StyleGuideProps): JSX.Element {
  return (
    <Page title="Style guide" service="template" description="Every component of the HiveMatrix design system.">
      <PageHeader
        title="Style guide"
        description="Every component of the HiveMatrix design system, as services emit it and the gateway styles it."
        actions={
          <>
            <Button variant="secondary" href="#forms">
              Forms
            </Button>
            <Button href="#tables">
              <Icon name="plus" /> New company
            </Button>
          </>
        }
      />
      <div class="dashboard-grid">
        <Stat icon="building" title="Companies" count="231" label="+4 this month" />
        <Stat icon="ticket" title="Open tickets" count="42" label="7 past SLA" />
        <Stat icon="server" title="Servers healthy" count="37 / 38" label="1 degraded" />
        <Stat icon="receipt" title="Billed in November" count="$84,210" label="112 invoices" />
      </div>
      <div class="u-grid u-grid-2 u-mb-3">
        <Buttons />
        <Feedback />
      </div>
      <Tables {...props} />
      <Figures />
      <div class="u-grid u-grid-2 u-mb-3">
        <Forms />
        <Navigation />
      </div>
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Backups" variant="success" actions={<Badge variant="success">All passing</Badge>}>
          <p>Nightly backups of 21 servers finished at 02:14.</p>
        </Card>
        <Card title="Expiring licences" variant="warning">
          <p>6 Microsoft 365 licences renew in 5 days.</p>
        </Card>
        <Card title="Security" variant="danger">
          <p>2 endpoints report disabled antivirus.</p>
        </Card>
        <Card title="No documents">
          <EmptyState
            title="No articles yet"
            message="Write the first KnowledgeTree article for this company."
            action={
              <Button small>
                <Icon name="plus" /> New article
              </Button>
            }
            headingLevel={3}
          />
        </Card>
      </div>
      <Overlays />
      <CodeAndLogs />
      <ServiceBlocks />
      <div class="u-grid u-grid-2 u-mb-3">
        <Appearance />
        <Chat />
      </div>
    </Page>
  );
}
