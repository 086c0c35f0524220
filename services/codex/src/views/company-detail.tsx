/** A company: overview, plan and features, compliance, locations, contacts, assets and tickets. */
import type { JSX } from 'preact';
import { Button, Card, DateTime, PageHeader, Table, formatNumber } from '@hivematrix/sdk/html';
import { BILLING_TYPE_LABELS } from '../domain/index.js';
import type { CompanyDetailView } from './company-detail-view.js';
import { CodexPage, Info, StatusBadge } from './layout.js';
import { CompanyEditForms, PlanForm } from './company-forms.js';

/** `/companies/:account`. */
export function CompanyDetailPage(view: CompanyDetailView): JSX.Element {
  const { ctx, company } = view;
  const account = encodeURIComponent(company.accountNumber);
  return (
    <CodexPage title={company.name} ctx={ctx} flash={view.flash}>
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <ol class="breadcrumb__list">
          <li class="breadcrumb__item">
            <a class="breadcrumb__link" href={ctx.urlFor('/companies')}>
              Companies
            </a>
            <span class="breadcrumb__separator" aria-hidden="true">
              /
            </span>
          </li>
          <li class="breadcrumb__item" aria-current="page">
            {company.name}
          </li>
        </ol>
      </nav>
      <PageHeader
        title={company.name}
        description={`Account ${company.accountNumber}`}
        actions={
          company.archivedAt !== null ? (
            <StatusBadge status="archived">
              archived <DateTime value={company.archivedAt} />
            </StatusBadge>
          ) : undefined
        }
      />
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Overview">
          <div class="info-grid">
            <Info label="Plan">
              <span id="company-plan">{company.planName ?? 'No plan'}</span>
            </Info>
            <Info label="Contract term">{company.contractTerm ?? '—'}</Info>
            <Info label="Contract start">
              <DateTime value={company.contractStart} />
            </Info>
            <Info label="Contract end">
              <DateTime
                value={company.contractEnd}
                empty={company.contractTerm === 'Month to Month' ? 'Month to month' : '—'}
              />
            </Info>
            <Info label="Support level">{company.supportLevel ?? '—'}</Info>
            <Info label="Compliance level">{company.complianceLevel.toUpperCase()}</Info>
            <Info label="Main location">{company.mainLocation ?? '—'}</Info>
            <Info label="Phone">{company.phone ?? '—'}</Info>
            <Info label="Domains">{company.domains.length === 0 ? '—' : company.domains.join(', ')}</Info>
            <Info label="E-mail system">{company.emailSystem ?? '—'}</Info>
            <Info label="Phone system">{company.phoneSystem ?? '—'}</Info>
            <Info label="Managed (PSA)">{`${company.managedUsers === null ? '?' : formatNumber(company.managedUsers)} users · ${company.managedDevices === null ? '?' : formatNumber(company.managedDevices)} devices · ${company.managedNetwork === null ? '?' : formatNumber(company.managedNetwork)} network`}</Info>
          </div>
          {company.description !== null && <p class="u-mt-2">{company.description}</p>}
        </Card>
        <Card title="Plan and features">
          <Table
            label="Features"
            columns={[
              { key: 'feature', label: 'Feature' },
              { key: 'value', label: 'Value' },
              { key: 'source', label: 'Source' },
            ]}
            rows={view.features.map((feature) => ({
              feature: feature.displayName,
              value: feature.value,
              source:
                feature.source === 'override'
                  ? 'Custom for this company'
                  : feature.source === 'plan'
                    ? 'From the plan'
                    : 'Not set',
            }))}
          />
          {view.canEditPlan && <PlanForm view={view} />}
        </Card>
      </div>
      {(view.canEditDetails || view.canEditPlan) && <CompanyEditForms view={view} />}
      <Card title="Locations" class="u-mb-3">
        <Table
          label="Locations"
          columns={[
            { key: 'name', label: 'Name' },
            { key: 'address', label: 'Address' },
            { key: 'phone', label: 'Phone' },
            { key: 'actions', label: 'Actions', align: 'right' },
          ]}
          rows={view.locations.map((location) => ({
            name: location.name,
            address: location.address,
            phone: location.phone ?? '—',
            actions: view.canEditDetails ? (
              <form method="post" action={ctx.urlFor(`/companies/${account}/locations/${location.id}/delete`)}>
                <Button type="submit" variant="danger" small aria-label={`Delete location ${location.name}`}>
                  Delete
                </Button>
              </form>
            ) : (
              ''
            ),
          }))}
          empty={
            view.canEditDetails
              ? "No other locations: add one with the company's edit forms above."
              : 'No other locations.'
          }
        />
      </Card>
      <Card title={`Contacts (${formatNumber(view.contacts.length)})`} class="u-mb-3">
        <Table
          label="Contacts"
          columns={[
            { key: 'name', label: 'Name' },
            { key: 'email', label: 'E-mail' },
            { key: 'title', label: 'Title' },
            { key: 'active', label: 'Active' },
          ]}
          rows={view.contacts.map((contact) => ({
            name: <a href={ctx.urlFor(`/contacts/${contact.id}`)}>{contact.name}</a>,
            email: contact.email ?? '—',
            title: contact.jobTitle ?? '—',
            active: contact.active ? 'yes' : 'no',
          }))}
          empty="No contacts: the PSA sync brings the company's people."
        />
      </Card>
      <Card
        title={`Assets (${formatNumber(view.assets.total)})`}
        class="u-mb-3"
        actions={
          <Button small variant="secondary" href={ctx.urlFor('/assets', { company: company.accountNumber })}>
            All assets
          </Button>
        }
      >
        <Table
          label="Assets"
          columns={[
            { key: 'hostname', label: 'Hostname' },
            { key: 'type', label: 'RMM type' },
            { key: 'billing', label: 'Billed as' },
            { key: 'os', label: 'OS' },
            { key: 'status', label: 'Status' },
            { key: 'seen', label: 'Last seen' },
          ]}
          rows={view.assets.items.map((asset) => ({
            hostname: <a href={ctx.urlFor(`/assets/${asset.id}`)}>{asset.hostname}</a>,
            type: asset.rmmDeviceType ?? '—',
            billing: BILLING_TYPE_LABELS[asset.billingType ?? asset.billingTypeDerived],
            os: asset.operatingSystem ?? '—',
            status: (
              <StatusBadge status={asset.online ? 'online' : 'offline'}>
                {asset.online ? 'online' : 'offline'}
              </StatusBadge>
            ),
            seen: <DateTime value={asset.lastSeen} />,
          }))}
          empty="No assets: the RMM sync brings the devices of this company's site."
        />
      </Card>
      <Card
        title="Recent tickets"
        class="u-mb-3"
        actions={
          <Button
            small
            variant="secondary"
            href={ctx.urlFor('/tickets', { company: company.accountNumber, state: 'all' })}
          >
            All tickets
          </Button>
        }
      >
        <Table
          label="Tickets"
          columns={[
            { key: 'number', label: '#' },
            { key: 'subject', label: 'Subject', truncate: true },
            { key: 'status', label: 'Status' },
            { key: 'priority', label: 'Priority' },
            { key: 'updated', label: 'Updated' },
          ]}
          rows={view.tickets.map((ticket) => ({
            number: ticket.ticketNumber,
            subject: <a href={ctx.urlFor(`/tickets/${ticket.id}`)}>{ticket.subject || '(no subject)'}</a>,
            status: <StatusBadge status={ticket.status}>{ticket.status}</StatusBadge>,
            priority: <span class={`priority-badge priority-badge--${ticket.priority}`}>{ticket.priority}</span>,
            updated: <DateTime value={ticket.updatedAt} />,
          }))}
          empty="No tickets: the PSA sync brings the tickets of this company."
        />
      </Card>
      <KnowledgeCard view={view} />
      {view.audit.length > 0 && (
        <Card title="Plan history">
          <Table
            label="Plan history"
            columns={[
              { key: 'at', label: 'When' },
              { key: 'who', label: 'Who' },
              { key: 'what', label: 'What' },
            ]}
            rows={view.audit.map((event) => ({
              at: <DateTime value={event.at} />,
              who: event.actorName,
              what: event.action,
            }))}
          />
        </Card>
      )}
    </CodexPage>
  );
}

/** Knowledgetree's articles linked to or shared with the company; links go through the gateway. */
function KnowledgeCard({ view }: { view: CompanyDetailView }): JSX.Element {
  const { knowledge } = view;
  return (
    <Card title="Knowledge" class="u-mb-3" id="company-knowledge">
      {knowledge.status === 'unavailable' ? (
        <p class="u-text-muted">KnowledgeTree is unavailable; its articles cannot be listed right now.</p>
      ) : (
        <Table
          label="Knowledge articles"
          columns={[
            { key: 'title', label: 'Article' },
            { key: 'path', label: 'Folder', truncate: true },
            { key: 'updated', label: 'Updated' },
          ]}
          rows={knowledge.articles.map((article) => ({
            title: <a href={`/knowledgetree/view/${encodeURIComponent(article.id)}`}>{article.title}</a>,
            path: article.path,
            updated: <DateTime value={new Date(article.updated_at)} />,
          }))}
          empty="No articles linked to this company: link one from its page in KnowledgeTree."
        />
      )}
    </Card>
  );
}
